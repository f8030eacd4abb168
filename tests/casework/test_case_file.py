"""The case file (issue 17): several questions open at once with answer-by dates, answered one by one with documents;
reminders; setting an application aside when a question goes unanswered; internal notes with mentions; and one
timeline per case, each reader their own view."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensing.applications import services
from licensing.applications.models import Application, Document, Mention, Note, Question, Status
from licensing.applications.workflow import allowed_actions
from licensing.audit.models import Event
from licensing.core.errors import DomainError
from licensing.licences.decisions import application_set_aside
from tests.factories import SAUDI, pdf_upload

pytestmark = pytest.mark.django_db


def _ask(client, pk, text, **extra):
    response = client.post(f"/api/v1/office/applications/{pk}/questions/", {"text": text, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _answer(client, pk, qid, text, files=()):
    return client.post(f"/api/v1/applications/{pk}/questions/{qid}/answer/", {"text": text, "file": list(files)}, format="multipart")


# --- questions ------------------------------------------------------------------------------------------------
def test_two_questions_open_at_once_the_clock_stops_once_and_runs_again_after_the_last_answer(api_as, exporter_a, officer, advisor, submit, settings):
    application = submit(exporter_a)
    deadline = application.deadline_at
    office = api_as(officer)
    first = _ask(office, application.pk, "Who is the ultimate end user?")
    assert first["due_on"] == (timezone.localdate() + timedelta(days=settings.QUESTION_ANSWER_DAYS)).isoformat()
    stopped = Application.objects.get(pk=application.pk).clock_stopped_at
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    second = _ask(office, application.pk, "Send the end-use statement, signed.", due_on=due)
    assert second["due_on"] == due and second["is_open"]
    assert Application.objects.get(pk=application.pk).clock_stopped_at == stopped  # the second question does not restart it

    exporter = api_as(exporter_a)
    answered = _answer(exporter, application.pk, second["id"], "Attached.", [pdf_upload("statement.pdf", "Signed statement")])
    assert answered.status_code == 201, answered.content
    assert [d["original_name"] for d in answered.json()["documents"]] == ["statement.pdf"]
    assert Application.objects.get(pk=application.pk).clock_stopped_at == stopped  # one question is still open

    response = _answer(exporter, application.pk, first["id"], "The Royal Norwegian Navy.")
    assert response.status_code == 201, response.content
    after = Application.objects.get(pk=application.pk)
    assert after.clock_stopped_at is None and after.deadline_at > deadline
    # Answered twice: refused, and nothing changes.
    again = _answer(exporter, application.pk, first["id"], "Again.")
    assert again.status_code == 400 and Question.objects.get(pk=first["id"]).answer == "The Royal Norwegian Navy."

    # Both sides read the questions with the answers and the documents.
    for reader in (exporter, office, api_as(advisor)):
        questions = reader.get(f"/api/v1/applications/{application.pk}/questions/").json()
        assert [q["text"] for q in questions] == ["Who is the ultimate end user?", "Send the end-use statement, signed."]
        assert all(q["answered_at"] for q in questions)
        assert questions[1]["documents"][0]["original_name"] == "statement.pdf"
    document_id = questions[1]["documents"][0]["id"]
    assert office.get(f"/api/v1/applications/{application.pk}/documents/{document_id}/").status_code == 200


def test_the_ministry_asks_questions_too(api_as, exporter_a, officer, advisor, submit):
    application = submit(exporter_a, **SAUDI)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json").status_code == 200
    question = _ask(api_as(advisor), application.pk, "What is the radar's range?")
    assert Question.objects.get(pk=question["id"]).asked_by == advisor


def test_an_answer_with_a_rejected_file_saves_nothing(api_as, exporter_a, officer, submit):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = submit(exporter_a)
    question = _ask(api_as(officer), application.pk, "Send the contract.")
    documents, events = Document.objects.count(), Event.objects.count()
    fake = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _answer(api_as(exporter_a), application.pk, question["id"], "Here.", [pdf_upload(), fake])
    assert response.status_code == 400 and "file" in response.json()["fields"]
    assert Document.objects.count() == documents and Event.objects.count() == events
    assert Question.objects.get(pk=question["id"]).is_open


def test_another_organisation_cannot_read_or_answer_the_questions(api_as, exporter_a, exporter_b, officer, submit):
    application = submit(exporter_a)
    question = _ask(api_as(officer), application.pk, "Who pays?")
    other = api_as(exporter_b)
    assert other.get(f"/api/v1/applications/{application.pk}/questions/").status_code == 404
    assert _answer(other, application.pk, question["id"], "Us.").status_code == 404
    assert Question.objects.get(pk=question["id"]).is_open


def test_a_question_of_another_application_is_not_found(api_as, exporter_a, officer, submit):
    first, second = submit(exporter_a), submit(exporter_a)
    question = _ask(api_as(officer), second.pk, "Who pays?")
    assert _answer(api_as(exporter_a), first.pk, question["id"], "Us.").status_code == 404


def test_an_answer_by_date_in_the_past_is_refused(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    response = api_as(officer).post(
        f"/api/v1/office/applications/{application.pk}/questions/", {"text": "?", "due_on": timezone.localdate().isoformat()}, format="json"
    )
    assert response.status_code == 400 and "due_on" in response.json()["fields"]


def test_the_old_answer_path_answers_the_oldest_open_question(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    office = api_as(officer)
    first, second = _ask(office, application.pk, "First?"), _ask(office, application.pk, "Second?")
    assert api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/answer/", {"answer": "One."}, format="json").status_code == 200
    assert not Question.objects.get(pk=first["id"]).is_open and Question.objects.get(pk=second["id"]).is_open


def test_a_reminder_is_sent_once_a_few_days_before_the_date(exporter_a, officer, submit, settings, django_capture_on_commit_callbacks):
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)
    soon = services.question_ask(actor=officer, application=application, text="Soon?", due_on=timezone.localdate() + timedelta(days=settings.QUESTION_REMINDER_DAYS))
    services.question_ask(actor=officer, application=application, text="Later?", due_on=timezone.localdate() + timedelta(days=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_remind() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.questions_remind() == 0  # sent once
    (message,) = mail.outbox
    assert application.reference in message.subject and "Soon?" in message.body
    assert Question.objects.get(pk=soon.pk).reminded_at is not None


# --- setting aside (Awb 4:5) --------------------------------------------------------------------------------------
def test_an_application_is_set_aside_only_after_a_question_went_unanswered_past_its_date(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks):
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)
    office = api_as(officer)
    question = _ask(office, application.pk, "Who is the end user?")
    refused = office.post(f"/api/v1/office/applications/{application.pk}/set-aside/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and Application.objects.get(pk=application.pk).status == Status.IN_REVIEW

    Question.objects.filter(pk=question["id"]).update(due_on=timezone.localdate() - timedelta(days=1))
    assert "set_aside" in allowed_actions(Application.objects.get(pk=application.pk), officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/api/v1/office/applications/{application.pk}/set-aside/", {"reason": "No answer received."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "set_aside"
    assert Status.SET_ASIDE in Status.closed()
    (message,) = mail.outbox  # the letter, in the holder's language (Dutch by default)
    assert message.subject == f"Uw aanvraag {application.reference} is buiten behandeling gesteld"
    name, content, mimetype = message.attachments[0]
    assert content.startswith(b"%PDF") and name.endswith("set-aside.pdf")
    letter = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    # Closed: nothing more happens to it.
    assert api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/withdraw/", {}, format="json").status_code == 409


def test_setting_aside_is_the_office_s_move(exporter_a, advisor, officer, submit):
    application = submit(exporter_a)
    question = services.question_ask(actor=officer, application=application, text="?")
    Question.objects.filter(pk=question.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError):
        application_set_aside(actor=advisor, application=Application.objects.get(pk=application.pk))


def test_the_reports_read_a_set_aside_application_without_failing(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    question = services.question_ask(actor=officer, application=application, text="?")
    Question.objects.filter(pk=question.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    application_set_aside(actor=officer, application=Application.objects.get(pk=application.pk))
    from licensing.reporting.services import TABLES

    today = timezone.localdate()
    for table in TABLES:
        for url in (f"/api/v1/reports/annual/{today.year}/{table}/", f"/api/v1/reports/monthly/{today.year}/{today.month}/{table}/"):
            response = api_as(officer).get(url)
            assert response.status_code == 200, (url, response.status_code)
    assert api_as(officer).get(f"/api/v1/reports/annual/{today.year}/export/").status_code == 200
    assert api_as(officer).get("/api/v1/office/queue/").status_code == 200
    assert api_as(exporter_a).get("/api/v1/applications/?status=set_aside").json()["count"] == 1


# --- internal notes -------------------------------------------------------------------------------------------------
def test_a_note_mentions_a_colleague_who_is_told_in_the_application_and_by_mail(api_as, exporter_a, officer, officer2, advisor, submit, django_capture_on_commit_callbacks):
    officer2.email = "officer2@cdiu.example"
    officer2.save(update_fields=["email"])
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(
            f"/api/v1/office/applications/{application.pk}/notes/",
            {"text": f"@{officer2.username} please check the end user; @{exporter_a.username} is no colleague; @nobody", "file": [pdf_upload("memo.pdf", "Internal memo")]},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mentions"] == [officer2.username] and body["documents"][0]["name"] == "memo.pdf"
    assert Mention.objects.get(user=officer2).read_at is None
    assert [m.to for m in mail.outbox] == [["officer2@cdiu.example"]]
    assert "please check" not in mail.outbox[0].body  # the note stays inside the application
    # Exporters cannot write notes, nor read them.
    assert api_as(exporter_a).post(f"/api/v1/office/applications/{application.pk}/notes/", {"text": "x"}, format="json").status_code == 403
    document_id = body["documents"][0]["id"]
    assert api_as(advisor).get(f"/api/v1/office/applications/{application.pk}/internal-documents/{document_id}/").status_code == 200
    assert api_as(exporter_a).get(f"/api/v1/office/applications/{application.pk}/internal-documents/{document_id}/").status_code == 403


def test_an_empty_note_is_refused(api_as, officer, exporter_a, submit):
    application = submit(exporter_a)
    response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/notes/", {"text": "   "}, format="json")
    assert response.status_code == 400 and Note.objects.count() == 0


# --- the timeline -----------------------------------------------------------------------------------------------------
def _timeline(client, pk):
    response = client.get(f"/api/v1/applications/{pk}/timeline/")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_reader_gets_their_own_timeline(api_as, exporter_a, exporter_b, officer, advisor, submit):
    application = submit(exporter_a, **SAUDI)
    office = api_as(officer)
    assert office.post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    question = _ask(office, application.pk, "Who is the end user?")
    assert _answer(api_as(exporter_a), application.pk, question["id"], "The navy.", [pdf_upload("euc2.pdf")]).status_code == 201
    assert office.post(f"/api/v1/office/applications/{application.pk}/notes/", {"text": "Secret remark on the end user."}, format="json").status_code == 201
    assert office.post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Referral note for the ministry."}, format="json").status_code == 200

    official = _timeline(api_as(advisor), application.pk)
    verbs = [e["verb"] for e in official]
    for verb in ("application.submit", "application.route", "case.claimed", "application.ask_question", "application.answer_question", "case.note", "application.refer"):
        assert verb in verbs, verb
    route = next(e for e in official if e["verb"] == "application.route")
    assert route["rules"] and all(r["id"] for r in route["rules"])
    answer = next(e for e in official if e["verb"] == "application.answer_question")
    assert answer["text"] == "The navy." and answer["documents"][0]["name"] == "euc2.pdf"
    assert any(e["text"] == "Secret remark on the end user." for e in official)
    assert any(e["text"] == "Referral note for the ministry." for e in official)

    exporter = _timeline(api_as(exporter_a), application.pk)
    text = str(exporter)
    assert "Secret remark" not in text and "Referral note" not in text and "case.note" not in text and "case.claimed" not in text
    assert "screening." not in text and officer.username not in text
    assert all(not e["rules"] for e in exporter)
    assert any(e["verb"] == "application.answer_question" and e["documents"] for e in exporter)
    assert api_as(exporter_b).get(f"/api/v1/applications/{application.pk}/timeline/").status_code == 404


def test_the_timeline_runs_a_constant_number_of_queries(api_as, exporter_a, officer, officer2, submit):
    application = submit(exporter_a)
    office = api_as(officer)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert len(_timeline(office, application.pk)) > 0
        return len(queries)

    def one_round(n):
        question = services.question_ask(actor=officer, application=application, text=f"Question {n}?")
        services.question_answer(actor=exporter_a, application=application, question_id=question.pk, answer=f"Answer {n}.", files=[pdf_upload(f"a{n}.pdf")])
        services.note_add(actor=officer, application=application, text=f"Note {n} for @{officer2.username}", files=[pdf_upload(f"n{n}.pdf")])

    one_round(0)
    count()  # the first request of a client also loads what is cached per process
    few = count()
    for n in range(1, 17):
        one_round(n)
    assert len(_timeline(office, application.pk)) >= 50
    assert count() == few


def test_the_timeline_rows_have_the_documented_shape(api_as, exporter_a, officer, submit):
    """The API writes the entries out directly; TimelineEntryOut documents them (the schema): both must agree."""
    from licensing.api.applications import TimelineEntryOut, _timeline_row
    from licensing.casework.timeline import case_timeline

    application = submit(exporter_a)
    question = services.question_ask(actor=officer, application=application, text="Which vessel?")
    services.question_answer(actor=exporter_a, application=application, question_id=question.pk, answer="KNM Nansen.", files=[pdf_upload()])
    for entry in case_timeline(Application.objects.get(pk=application.pk), officer):
        documented, written = dict(TimelineEntryOut(entry).data), _timeline_row(entry)
        assert set(documented) == set(written)
        assert {k: v for k, v in documented.items() if k not in ("at", "answered_at", "rules", "documents")} == {
            k: v for k, v in written.items() if k not in ("at", "answered_at", "rules", "documents")
        }
        assert [dict(d) for d in documented["documents"]] == written["documents"]
