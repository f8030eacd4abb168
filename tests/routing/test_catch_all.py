"""
The catch-all (catch-all besluit, issue 19.5): the licensing office or the ministry imposes a licence requirement on
unlisted goods; the application becomes licensable, goes to the ministry, the exporter is told in plain words, and the
decision is counted in table 3's catch-all row.

Seed 002, "Catch-all goederen": "Voor goederen die niet vergunningplichtig zijn (ongecontroleerd) ... kan alsnog een ad
hoc vergunningplicht worden opgelegd (een catch-all besluit) wanneer informatie beschikbaar is dat de goederen na
export aangewend zullen worden voor de ontwikkeling of productie van massavernietigingswapens, zullen worden ingezet
voor militair eindgebruik in een land waar een wapenembargo op rust, of voor gebruik in verband met binnenlandse
repressie of het plegen van ernstige schendingen van de mensenrechten en het internationaal humanitair recht."
"""
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.assessment import selectors, services
from licensing.reference.frameworks import grounds_of
from licensing.applications.choices import CATCH_ALL_GROUNDS, CatchAllGround, Movement
from licensing.applications.models import Application, CatchAllRequirement, Notification, Status
from licensing.audit.models import Event
from licensing.licences.models import Decision
from licensing.reporting import tables
from tests.factories import decision_recorded

pytestmark = pytest.mark.django_db

# Unlisted goods (no control-list entry) to Pakistan: by themselves no licence is needed.
UNLISTED = {
    "destinations": ["PK"],
    "end_use": "civil",
    "end_use_description": "Machining of pump housings.",
    "goods": [{"goods_kind": "unlisted", "description": "Five-axis milling machine", "quantity": "1", "value_eur": "250000.00"}],
    "parties": [
        {"role": "consignee", "name": "Karachi Pumps Ltd", "address": "Karachi", "country": "PK", "party_type": "company"},
        {"role": "end_user", "name": "Karachi Pumps Ltd", "address": "Karachi", "country": "PK", "party_type": "company"},
    ],
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _impose(client, application, ground="wmd", information="A partner service reports the end user procures for a missile programme."):
    return client.post(f"/api/v1/office/applications/{application.pk}/catch-all/", {"ground": ground, "information": information}, format="json")


def _rule_ids(body) -> list[str]:
    return [r["id"] for r in body["determination"]["rules"]]


def test_the_seed_names_three_grounds_for_export_and_two_for_transit():
    """
    Seed 002: export under the three grounds quoted above; "Voor de doorvoer van dual-use goederen geldt in beginsel
    geen vergunningplicht. Echter, ook hiervoor geldt dat als informatie beschikbaar is dat de goederen aangewend zouden
    kunnen worden voor de ontwikkeling of productie van massavernietigingswapens of voor militair eindgebruik in een land
    waar een wapenembargo op rust, de doorvoer kan worden onderworpen aan een ad hoc vergunningplicht." Brokering: a
    notice about weapons of mass destruction (Art. 6(1) of Regulation (EU) 2021/821); a transfer within the EU: none.
    """
    assert CATCH_ALL_GROUNDS[Movement.EXPORT] == (CatchAllGround.WMD, CatchAllGround.MILITARY_EMBARGO, CatchAllGround.REPRESSION)
    assert CATCH_ALL_GROUNDS[Movement.TRANSIT] == (CatchAllGround.WMD, CatchAllGround.MILITARY_EMBARGO)
    assert CATCH_ALL_GROUNDS[Movement.BROKERING] == (CatchAllGround.WMD,)
    assert Movement.TRANSFER not in CATCH_ALL_GROUNDS


def test_an_imposed_catch_all_makes_the_application_licensable_and_sends_it_to_the_ministry(api_as, exporter_a, officer, submit):
    """Seed 002: "Dit betreft niet een verbod op de transactie, maar het opleggen van een vergunningplicht voor dit
    specifieke – eerder ongecontroleerde – goed naar een specifieke eindbestemming." Before: no licence needed (the
    exporter is told so); after: a licence is required, no general licence, the ministry decides."""
    application = submit(exporter_a, **UNLISTED)
    before = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()
    assert before["determination"]["licence_required"] is False and "unlisted.no_licence" in _rule_ids(before)
    assert before["catch_all"] is None

    response = _impose(api_as(officer), application)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["determination"]["licence_required"] is True and body["determination"]["general_licences"] == []
    assert {"catch_all.decision", "handler.catch_all"} <= set(_rule_ids(body)) and "unlisted.no_licence" not in _rule_ids(body)
    assert body["handler"] == "ministry" and body["status"] == "in_review"  # the office refers it (the guard says so)
    assert body["catch_all"]["ground"] == "wmd" and "missile" in body["catch_all"]["information"]

    requirement = CatchAllRequirement.objects.get(application=application)
    assert (requirement.imposed_by, requirement.imposed_by_desk, requirement.ground) == (officer, "licensing_office", "wmd")
    event = Event.objects.get(verb="application.impose_catch_all")
    assert event.actor == officer and event.payload["ground"] == "wmd" and event.reason == ""  # the information stays off the log
    assert "catch_all.decision" in event.payload["rules"]

    # The exporter is told in plain words, with the ground and never the information, and is notified.
    seen = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()
    assert seen["determination"]["licence_required"] is True
    assert "information" not in seen["catch_all"] and "official" not in seen["catch_all"]
    assert "weapons of mass destruction" in seen["catch_all"]["text"] and "not a ban" in seen["catch_all"]["text"]
    assert "missile" not in str(seen)
    assert Notification.objects.filter(recipient=exporter_a, application=application, kind="catch_all").exists()
    timeline = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/timeline/").json()
    entry = next(e for e in timeline if e["verb"] == "application.impose_catch_all")
    assert entry["text"] == str(CatchAllGround.WMD.label) and entry["actor"] is None and entry["rules"] == []

    # The office may no longer decide alone: the ministry decides a catch-all (rule handler.catch_all).
    refused = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued", "reasons": "Fine."}, format="json")
    assert refused.status_code in (400, 409) and "ministry" in str(refused.json())


def test_a_catch_all_is_imposed_once_on_grounds_the_seed_names_for_the_movement_on_goods_it_reaches(api_as, exporter_a, officer, submit):
    """Seed 002 (transit): only "massavernietigingswapens of ... militair eindgebruik in een land waar een wapenembargo op
    rust"; and only goods that are "niet vergunningplichtig (ongecontroleerd)" are reached."""
    office = api_as(officer)
    military = submit(exporter_a)  # listed military goods: they need a licence anyway
    refused = _impose(office, military)
    assert refused.status_code == 400 and "goods" in refused.json()["fields"]

    transit = submit(exporter_a, **UNLISTED, movement="transit", origin_country="US")
    repression = _impose(office, transit, ground="repression")
    assert repression.status_code == 400 and "ground" in repression.json()["fields"], repression.json()
    assert _impose(office, transit, information="  ").status_code == 400
    assert not CatchAllRequirement.objects.exists() and not Event.objects.filter(verb="application.impose_catch_all").exists()

    assert _impose(office, transit, ground="military_embargo").status_code == 200
    again = _impose(office, transit, ground="wmd")
    assert again.status_code == 409
    assert CatchAllRequirement.objects.get().ground == "military_embargo"


def test_only_the_desk_that_holds_the_case_imposes_it(api_as, exporter_a, officer, advisor, submit):
    application = submit(exporter_a, **UNLISTED)
    assert _impose(api_as(exporter_a), application).status_code == 403
    assert _impose(api_as(advisor), application).status_code == 403  # the office holds it
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Dual-use to Pakistan."}, format="json")
    assert _impose(api_as(officer), application).status_code == 403  # now the ministry holds it
    response = _impose(api_as(advisor), application, ground="military_embargo")
    assert response.status_code == 200 and response.json()["status"] == "referred"
    assert CatchAllRequirement.objects.get().imposed_by_desk == "ministry"
    assert "The ministry of Foreign Affairs has imposed" in api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()["catch_all"]["text"]


def test_the_work_instruction_refers_the_case_directly(api_as, exporter_a, officer, submit, settings):
    settings.REFER_MINISTRY_CASES_DIRECTLY = True
    application = submit(exporter_a, **UNLISTED)
    assert application.status == Status.IN_REVIEW  # no licence needed: the office holds it
    assert _impose(api_as(officer), application).json()["status"] == "referred"


def test_the_decision_carries_the_catch_all_and_table_3_counts_it_in_its_row(api_as, exporter_a, officer, advisor, advisor2, submit):
    """Seed 002 table 3 (lines 466-497) has a row "Catch All" (2024: 5 licences, EUR 7 million): the dual-use licences
    issued under a catch-all decision. A catch-all on dual-use goods in transit counts there too."""
    application = submit(exporter_a, **{**UNLISTED, "movement": "transit", "origin_country": "US", "goods": [
        {"goods_kind": "dual_use", "description": "Frequency changer", "control_entry": "3A225", "quantity": "2", "value_eur": "40000.00"}
    ]})
    assert application.determination["licence_required"] is False  # dual-use transit needs none by itself
    assert _impose(api_as(officer), application).status_code == 200
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Catch-all: please advise."}, format="json")
    application = Application.objects.get(pk=application.pk)
    assessment = services.assessment_start(actor=advisor, application=application)
    for number in [g.number for g in grounds_of(assessment.frameworks)]:
        services.finding_record(actor=advisor, assessment=assessment, criterion=number, finding="no_concern", reasoning="Considered.")
    services.assessment_submit(actor=advisor, assessment=selectors.current_assessment(application), advice="approve")
    assessment = selectors.current_assessment(application)
    if assessment.status == "awaiting_countersignature":
        services.assessment_countersign(actor=advisor2, assessment=assessment, agree=True)
    application = Application.objects.get(pk=application.pk)
    decision_recorded(officer, application, outcome="issued", reasons="Granted with an end-use undertaking.")
    decision = Decision.objects.get(application=application)
    assert decision.catch_all is True and decision.goods_kind == "dual_use"
    rows = {r.kind: r for r in tables.dual_use_table(tables.Period(timezone.localdate().year)).rows}
    assert (rows["catch_all"].issued_count, rows["catch_all"].issued_value_eur) == (1, Decimal("40000.00"))
    assert rows["individual"].issued_count == 0


def test_the_case_page_shows_the_form_asks_for_confirmation_and_shows_the_catch_all(client, exporter_a, officer, submit):
    application = submit(exporter_a, **UNLISTED)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the texts below are the English ones (the site's default is Dutch)
    client.force_login(officer)
    page = client.get(f"/office/cases/{application.pk}/").content.decode()
    assert f"/office/cases/{application.pk}/catch-all/" in page and "Impose the catch-all" in page
    url = f"/office/cases/{application.pk}/catch-all/"
    asked = client.post(url, {"ground": "repression", "information": "Reported use against protesters."})
    assert asked.status_code == 200 and "Yes, impose the catch-all" in asked.content.decode()
    assert not CatchAllRequirement.objects.exists()
    done = client.post(url, {"ground": "repression", "information": "Reported use against protesters.", "confirmed": "yes"})
    assert done.status_code == 302 and CatchAllRequirement.objects.get().ground == "repression"
    page = client.get(f"/office/cases/{application.pk}/").content.decode()
    assert "Reported use against protesters." in page and "Impose the catch-all" not in page
    client.force_login(exporter_a)
    seen = client.get(f"/applications/{application.pk}/").content.decode()
    assert "A licence is required (catch-all)" in seen and "internal repression" in seen and "protesters" not in seen


def test_brokering_of_dual_use_items_needs_a_licence_after_the_notice(api_as, exporter_a, officer, submit):
    """Regulation (EU) 2021/821, Article 6(1): "An authorisation shall be required for brokering services with respect to
    dual-use items listed in Annex I if the broker has been informed by the competent authority that the items in
    question are or may be intended, in their entirety or in part, for any of the uses referred to in Article 4(1)(a)."
    Imposing the catch-all on a brokering application is that notice; other grounds are refused."""
    application = submit(exporter_a, **{**UNLISTED, "movement": "brokering", "brokering_value_eur": "12000.00", "goods": [
        {"goods_kind": "dual_use", "description": "Frequency changer", "control_entry": "3A225", "quantity": "2", "value_eur": "40000.00"}
    ]})
    assert [r["id"] for r in application.determination["rules"]][:1] == ["dual_use.brokering_notice"]
    assert application.determination["licence_required"] is False
    assert _impose(api_as(officer), application, ground="military_embargo").status_code == 400
    body = _impose(api_as(officer), application, ground="wmd").json()
    assert body["determination"]["licence_required"] is True and "dual_use.brokering_notice" not in _rule_ids(body)


def test_an_amendment_keeps_the_catch_all(api_as, exporter_a, officer):
    """The requirement is "voor dit specifieke ... goed naar een specifieke eindbestemming" (seed 002): amending the
    application does not shed it; the amendment is routed as licensable again."""
    from licensing.applications.services import application_amend, application_submit, document_add
    from tests.factories import _after_commit, application_submitted, pdf_upload

    application = application_submitted(exporter_a, **UNLISTED)
    assert _impose(api_as(officer), application).status_code == 200
    amendment = application_amend(actor=exporter_a, application=application)
    assert CatchAllRequirement.objects.get(application=amendment).ground == "wmd"
    assert "information" not in api_as(exporter_a).get(f"/api/v1/applications/{amendment.pk}/").json()["catch_all"]
    document_add(actor=exporter_a, application=amendment, doc_type="end_user_certificate", uploaded_file=pdf_upload())
    with _after_commit():
        application_submit(actor=exporter_a, application=amendment)
    amendment = Application.objects.get(pk=amendment.pk)
    assert amendment.determination["licence_required"] is True and amendment.handler == "ministry"
