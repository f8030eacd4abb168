"""The officer's and the advisor's case page (issue 17.4): the facts first (a summary card), then the timeline, then
only the actions the workflow table allows the reader now, each its own small form; the advisor's findings and
advice are one form kept as a draft (nothing typed is lost, a draft is no advice); errors name fields in words and
link to them; the page's query count does not grow with the timeline."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications import services as applications
from licensing.applications.models import Application, Status
from licensing.applications.workflow import MACHINE
from licensing.assessment.models import Assessment, CriterionFinding
from licensing.audit.models import Event
from licensing.casework.timeline import case_timeline
from licensing.web.case_actions import ACTIONS
from tests.factories import SAUDI, application_submitted, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



def action_keys(page: str) -> list[str]:
    return re.findall(r'<details class="case-action" id="action-([\w-]+)"', page)


def section_at(page: str, title_id: str) -> int:
    at = page.find(f'id="{title_id}"')
    assert at >= 0, title_id
    return at


@pytest.fixture
def norway(exporter_a):
    """An office-alone case (Norway: NATO), in review."""
    return application_submitted(exporter_a)


@pytest.fixture
def referred(exporter_a, officer):
    from licensing.routing.services import application_refer

    case = application_submitted(exporter_a, **SAUDI)
    return application_refer(actor=officer, application=case, note="Advise please.")


def test_facts_first_then_the_timeline_then_the_actions(norway, officer):
    page = logged_in(officer).get(f"/office/cases/{norway.pk}/").content.decode()
    summary, timeline, actions = section_at(page, "summary-title"), section_at(page, "timeline-title"), section_at(page, "actions-title")
    assert summary < timeline < actions
    card = page[summary:timeline]
    for fact in ("Individual", "Export", "Radar transmitter module", "ML5", "Norway", "Royal Norwegian Navy", "168,000.00", "In review"):
        assert fact in card, fact
    days = Application.objects.get(pk=norway.pk).days_left()
    assert f"{days} days left" in card  # Application.days_left, the one count


def test_only_the_actions_the_workflow_allows_the_reader_now(norway, officer, advisor, officer2):
    office = logged_in(officer)
    page = office.get(f"/office/cases/{norway.pk}/").content.decode()
    # From the table: an officer may ask, refer and decide (of the decisions, the ones this kind takes: the guards);
    # the desk's claim and assign; a note.
    assert set(MACHINE.allowed_actions(norway, officer)) == {"refer", "issue", "deny", "answer_sondage", "rule", "ask_question", "set_aside", "impose_catch_all"}
    assert action_keys(page) == ["claim", "assign", "ask", "refer", "decide", "note"]  # set aside: no question overdue; catch-all: no unlisted goods
    decide = page[page.index('id="action-decide"'):]
    assert 'value="issued"' in decide and 'value="ruled"' not in decide and 'value="answered"' not in decide

    # An open question keeps the decision back: the form is gone and the page says why.
    office.post(f"/office/cases/{norway.pk}/questions/", {"text": "Which vessel?"})
    page = office.get(f"/office/cases/{norway.pk}/").content.decode()
    assert "decide" not in action_keys(page)
    assert "An open question to the exporter must be answered first." in page

    # The advisor is not of the office's desk: no claim, no assign, no decision; a question and a note are theirs.
    assert action_keys(logged_in(advisor).get(f"/office/cases/{norway.pk}/").content.decode()) == ["ask", "note"]

    # Claimed by a colleague: refer and decide are the claimant's (routing.services.case_ensure_claimant).
    logged_in(officer2).post(f"/office/cases/{norway.pk}/claim/")
    page = office.get(f"/office/cases/{norway.pk}/").content.decode()
    assert "refer" not in action_keys(page) and "claim" not in action_keys(page) and "release" not in action_keys(page)
    assert f"{officer2.username} has claimed this case" in page


def test_every_action_has_a_small_form_template():
    from django.template.loader import get_template

    for action in ACTIONS:
        assert get_template(action.template), action.key
    assert len({a.key for a in ACTIONS}) == len(ACTIONS)


def test_the_advisors_draft_keeps_everything_typed_and_is_no_advice(referred, advisor, exporter_a, api_as):
    pk = referred.pk
    client = logged_in(advisor)
    client.post(f"/office/cases/{pk}/assessment/")
    typed = {f"finding_{n}": "no_concern" for n in range(1, 9)} | {f"reasoning_{n}": f"Criterion {n}: country report read." for n in range(1, 9)}
    typed["finding_3"] = ""  # reasoning without a finding: invalid, kept as typed all the same
    typed["reasoning_3"] = "Half-way: the internal situation needs a second look."
    typed["finding_7"], typed["sub_points_7"] = "concern", ["d"]
    typed |= {"advice": "approve", "weighing": "Weighing so far: criterion 7 is met by the re-export clause."}
    saved = client.post(f"/office/cases/{pk}/assessment/findings/", typed, follow=True).content.decode()
    assert "Draft saved" in saved

    # A reload shows everything as typed.
    page = client.get(f"/office/cases/{pk}/").content.decode()
    assert "Half-way: the internal situation needs a second look." in page
    assert "Weighing so far: criterion 7 is met by the re-export clause." in page
    assert re.search(r'id="sp-7-d"[^>]*checked', page)
    assert re.search(r'<option value="concern" selected>', page)

    # A draft is no advice: no finding recorded, no advice, no event, nothing for the exporter or the API.
    assessment = Assessment.objects.get(application_id=pk)
    assert assessment.advice == "" and not CriterionFinding.objects.filter(assessment=assessment).exists()
    assert not Event.objects.filter(verb__in=["assessment.submitted", "assessment.finalised", "application.advise"]).exists()
    exporter_page = logged_in(exporter_a).get(f"/applications/{pk}/").content.decode()
    assert "Half-way" not in exporter_page and "Weighing so far" not in exporter_page
    assert "Half-way" not in api_as(exporter_a).get(f"/api/v1/applications/{pk}/timeline/").content.decode()

    # Giving the advice with criterion 3 incomplete: refused, nothing recorded, every finding still there, and the
    # error names the field in words and links to it.
    refused = client.post(f"/office/cases/{pk}/assessment/advice/", typed, follow=True)
    page = refused.content.decode()
    assert not CriterionFinding.objects.filter(assessment=assessment).exists()
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    assert "Criterion 3, Finding: Choose one of" in page and "findings[3]" not in page
    summary = page[page.index('class="error-summary"'):]
    for href in re.findall(r'<a href="#([\w-]+)">', summary[: summary.index("</div>")]):
        assert f'id="{href}"' in page, href
    assert "Half-way: the internal situation needs a second look." in page and "Criterion 8: country report read." in page

    typed["finding_3"] = "no_concern"
    given = client.post(f"/office/cases/{pk}/assessment/advice/", typed, follow=True).content.decode()
    assert "Advice given" in given
    assessment.refresh_from_db()
    assert assessment.status in ("final", "awaiting_countersignature") and assessment.draft == {}
    assert CriterionFinding.objects.filter(assessment=assessment).count() == 8


def test_only_the_author_keeps_a_draft(referred, advisor, advisor2):
    logged_in(advisor).post(f"/office/cases/{referred.pk}/assessment/")
    other = logged_in(advisor2).post(f"/office/cases/{referred.pk}/assessment/findings/", {"reasoning_1": "Not mine to write."})
    assert other.status_code == 403
    assert Assessment.objects.get(application_id=referred.pk).draft == {}


def test_the_query_count_does_not_grow_with_the_case(exporter_a, officer):
    """A case with 50 and more timeline entries (notes, questions answered with documents), 20 goods lines and three
    requests for advice reads no more than one with a few of each, and reads nothing twice: the blockers, the
    standard texts, the requests for advice and the questions once each, whatever shows them."""
    from licensing.accounts.models import ADVICE_BODY_ROLES
    from licensing.assessment.advice_requests import advice_request_answer, advice_request_ask
    from tests.factories import application_payload, pdf_upload

    def captured(case) -> list[str]:
        client = logged_in(officer)
        client.get(f"/office/cases/{case.pk}/")  # first visit: the notifications are read
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/office/cases/{case.pk}/").content.decode()
        assert 'id="action-decide"' in page and 'id="action-ask"' in page  # the decision form and the question's are built
        return [q["sql"] for q in queries.captured_queries]

    def case_with(count: int, lines: int, bodies):
        goods = application_payload()["goods"]
        case = application_submitted(exporter_a, goods=[{**goods[n % 2], "description": f"Line {n}"} for n in range(lines)])
        for n in range(count):
            question = applications.question_ask(actor=officer, application=case, text=f"Question {n}?")
            applications.question_answer(actor=exporter_a, application=case, question_id=question.pk, answer=f"Answer {n}.", files=[pdf_upload(f"a{n}.pdf")])
            applications.note_add(actor=officer, application=case, text=f"Note {n}")
        for body in bodies:
            request = advice_request_ask(actor=officer, application=case, body=body, question="Your view?")
            advice_request_answer(actor=_body_user(body), request=request, answer="No objection.")
        return Application.objects.get(pk=case.pk)

    few, many = case_with(1, 1, ADVICE_BODY_ROLES[:1]), case_with(17, 20, ADVICE_BODY_ROLES)
    assert len(case_timeline(many, officer)) >= 50 > len(case_timeline(few, officer))
    small, large = captured(few), captured(many)
    assert len(small) == len(large)
    # What several parts of the page show (the panels, the timeline, the decision's blockers and form) is read once.
    for table in ("assessment_advicerequest", "reference_standardtext", "licences_decisionproposal", "assessment_assessment",
                  "assessment_consultation", "reference_criterion", "licences_licence"):
        reads = [sql for sql in large if f'FROM "{table}"' in sql]
        assert len(reads) <= 1, (table, reads)
    assert len([sql for sql in large if sql.startswith('SELECT "applications_question"."id"')]) == 1  # the questions (the guards ask if one is open)


def _body_user(body):
    from tests.factories import UserFactory

    return UserFactory._meta.model.objects.filter(role=body).first() or UserFactory(username=f"{body}-1", role=body, organisation=None)


def test_after_the_advice_the_decision_is_open_and_offers_what_the_kind_takes(referred, advisor, advisor2, officer):
    from licensing.assessment import services as assessment

    started = assessment.assessment_start(actor=advisor, application=referred)
    for number in range(1, 9):
        assessment.finding_record(actor=advisor, assessment=started, criterion=number, finding="no_concern", reasoning=f"Criterion {number} considered.")
    assessment.assessment_submit(actor=advisor, assessment=started, advice="approve")
    assessment.assessment_countersign(actor=advisor2, assessment=Assessment.objects.get(pk=started.pk), agree=True)
    assert Application.objects.get(pk=referred.pk).status == Status.ADVICE_GIVEN
    page = logged_in(officer).get(f"/office/cases/{referred.pk}/").content.decode()
    assert '<details class="case-action" id="action-decide" open>' in page
    assert "countersign" not in action_keys(page) and "assessment" not in action_keys(page)
