"""The address book and the goods library in the pages (issue 20.1), in English and Dutch: the organisation's people
read them, its administrators and preparers keep them; the guided application picks a party or goods line from them
without JavaScript, as a copy the exporter checks and saves; an application's party or line is saved into them."""
import html
import re
from decimal import Decimal

import pytest

from licensing.accounts.models import OrgRole
from licensing.applications import library
from licensing.applications.models import AddressBookEntry, Application, LibraryItem
from licensing.reference.models import Country
from tests.factories import UserFactory, application_draft, logged_in

pytestmark = pytest.mark.django_db

NAVY = {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, Bergen", "country": "NO", "party_type": "armed_forces", "website": "", "certificate_number": ""}
RADAR = {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "unit": "pieces", "manufacturer": "Noordzee", "part_number": "TX-400", "hs_code": ""}


def entry_of(exporter, **fields) -> AddressBookEntry:
    return library.address_entry_save(actor=exporter, data={**NAVY, "country": Country.objects.get(code="NO"), **fields})


def item_of(exporter, **fields) -> LibraryItem:
    return library.library_item_save(actor=exporter, data={**RADAR, "unit_value_eur": Decimal("30000.00"), **fields})


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def guided_draft(exporter) -> Application:
    return application_draft(exporter, parties=[], goods=[])


# --- the organisation's pages --------------------------------------------------------------------------------------
@pytest.mark.parametrize("language,words", [("en", ("Address book", "Goods library", "Add a party to the address book")), ("nl", ("Adresboek", "Goederenbibliotheek", "Een partij aan het adresboek toevoegen"))])
def test_the_organisation_page_leads_to_the_book_and_the_library_in_the_pages_language(exporter_a, language, words):
    entry_of(exporter_a)
    client = logged_in(exporter_a, language)
    organisation = text(client.get("/organisation/"))
    assert 'href="/organisation/address-book/"' in organisation and 'href="/organisation/goods-library/"' in organisation
    book = text(client.get("/organisation/address-book/"))
    assert words[0] in book and words[2] in book and "Royal Norwegian Navy" in book
    assert words[1] in text(client.get("/organisation/goods-library/"))


def test_a_preparer_adds_changes_and_removes_a_party_through_the_partys_own_form(org_a):
    client = logged_in(UserFactory(username="preparer", organisation=org_a, org_role=OrgRole.PREPARER))
    refused = client.post("/organisation/address-book/add/", {**NAVY, "name": "", "website": "not a site"})
    assert refused.status_code == 200 and "There is a problem" in text(refused) and not AddressBookEntry.objects.exists()  # the party's checks
    assert client.post("/organisation/address-book/add/", NAVY)["Location"] == "/organisation/address-book/"
    entry = AddressBookEntry.objects.get()
    assert (entry.organisation_id, entry.name, entry.country_id, entry.role) == (org_a.pk, "Royal Norwegian Navy", "NO", "end_user")
    form = text(client.get(f"/organisation/address-book/{entry.pk}/"))
    assert 'value="Royal Norwegian Navy"' in form
    assert client.post(f"/organisation/address-book/{entry.pk}/", {**NAVY, "name": "Royal Norwegian Navy (Bergen)"}).status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Royal Norwegian Navy (Bergen)"
    asked = client.post(f"/organisation/address-book/{entry.pk}/remove/")
    assert asked.status_code == 200 and "Remove Royal Norwegian Navy (Bergen) from your address book?" in text(asked) and AddressBookEntry.objects.exists()
    assert client.post(f"/organisation/address-book/{entry.pk}/remove/", {"confirmed": "yes"})["Location"] == "/organisation/address-book/"
    assert not AddressBookEntry.objects.exists()


def test_a_library_item_has_the_lines_product_fields_and_a_ruling_of_the_organisations_own(exporter_a, exporter_b):
    client = logged_in(exporter_a, "nl")
    page = text(client.get("/organisation/goods-library/add/"))
    assert "Gebruikelijke waarde per eenheid (EUR)" in page and "Indelingsbesluit" in page and 'name="quantity"' not in page  # a shipment's fields are not asked
    refused = client.post("/organisation/goods-library/add/", {**RADAR, "goods_kind": "", "unit_value_eur": "1.250,50", "ruling": "12"})
    assert refused.status_code == 200 and not LibraryItem.objects.exists()
    assert client.post("/organisation/goods-library/add/", {**RADAR, "unit_value_eur": "1.250,50"})["Location"] == "/organisation/goods-library/"
    item = LibraryItem.objects.get()
    assert (item.organisation_id, item.part_number, item.unit_value_eur, item.ruling) == (exporter_a.organisation_id, "TX-400", Decimal("1250.50"), None)
    listed = text(client.get("/organisation/goods-library/"))
    assert "Radar transmitter module" in listed and "1.250,50" in listed
    assert logged_in(exporter_b).get(f"/organisation/goods-library/{item.pk}/").status_code == 404


@pytest.mark.parametrize("role", [OrgRole.SIGNATORY, OrgRole.VIEWER])
def test_signatories_and_viewers_read_the_book_and_library_but_change_nothing(exporter_a, org_a, role):
    entry, item = entry_of(exporter_a), item_of(exporter_a)
    client = logged_in(UserFactory(username=f"reader-{role}", organisation=org_a, org_role=role))
    book, goods = text(client.get("/organisation/address-book/")), text(client.get("/organisation/goods-library/"))
    assert "Royal Norwegian Navy" in book and "Radar transmitter module" in goods
    assert "/organisation/address-book/add/" not in book and f"/organisation/address-book/{entry.pk}/remove/" not in book
    assert "A preparer or your organisation's administrator keeps the address book." in book
    for url in ("/organisation/address-book/add/", f"/organisation/address-book/{entry.pk}/", "/organisation/goods-library/add/", f"/organisation/goods-library/{item.pk}/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, NAVY).status_code == 403, url
    assert client.post(f"/organisation/address-book/{entry.pk}/remove/", {"confirmed": "yes"}).status_code == 403
    assert client.post(f"/organisation/goods-library/{item.pk}/remove/", {"confirmed": "yes"}).status_code == 403
    assert AddressBookEntry.objects.get().name == "Royal Norwegian Navy" and LibraryItem.objects.count() == 1


# --- picking in the guided application ---------------------------------------------------------------------------
@pytest.mark.parametrize("language,link,button,filled", [
    ("en", "Pick from address book", "Pick<span class=\"visually-hidden\"> Royal Norwegian Navy</span>", "Filled in from your address book"),
    ("nl", "Kies uit adresboek", "Kies<span class=\"visually-hidden\"> Royal Norwegian Navy</span>", "Ingevuld uit uw adresboek"),
])
def test_a_party_is_picked_from_the_address_book_as_a_copy_the_exporter_checks_and_saves(exporter_a, exporter_b, language, link, button, filled):
    entry = entry_of(exporter_a)
    entry_of(exporter_b, name="B's own navy")
    application = guided_draft(exporter_a)
    client = logged_in(exporter_a, language)
    base = f"/applications/{application.pk}/tasks/parties"
    listed = client.get(f"{base}/").content.decode()
    assert f'href="{base}/address-book/">{link}</a>' in listed
    pick = client.get(f"{base}/address-book/").content.decode()
    # A plain GET form to the add page: a button per entry, no JavaScript.
    assert f'<form method="get" action="{base}/add/">' in pick and f'name="entry" value="{entry.pk}">{button}</button>' in pick
    assert "B&#x27;s own navy" not in pick
    form = text(client.get(f"{base}/add/", {"entry": entry.pk}))
    assert filled in form and 'value="Royal Norwegian Navy"' in form and '<option value="end_user" selected>' in form
    assert not application.parties.exists()  # nothing is saved until the exporter saves the form
    # The exporter changes what differs this time and saves: the same form and service as a typed party.
    assert client.post(f"{base}/add/?entry={entry.pk}", {**NAVY, "address": "Postboks 1, Bergen"})["Location"] == f"{base}/"
    library.address_entry_save(actor=exporter_a, data={"name": "Renamed later"}, entry=entry)
    party = application.parties.get()
    assert (party.name, party.address, party.country_id) == ("Royal Norwegian Navy", "Postboks 1, Bergen", "NO")
    other = AddressBookEntry.objects.get(name="B's own navy")
    assert client.get(f"{base}/add/", {"entry": other.pk}).status_code == 404  # another organisation's entry


def test_a_picked_party_passes_exactly_the_checks_a_typed_one_does(exporter_a):
    entry = entry_of(exporter_a, website="not a site")  # kept in the book as it was once accepted
    application = guided_draft(exporter_a)
    client = logged_in(exporter_a)
    base = f"/applications/{application.pk}/tasks/parties"
    picked = {**NAVY, "website": entry.website}
    refused = client.post(f"{base}/add/?entry={entry.pk}", picked)
    assert refused.status_code == 200 and "There is a problem" in text(refused) and not application.parties.exists()


@pytest.mark.parametrize("language,link,button,filled", [
    ("en", "Pick from goods library", "Pick<span class=\"visually-hidden\"> Radar transmitter module</span>", "give the quantity and the value of this shipment"),
    ("nl", "Kies uit goederenbibliotheek", "Kies<span class=\"visually-hidden\"> Radar transmitter module</span>", "vul de hoeveelheid en de waarde van deze zending in"),
])
def test_a_goods_line_is_picked_from_the_library_without_the_shipments_quantity_and_value(exporter_a, language, link, button, filled):
    item = item_of(exporter_a)
    application = guided_draft(exporter_a)
    client = logged_in(exporter_a, language)
    base = f"/applications/{application.pk}/tasks/goods"
    assert f'href="{base}/library/">{link}</a>' in client.get(f"{base}/").content.decode()
    pick = client.get(f"{base}/library/").content.decode()
    assert f'<form method="get" action="{base}/add/">' in pick and f'name="item" value="{item.pk}">{button}</button>' in pick
    form = text(client.get(f"{base}/add/", {"item": item.pk}))
    assert filled in form and "Radar transmitter module</textarea>" in form and 'value="TX-400"' in form and 'value="ML5"' in form
    assert re.search(r'<input type="text" name="quantity"[^>]*>', form) and 'name="quantity" value' not in form
    assert 'name="value_eur" value' not in form
    line = {**RADAR, "quantity": "4", "value_eur": "120000"}
    assert client.post(f"{base}/add/?item={item.pk}", line)["Location"] == f"{base}/"
    saved = application.goods.get()
    assert (saved.description, saved.part_number, saved.quantity, saved.value_eur) == ("Radar transmitter module", "TX-400", Decimal("4"), Decimal("120000"))


def test_an_aluminium_item_picked_asks_its_smelt_and_cast_countries(exporter_a):
    item = item_of(exporter_a, description="Aluminium plate", goods_kind="unlisted", control_entry="", hs_code="7606")
    application = guided_draft(exporter_a)
    form = logged_in(exporter_a).get(f"/applications/{application.pk}/tasks/goods/add/", {"item": item.pk}).content.decode()
    assert 'name="first_smelt_country"' in form


# --- saving an application's party or line into the book and the library ----------------------------------------------
def test_an_applications_party_and_line_are_saved_to_the_book_and_the_library(exporter_a, org_a):
    application = application_draft(exporter_a)
    client = logged_in(exporter_a, "nl")
    base = f"/applications/{application.pk}/tasks"
    parties = client.get(f"{base}/parties/").content.decode()
    assert f'action="{base}/parties/1/save-to-address-book/"' in parties and "Bewaar in adresboek" in parties
    assert "Bewaar in goederenbibliotheek" in client.get(f"{base}/goods/").content.decode()
    assert client.post(f"{base}/parties/1/save-to-address-book/")["Location"] == f"{base}/parties/"
    assert client.post(f"{base}/goods/1/save-to-library/")["Location"] == f"{base}/goods/"
    again = client.post(f"{base}/parties/1/save-to-address-book/", follow=True)
    assert "Forsvarsmateriell staat al in uw adresboek." in text(again)
    assert list(AddressBookEntry.objects.values_list("name", flat=True)) == ["Forsvarsmateriell"]
    assert list(LibraryItem.objects.values_list("description", flat=True)) == ["Radar transmitter module"]
    assert client.post(f"{base}/parties/9/save-to-address-book/").status_code == 404
    signatory = logged_in(UserFactory(username="signatory", organisation=org_a, org_role=OrgRole.SIGNATORY))
    assert "save-to-address-book" not in signatory.get(f"{base}/parties/").content.decode()
    assert signatory.post(f"{base}/parties/2/save-to-address-book/").status_code == 403


def test_the_goods_of_a_ruled_classification_request_are_saved_to_the_library_with_the_ruling(exporter_a, officer, django_capture_on_commit_callbacks):
    from licensing.applications import services
    from tests.factories import decision_recorded, pdf_upload

    request = application_draft(exporter_a, {"kind": "classification", "goods": [{"goods_kind": "dual_use", "description": "Thermal camera core", "control_entry": "", "part_number": "TC-640"}]})
    services.document_add(actor=exporter_a, application=request, doc_type="technical_documentation", uploaded_file=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=exporter_a, application=request)
    decision_recorded(officer, request, outcome="ruled", entry="6A003.b.4")
    client = logged_in(exporter_a)
    page = client.get(f"/applications/{request.pk}/").content.decode()
    assert f'action="/applications/{request.pk}/tasks/goods/1/save-to-library/"' in page
    assert client.post(f"/applications/{request.pk}/tasks/goods/1/save-to-library/")["Location"] == f"/applications/{request.pk}/"
    item = LibraryItem.objects.get()
    assert (item.description, item.part_number, item.ruling_id) == ("Thermal camera core", "TC-640", request.pk)
    listed = text(client.get("/organisation/goods-library/"))
    assert f"{request.reference}</a>: 6A003.b.4" in listed
    # Picked into a new application, the ruling is told beside the copied product.
    draft = guided_draft(exporter_a)
    form = text(client.get(f"/applications/{draft.pk}/tasks/goods/add/", {"item": item.pk}))
    assert f"Classification ruling {request.reference}: 6A003.b.4." in form
    case = logged_in(officer).get(f"/office/cases/{request.pk}/")
    assert case.status_code == 200 and "Thermal camera core" in case.content.decode() and "save-to-library" not in case.content.decode()


def test_the_lists_and_pick_pages_take_the_same_queries_whatever_the_number_of_entries(exporter_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    draft = guided_draft(exporter_a)
    client = logged_in(exporter_a)
    pages = ("/organisation/address-book/", "/organisation/goods-library/", f"/applications/{draft.pk}/tasks/parties/address-book/", f"/applications/{draft.pk}/tasks/goods/library/")

    def counted() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    entry_of(exporter_a), item_of(exporter_a)
    few = counted()
    for n in range(30):
        entry_of(exporter_a, name=f"Party {n}", country=Country.objects.get(code="SE" if n % 2 else "NO"))
        item_of(exporter_a, description=f"Product {n}")
    assert counted() == few
