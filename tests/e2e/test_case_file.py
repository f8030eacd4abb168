"""
The case file in a real browser (issue 17): the officer asks two questions at once and writes a note mentioning an
advisor; the exporter sees both questions (never the note) and answers one with a document; the officer reads the
answer and downloads the document; the advisor finds the note on the case's timeline. Screenshots and axe-core as
in test_journeys.
"""
import pytest

from licensing.applications.models import Mention, Question
from tests.e2e import cases

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_two_questions_an_answer_with_a_document_and_a_note_with_a_mention(reference_db, live_worker, new_page, journey, exporter_a, officer, advisor):
    j = journey("7-case-file")
    case = cases.submitted(exporter_a, cases.NORWAY)
    pk = case.pk

    office = new_page(officer, "en")
    office.goto(f"/office/cases/{pk}/")
    for question in ("Who maintains the radar after delivery?", "Please send the end-use statement signed by the navy."):
        office.fill("#id_text", question)
        office.locator(f"form[action='/office/cases/{pk}/questions/'] button").click()
        assert "Question sent" in text(office, ".messages")
    assert office.locator("ol.questions li.question").count() == 2
    j.step(office, "two questions open at once")

    office.fill("#note_text", f"Norwegian navy: routine. @{advisor.username} please look at the statement when it comes.")
    office.set_input_files("#note-files", files=[{"name": "internal-check.pdf", "mimeType": "application/pdf", "buffer": cases.pdf_bytes("Internal check")}])
    office.locator(f"form[action='/office/cases/{pk}/notes/'] button").click()
    assert "Note saved" in text(office, ".messages")
    assert "internal-check.pdf" in text(office, "ol.timeline")
    assert Mention.objects.filter(user=advisor, read_at__isnull=True).count() == 1
    j.step(office, "a note mentioning the advisor, on the timeline")

    exporter = new_page(exporter_a, "en")
    exporter.goto(f"/applications/{pk}/")
    questions = text(exporter, "ol.questions")
    assert "Who maintains the radar" in questions and "end-use statement" in questions
    main = text(exporter, "main")
    assert "Norwegian navy: routine" not in main and "internal-check.pdf" not in main
    j.step(exporter, "the exporter sees both questions")

    second = Question.objects.get(application_id=pk, text__startswith="Please send")
    form = exporter.locator(f"form[action='/applications/{pk}/questions/{second.pk}/answer/']")
    form.locator("textarea[name=answer]").fill("Attached: the statement, signed by the Royal Norwegian Navy.")
    form.locator("input[type=file]").set_input_files(files=[{"name": "end-use-statement.pdf", "mimeType": "application/pdf", "buffer": cases.pdf_bytes("End-use statement")}])
    form.locator("button").click()
    assert "Answer sent" in text(exporter, ".messages")
    assert "end-use-statement.pdf" in text(exporter, "ol.questions")
    j.step(exporter, "one question answered with a document")

    office.reload()
    answered = office.locator(f"#question-{second.pk}")
    assert "signed by the Royal Norwegian Navy" in answered.inner_text()
    with office.expect_download() as download:
        answered.locator("a", has_text="end-use-statement.pdf").click()
    assert download.value.suggested_filename == "end-use-statement.pdf"
    j.step(office, "the officer reads the answer and its document")

    ministry = new_page(advisor, "nl")
    ministry.goto(f"/office/cases/{pk}/")
    assert "Norwegian navy: routine" in text(ministry, "ol.timeline")
    assert Mention.objects.get(user=advisor).read_at is not None
    j.step(ministry, "the advisor finds the note on the timeline (Dutch)")
