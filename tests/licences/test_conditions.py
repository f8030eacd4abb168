"""Standard texts and licence conditions as obligations (issues 18.6 and 21.4): the office picks conditions, refusal
reasons and questions from the administrators' texts; the chosen conditions become obligations on the licence with due
dates, the holder meets them, is reminded before the date, and a date passed unmet or usage contradicting a standing
condition becomes a reconciliation flag on the licence."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from licensing.applications import services as application_services
from licensing.audit.models import Event
from licensing.core.errors import DomainError
from licensing.customs import reconciliation
from licensing.customs.models import MismatchKind, ReconciliationFlag, Resolution
from licensing.licences import conditions
from licensing.licences.decisions import DecideCommand, decide, decision_issue
from licensing.licences.documents import decision_document
from licensing.licences.models import ConditionStatus, Decision, Licence, LicenceCondition, UsageReport
from licensing.reference.models import Obligation, StandardText, StandardTextKind
from tests.assessment.test_assessment import pdf_text
from tests.factories import application_submitted, decision_countersigned, pdf_upload, second_officer

pytestmark = pytest.mark.django_db


def text(code: str) -> StandardText:
    return StandardText.objects.get(code=code)


def ids(*codes: str) -> list[int]:
    return [text(c).pk for c in codes]


@pytest.fixture
def conditioned(exporter_a, officer):
    """A licence issued to organisation A with the four kinds of obligation and a plain-text condition."""
    application = application_submitted(exporter_a)
    return decision_issue(
        actor=officer, application=application, conditions="Deliver by sea.", standard_conditions=ids("dvc-return", "no-reexport", "reimport", "euc-to-follow", "end-use-only")
    )


def of(licence: Licence, obligation: str) -> LicenceCondition:
    return LicenceCondition.objects.get(licence=licence, obligation=obligation)


# --- the standard texts ---------------------------------------------------------------------------------------------
def test_load_reference_brings_the_standard_texts_in_both_languages():
    assert set(StandardText.objects.values_list("kind", flat=True)) == set(StandardTextKind.values)
    assert not StandardText.objects.filter(text_nl="").exists() and not StandardText.objects.filter(text_en="").exists()
    assert set(StandardText.objects.exclude(obligation="").values_list("obligation", flat=True)) == set(Obligation.values)


def test_issuing_with_standard_conditions_makes_obligations_with_due_dates(conditioned):
    licence, issued_on = conditioned, conditioned.valid_from
    assert of(licence, Obligation.DELIVERY_VERIFICATION).due_on == issued_on + timedelta(days=text("dvc-return").due_days)
    assert of(licence, Obligation.END_USER_CERTIFICATE).due_on == issued_on + timedelta(days=text("euc-to-follow").due_days)
    assert of(licence, Obligation.REIMPORT).due_on == licence.valid_to  # no days: by the licence's end
    assert of(licence, Obligation.NO_REEXPORT).due_on is None  # standing: holds for the licence's life
    plain = LicenceCondition.objects.get(licence=licence, obligation="")
    assert plain.due_on is None and plain.text_nl == text("end-use-only").text_nl
    assert set(licence.obligations.values_list("status", flat=True)) == {ConditionStatus.OPEN}
    assert licence.conditions == "Deliver by sea."


@pytest.mark.parametrize("chosen", [["refusal-diversion"], ["question-euc"], [999999]], ids=["a refusal reason", "a question", "unknown"])
def test_a_condition_that_is_not_an_active_standard_condition_is_refused_and_nothing_is_issued(exporter_a, officer, chosen):
    application = application_submitted(exporter_a)
    wanted = [c if isinstance(c, int) else text(c).pk for c in chosen]
    with pytest.raises(DomainError) as refused:
        decision_issue(actor=officer, application=application, standard_conditions=wanted)
    assert "standard_conditions" in refused.value.fields
    assert not Licence.objects.exists() and not Decision.objects.exists()


def test_an_inactive_standard_text_is_no_longer_offered(exporter_a, officer):
    StandardText.objects.filter(code="dvc-return").update(active=False)
    application = application_submitted(exporter_a)
    with pytest.raises(DomainError):
        decision_issue(actor=officer, application=application, standard_conditions=ids("dvc-return"))


@pytest.mark.parametrize("language, expected", [("nl", "text_nl"), ("en", "text_en")])
def test_a_denial_puts_the_chosen_refusal_reasons_first_in_the_holders_language(exporter_a, officer, org_a, language, expected):
    org_a.language = language
    org_a.save(update_fields=["language"])
    application = application_submitted(exporter_a)
    decide(actor=officer, application=application, command=DecideCommand(outcome="denied", criteria=(2,), reasons="The end user was named in a report.", standard_reasons=tuple(ids("refusal-human-rights"))))
    decision_countersigned(second_officer(officer), application)  # a denial: four eyes at the office
    reasons = Decision.objects.get(application=application).reasons
    assert reasons == getattr(text("refusal-human-rights"), expected) + "\n\nThe end user was named in a report."


def test_refusal_reasons_belong_to_a_denial_and_conditions_to_an_issue(exporter_a, officer):
    application = application_submitted(exporter_a)
    with pytest.raises(DomainError) as reasons_on_an_issue:
        decide(actor=officer, application=application, command=DecideCommand(outcome="issued", standard_reasons=tuple(ids("refusal-diversion"))))
    with pytest.raises(DomainError) as conditions_on_a_denial:
        decide(actor=officer, application=application, command=DecideCommand(outcome="denied", criteria=(2,), reasons="R.", standard_conditions=tuple(ids("no-reexport"))))
    assert list(reasons_on_an_issue.value.fields) == ["standard_reasons"] and list(conditions_on_a_denial.value.fields) == ["standard_conditions"]
    assert not Decision.objects.exists()


def test_a_question_from_the_standard_texts_reaches_the_exporter_in_its_language(exporter_a, officer, org_a):
    application = application_submitted(exporter_a)
    question = application_services.question_ask(actor=officer, application=application, text="", standard_texts=ids("question-specs", "question-contract"))
    assert question.text == text("question-specs").text_nl + "\n\n" + text("question-contract").text_nl
    with pytest.raises(DomainError):  # neither a text nor a standard question
        application_services.question_ask(actor=officer, application=application, text="  ")


def test_the_page_form_and_the_api_give_the_same_command_with_standard_texts():
    from licensing.api.decisions import DecisionIn
    from licensing.reference.frameworks import frameworks_for
    from licensing.web.decisions import DecisionForm

    chosen = ids("dvc-return", "no-reexport")
    serializer = DecisionIn(data={"outcome": "issued", "standard_conditions": chosen})
    form = DecisionForm({"outcome": "issued", "standard_conditions": [str(i) for i in chosen]}, frameworks=frameworks_for(goods_kinds=["military"], end_use="military"), kind="individual")
    assert serializer.is_valid(), serializer.errors
    assert form.is_valid(), form.errors
    assert DecideCommand.of(serializer.validated_data) == DecideCommand.of(form.cleaned_data)
    assert DecideCommand.of(form.cleaned_data).standard_conditions == tuple(chosen)


# --- meeting a condition -------------------------------------------------------------------------------------------
def test_the_holder_meets_a_certificate_condition_by_uploading_it(api_as, exporter_a, conditioned):
    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    url = f"/api/v1/licences/{conditioned.pk}/conditions/{dvc.pk}/meet/"
    client = api_as(exporter_a)

    missing = client.post(url, {"note": "Here it is."}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["fields"]

    response = client.post(url, {"file": pdf_upload("dvc.pdf", "Delivery Verification Certificate"), "note": "Stamped by the Norwegian authorities."}, format="multipart")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "met" and body["documents"][0]["original_name"] == "dvc.pdf" and body["met_at"]
    dvc.refresh_from_db()
    assert (dvc.status, dvc.met_by, dvc.note) == (ConditionStatus.MET, exporter_a, "Stamped by the Norwegian authorities.")
    event = Event.objects.get(verb="condition.met")
    assert (event.target_id, event.from_state, event.to_state) == (str(conditioned.pk), "open", "met")
    again = client.post(url, {"file": pdf_upload("dvc.pdf")}, format="multipart")
    assert again.status_code == 409 and dvc.documents.count() == 1


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_stored(api_as, exporter_a, conditioned):
    euc = of(conditioned, Obligation.END_USER_CERTIFICATE)
    response = api_as(exporter_a).post(
        f"/api/v1/licences/{conditioned.pk}/conditions/{euc.pk}/meet/", {"file": SimpleUploadedFile("euc.pdf", b"MZ\x90\x00 not a pdf")}, format="multipart"
    )
    assert response.status_code == 400
    euc.refresh_from_db()
    assert euc.status == ConditionStatus.OPEN and not euc.documents.exists()


def test_a_re_import_is_recorded_by_its_date_within_the_licences_life(api_as, exporter_a, conditioned):
    reimport = of(conditioned, Obligation.REIMPORT)
    url = f"/api/v1/licences/{conditioned.pk}/conditions/{reimport.pk}/meet/"
    client = api_as(exporter_a)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert client.post(url, {}, format="multipart").status_code == 400
    assert client.post(url, {"re_imported_on": tomorrow.isoformat()}, format="multipart").status_code == 400
    response = client.post(url, {"re_imported_on": timezone.localdate().isoformat()}, format="multipart")
    assert response.status_code == 200 and response.json()["re_imported_on"] == timezone.localdate().isoformat()


def test_a_standing_condition_cannot_be_met(api_as, exporter_a, conditioned):
    standing = of(conditioned, Obligation.NO_REEXPORT)
    response = api_as(exporter_a).post(f"/api/v1/licences/{conditioned.pk}/conditions/{standing.pk}/meet/", {"file": pdf_upload()}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "not_allowed_now"


def test_only_the_holder_meets_a_condition_and_others_do_not_learn_it_exists(api_as, exporter_b, officer, conditioned):
    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    url = f"/api/v1/licences/{conditioned.pk}/conditions/{dvc.pk}/meet/"
    assert api_as(exporter_b).post(url, {"file": pdf_upload()}, format="multipart").status_code == 404
    assert api_as(officer).post(url, {"file": pdf_upload()}, format="multipart").status_code == 403
    assert api_as(exporter_b).get(f"/api/v1/licences/{conditioned.pk}/conditions/").status_code == 404
    listed = api_as(officer).get(f"/api/v1/licences/{conditioned.pk}/conditions/")
    assert listed.status_code == 200 and len(listed.json()) == 5
    dvc.refresh_from_db()
    assert dvc.status == ConditionStatus.OPEN


def test_the_standard_texts_are_listed_for_officials(api_as, officer, exporter_a):
    response = api_as(officer).get("/api/v1/standard-texts/?kind=refusal")
    assert response.status_code == 200 and {t["kind"] for t in response.json()} == {"refusal"}
    assert api_as(exporter_a).get("/api/v1/standard-texts/").status_code == 403


# --- reminders, overdue, flags -------------------------------------------------------------------------------------
def test_the_holder_is_reminded_once_a_few_days_before_a_due_date(exporter_a, conditioned, settings, django_capture_on_commit_callbacks):
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert conditions.conditions_remind() == 0  # 180 days away
    day_before_horizon = dvc.due_on - timedelta(days=settings.CONDITION_REMINDER_DAYS)
    with django_capture_on_commit_callbacks(execute=True):
        assert conditions.conditions_remind(today=day_before_horizon) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert conditions.conditions_remind(today=day_before_horizon) == 0  # sent once
    (message,) = mail.outbox
    assert conditioned.number in message.subject and dvc.text_nl[:40] in message.body


def past_due(condition: LicenceCondition, days: int = 3) -> None:
    LicenceCondition.objects.filter(pk=condition.pk).update(due_on=timezone.localdate() - timedelta(days=days))


def test_a_date_passed_unmet_marks_the_condition_overdue_and_raises_a_flag_until_it_is_met(api_as, exporter_a, conditioned):
    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    past_due(dvc)

    assert conditions.conditions_mark_overdue() == 1
    assert conditions.conditions_mark_overdue() == 0  # idempotent
    dvc.refresh_from_db()
    assert dvc.status == ConditionStatus.OVERDUE and Event.objects.filter(verb="condition.overdue", actor__isnull=True).count() == 1
    assert reconciliation.reconcile_all().raised == 1
    flag = ReconciliationFlag.objects.get(licence=conditioned, resolved_at__isnull=True)
    assert (flag.kind, flag.key, flag.figures["days_late"], flag.figures["condition"]) == (MismatchKind.CONDITION_UNMET, f"condition_unmet:{dvc.pk}", 3, dvc.pk)

    # Met late: the flag is no longer found on the next run.
    url = f"/api/v1/licences/{conditioned.pk}/conditions/{dvc.pk}/meet/"
    assert api_as(exporter_a).post(url, {"file": pdf_upload()}, format="multipart").status_code == 200
    assert reconciliation.reconcile_all().cleared == 1
    flag.refresh_from_db()
    assert flag.resolution == Resolution.GONE


def test_the_flag_is_raised_on_the_date_even_before_the_nightly_marking(conditioned):
    past_due(of(conditioned, Obligation.END_USER_CERTIFICATE), days=1)
    assert [m.kind for m in reconciliation.reconciliation_of(conditioned).mismatches] == [MismatchKind.CONDITION_UNMET]


def test_an_export_reported_to_another_destination_under_no_re_export_is_a_breach(exporter_a, conditioned):
    def reported(destination):
        UsageReport.objects.create(
            organisation=conditioned.holder, licence=conditioned, reported_by=exporter_a, exported_on=timezone.localdate(), destination_id=destination,
            control_entry="ML6", quantity=Decimal(1), value_eur=Decimal("3000.00"), recipient="Someone",
        )

    reported("NO")  # the licence's destination: no breach
    assert MismatchKind.CONDITION_BREACHED not in {m.kind for m in reconciliation.reconciliation_of(conditioned).mismatches}
    reported("RU")
    breach = next(m for m in reconciliation.reconciliation_of(conditioned).mismatches if m.kind == MismatchKind.CONDITION_BREACHED)
    assert breach.figures["destinations"] == ["RU"] and breach.figures["reports"] == 1
    reconciliation.flags_sync(conditioned)
    assert ReconciliationFlag.objects.filter(licence=conditioned, kind=MismatchKind.CONDITION_BREACHED, resolved_at__isnull=True).count() == 1


def test_without_a_no_re_export_condition_such_a_report_is_no_condition_breach(exporter_a, officer):
    licence = decision_issue(actor=officer, application=application_submitted(exporter_a), standard_conditions=ids("dvc-return"))
    UsageReport.objects.create(
        organisation=licence.holder, licence=licence, reported_by=exporter_a, exported_on=timezone.localdate(), destination_id="RU", control_entry="ML6",
        quantity=Decimal(1), value_eur=Decimal("3000.00"), recipient="Someone",
    )
    assert MismatchKind.CONDITION_BREACHED not in {m.kind for m in reconciliation.reconciliation_of(licence).mismatches}


# --- letters and pages ----------------------------------------------------------------------------------------------
def test_the_licence_names_its_conditions_with_their_dates_in_the_holders_language(conditioned):
    body, _name = decision_document(conditioned.decision)
    text_of_pdf = " ".join(pdf_text(body).split())
    assert "Deliver by sea." in text_of_pdf
    assert " ".join(text("no-reexport").text_nl.split())[:60] in text_of_pdf
    due = of(conditioned, Obligation.DELIVERY_VERIFICATION).due_on
    assert f"Na te komen uiterlijk op {due.day} " in text_of_pdf  # the date in the holder's language (Dutch by default)


def test_a_ruling_names_the_goods_it_rules_on_and_the_exporter_sees_the_entry(client, api_as, exporter_a, officer, django_capture_on_commit_callbacks):
    api = api_as(exporter_a)
    goods = [{"goods_kind": "dual_use", "description": "Thermal camera core", "control_entry": "", "quantity": "1", "manufacturer": "Acme Optics"}]
    draft = api.post("/api/v1/applications/", {"kind": "classification", "goods": goods}, format="json").json()
    api.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "technical_documentation", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200
    assert api_as(officer).post(f"/api/v1/office/applications/{draft['id']}/decision/", {"outcome": "ruled", "entry": "6a003.b.4"}, format="json").status_code == 201

    body, _name = decision_document(Decision.objects.get(application_id=draft["id"]))
    letter = pdf_text(body)
    assert "Thermal camera core" in letter and "Acme Optics" in letter
    client.force_login(exporter_a)
    page = client.get(reverse("exporter:detail", args=[draft["id"]]))
    assert "6A003.b.4" in page.content.decode()


def test_the_exporter_sees_and_meets_the_conditions_on_the_licence_page(client, exporter_a, conditioned, settings, tmp_path):
    client.force_login(exporter_a)
    page = client.get(reverse("licences:detail", args=[conditioned.number])).content.decode()
    assert text("dvc-return").text_nl[:40] in page and reverse("licences:condition-meet", args=[conditioned.number, of(conditioned, Obligation.DELIVERY_VERIFICATION).pk]) in page
    assert reverse("licences:condition-meet", args=[conditioned.number, of(conditioned, Obligation.NO_REEXPORT).pk]) not in page  # nothing to hand in

    euc = of(conditioned, Obligation.END_USER_CERTIFICATE)
    response = client.post(reverse("licences:condition-meet", args=[conditioned.number, euc.pk]), {"file": pdf_upload("euc.pdf")})
    assert response.status_code == 302
    euc.refresh_from_db()
    assert euc.status == ConditionStatus.MET and euc.documents.get().original_name == "euc.pdf"
    detail = client.get(reverse("exporter:detail", args=[conditioned.decision.application_id])).content.decode()
    assert "Deliver by sea." in detail and text("euc-to-follow").text_nl[:40] in detail


def test_officials_see_the_conditions_and_download_what_the_holder_handed_in(client, api_as, exporter_a, officer, conditioned):
    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    api_as(exporter_a).post(f"/api/v1/licences/{conditioned.pk}/conditions/{dvc.pk}/meet/", {"file": pdf_upload("dvc.pdf")}, format="multipart")
    document = dvc.documents.get()
    client.force_login(officer)
    page = client.get(reverse("office:licence-reconciliation", args=[conditioned.pk])).content.decode()
    url = reverse("office:licence-condition-document", args=[conditioned.pk, document.pk])
    assert url in page
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("office:licence-condition-document", args=[conditioned.pk + 1000, document.pk])).status_code == 404


# --- the office's forms --------------------------------------------------------------------------------------------
def test_the_case_page_offers_the_standard_texts_and_its_forms_use_them(client, exporter_a, officer):
    application = application_submitted(exporter_a)
    client.force_login(officer)
    page = client.get(reverse("office:case", args=[application.pk])).content.decode()
    for code in ("dvc-return", "refusal-diversion", "question-euc"):
        assert f'value="{text(code).pk}"' in page, code

    asked = client.post(reverse("office:ask", args=[application.pk]), {"standard_texts": ids("question-euc"), "text": "And the annex."})
    assert asked.status_code == 302
    assert application.questions.get().text == text("question-euc").text_nl + "\n\nAnd the annex."

    application.questions.update(answered_at=timezone.now(), answer="Sent.")
    decided = client.post(reverse("office:decide", args=[application.pk]), {"outcome": "issued", "standard_conditions": ids("dvc-return", "no-reexport"), "confirmed": "yes"})
    assert decided.status_code == 302
    licence = Licence.objects.get(decision__application=application)
    assert set(licence.obligations.values_list("obligation", flat=True)) == {Obligation.DELIVERY_VERIFICATION, Obligation.NO_REEXPORT}


def test_the_beat_task_marks_the_overdue_and_owes_the_reminders(conditioned, settings):
    from licensing.licences.tasks import conditions_follow

    past_due(of(conditioned, Obligation.DELIVERY_VERIFICATION))
    LicenceCondition.objects.filter(pk=of(conditioned, Obligation.END_USER_CERTIFICATE).pk).update(due_on=timezone.localdate() + timedelta(days=settings.CONDITION_REMINDER_DAYS))
    assert conditions_follow() == "1 overdue, 1 reminded"
    assert conditions_follow() == "0 overdue, 0 reminded"
    assert "follow-licence-conditions" in settings.CELERY_BEAT_SCHEDULE


def test_a_replacement_licence_takes_over_the_conditions_not_yet_met(api_as, exporter_a, officer, conditioned):
    from licensing.licences.lifecycle import licence_replace

    dvc = of(conditioned, Obligation.DELIVERY_VERIFICATION)
    api_as(exporter_a).post(f"/api/v1/licences/{conditioned.pk}/conditions/{dvc.pk}/meet/", {"file": pdf_upload()}, format="multipart")
    new = licence_replace(actor=officer, licence=conditioned, reason="Value raised.")
    assert list(conditioned.obligations.values_list("obligation", flat=True)) == [Obligation.DELIVERY_VERIFICATION]  # met: stays, as history
    assert set(new.obligations.values_list("obligation", flat=True)) == {Obligation.NO_REEXPORT, Obligation.REIMPORT, Obligation.END_USER_CERTIFICATE, ""}
    assert Event.objects.get(verb="licence.replaced").payload["conditions"] == sorted(new.obligations.values_list("pk", flat=True))
