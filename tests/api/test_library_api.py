"""The address book and the goods library through the API (issue 20.1): the organisation's own, checked as an
application's party and goods line are, kept by its administrators and preparers, read by everyone of it; an
agent reaches those of the organisation named in X-Acting-For only."""
import pytest

from licensing.accounts import agents
from licensing.accounts.models import OrgRole
from licensing.applications import services
from licensing.applications.models import AddressBookEntry, LibraryItem
from tests.factories import OrganisationFactory, UserFactory, application_draft, decision_recorded, pdf_upload

pytestmark = pytest.mark.django_db

NAVY = {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, Bergen", "country": "NO", "party_type": "armed_forces"}
RADAR = {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": " ML5 ", "part_number": "TX-400", "unit_value_eur": "30000.00"}


def test_the_address_book_is_kept_with_a_partys_fields_and_checks(api_as, exporter_a):
    api = api_as(exporter_a)
    refused = api.post("/api/v1/address-book/", {**NAVY, "name": "", "country": "XX", "role": "friend"}, format="json")
    assert refused.status_code == 400 and {"name", "country", "role"} <= set(refused.json()["fields"])  # PartyIn's checks
    made = api.post("/api/v1/address-book/", NAVY, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert {k: body[k] for k in NAVY} == NAVY and body["website"] == "" and body["certificate_number"] == ""
    url = f"/api/v1/address-book/{body['id']}/"
    assert api.get("/api/v1/address-book/").json()["results"] == [api.get(url).json()]
    assert api.patch(url, {"name": "Royal Norwegian Navy (Bergen)"}, format="json").json()["name"] == "Royal Norwegian Navy (Bergen)"
    replaced = api.put(url, {**NAVY, "role": "consignee"}, format="json").json()
    assert (replaced["role"], replaced["name"]) == ("consignee", "Royal Norwegian Navy")
    assert api.delete(url).status_code == 204 and not AddressBookEntry.objects.exists()


def test_a_library_item_links_to_a_ruling_by_the_reference_of_the_organisations_own_request(api_as, exporter_a, exporter_b, officer, django_capture_on_commit_callbacks):
    draft = application_draft(exporter_a, {"kind": "classification", "goods": [{"goods_kind": "dual_use", "description": "Thermal camera core", "control_entry": ""}]})
    services.document_add(actor=exporter_a, application=draft, doc_type="technical_documentation", uploaded_file=pdf_upload())
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=exporter_a, application=draft)
    decision_recorded(officer, draft, outcome="ruled", entry="6A003.b.4")
    api = api_as(exporter_a)
    made = api.post("/api/v1/goods-library/", {**RADAR, "ruling": draft.reference}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["control_entry"], body["unit_value_eur"], body["unit"]) == ("ML5", "30000.00", "pieces")  # stripped as a line's entry is
    assert body["ruling"] == {"reference": draft.reference, "entry": "6A003.b.4", "not_listed": False}
    assert "quantity" not in body and "value_eur" not in body  # the shipment's, not the product's
    for unknown in ("NL-1999-999999", application_draft(exporter_a).reference):
        refused = api.patch(f"/api/v1/goods-library/{body['id']}/", {"ruling": unknown}, format="json")
        assert refused.status_code == 400 and "ruling" in refused.json()["fields"], unknown
    # Organisation B naming A's ruling learns no more than for a made-up reference.
    theirs = api_as(exporter_b).post("/api/v1/goods-library/", {**RADAR, "ruling": draft.reference}, format="json")
    made_up = api_as(exporter_b).post("/api/v1/goods-library/", {**RADAR, "ruling": "NL-1999-999999"}, format="json")
    assert theirs.status_code == made_up.status_code == 400 and theirs.json() == made_up.json()
    assert api.patch(f"/api/v1/goods-library/{body['id']}/", {"ruling": None}, format="json").json()["ruling"] is None
    # The ruled request's goods line, saved to the library, takes the ruling along.
    saved = api.post(f"/api/v1/applications/{draft.pk}/goods/1/save-to-library/")
    assert saved.status_code == 201 and saved.json()["ruling"]["reference"] == draft.reference
    assert saved.json()["description"] == "Thermal camera core"


def test_an_applications_party_is_saved_to_the_book_once(api_as, exporter_a, exporter_b):
    draft = application_draft(exporter_a)
    api = api_as(exporter_a)
    first = api.post(f"/api/v1/applications/{draft.pk}/parties/2/save-to-address-book/")
    assert first.status_code == 201 and first.json()["name"] == "Royal Norwegian Navy"
    again = api.post(f"/api/v1/applications/{draft.pk}/parties/2/save-to-address-book/")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert api.post(f"/api/v1/applications/{draft.pk}/parties/9/save-to-address-book/").status_code == 404
    assert api_as(exporter_b).post(f"/api/v1/applications/{draft.pk}/parties/1/save-to-address-book/").status_code == 404
    assert AddressBookEntry.objects.count() == 1


@pytest.mark.parametrize("role", [OrgRole.SIGNATORY, OrgRole.VIEWER])
def test_signatories_and_viewers_read_and_are_refused_every_change(api_as, exporter_a, org_a, role):
    entry = api_as(exporter_a).post("/api/v1/address-book/", NAVY, format="json").json()
    item = api_as(exporter_a).post("/api/v1/goods-library/", RADAR, format="json").json()
    api = api_as(UserFactory(username=f"reader-{role}", organisation=org_a, org_role=role))
    assert api.get("/api/v1/address-book/").json()["results"][0]["id"] == entry["id"]
    assert api.get(f"/api/v1/goods-library/{item['id']}/").status_code == 200
    for base, obj, body in (("address-book", entry, NAVY), ("goods-library", item, RADAR)):
        assert api.post(f"/api/v1/{base}/", body, format="json").status_code == 403
        for method in (api.put, api.patch, api.delete):
            assert method(f"/api/v1/{base}/{obj['id']}/", body, format="json").status_code == 403
    assert AddressBookEntry.objects.get().name == "Royal Norwegian Navy" and LibraryItem.objects.count() == 1


def test_another_organisation_and_officials_never_reach_the_book(api_as, exporter_a, exporter_b, officer):
    entry = api_as(exporter_a).post("/api/v1/address-book/", NAVY, format="json").json()
    other = api_as(exporter_b)
    assert other.get("/api/v1/address-book/").json()["results"] == []
    assert other.get(f"/api/v1/address-book/{entry['id']}/").status_code == 404
    assert other.patch(f"/api/v1/address-book/{entry['id']}/", {"name": "Taken"}, format="json").status_code == 404
    assert other.delete(f"/api/v1/address-book/{entry['id']}/").status_code == 404
    assert api_as(officer).get("/api/v1/address-book/").status_code == 403
    assert AddressBookEntry.objects.get().name == "Royal Norwegian Navy"


def test_an_agent_reads_and_keeps_the_book_of_the_organisation_named_in_x_acting_for_only(api_as, exporter_a, exporter_b, org_a):
    agent = UserFactory(username="agent", organisation=OrganisationFactory(name="Douane Expeditie B.V."))
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.PREPARER)
    api_as(exporter_b).post("/api/v1/address-book/", {**NAVY, "name": "B's own party"}, format="json")
    api = api_as(agent)
    made = api.post("/api/v1/address-book/", NAVY, format="json", HTTP_X_ACTING_FOR=str(org_a.pk))
    assert made.status_code == 201 and AddressBookEntry.objects.get(pk=made.json()["id"]).organisation_id == org_a.pk
    assert [e["name"] for e in api.get("/api/v1/address-book/", HTTP_X_ACTING_FOR=str(org_a.pk)).json()["results"]] == ["Royal Norwegian Navy"]
    assert api.get("/api/v1/address-book/").json()["results"] == []  # as itself: its own firm's book
    refused = api.get("/api/v1/address-book/", HTTP_X_ACTING_FOR=str(exporter_b.organisation_id))
    assert refused.status_code == 403 and refused.json()["code"] == "not_acting_for"


def test_the_schema_names_the_book_and_library_serializers(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for name in ("AddressBookEntryIn", "AddressBookEntryOut", "LibraryItemIn", "LibraryItemOut", "LibraryRulingOut", "/api/v1/address-book/{id}/", "/api/v1/goods-library/"):
        assert name in text, name
