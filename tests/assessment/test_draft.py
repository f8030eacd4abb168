"""The advisor's draft (Assessment.draft): what was typed, kept as typed, never advice until given; given all or
nothing, with each error under its finding's path."""
import pytest

from licensing.applications.models import Application
from licensing.assessment import services
from licensing.assessment.models import Assessment, CriterionFinding
from licensing.audit.models import Event
from licensing.core.errors import Conflict, DomainError, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(referred, advisor):
    return services.assessment_start(actor=advisor, application=Application.objects.get(pk=referred().pk))


def typed(number: int, finding: str = "no_concern") -> dict:
    return {"finding": finding, "reasoning": f"Criterion {number}: read.", "sub_points": []}


def test_a_draft_merges_what_each_save_posted_and_keeps_only_the_cases_criteria(started, advisor):
    services.assessment_draft_save(actor=advisor, assessment=started, findings={1: typed(1), 99: typed(99)}, advice={"weighing": "So far."})
    services.assessment_draft_save(actor=advisor, assessment=started, findings={2: {"finding": "bogus", "reasoning": 7, "sub_points": ["a", 3]}}, advice={"advice": "approve"})
    draft = Assessment.objects.get(pk=started.pk).draft
    assert set(draft["findings"]) == {"1", "2"}  # 99 is no criterion of this case
    assert draft["findings"]["2"] == {"finding": "bogus", "reasoning": "", "sub_points": ["a"]}  # kept as typed, strings only
    assert draft["advice"] == {"weighing": "So far.", "advice": "approve"}
    assert not CriterionFinding.objects.exists() and not Event.objects.filter(verb__in=["assessment.submitted", "assessment.finalised", "application.advise"]).exists()


def test_only_the_author_keeps_a_draft_and_only_while_it_is_written(started, advisor, advisor2):
    with pytest.raises(NotAllowed):
        services.assessment_draft_save(actor=advisor2, assessment=started, findings={1: typed(1)}, advice={})
    for number in range(1, 9):
        services.assessment_draft_save(actor=advisor, assessment=started, findings={number: typed(number)}, advice={"advice": "approve"})
    services.assessment_submit_draft(actor=advisor, assessment=started)
    with pytest.raises(Conflict):
        services.assessment_draft_save(actor=advisor, assessment=started, findings={1: typed(1)}, advice={})


def test_giving_the_advice_records_every_finding_or_none(started, advisor):
    findings = {number: typed(number) for number in range(1, 9)}
    findings[4] = {"finding": "", "reasoning": "Half-way.", "sub_points": []}
    services.assessment_draft_save(actor=advisor, assessment=started, findings=findings, advice={"advice": "approve"})
    with pytest.raises(DomainError) as refused:
        services.assessment_submit_draft(actor=advisor, assessment=started)
    assert set(refused.value.fields) == {"findings[4].finding"}
    assert not CriterionFinding.objects.filter(assessment=started).exists()  # criteria 1-3 were rolled back too
    assert Assessment.objects.get(pk=started.pk).draft["findings"]["4"]["reasoning"] == "Half-way."

    services.assessment_draft_save(actor=advisor, assessment=started, findings={4: typed(4)}, advice={})
    given = services.assessment_submit_draft(actor=advisor, assessment=started)
    assert given.advice == "approve" and CriterionFinding.objects.filter(assessment=started).count() == 8
    assert Assessment.objects.get(pk=started.pk).draft == {}
