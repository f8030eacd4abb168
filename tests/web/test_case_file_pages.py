"""The case file on the pages (issue 17): questions with their answers and documents on the exporter's, the
officer's and the advisor's pages; the exporter answers one question with a document; notes and internal documents
on the officials' page only; the timeline on every page of the case."""
import pytest

from licensing.applications.models import Application, Mention, Question, Status
from tests.factories import SAUDI, application_payload, logged_in, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



@pytest.fixture
def case(api_as, exporter_a, django_capture_on_commit_callbacks):
    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(**SAUDI), format="json").json()
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/applications/{draft['id']}/submit/")
    return Application.objects.get(pk=draft["id"])


def test_two_questions_an_answer_with_a_document_and_a_note_across_the_three_pages(case, exporter_a, officer, advisor, django_capture_on_commit_callbacks):
    office = logged_in(officer)
    office.post(f"/office/cases/{case.pk}/questions/", {"text": "Which vessel carries the radar?"})
    office.post(f"/office/cases/{case.pk}/questions/", {"text": "Send the signed end-use statement."})
    assert Question.objects.filter(application=case, answered_at__isnull=True).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/office/cases/{case.pk}/notes/", {"text": f"Looks fine; @{advisor.username} see the statement.", "file": pdf_upload("memo-internal.pdf")})
    assert Mention.objects.filter(user=advisor, read_at__isnull=True).count() == 1

    exporter = logged_in(exporter_a)
    page = exporter.get(f"/applications/{case.pk}/").content.decode()
    assert "Which vessel carries the radar?" in page and "Send the signed end-use statement." in page
    assert "Looks fine" not in page and "memo-internal.pdf" not in page and officer.username not in page
    second = Question.objects.get(text__startswith="Send the signed")
    response = exporter.post(f"/applications/{case.pk}/questions/{second.pk}/answer/", {"answer": "Attached, signed.", "file": pdf_upload("signed-statement.pdf")})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.answer == "Attached, signed." and second.documents.get().original_name == "signed-statement.pdf"
    assert Application.objects.get(pk=case.pk).clock_stopped_at is not None  # the first is still open

    for reader in (office, logged_in(advisor)):
        page = reader.get(f"/office/cases/{case.pk}/").content.decode()
        assert "Attached, signed." in page and "signed-statement.pdf" in page  # the officer sees the exporter's answer
        assert "Looks fine" in page and "memo-internal.pdf" in page and "Timeline" in page
    assert Mention.objects.get(user=advisor).read_at is not None  # read by opening the case
    document = second.documents.get()
    assert office.get(f"/office/cases/{case.pk}/documents/{document.pk}/").status_code == 200
    page = exporter.get(f"/applications/{case.pk}/").content.decode()
    assert "Timeline" in page and "Question answered" in page and "Looks fine" not in page


def test_the_office_sets_aside_a_case_with_an_overdue_question(case, officer, exporter_a, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    office = logged_in(officer)
    office.post(f"/office/cases/{case.pk}/questions/", {"text": "Who pays?"})
    assert "Set the application aside" not in office.get(f"/office/cases/{case.pk}/").content.decode()
    Question.objects.filter(application=case).update(due_on=timezone.localdate() - timedelta(days=1))
    assert "Set the application aside" in office.get(f"/office/cases/{case.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/office/cases/{case.pk}/set-aside/", {"reason": ""})
    assert Application.objects.get(pk=case.pk).status == Status.SET_ASIDE
    exporter = logged_in(exporter_a)
    assert "Download the letter (PDF)" in exporter.get(f"/applications/{case.pk}/").content.decode()
    letter = exporter.get(f"/applications/{case.pk}/decision/document/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"


def test_a_note_too_long_is_refused_with_the_reason(case, officer):
    from licensing.applications.models import Note

    response = logged_in(officer).post(f"/office/cases/{case.pk}/notes/", {"text": "x" * 20001}, follow=True)
    assert "20000" in response.content.decode().replace(".", "").replace(",", "") and Note.objects.count() == 0


MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


@pytest.mark.parametrize("language, typed", [("nl", "{d}-{m}-{y}"), ("en", "{d}/{m}/{y}"), ("nl", "{d} {month_nl} {y}")])
def test_the_officer_gives_a_questions_date_as_the_pages_language_writes_it(case, officer, language, typed):
    """The office's date fields were `type=date`, which a browser shows in its own order whatever the page's language
    (issue 20.4: dates per language everywhere); they read what the exporter's date fields read (web.fields.DateField)."""
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=45)
    office = logged_in(officer, language)
    assert 'type="date"' not in office.get(f"/office/cases/{case.pk}/").content.decode()
    written = typed.format(d=due.day, m=due.month, y=due.year, month_nl=MONTHS_NL[due.month - 1])
    office.post(f"/office/cases/{case.pk}/questions/", {"text": "Which vessel carries the radar?", "due_on": written})
    assert Question.objects.get(application=case).due_on == due


def test_a_month_first_date_is_refused(case, officer):
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.localdate() + timedelta(days=45)
    if due.day <= 12:
        due += timedelta(days=13)  # a day that cannot be a month: the order is plain
    office = logged_in(officer, "en")
    page = office.post(f"/office/cases/{case.pk}/questions/", {"text": "Which vessel?", "due_on": f"{due.month}/{due.day}/{due.year}"}, follow=True)
    assert not Question.objects.filter(application=case).exists()
    assert "Write the day before the month." in page.content.decode()
