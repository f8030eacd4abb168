"""
The case file in a real browser (issue 17): the officer asks two questions at once and writes a note mentioning an
advisor; the exporter sees both questions (never the note) and answers one with a document; the officer reads the
answer and downloads the document; the advisor finds the note on the case's timeline. The case page puts the facts
first (a summary card), then the timeline, then only the actions open to the reader, each its own small form in a
<details>; the advisor's findings and advice are one form whose draft survives a reload and a refused advice.
Screenshots (the officer's page at 1280 and 390 px too) and axe-core as in test_journeys.
"""
import pytest

from licensing.applications.models import Mention, Question
from licensing.assessment.models import CriterionFinding
from tests.e2e import cases
from tests.e2e.conftest import open_action, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def action_keys(page) -> list[str]:
    return [el.get_attribute("id").removeprefix("action-") for el in page.locator("details.case-action").all()]


def test_two_questions_an_answer_with_a_document_and_a_note_with_a_mention(reference_db, live_worker, new_page, journey, exporter_a, officer, advisor):
    j = journey("7-case-file")
    case = cases.submitted(exporter_a, cases.NORWAY)
    pk = case.pk

    office = new_page(officer, "en")
    office.goto(f"/office/cases/{pk}/")
    # Facts first, then the timeline, then only what the officer can do now.
    tops = [office.locator(f"#{title}").bounding_box()["y"] for title in ("summary-title", "timeline-title", "actions-title")]
    assert tops == sorted(tops)
    assert "Norway" in text(office, "section.case-summary") and "days left" in text(office, "section.case-summary")
    assert action_keys(office) == ["claim", "assign", "ask", "refer", "decide", "note"]
    j.step(office, "the officer's case page: facts, timeline, actions")
    screenshot(office, j.name, "officer-case-1280")
    office.set_viewport_size({"width": 390, "height": 844})
    screenshot(office, j.name, "officer-case-390")
    office.set_viewport_size({"width": 1280, "height": 900})
    for question in ("Who maintains the radar after delivery?", "Please send the end-use statement signed by the navy."):
        open_action(office, "ask")
        office.fill("#id_text", question)
        office.locator(f"form[action='/office/cases/{pk}/questions/'] button").click()
        assert "Question sent" in text(office, ".messages")
    assert office.locator("ol.questions li.question").count() == 2
    assert "decide" not in action_keys(office)  # an open question keeps the decision back, and the page says why
    assert "An open question to the exporter must be answered first." in text(office, "section.case-actions")
    j.step(office, "two questions open at once")

    open_action(office, "note")
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


def test_the_advisors_draft_survives_a_reload_and_a_refused_advice(reference_db, live_worker, new_page, journey, exporter_a, officer, advisor):
    j = journey("7b-advisor-draft")
    case = cases.referred(exporter_a, officer, cases.SAUDI)
    page = new_page(advisor, "en")
    page.goto(f"/office/cases/{case.pk}/")
    assert action_keys(page) == ["claim", "assign", "start-assessment", "ask", "note"]  # the ministry desk claims its cases
    page.locator(f"form[action='/office/cases/{case.pk}/assessment/'] button").click()
    assert "Assessment started" in text(page, ".messages")
    assert page.locator("details#action-assessment").get_attribute("open") is not None  # the advisor's work, open
    for number in range(1, 9):
        page.fill(f"#reasoning_{number}", f"Criterion {number}: considered against this year's country report.")
        if number != 2:
            page.select_option(f"#finding_{number}", "no_concern")
    page.fill("#id_weighing", "Nothing to weigh yet.")
    page.locator("details#action-assessment button", has_text="Save draft").click()
    assert "Draft saved" in text(page, ".messages")
    page.reload()
    assert page.input_value("#reasoning_2") == "Criterion 2: considered against this year's country report."
    assert page.input_value("#finding_3") == "no_concern" and page.input_value("#id_weighing") == "Nothing to weigh yet."
    j.step(page, "the draft after a reload")

    page.select_option("#id_advice", "approve")
    page.locator("details#action-assessment button", has_text="Give advice").click()
    summary = text(page, "details#action-assessment .error-summary")
    assert "Criterion 2, Finding" in summary and "findings[" not in summary
    page.locator("details#action-assessment .error-summary a", has_text="Criterion 2, Finding").click()
    assert page.evaluate("() => document.activeElement && document.activeElement.id || location.hash") in ("finding_2", "#finding_2")
    assert page.input_value("#reasoning_8") == "Criterion 8: considered against this year's country report."  # nothing lost
    assert not CriterionFinding.objects.filter(assessment__application_id=case.pk).exists()  # a draft is no advice
    j.step(page, "a refused advice keeps every finding typed")
