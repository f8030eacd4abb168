"""The address book and the goods library (issue 20.1) against the roles the authorisation matrix does not have: a
viewer of organisation A reads and is refused every change (403, nothing written), another organisation gets 404 for
A's entries and A's draft, and an agent acting for A never reaches organisation B's book (404 for B's entries,
403 for acting for B). Every URL pattern of the book and the library is listed here (the first test fails on one
that is not), each against organisation A's draft, entry and item."""
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from licensing.accounts import agents
from licensing.accounts.models import OrgRole
from licensing.applications import library
from licensing.applications.models import AddressBookEntry, LibraryItem
from licensing.audit.models import Event
from licensing.reference.models import Country
from tests.factories import OrganisationFactory, UserFactory, application_draft

from .access import ACCESS

pytestmark = pytest.mark.django_db

# Each pattern of the book and the library: whether it only reads (GET), and the body of a change.
NAVY = {"role": "end_user", "name": "Royal Norwegian Navy", "country": "NO", "party_type": "armed_forces"}
RADAR = {"goods_kind": "military", "description": "Radar transmitter module", "unit": "pieces"}
ROUTES = {
    "organisation-address-book": NAVY,
    "organisation-address-book-add": NAVY,
    "organisation-address-book-entry": NAVY,
    "organisation-address-book-remove": {"confirmed": "yes"},
    "organisation-goods-library": RADAR,
    "organisation-goods-library-add": RADAR,
    "organisation-goods-library-item": RADAR,
    "organisation-goods-library-remove": {"confirmed": "yes"},
    "exporter:guided-party-pick": {},
    "exporter:guided-goods-pick": {},
    "exporter:guided-party-save": {},
    "exporter:guided-goods-save": {},
    "api:application-party-save": {},
    "api:application-goods-save": {},
    "api:address-book-list": NAVY,
    "api:address-book-detail": NAVY,
    "api:goods-library-list": RADAR,
    "api:goods-library-detail": RADAR,
}
# The pages that change the book (their GET is the change form): a reader gets 403 for GET as well.
KEEPERS_ONLY_GET = {"organisation-address-book-add", "organisation-address-book-entry", "organisation-goods-library-add", "organisation-goods-library-item"}
# The patterns of no object: the lists and the add pages.
LISTS = ("organisation-address-book", "organisation-goods-library", "api:address-book-list", "api:goods-library-list")
NO_OBJECT = (*LISTS, "organisation-address-book-add", "organisation-goods-library-add")


def test_every_pattern_of_the_book_and_the_library_is_tested_here():
    ours = {n for n in ACCESS if "address-book" in n or "goods-library" in n or n.startswith(("exporter:guided-", "api:application-")) and n.endswith(("-pick", "-save"))}
    assert ours == set(ROUTES)


@pytest.fixture
def world(exporter_a, exporter_b, org_a):
    no = Country.objects.get(code="NO")
    return {
        "draft": application_draft(exporter_a),
        "entry": library.address_entry_save(actor=exporter_a, data={**NAVY, "country": no}),
        "item": library.library_item_save(actor=exporter_a, data=RADAR),
        "entry_b": library.address_entry_save(actor=exporter_b, data={**NAVY, "name": "B's own party", "country": no}),
        "item_b": library.library_item_save(actor=exporter_b, data={**RADAR, "description": "B's own product"}),
        "viewer": UserFactory(username="viewer_a", organisation=org_a, org_role=OrgRole.VIEWER),
    }


def url_of(name: str, world, *, entry="entry", item="item") -> str:
    kwargs = {}
    if name.startswith(("exporter:", "api:application-")):
        kwargs["pk"] = world["draft"].pk
        if name.endswith("-save"):
            kwargs["n"] = 1
    elif name in ("api:address-book-detail", "api:goods-library-detail"):
        kwargs["pk"] = world[entry if "address" in name else item].pk
    elif name.endswith(("-entry", "-remove", "-item")):
        kwargs["entry_id" if "address" in name else "item_id"] = world[entry if "address" in name else item].pk
    return reverse(name, kwargs=kwargs)


def client_of(user, name: str, acting_for=None):
    if name.startswith("api:"):  # a token, as a client sends it: X-Acting-For is read when the token is
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        headers = {"HTTP_X_ACTING_FOR": str(acting_for)} if acting_for is not None else {}
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", **headers)
        return client
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    if acting_for is not None:
        session = client.session
        session[agents.SESSION_KEY] = acting_for
        session.save()
    return client


def send(client, name: str, method: str, url: str):
    body = ROUTES[name]
    if method == "GET":
        return client.get(url)
    if name.startswith("api:"):
        return getattr(client, method.lower())(url, body, format="json")
    return client.post(url, body)


def written() -> tuple:
    return AddressBookEntry.objects.count(), LibraryItem.objects.count(), Event.objects.count(), tuple(AddressBookEntry.objects.order_by("pk").values_list("name", flat=True))


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_a_viewer_reads_and_is_refused_every_change(world, name):
    client = client_of(world["viewer"], name)
    url = url_of(name, world)
    for method in sorted(ACCESS[name].allow):
        before = written()
        response = send(client, name, method, url)
        if method == "GET" and name not in KEEPERS_ONLY_GET:
            assert response.status_code == 200, f"{method} {url} -> {response.status_code}"
            continue
        assert response.status_code == 403, f"{method} {url} as a viewer -> {response.status_code}"
        assert written() == before, f"{method} {url}: refused, but the database changed"


@pytest.mark.parametrize("name", sorted(n for n in ROUTES if n not in NO_OBJECT))
def test_another_organisation_gets_404_for_organisation_as_objects(world, exporter_b, name):
    client = client_of(exporter_b, name)
    url = url_of(name, world)
    for method in sorted(ACCESS[name].allow):
        before = written()
        assert send(client, name, method, url).status_code == 404, f"{method} {url} as organisation B"
        assert written() == before


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_an_agent_acting_for_a_never_reaches_organisation_bs_book(world, exporter_a, exporter_b, org_a, name):
    agent = UserFactory(username="agent", organisation=OrganisationFactory(name="Douane Expeditie B.V."))
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.PREPARER)
    client = client_of(agent, name, acting_for=org_a.pk)
    if name in LISTS:
        listed = client.get(url_of(name, world)).content.decode()
        assert "Royal Norwegian Navy" in listed or "Radar transmitter module" in listed
        assert "B&#x27;s own" not in listed and "B's own" not in listed
    elif name not in NO_OBJECT and not name.startswith(("exporter:", "api:application-")):  # B's entry or item by its id: not there
        url = url_of(name, world, entry="entry_b", item="item_b")
        for method in sorted(ACCESS[name].allow):
            before = written()
            assert send(client, name, method, url).status_code == 404, f"{method} {url} acting for A"
            assert written() == before
    if name.startswith("api:"):  # naming B in X-Acting-For: refused before anything is looked up
        refused = client_of(agent, name, acting_for=exporter_b.organisation_id).get(url_of(name, world, entry="entry_b", item="item_b"))
        assert refused.status_code == 403 and refused.json()["code"] == "not_acting_for"


ODD_NAMES = [
    "\u00a0Royal\u00a0Norwegian Navy\u00a0",  # no-break spaces, leading and trailing too
    "Ro\u200bs\u043eb\u043er\u043enexp\u043ert",  # a zero-width space and Cyrillic look-alike letters
    "\uff32\uff4f\uff53\uff4f\uff42\uff4f\uff52\uff4f\uff4e\uff45\uff58\uff50\uff4f\uff52\uff54",  # full-width letters
    "\u202eAcme\u202c Ltd",  # a right-to-left override
]


@pytest.mark.parametrize("name", ODD_NAMES, ids=["no-break", "zero-width-look-alike", "full-width", "bidi"])
def test_an_odd_name_is_kept_in_the_book_exactly_as_a_typed_party_keeps_it(exporter_a, name):
    """The address book takes a name through the party's own form and API serializer: whatever a typed party keeps
    (screening folds it later with core.names), the book keeps too, on the page and through the API alike."""
    draft = application_draft(exporter_a, parties=[])
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(exporter_a)
    body = {**NAVY, "name": name}
    assert page.post(reverse("exporter:guided-party-add", kwargs={"pk": draft.pk}), body).status_code == 302
    assert page.post(reverse("organisation-address-book-add"), body).status_code == 302
    api = client_of(exporter_a, "api:address-book-list")
    assert api.post(reverse("api:address-book-list"), body, format="json").status_code == 201
    typed = draft.parties.get().name
    assert list(AddressBookEntry.objects.filter(organisation=exporter_a.organisation).values_list("name", flat=True)) == [typed, typed]
