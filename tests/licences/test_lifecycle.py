"""Registrations for general licences and the life of a licence after its issue."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from licensing.licences.lifecycle import licences_expire
from licensing.core.errors import Conflict
from licensing.licences.models import Licence, LicenceStatus, Registration, UsageReport

from .conftest import row

pytestmark = pytest.mark.django_db


def test_registration_lets_the_exporter_use_the_licence_and_usage_outside_its_terms_is_recorded_and_flagged(api_as, exporter_a, officer, registered):
    """
    Issue 19.6 and seed 002 footnote 45 (NL008 to Israel): "Deze uitvoer was in strijd met de voorwaarden van de
    toegepaste algemene vergunning ... Na dat dit uit rapportagedata is gebleken is een onderzoek naar de betreffende
    exporteur gestart, welke nog niet is afgerond." A realisation outside the terms is a fact the office must learn: recorded as reported,
    counted where the seed counts it (table 14 lists the Israel row), flagged with the term it breaks.
    """
    from licensing.reporting import tables, usage as usage_tables

    registration = registered(exporter_a, "NL008")
    assert registration.number.startswith("NL008-")
    client = api_as(exporter_a)
    ok = client.post("/api/v1/usage-reports/", [row(registration, destination="DE", control_entry="ML6", quantity="2", value_eur="5000")], format="json")
    assert ok.status_code == 201 and ok.json()["flagged"] == [], ok.json()
    outside = client.post(
        "/api/v1/usage-reports/",
        [row(registration, destination="TR", control_entry="ML6", value_eur="100"), row(registration, destination="IL", control_entry="ML5", value_eur="28000", movement="transit", origin="US")],
        format="json",
    )
    assert outside.status_code == 201
    assert outside.json()["flagged"] == ["row 1: NL008 excludes TR.", "row 2: IL is not a destination of NL008."]
    flagged = api_as(officer).get("/api/v1/office/usage-outside-terms/").json()
    assert sorted((f["destination"], f["outside_terms"]) for f in flagged) == [("IL", "IL is not a destination of NL008."), ("TR", "NL008 excludes TR.")]
    assert api_as(exporter_a).get("/api/v1/office/usage-outside-terms/").status_code == 403
    year = tables.Period(UsageReport.objects.get(destination_id="IL").exported_on.year)
    assert "US" in [r.country for r in usage_tables.general_licence_usage(year, table="NL008").rows]  # by origin, the breach counted


def test_nl009_terms_have_dates_israel_before_the_court_ruling_is_within_them(api_as, exporter_a, registered):
    """
    Seed 002 footnotes 46-47: "Realisaties onder algemene vergunning NL009 met als eindbestemming Israël hebben
    plaatsgevonden voorafgaand aan het arrest van gerechtshof Den Haag van 12 februari 2024. Conform het arrest is
    de algemene vergunning NL009 zodanig aangepast dat deze niet meer mag worden gebruikt voor uit- en doorvoer
    vanuit Nederland naar Israël." Before the ruling: lawful usage; from it on: recorded and flagged.
    """
    from datetime import date

    registration = registered(exporter_a, "NL009")
    registration.registered_on = date(2023, 6, 1)
    registration.save(update_fields=["registered_on"])
    client = api_as(exporter_a)
    before = client.post("/api/v1/usage-reports/", [row(registration, destination="IL", control_entry="ML10", exported_on="2024-02-11")], format="json")
    assert before.status_code == 201 and before.json()["flagged"] == [], before.json()
    after = client.post("/api/v1/usage-reports/", [row(registration, destination="IL", control_entry="ML10", exported_on="2024-02-12", value_eur="1.00")], format="json")
    assert after.status_code == 201 and after.json()["flagged"] == ["row 1: NL009 excludes IL."]
    assert list(UsageReport.objects.order_by("exported_on").values_list("outside_terms", flat=True)) == ["", "NL009 excludes IL."]


def test_a_second_registration_for_the_same_licence_is_refused_and_revocation_stops_use(api_as, exporter_a, officer, registered):
    registration = registered(exporter_a, "NL008")
    with pytest.raises(Conflict):  # the office's decision on the second application is refused
        registered(exporter_a, "NL008")
    assert Registration.objects.filter(organisation=exporter_a.organisation, general_licence="NL008").count() == 1
    revoked = api_as(officer).post(f"/api/v1/registrations/{registration.pk}/revoke/", {"reason": "Conditions not met."}, format="json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(registration, destination="DE", control_entry="ML6")], format="json")
    assert "is revoked" in response.json()["fields"]["rows"][0]


def test_officers_suspend_reinstate_and_revoke_with_reasons_holders_surrender(api_as, exporter_a, officer, issued):
    licence = issued(exporter_a)
    office, holder = api_as(officer), api_as(exporter_a)
    url = f"/api/v1/licences/{licence.pk}/move/"
    assert office.post(url, {"move": "suspend"}, format="json").status_code == 400  # a reason is needed
    assert office.post(url, {"move": "suspend", "reason": "Investigation."}, format="json").json()["status"] == "suspended"
    blocked = holder.post("/api/v1/usage-reports/", [row(licence)], format="json")
    assert "is suspended" in blocked.json()["fields"]["rows"][0]
    assert holder.post(url, {"move": "reinstate"}, format="json").status_code == 403
    assert office.post(url, {"move": "reinstate"}, format="json").json()["status"] == "active"
    assert office.post(url, {"move": "surrender"}, format="json").status_code == 403
    assert holder.post(url, {"move": "surrender"}, format="json").json()["status"] == "surrendered"
    assert office.post(url, {"move": "revoke", "reason": "x"}, format="json").status_code == 409


def test_expired_after_the_end_date_and_extension_revives_it(api_as, exporter_a, officer, issued):
    licence = issued(exporter_a)
    Licence.objects.filter(pk=licence.pk).update(valid_to=timezone.localdate() - timedelta(days=1))
    assert licences_expire() == 1 and licences_expire() == 0  # idempotent
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED
    later = (timezone.localdate() + timedelta(days=90)).isoformat()
    extended = api_as(officer).post(f"/api/v1/licences/{licence.pk}/extend/", {"valid_to": later}, format="json")
    assert extended.status_code == 200 and extended.json()["status"] == "active" and extended.json()["valid_to"] == later


def test_replacement_points_to_the_old_licence_and_carries_the_usage_limits(api_as, exporter_a, officer, issued):
    licence = issued(exporter_a)
    api_as(exporter_a).post("/api/v1/usage-reports/", [row(licence)], format="json")
    response = api_as(officer).post(f"/api/v1/licences/{licence.pk}/replace/", {"value_eur": "200000.00", "reason": "Higher value."}, format="json")
    assert response.status_code == 201
    new = response.json()
    assert new["replaces"] == licence.number and new["number"] == f"{licence.number}-R1" and new["value_eur"] == "200000.00"
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REPLACED
    ml5 = next(line for line in new["lines"] if line["control_entry"] == "ML5")
    assert ml5["used_value_eur"] == "30000.00"  # what was used stays used


def test_overdue_reports_show_on_the_office_dashboard_until_declared(api_as, exporter_a, officer, registered):
    registration = registered(exporter_a, "NL008")
    from licensing.licences.models import Registration

    Registration.objects.filter(pk=registration.pk).update(registered_on=date(timezone.localdate().year - 1, 2, 1))
    overdue = api_as(officer).get("/api/v1/office/overdue-reports/").json()
    first_half = date(timezone.localdate().year - 1, 1, 1).isoformat()
    assert {(o["number"], o["period_start"]) for o in overdue} >= {(registration.number, first_half)}
    declared = api_as(exporter_a).post("/api/v1/usage-reports/periods/", {"licence": registration.number, "period_start": first_half, "nothing_to_report": True}, format="json")
    assert declared.status_code == 201
    assert api_as(exporter_a).post("/api/v1/usage-reports/periods/", {"licence": registration.number, "period_start": first_half}, format="json").status_code == 409
    assert (registration.number, first_half) not in {(o["number"], o["period_start"]) for o in api_as(officer).get("/api/v1/office/overdue-reports/").json()}
    assert api_as(exporter_a).get("/api/v1/office/overdue-reports/").status_code == 403


def test_transit_and_brokering_record_their_own_fields(api_as, exporter_a, issued):
    transit = issued(exporter_a, movement="transit", origin_country="US", destinations=["NO"])
    assert transit.origin_country_id == "US"
    brokering = issued(exporter_a, movement="brokering", brokering_value_eur="15000.00")
    assert brokering.brokering_value_eur == 15000
    assert UsageReport.objects.count() == 0


def test_transit_needs_an_origin_and_brokering_a_service_value(api_as, exporter_a):
    from tests.factories import application_payload

    client = api_as(exporter_a)
    for movement, field in (("transit", "origin_country"), ("brokering", "brokering_value_eur")):
        draft = client.post("/api/v1/applications/", application_payload(movement=movement), format="json").json()
        assert field in client.post(f"/api/v1/applications/{draft['id']}/submit/").json()["fields"]


def test_extension_is_its_own_move_with_its_own_allow_list(api_as, exporter_a, officer, issued):
    """Issue 16: licence_extend checked its permission as if it were a suspension; now the table's extend move
    (EXTENDING) decides, and the event and the mail name the extension."""
    from licensing.audit.models import Event
    from licensing.core.errors import NotAllowed
    from licensing.licences.lifecycle import licence_extend
    from licensing.licences.transitions import EXTENDING, LICENCE, LicenceAction

    from tests.factories import UserFactory

    customs = UserFactory(username="customs1", role="customs", organisation=None)
    licence = issued(exporter_a)
    assert LICENCE.roles_of(LicenceAction.EXTEND) == frozenset(EXTENDING)
    later = licence.valid_to + timedelta(days=30)
    for stranger in (exporter_a, customs):
        with pytest.raises(NotAllowed):
            licence_extend(actor=stranger, licence=Licence.objects.get(pk=licence.pk), valid_to=later)
    extended = licence_extend(actor=officer, licence=Licence.objects.get(pk=licence.pk), valid_to=later, reason="Delivery delayed.")
    assert extended.valid_to == later and extended.status == LicenceStatus.ACTIVE
    event = Event.objects.get(verb="licence.extended", target_id=str(licence.pk))
    assert (event.from_state, event.to_state, event.payload["to"]) == ("active", "active", later.isoformat())


def test_two_extensions_from_the_same_end_date_have_one_winner(exporter_a, officer, issued):
    from licensing.core.errors import Conflict
    from licensing.licences.lifecycle import licence_extend

    licence = issued(exporter_a)
    first, second = Licence.objects.get(pk=licence.pk), Licence.objects.get(pk=licence.pk)
    licence_extend(actor=officer, licence=first, valid_to=licence.valid_to + timedelta(days=30))
    with pytest.raises(Conflict):
        licence_extend(actor=officer, licence=second, valid_to=licence.valid_to + timedelta(days=60))
    assert Licence.objects.get(pk=licence.pk).valid_to == licence.valid_to + timedelta(days=30)


def test_licence_and_registration_statuses_change_only_through_their_moves(exporter_a, officer, issued, registered):
    from licensing.audit.transitions import StatusWriteRefused
    from licensing.licences.models import Registration

    licence, registration = issued(exporter_a), registered(exporter_a, "NL008")
    with pytest.raises(StatusWriteRefused):
        Licence.objects.filter(pk=licence.pk).update(status=LicenceStatus.REVOKED)
    with pytest.raises(StatusWriteRefused):
        Registration.objects.filter(pk=registration.pk).update(status="revoked")
    stale = Licence.objects.get(pk=licence.pk)
    licence.status = LicenceStatus.SURRENDERED
    with pytest.raises(StatusWriteRefused):
        licence.save()
    from licensing.licences.lifecycle import licence_move

    licence_move(actor=officer, licence=Licence.objects.get(pk=licence.pk), move="suspend", reason="Investigation.")
    stale.conditions = "Edited on a stale copy"
    stale.save()  # writes the conditions, never the stale 'active'
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.SUSPENDED


def test_a_repair_says_whether_the_goods_came_from_the_netherlands_and_the_licence_keeps_it(api_as, exporter_a, issued):
    """
    Seed 002 line 797: a return after repair is left out of the figures only for "eerder vanuit Nederland
    geleverde goederen". The exporter answers yes or no on a repair application; the licence carries the answer.
    """
    from tests.factories import application_payload

    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(purpose="repair"), format="json").json()
    assert "repaired_goods_from_netherlands" in client.post(f"/api/v1/applications/{draft['id']}/submit/").json()["fields"]
    sale = client.post("/api/v1/applications/", application_payload(repaired_goods_from_netherlands=True), format="json").json()
    assert "repaired_goods_from_netherlands" in client.post(f"/api/v1/applications/{sale['id']}/submit/").json()["fields"]
    ours = issued(exporter_a, purpose="repair", repaired_goods_from_netherlands=True)
    foreign = issued(exporter_a, purpose="repair", repaired_goods_from_netherlands=False)
    assert (ours.return_after_repair, ours.repaired_goods_from_netherlands) == (True, True)
    assert (foreign.return_after_repair, foreign.repaired_goods_from_netherlands) == (True, False)


def test_the_term_broken_is_recorded_in_english_whatever_the_exporters_language(api_as, exporter_a, officer, registered, client):
    registration = registered(exporter_a, "NL008")
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(registration, destination="TR", control_entry="ML6")], format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 201
    assert UsageReport.objects.get().outside_terms == "NL008 excludes TR."
    client.force_login(officer)
    page = client.get("/office/overdue-reports/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Gebruik buiten de voorwaarden van een algemene vergunning" in page and "NL008 excludes TR." in page


@pytest.mark.parametrize(
    "code, destination, movement, entry",
    [
        ("NL007", "AE", "transit", "ML11"),  # seed 002 table 13, line 3005: 0,041 to the United Arab Emirates
        ("NL009", "BH", "transit", "ML10"),  # seed 002 table 15, line 3246: 0,068 to Bahrain
    ],
)
def test_usage_the_seed_reports_as_lawful_is_recorded_without_a_flag(api_as, exporter_a, registered, code, destination, movement, entry):
    """Issue 19.6: "NL007 transit to the UAE ... (table 13), NL009 transit to Bahrain (table 15) are all refused"."""
    registration = registered(exporter_a, code)
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(registration, destination=destination, control_entry=entry, movement=movement, origin="US")], format="json")
    assert response.status_code == 201 and response.json()["flagged"] == [], response.json()


@pytest.mark.parametrize(
    "code, destination, movement, origin, entry",
    [
        ("NL006", "CA", "export", "", "ML17"),  # seed 002 table 12: Canada 0,086, ML 17
        ("NL006", "US", "export", "", "ML5"),  # seed 002 table 12: Verenigde Staten, ML 5; 10; 15
        ("NL007", "CN", "transit", "DE", "ML11"),  # seed 002 table 13: China 0,0071, ML 11
        ("NL007", "AE", "transit", "US", "ML11"),  # seed 002 table 13: Verenigde Arabische Emiraten 0,041, ML 11
    ],
)
def test_general_licence_terms_that_depend_on_origin_and_movement_let_in_what_the_seed_reports(api_as, exporter_a, registered, code, destination, movement, origin, entry):
    """
    Issue 19.6: "NL006 to Canada and the United States (table 12), NL007 transit to the UAE and China (table 13)" are
    lawful usage in seed 002. Table 12, "NL006 (reparatie, onderhoud en revisie ...)": repaired goods go back to the
    country they came from, NATO members among them (Canada, the United States). Table 13, "NL007 (afkomstig van
    bondgenoten)": goods of allied origin in transit; China's embargo is the EU's political declaration of 1989, and
    NL007 names the embargoed destinations it excludes (every full arms embargo).
    """
    registration = registered(exporter_a, code)
    extra = {"movement": movement, "origin": origin} if origin else {}
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(registration, destination=destination, control_entry=entry, **extra)], format="json")
    assert response.status_code == 201 and response.json()["flagged"] == [], response.json()
    assert UsageReport.objects.get().outside_terms == ""


def test_a_real_breach_of_those_terms_is_still_flagged(api_as, exporter_a, registered):
    """Seed 002 footnote 45: "Deze uitvoer was in strijd met de voorwaarden van de toegepaste algemene vergunning ...
    Na dat dit uit rapportagedata is gebleken is een onderzoek naar de betreffende exporteur gestart, welke nog niet
    is afgerond." NL006 returns only to where the goods came from (Japan is no NATO member); NL007 only for goods
    "afkomstig van bondgenoten", and never to a country under a full arms embargo."""
    nl006, nl007 = registered(exporter_a, "NL006"), registered(exporter_a, "NL007")
    client = api_as(exporter_a)
    rows = [
        row(nl006, destination="JP", control_entry="ML5"),
        row(nl007, destination="BR", control_entry="ML11", movement="transit", origin="CN"),
        row(nl007, destination="RU", control_entry="ML11", movement="transit", origin="DE"),
        row(nl007, destination="BR", control_entry="ML11", movement="transit", origin="DE"),  # within the terms
    ]
    response = client.post("/api/v1/usage-reports/", rows, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["flagged"] == [
        "row 1: JP is not a destination of NL006.",
        "row 2: NL007 covers only goods that come from the countries it names; CN is not one of them.",
        "row 3: RU is under an arms embargo; NL007 cannot be used.",
    ]
    assert UsageReport.objects.count() == 4  # recorded as reported, flagged for follow-up
