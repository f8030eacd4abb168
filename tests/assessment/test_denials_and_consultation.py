"""The denial register (import, export) and consultation of member states before approving a look-alike."""
import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from licensing.assessment.models import Consultation
from licensing.denials.models import DenialRegisterEntry

from tests.factories import SAUDI

from .conftest import all_findings, dispose_hits

pytestmark = pytest.mark.django_db
HEADER = "reference,notifying_state,notified_on,destination,goods_description,control_entry,consignee,end_user,criteria\n"


def write(tmp_path, body, name="denials.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def recent(days=30):
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def test_import_is_idempotent_and_kept_apart_from_own_denials(tmp_path):
    path = write(tmp_path, f"DE-1,DE,{recent()},SA,Radar parts,ML5,Ministry of Defence,Royal Saudi Land Forces,2;4\nFR-7,fr,{recent()},ae,Spares,ml6,,UAE Land Forces,7\n")
    call_command("import_denials", str(path), stdout=io.StringIO())
    call_command("import_denials", str(path), stdout=io.StringIO())
    assert DenialRegisterEntry.objects.filter(own=False).count() == 2
    fr = DenialRegisterEntry.objects.get(reference="FR-7")
    assert (fr.notifying_state_id, fr.destination_id, fr.control_entry, fr.criteria) == ("FR", "AE", "ML6", [7])


def test_import_is_all_or_nothing_with_a_row_by_row_error_list(tmp_path):
    body = (
        f"DE-1,DE,{recent()},SA,Radar parts,ML5,MoD,RSLF,2\n"
        "DE-2,ZZ,2025-13-01,SA,,ML99,,,nine\n"
        f"DE-1,DE,{recent()},SA,Radar parts,ML5,MoD,RSLF,2\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import_denials", str(write(tmp_path, body)), stderr=err)
    lines = err.getvalue()
    for expected in ("row 3: goods_description", "row 3: notifying_state: unknown country code 'ZZ'", "row 3: notified_on", "row 3: control_entry", "row 3: criteria", "row 3: consignee/end_user", "row 4: reference: DE-1 of DE appears twice"):
        assert expected in lines, expected
    assert DenialRegisterEntry.objects.count() == 0


def test_wrong_header_and_changed_content_are_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("ref,state\nx,y\n")
    with pytest.raises(CommandError):
        call_command("import_denials", str(bad), stderr=io.StringIO())
    call_command("import_denials", str(write(tmp_path, f"DE-1,DE,{recent()},SA,Radar,ML5,MoD,RSLF,2\n")), stdout=io.StringIO())
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_denials", str(write(tmp_path, f"DE-1,DE,{recent()},SA,Radar,ML5,MoD,RSLF,4\n", "changed.csv")), stderr=err)
    assert "already registered with other content" in err.getvalue()


@pytest.fixture
def german_denial(tmp_path):
    path = write(tmp_path, f"DE-2025-0042,DE,{recent()},SA,Radar parts,ML5.b,Ministry of Defence,Royal Saudi Land Forces,2;4\n")
    call_command("import_denials", str(path), stdout=io.StringIO())
    return DenialRegisterEntry.objects.get(reference="DE-2025-0042")


def test_essentially_identical_application_is_flagged_and_cannot_be_approved_until_consulted(api_as, referred, advisor, advisor2, officer, german_denial, countersigned):
    parties = [dict(p) for p in SAUDI["parties"]]
    parties[1]["name"] = "ROYAL SAUDI LAND FORCES Ltd."  # case, punctuation and a legal form do not hide it
    application = referred(parties=parties)
    consultation = Consultation.objects.get(application=application)
    assert consultation.denial == german_denial
    assert "DE denied DE-2025-0042" in consultation.match_reason and "matches 'Royal Saudi Land Forces'" in consultation.match_reason

    client = api_as(advisor)
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/")
    all_findings(client, application.pk)
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "approve"}, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")

    office = api_as(officer)
    blocked = office.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert blocked.status_code == 400 and "Consultation with DE on denial DE-2025-0042" in blocked.json()["detail"]
    listed = office.get(f"/api/v1/office/applications/{application.pk}/consultations/").json()
    assert [(c["notifying_state"], c["status"]) for c in listed] == [("DE", "required")]
    assert office.post(f"/api/v1/office/consultations/{consultation.pk}/answer/", {"answer": "x"}, format="json").status_code == 409
    assert office.post(f"/api/v1/office/consultations/{consultation.pk}/start/").status_code == 200
    assert office.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 400
    answered = office.post(f"/api/v1/office/consultations/{consultation.pk}/answer/", {"answer": "Germany sees no objection: other end use."}, format="json")
    assert answered.json()["status"] == "answered"
    # Screening found the same end user in the denial register too: the officer records that it is the same party.
    assert {h["list"] for h in dispose_hits(office, application.pk)} == {"denials"}
    countersigned(office.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json"))  # flagged: four eyes


@pytest.mark.parametrize(
    "change",
    [
        {"destinations": ["AE"], "parties": [{**SAUDI["parties"][0], "country": "AE"}, {**SAUDI["parties"][1], "country": "AE"}]},
        {"goods": [{"goods_kind": "military", "description": "Helmets", "control_entry": "ML13", "quantity": "5", "value_eur": "1000"}]},
        {"parties": [SAUDI["parties"][0] | {"name": "General Staff Procurement"}, SAUDI["parties"][1] | {"name": "Royal Saudi Naval Forces"}]},
    ],
    ids=["other destination", "other goods", "other parties"],
)
def test_near_cases_are_not_flagged(exporter_a, submit, german_denial, change):
    application = submit(exporter_a, **{**SAUDI, **change})
    assert not Consultation.objects.filter(application=application).exists()


def test_denials_older_than_three_years_are_not_matched(exporter_a, submit, german_denial):
    DenialRegisterEntry.objects.filter(pk=german_denial.pk).update(notified_on=timezone.localdate() - timedelta(days=3 * 365 + 2))
    assert not Consultation.objects.filter(application=submit(exporter_a, **SAUDI)).exists()


def test_own_denials_export_as_csv_and_json_in_the_exchange_columns(api_as, referred, advisor, advisor2, officer, exporter_a, german_denial, countersigned):
    application = referred()
    client = api_as(advisor)
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/")
    all_findings(client, application.pk, {2: {"finding": "negative"}})
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    dispose_hits(api_as(officer), application.pk)
    countersigned(api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "denied", "criteria": [2], "reasons": "IHL."}, format="json"))

    response = api_as(officer).get("/api/v1/denials/export/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == [
        "reference", "notifying_state", "notified_on", "destination", "goods_description", "control_entry", "consignee", "end_user", "criteria",
        "frameworks", "legal_basis",
    ]  # fmt: skip
    assert [(r["reference"], r["notifying_state"], r["criteria"], r["frameworks"], r["legal_basis"]) for r in rows] == [
        (application.reference, "NL", "2", "common_position", "criterion 2 of Council Common Position 2008/944/CFSP")
    ]  # imported ones stay apart
    as_json = api_as(officer).get("/api/v1/denials/export/?format=json").json()
    assert as_json == json.loads(json.dumps(as_json)) and as_json[0]["reference"] == application.reference
    assert api_as(officer).get("/api/v1/denials/?own=false").json()["count"] == 1
    assert api_as(exporter_a).get("/api/v1/denials/").status_code == 403
    assert api_as(exporter_a).get("/api/v1/denials/export/").status_code == 403


def test_only_the_office_consults_and_a_consultation_times_out_only_after_the_answer_period(
    api_as, client, referred, advisor, officer, german_denial, settings
):
    """Issue 23, point 8: advisors started consultations and marked them timed out at once through the web page
    (the API refused them; the services checked no role and no deadline). Regulation (EU) 2021/821, Art. 16(5):
    the consulted member state answers within ten working days."""
    from datetime import date

    from licensing.assessment.services import consultation_answer_due

    settings.CONSULTATION_ANSWER_WORKING_DAYS = 10
    application = referred()
    consultation = Consultation.objects.get(application=application)
    page = f"/office/cases/{application.pk}/consultations/{consultation.pk}/"
    client.force_login(advisor)
    assert client.post(page, {"step": "start"}).status_code == 403
    assert api_as(advisor).post(f"/api/v1/office/consultations/{consultation.pk}/start/").status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == "required"

    client.force_login(officer)
    assert client.post(page, {"step": "start"}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "started"
    # Not before the ten working days are over: the page and the API refuse alike.
    client.post(page, {"timed_out": "1"})
    refused = api_as(officer).post(f"/api/v1/office/consultations/{consultation.pk}/answer/", {"timed_out": True}, format="json")
    assert refused.status_code == 409 and "has until" in refused.json()["detail"]
    consultation.refresh_from_db()
    assert consultation.status == "started"
    client.force_login(advisor)
    assert client.post(page, {"timed_out": "1"}).status_code == 403

    # Started on Monday 2 November: the tenth working day after it is Monday 16 November.
    Consultation.objects.filter(pk=consultation.pk).update(started_at=timezone.make_aware(timezone.datetime(2026, 11, 2, 9)))
    consultation.refresh_from_db()
    assert consultation_answer_due(consultation) == date(2026, 11, 16)
    timed_out = api_as(officer).post(f"/api/v1/office/consultations/{consultation.pk}/answer/", {"timed_out": True}, format="json")
    assert timed_out.status_code == 200 and timed_out.json()["status"] == "timed_out"


@pytest.mark.parametrize(
    "consignee, end_user",
    [
        ("Ministry \u043ef D\u0435f\u0435n\u0441\u0435", "General Staff Procurement"),  # Cyrillic о, е, с in the denied consignee's name
        ("General Staff Procurement", "R\u043eyal Saudi Land F\u043er\u0441es"),
        ("General Staff Procurement", "Royal-Saudi-Land-Forces General Trading"),
        ("General Staff Procurement", "R0yal Saud1 Land F0rces"),
        ("General Staff Procurement", "Roy\u200bal Saudi La\u200cnd Forces"),
        ("General Staff Procurement", "RoyalSaudiLandForces"),
    ],
)
def test_a_disguised_denied_party_still_needs_a_consultation(exporter_a, submit, german_denial, consignee, end_user):
    # The denial check folds names with screening's normaliser (issues 16.2, 23.4): what screening sees through,
    # it sees through.
    parties = [SAUDI["parties"][0] | {"name": consignee}, SAUDI["parties"][1] | {"name": end_user}]
    application = submit(exporter_a, **{**SAUDI, "parties": parties})
    assert Consultation.objects.get(application=application).denial == german_denial


def test_consultation_and_assessment_statuses_change_only_through_their_moves(api_as, referred, advisor, officer, german_denial):
    """Issue 16.3: both were written ad hoc; now a write around their machines is refused and each move records
    one event on the application's history, with the object's own from and to status."""
    from licensing.assessment.models import Assessment
    from licensing.assessment.services import assessment_start, consultation_start
    from licensing.audit.models import Event
    from licensing.audit.transitions import StatusWriteRefused

    application = referred()
    consultation = Consultation.objects.get(application=application)
    with pytest.raises(StatusWriteRefused):
        Consultation.objects.filter(pk=consultation.pk).update(status="answered")
    consultation.status = "answered"
    with pytest.raises(StatusWriteRefused):
        consultation.save()
    consultation.refresh_from_db()
    consultation_start(actor=officer, consultation=consultation)
    event = Event.objects.get(verb="consultation.started")
    assert (event.target_id, event.from_state, event.to_state) == (str(application.pk), "required", "started")

    application.refresh_from_db()
    assessment = assessment_start(actor=advisor, application=application)
    with pytest.raises(StatusWriteRefused):
        application.assessments.filter(pk=assessment.pk).update(status="final")
    with pytest.raises(StatusWriteRefused):
        Assessment.objects.bulk_update([assessment], ["status"])
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def own_denial(reference="NL-2025-0001", control_entry="ML5.b"):
    from licensing.denials.models import DenialRegisterEntry as Entry

    return Entry.objects.create(
        reference=reference, own=True, notifying_state_id="NL", notified_on=timezone.localdate() - timedelta(days=10), destination_id="SA",
        goods_description="Radar parts", control_entry=control_entry, consignee="Ministry of Defence", end_user="Royal Saudi Land Forces", criteria=[2],
    )


def test_our_own_denial_opens_no_consultation(exporter_a, submit):
    """
    Seed 002 line 97: "(2) een consultatieplicht wanneer een lidstaat een in essentie identieke aanvraag in
    behandeling heeft waarvoor een andere lidstaat eerder een aanvraag heeft afgewezen." Another member state's
    denial, not ours: an NL denial opened a consultation with NL itself and blocked the approval (issue 19.3).
    """
    own_denial()
    assert not Consultation.objects.filter(application=submit(exporter_a, **SAUDI)).exists()


@pytest.mark.parametrize(
    "denied, applied, identical",
    [
        ("ML15.a", "ML15.c", False),  # two sub-items of one category: different goods
        ("ML15.a", "ML15.a", True),
        ("ML15.a", "ML15.a.1", True),  # a sub-item of the denied entry
        ("ML15.a.1", "ML15.a", True),
        ("ML1", "ML10.a", False),  # ML1 is no prefix of ML10
        ("3A001.a", "3A001.b", False),
        ("3A001", "3a001.b.1", True),
    ],
)
def test_identical_goods_means_the_same_entry_or_its_sub_item_not_the_category(exporter_a, submit, tmp_path, denied, applied, identical):
    """
    Seed 002 line 97: "een consultatieplicht wanneer een lidstaat een in essentie identieke aanvraag in behandeling
    heeft waarvoor een andere lidstaat eerder een aanvraag heeft afgewezen." Issue 19.3: "essentially identical"
    matched at ML-category level (ML15.a against ML15.c). Identical goods is the same entry or its sub-item, with the
    same destination and a matching consignee or end user.
    """
    path = write(tmp_path, f"DE-9,DE,{recent()},SA,Goods,\"{denied}\",Ministry of Defence,Royal Saudi Land Forces,2\n")
    call_command("import_denials", str(path), stdout=io.StringIO())
    kind = "dual_use" if applied[0].isdigit() else "military"
    goods = [{"goods_kind": kind, "description": "Goods", "control_entry": applied, "quantity": "1", "value_eur": "1000"}]
    application = submit(exporter_a, **{**SAUDI, "goods": goods})
    assert Consultation.objects.filter(application=application).exists() is identical


def test_open_consultations_on_own_denials_are_dropped_by_the_migration(exporter_a, submit):
    from importlib import import_module

    from django.apps import apps

    application = submit(exporter_a, **SAUDI)
    own = own_denial()
    required = Consultation.objects.create(application=application, denial=own, match_reason="NL denied NL-2025-0001")
    settled = Consultation.objects.create(application=application, denial=own_denial("NL-2025-0002"), match_reason="x", status="answered")
    import_module("licensing.assessment.migrations.0005_no_consultation_on_own_denials").drop_open_consultations_on_own_denials(apps, None)
    assert list(Consultation.objects.filter(application=application).values_list("pk", flat=True)) == [settled.pk]
    assert not Consultation.objects.filter(pk=required.pk).exists()


def test_our_own_earlier_denials_import_with_their_names_and_grounds_once(tmp_path):
    """
    Issue 19.8: "import_denials refuses our own state's denials ... so a licensing office moving to this system loses
    the names and grounds of its last three years of denials: nothing to screen or consult against." Our own rows
    register as own denials; a denial whose decision is already here (import_decisions) is not registered twice.
    """
    from licensing.reporting.imports import COLUMNS, decisions_import

    decisions = ",".join(COLUMNS) + ",consignee,end_user,criteria,goods_description\n" + "NL-D-1,2024-06-13,denied,military,individual,export,IL,ML13,0,false,false,false,,Yakhin Hakal Ltd.,Israeli Defence Forces,2;4;6;7,Ballistische helmen\n"
    assert decisions_import(decisions.encode()).errors == []
    path = write(tmp_path, f"NL-OLD-7,NL,{recent()},SA,Radar parts,ML5,Ministry of Defence,Royal Saudi Land Forces,2;7\nNL-D-1,nl,2024-06-13,IL,Ballistische helmen,ML13,Yakhin Hakal Ltd.,Israeli Defence Forces,2;4;6;7\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_denials", str(path), stderr=err)
    assert "row 3: reference: NL-D-1 is a denial decided in this system or imported with the decisions" in err.getvalue()
    call_command("import_denials", str(write(tmp_path, f"NL-OLD-7,NL,{recent()},SA,Radar parts,ML5,Ministry of Defence,Royal Saudi Land Forces,2;7\n", "own.csv")), stdout=io.StringIO())
    call_command("import_denials", str(write(tmp_path, f"NL-OLD-7,NL,{recent()},SA,Radar parts,ML5,Ministry of Defence,Royal Saudi Land Forces,2;7\n", "own.csv")), stdout=io.StringIO())
    old = DenialRegisterEntry.objects.get(reference="NL-OLD-7")
    assert (old.own, old.notifying_state_id, old.criteria, old.end_user, old.decision) == (True, "NL", [2, 7], "Royal Saudi Land Forces", None)
    assert DenialRegisterEntry.objects.filter(own=True).count() == 2
    # An own denial is screened against, not consulted about (issue 19.3).
    from licensing.reporting.imports import decisions_import as again

    assert "already one of our denials" in " ".join(again((",".join(COLUMNS) + "\nNL-OLD-7,2024-06-13,denied,military,individual,export,SA,ML5,0,false,false,false,\n").encode()).errors)
