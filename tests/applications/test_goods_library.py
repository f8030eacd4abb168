"""The organisation's address book and goods library (issue 20.1), as services: who keeps them, whose they are, the
ruling an item links to, saving an application's party or line into them, and that picking copies."""
from decimal import Decimal

import pytest

from licensing.accounts import agents
from licensing.accounts.models import OrgRole
from licensing.applications import library, services
from licensing.applications.models import PARTY_DETAILS, PRODUCT_FIELDS, AddressBookEntry, GoodsLine, LibraryItem, Party
from licensing.audit.models import Event
from licensing.core.errors import DomainError, NotAllowed, NotFound
from licensing.core.names import name_key
from licensing.reference.models import Country
from tests.factories import OrganisationFactory, UserFactory, application_draft, decision_recorded, pdf_upload

pytestmark = pytest.mark.django_db

RADAR = {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "unit": "pieces", "part_number": "TX-400", "unit_value_eur": Decimal("30000.00")}


def navy():
    return {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, Bergen", "country": Country.objects.get(code="NO"), "party_type": "armed_forces"}


def colleague(organisation, role):
    return UserFactory(username=f"{role}-{organisation.pk}", organisation=organisation, org_role=role)


def test_the_book_and_the_library_hold_exactly_the_party_and_product_fields_of_an_application():
    party = {f.name for f in Party._meta.concrete_fields} - {"id", "application", "position"}
    line = {f.name for f in GoodsLine._meta.concrete_fields}
    assert set(PARTY_DETAILS) == party
    assert set(PARTY_DETAILS) <= {f.name for f in AddressBookEntry._meta.concrete_fields}
    assert set(PRODUCT_FIELDS) <= line and set(PRODUCT_FIELDS) <= {f.name for f in LibraryItem._meta.concrete_fields}
    shipment = line - set(PRODUCT_FIELDS)  # what a library item does not hold: the shipment's
    assert shipment == {"id", "application", "position", "quantity", "value_eur", "serial_numbers", "lot_numbers", "first_smelt_country", "second_smelt_country", "last_cast_country"}


@pytest.mark.parametrize("role,keeps", [(OrgRole.ADMINISTRATOR, True), (OrgRole.PREPARER, True), (OrgRole.SIGNATORY, False), (OrgRole.VIEWER, False)])
def test_administrators_and_preparers_keep_the_book_and_everyone_of_the_organisation_reads_it(org_a, exporter_a, role, keeps):
    entry = library.address_entry_save(actor=exporter_a, data=navy())
    item = library.library_item_save(actor=exporter_a, data=RADAR)
    person = colleague(org_a, role)
    assert list(library.address_book(person)) == [entry] and list(library.goods_library(person)) == [item]
    if keeps:
        library.address_entry_save(actor=person, data={"name": "Royal Norwegian Navy (Bergen)"}, entry=entry)
        library.library_item_save(actor=person, data={"part_number": "TX-401"}, item=item)
        library.address_entry_remove(actor=person, entry=entry)
        library.library_item_remove(actor=person, item=item)
        assert not AddressBookEntry.objects.exists() and not LibraryItem.objects.exists()
        return
    for write in (
        lambda: library.address_entry_save(actor=person, data=navy()),
        lambda: library.address_entry_save(actor=person, data={"name": "Renamed"}, entry=entry),
        lambda: library.address_entry_remove(actor=person, entry=entry),
        lambda: library.library_item_save(actor=person, data=RADAR),
        lambda: library.library_item_remove(actor=person, item=item),
    ):
        with pytest.raises(NotAllowed):
            write()
    assert AddressBookEntry.objects.get().name == "Royal Norwegian Navy" and LibraryItem.objects.count() == 1


def test_another_organisations_entries_are_not_there(exporter_a, exporter_b, officer):
    entry = library.address_entry_save(actor=exporter_a, data=navy())
    item = library.library_item_save(actor=exporter_a, data=RADAR)
    assert not library.address_book(exporter_b).exists() and not library.goods_library(exporter_b).exists()
    assert not library.address_book(officer).exists() and not library.goods_library(officer).exists()
    for lookup, pk in ((library.entry_of, entry.pk), (library.item_of, item.pk)):
        with pytest.raises(NotFound):
            lookup(exporter_b, pk)
    for write in (
        lambda: library.address_entry_save(actor=exporter_b, data={"name": "Taken over"}, entry=entry),
        lambda: library.address_entry_remove(actor=exporter_b, entry=entry),
        lambda: library.library_item_save(actor=exporter_b, data={"description": "Taken over"}, item=item),
        lambda: library.library_item_remove(actor=exporter_b, item=item),
    ):
        with pytest.raises(NotFound):
            write()
    entry.refresh_from_db()
    item.refresh_from_db()
    assert (entry.name, item.description) == ("Royal Norwegian Navy", "Radar transmitter module")


def test_an_agent_keeps_the_book_of_the_organisation_it_acts_for_only_while_acting_for_it(exporter_a, org_a, org_b, exporter_b):
    agent = UserFactory(username="agent", organisation=OrganisationFactory(name="Douane Expeditie B.V."))
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.PREPARER)
    library.address_entry_save(actor=exporter_b, data={**navy(), "name": "B's own party"})
    assert not library.address_book(agent).exists()  # as itself: its own firm's book
    agents.acting_start(agent, org_a.pk)
    entry = library.address_entry_save(actor=agent, data=navy())
    assert entry.organisation_id == org_a.pk and list(library.address_book(agent)) == [entry]
    event = Event.objects.get(verb="address_book.saved", target_id=str(entry.pk))
    assert event.actor_id == agent.pk and event.payload["on_behalf_of"] == org_a.pk  # recorded as the agent's, for A
    with pytest.raises(NotAllowed):
        agents.acting_start(agent, org_b.pk)  # B never made it its agent: B's book is out of reach
    agents.acting_start(agent, agent.home_organisation_id)
    assert not library.address_book(agent).exists()


def test_an_item_links_only_to_a_ruling_of_the_organisations_own_classification_requests(exporter_a, exporter_b, officer, api_as, django_capture_on_commit_callbacks):
    def ruled(exporter):
        draft = application_draft(exporter, {"kind": "classification", "goods": [{"goods_kind": "dual_use", "description": "Thermal camera core", "control_entry": ""}]})
        services.document_add(actor=exporter, application=draft, doc_type="technical_documentation", uploaded_file=pdf_upload())
        with django_capture_on_commit_callbacks(execute=True):
            services.application_submit(actor=exporter, application=draft)
        decision_recorded(officer, draft, outcome="ruled", entry="6A003.b.4")
        draft.refresh_from_db()
        return draft

    own, theirs = ruled(exporter_a), ruled(exporter_b)
    unruled = application_draft(exporter_a, {"kind": "classification", "goods": [{"goods_kind": "dual_use", "description": "Another core", "control_entry": ""}]})
    assert list(library.rulings_of(exporter_a)) == [own]
    item = library.library_item_save(actor=exporter_a, data={**RADAR, "ruling": own.pk})
    assert item.ruling == own and item.ruling.decision.ruling_entry == "6A003.b.4"
    for wrong in (theirs.pk, unruled.pk, 10**9):
        with pytest.raises(DomainError) as refused:
            library.library_item_save(actor=exporter_a, data={"ruling": wrong}, item=item)
        assert "ruling" in refused.value.fields
    item.refresh_from_db()
    assert item.ruling == own
    # Saving the ruled request's goods line to the library links the ruling by itself.
    kept, made = library.library_item_from_line(actor=exporter_a, application=own, position=0)
    assert made and kept.ruling == own and kept.description == "Thermal camera core"


def test_saving_a_party_or_line_of_an_application_copies_its_fields_once(exporter_a, exporter_b):
    application = application_draft(exporter_a)
    party = application.parties.order_by("position").first()
    entry, made = library.address_entry_from_party(actor=exporter_a, application=application, position=0)
    assert made and library.party_details(entry) == library.party_details(party)
    again, made = library.address_entry_from_party(actor=exporter_a, application=application, position=0)
    assert not made and again == entry and AddressBookEntry.objects.count() == 1
    line = application.goods.order_by("position").first()
    item, made = library.library_item_from_line(actor=exporter_a, application=application, position=0)
    assert made and library.product_details(item) == library.product_details(line) and item.ruling is None
    with pytest.raises(NotFound):
        library.address_entry_from_party(actor=exporter_a, application=application, position=99)
    with pytest.raises(NotFound):  # another organisation's application is not there
        library.address_entry_from_party(actor=exporter_b, application=application, position=0)
    with pytest.raises(NotAllowed):
        library.library_item_from_line(actor=colleague(exporter_a.organisation, OrgRole.VIEWER), application=application, position=0)


def test_a_picked_party_is_a_copy_that_later_changes_to_the_book_leave_alone(exporter_a):
    entry = library.address_entry_save(actor=exporter_a, data=navy())
    application = application_draft(exporter_a, parties=[])
    services.application_line_save(actor=exporter_a, application=application, name="parties", position=None, data=library.party_details(entry))
    library.address_entry_save(actor=exporter_a, data={"name": "Renamed in the book"}, entry=entry)
    library.address_entry_remove(actor=exporter_a, entry=entry)
    assert list(application.parties.values_list("name", flat=True)) == ["Royal Norwegian Navy"]


def test_odd_unicode_in_a_name_is_kept_as_typed_and_screened_as_the_party_it_imitates(exporter_a):
    """No-break and zero-width spaces and Cyrillic look-alikes: the book keeps the name as typed, like a party's, and
    the one normaliser (core.names) that screening applies to the party picked from it folds it to the plain name."""
    odd = "Ro\u200bs\u043eb\u043er\u043enexp\u043ert\u00a0OAO"  # zero-width space, Cyrillic о, no-break space
    entry = library.address_entry_save(actor=exporter_a, data={**navy(), "name": odd})
    application = application_draft(exporter_a, parties=[])
    services.application_line_save(actor=exporter_a, application=application, name="parties", position=None, data=library.party_details(entry))
    picked = application.parties.get()
    assert entry.name == picked.name == odd
    assert name_key(picked.name).key == name_key("Rosoboronexport OAO").key
