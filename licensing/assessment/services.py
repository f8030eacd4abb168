"""
The ministry's assessment against the frameworks that apply to the case (licensing.reference.frameworks decides
which: the Common Position's eight criteria, Article 15 of the Dual-Use Regulation, the anti-torture Regulation) and
its advice (four eyes), and consultations with member states whose denial an application resembles.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from licensing.applications.choices import Kind
from licensing.applications.models import Application, Status
from licensing.applications.selectors import application_frameworks
from licensing.applications.workflow import Action, application_move
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.core.permissions import refuse_unless
from licensing.reference.frameworks import grounds_of
from licensing.reference.models import CriterionKind, GroupCode
from licensing.reference.selectors import group_members

from .models import Advice, Assessment, AssessmentStatus, Consultation, CriterionFinding, Finding
from .transitions import ADVISING, ASSESSMENT, CONSULTATION, CONSULTING, AssessmentAction, ConsultationAction, consultation_answer_due, second_advisor_only  # noqa: F401 - the allow-lists and the due date are read through this module too



def _ensure_advisor(actor) -> None:
    refuse_unless(actor, ADVISING, gettext("Only a ministry advisor assesses applications."))


def outside_eu_nato_plus(application: Application) -> bool:
    """Whether any destination lies outside the EU, NATO and NATO+ (approval then needs a second advisor)."""
    allies = group_members(GroupCode.EU) | group_members(GroupCode.NATO) | group_members(GroupCode.NATO_PLUS)
    return any(c.code not in allies for c in application.destinations.all())


@transaction.atomic
def assessment_start(*, actor, application: Application) -> Assessment:
    _ensure_advisor(actor)
    if application.status != Status.REFERRED:
        raise Conflict(gettext("Only an application referred to the ministry can be assessed."))
    frameworks = application_frameworks(application)
    if not frameworks:
        raise Conflict(gettext("This case has no goods to assess."))
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(application=application, advisor=actor, frameworks=frameworks)
    except IntegrityError:
        raise Conflict(gettext("An assessment of this application is already under way.")) from None
    event_record(actor=actor, verb="assessment.started", target=application, payload={"assessment": assessment.pk, "frameworks": frameworks})
    return assessment


def assessment_frameworks(assessment: Assessment | None) -> list[str]:
    """The frameworks an assessment answers (none before one is started)."""
    return list(_started(assessment).frameworks)


def _started(assessment: Assessment | None) -> Assessment:
    if assessment is None:  # a page posted before anyone started the assessment (issue 23.12: a 500)
        raise Conflict(gettext("No assessment has been started on this case."))
    return assessment


def _live(assessment: Assessment | None, *, status: str) -> Assessment:
    _started(assessment)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != status:
        raise Conflict(gettext("The assessment is %(status)s.") % {"status": locked.get_status_display().lower()})
    return locked


@transaction.atomic
def finding_record(*, actor, assessment: Assessment, criterion: int, finding: str, reasoning: str, sub_points: list[str] | None = None) -> CriterionFinding:
    """Record (or replace) the finding on one ground (criterion) of the assessment's frameworks, with its reasoning."""
    locked = _live(assessment, status=AssessmentStatus.DRAFT)
    if locked.advisor_id != actor.pk:
        raise NotAllowed(gettext("Only the advisor who writes the assessment can change it."))
    errors = {}
    grounds = {g.number: g for g in grounds_of(locked.frameworks)}
    criterion_row = grounds.get(criterion)
    if criterion_row is None:
        errors["criterion"] = [gettext("Choose one of the criteria this case is assessed against: %(criteria)s.") % {"criteria": ", ".join(g.label_en for g in grounds.values())}]
    if finding not in Finding.values:
        errors["finding"] = [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Finding.values)}]
    if not (reasoning or "").strip():
        errors["reasoning"] = [gettext("Write down the reasoning.")]
    sub_points = list(sub_points or [])
    if criterion_row is not None:
        known = {s.key for s in criterion_row.sub_points.all()}
        unknown = [key for key in sub_points if key not in known]
        if unknown:
            errors["sub_points"] = [f"{criterion_row.label_en} has no sub-point {', '.join(unknown)}; it has {', '.join(sorted(known)) or 'none'}."]
    if errors:
        raise DomainError(gettext("The finding is not complete."), fields=errors)
    row, _ = CriterionFinding.objects.update_or_create(
        assessment=locked, criterion=criterion_row, defaults={"finding": finding, "reasoning": reasoning, "sub_points": sub_points}
    )
    return row


def advice_by_line(assessment: Assessment, goods_lines: list[int]) -> dict[int, str]:
    """The advice on each goods line (ids): its own where the advisor gave one (Assessment.line_advice), else the
    assessment's advice."""
    return {pk: assessment.line_advice.get(str(pk), assessment.advice) for pk in goods_lines}


def _line_advice_errors(assessment: Assessment, advice: str, line_advice: dict) -> list[str]:
    """A per-line advice names goods lines of this application, each with one of the advice's choices, and differs
    from the advice on some line only: a line-by-line denial is an advice to approve the other lines."""
    goods = list(assessment.application.goods.values_list("pk", flat=True))
    number = {str(pk): n for n, pk in enumerate(goods, start=1)}
    line_advice = {str(k): v for k, v in line_advice.items()}
    if line_advice and assessment.application.kind not in (Kind.INDIVIDUAL, Kind.GLOBAL):
        return [gettext("Only a licence application is advised on line by line.")]
    errors = []
    for key, value in line_advice.items():
        if str(key) not in number:
            errors.append(gettext("%(line)s is not a goods line of this application.") % {"line": key})
        elif value not in Advice.values:
            errors.append(gettext("Goods line %(line)s: choose one of: %(choices)s.") % {"line": number[str(key)], "choices": ", ".join(Advice.values)})
    if not errors and line_advice and all(line_advice.get(k, advice) == Advice.DENY for k in number) != (advice == Advice.DENY):
        errors.append(gettext("Advise to deny the application when every goods line is to be denied, else to approve it and deny the lines one by one."))
    return errors


def advice_errors(assessment: Assessment, *, advice: str, conditions: str, weighing: str, override_reason: str, line_advice: dict | None = None) -> dict[str, list[str]]:
    """Everything that keeps this advice from being given, by field. The findings must answer every ground of every
    framework the case is assessed against; a negative finding on a ground that leads to denial (criteria 1-4, the
    regulations' prohibitions) means a denial unless overridden with reasons. An advice to deny some goods lines
    (`line_advice`) rests on a negative finding, as a denial does."""
    errors: dict[str, list[str]] = {}
    problems = _line_advice_errors(assessment, advice, line_advice or {})
    if problems:
        errors["line_advice"] = problems
    grounds = {g.number: g for g in grounds_of(assessment.frameworks)}
    findings = {f.criterion_id: f for f in assessment.findings.all() if f.criterion_id in grounds}
    missing = [g.label_en for n, g in grounds.items() if n not in findings]
    if missing:
        errors["findings"] = [gettext("Record a finding on %(criteria)s.") % {"criteria": ", ".join(missing)}]
    if advice not in Advice.values:
        errors["advice"] = [gettext("Choose one of: %(choices)s.") % {"choices": ", ".join(Advice.values)}]
        return errors
    denying = {n for n, g in grounds.items() if g.kind == CriterionKind.DENY}
    negative = {n for n, f in findings.items() if f.finding == Finding.NEGATIVE}
    concerns_weighed = {n for n, f in findings.items() if n not in denying and f.finding != Finding.NO_CONCERN}
    if (advice == Advice.DENY or Advice.DENY in (line_advice or {}).values()) and not negative:
        errors["advice"] = [gettext("A denial must cite at least one criterion with a negative finding.")]
    if advice != Advice.DENY and negative & denying and not override_reason.strip():
        cited = ", ".join(grounds[n].label_en for n in sorted(negative & denying))
        errors["override_reason"] = [
            f"{cited}: negative, and each leads to denial: the advice is to deny, unless you record a reasoned override (a second advisor must confirm it)."
        ]
    if concerns_weighed and not weighing.strip():
        errors["weighing"] = [gettext("Write down how the findings on %(criteria)s were weighed.") % {"criteria": ", ".join(grounds[n].label_en for n in sorted(concerns_weighed))}]
    if advice == Advice.APPROVE_WITH_CONDITIONS and not conditions.strip():
        errors["conditions"] = [gettext("State the conditions.")]
    return errors


# --- the advisor's draft: the one findings-and-advice form, kept as typed ---------------------------------------
ADVICE_FIELDS = ("advice", "conditions", "weighing", "override_reason")


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def assessment_draft_save(*, actor, assessment: Assessment | None, findings: dict[int, dict], advice: dict) -> Assessment:
    """Keep what the advisor typed, valid or not, so that nothing is lost on a reload or an error: `findings` by
    criterion number ({"finding", "reasoning", "sub_points"}, only the criteria the form posted), `advice` the
    ADVICE_FIELDS posted. Merged into the draft already kept. A draft is not advice: no event, no finding recorded,
    nothing the exporter or the API shows; `assessment_submit_draft` turns it into findings and advice."""
    with transaction.atomic():
        locked = _live(assessment, status=AssessmentStatus.DRAFT)
        if locked.advisor_id != actor.pk:
            raise NotAllowed(gettext("Only the advisor who writes the assessment can change it."))
        grounds = {g.number for g in grounds_of(locked.frameworks)}
        draft = {"findings": dict((locked.draft or {}).get("findings", {})), "advice": dict((locked.draft or {}).get("advice", {}))}
        for number, typed in findings.items():
            if number in grounds:  # a criterion this case is not assessed against is not kept
                sub_points = [key for key in typed.get("sub_points", []) if isinstance(key, str)]
                draft["findings"][str(number)] = {"finding": _text(typed.get("finding")), "reasoning": _text(typed.get("reasoning")), "sub_points": sub_points}
        draft["advice"].update({name: _text(advice[name]) for name in ADVICE_FIELDS if name in advice})
        if "line_advice" in advice:  # the advice per goods line where it differs (issue 18.2), as typed
            draft["advice"]["line_advice"] = {str(k): _text(v) for k, v in (advice["line_advice"] or {}).items() if str(k).isdigit()}
        # The draft is not the status: a plain update of one column, no move, no event.
        Assessment.objects.filter(pk=locked.pk).update(draft=draft)
        assessment.draft = draft
    return assessment


def assessment_submit_draft(*, actor, assessment: Assessment | None) -> Assessment:
    """Give the advice the draft holds: record every finding typed in it, then the advice (assessment_submit), all or
    nothing. The errors name each field by its path (`findings[3].reasoning`, `weighing`), so the page can point at
    it; the draft stays as typed whatever fails."""
    started = _started(assessment)
    draft = started.draft or {}
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        for key, typed in sorted((draft.get("findings") or {}).items(), key=lambda item: int(item[0])):
            if not (typed.get("finding") or typed.get("reasoning", "").strip()):
                continue  # nothing typed on this criterion: the recorded finding (if any) stands
            try:
                finding_record(
                    actor=actor, assessment=started, criterion=int(key), finding=typed.get("finding", ""), reasoning=typed.get("reasoning", ""), sub_points=typed.get("sub_points", [])
                )
            except DomainError as exc:
                if not exc.fields:
                    raise
                for name, messages in exc.fields.items():
                    errors[f"findings[{key}].{name}"] = list(messages)
        if errors:
            raise DomainError(gettext("The advice cannot be given yet."), code="incomplete", fields=errors)
        typed_advice = draft.get("advice") or {}
        return assessment_submit(
            actor=actor, assessment=started, line_advice=typed_advice.get("line_advice") or {}, **{name: typed_advice.get(name, "") for name in ADVICE_FIELDS}
        )


def needs_countersignature(assessment: Assessment) -> bool:
    """Four eyes: a denial, an override of a ground that leads to denial, and any approval outside the EU/NATO+."""
    return (
        assessment.advice == Advice.DENY or Advice.DENY in assessment.line_advice.values() or bool(assessment.override_reason.strip())
        or outside_eu_nato_plus(assessment.application)
    )


def assessment_submit(
    *, actor, assessment: Assessment, advice: str, conditions: str = "", weighing: str = "", override_reason: str = "", line_advice: dict | None = None
) -> Assessment:
    """Give the advice; `line_advice` ({goods line id: advice}) where a goods line's advice differs (issue 18.2)."""
    with transaction.atomic():
        locked = _live(assessment, status=AssessmentStatus.DRAFT)
        if locked.advisor_id != actor.pk:
            raise NotAllowed(gettext("Only the advisor who writes the assessment can give its advice."))
        errors = advice_errors(locked, advice=advice, conditions=conditions, weighing=weighing, override_reason=override_reason, line_advice=line_advice)
        if errors:
            raise DomainError(gettext("The advice cannot be given yet."), code="incomplete", fields=errors)
        # Only the lines whose advice differs are kept: the rest follow the advice.
        line_advice = {str(k): v for k, v in (line_advice or {}).items() if v != advice}
        locked.advice, locked.conditions, locked.weighing, locked.override_reason, locked.line_advice = advice, conditions, weighing, override_reason, line_advice
        four_eyes = needs_countersignature(locked)
        ASSESSMENT.move(
            locked, AssessmentAction.SUBMIT if four_eyes else AssessmentAction.FINALISE, actor,
            payload={"assessment": locked.pk, "advice": advice, **({"line_advice": line_advice} if line_advice else {})},
            # The draft has become the advice: it is not kept beside it.
            extra_updates={"advice": advice, "conditions": conditions, "weighing": weighing, "override_reason": override_reason, "line_advice": line_advice, "draft": {}},
        )
        if not four_eyes:
            _advise(actor, locked)
    return locked


def _advise(actor, assessment: Assessment) -> None:
    application_move(
        application=Application.objects.get(pk=assessment.application_id),
        action=Action.ADVISE,
        actor=actor,
        payload={"assessment": assessment.pk, "advice": assessment.advice},
    )


def assessment_countersign(*, actor, assessment: Assessment, agree: bool, reason: str = "") -> Assessment:
    """A second advisor confirms the advice, or sends it back with the reason. Never the same person."""
    # The author is refused whatever the assessment's state (as a role outside ADVISING is): the move's own guard,
    # asked before the status is.
    second_advisor_only(_started(assessment), actor)
    if not agree and not reason.strip():
        raise DomainError(gettext("Say why you disagree."), fields={"reason": [gettext("Say why you disagree.")]})
    with transaction.atomic():
        # Compare-and-set in the move: of two advisors countersigning at once exactly one wins.
        ASSESSMENT.move(
            assessment, AssessmentAction.COUNTERSIGN if agree else AssessmentAction.RETURN, actor, reason=reason,
            payload={"assessment": assessment.pk},
            extra_updates={"countersigned_by": actor} if agree else {"return_reason": reason},
        )
        if agree:
            _advise(actor, assessment)
    return assessment


def final_assessment(application: Application) -> Assessment | None:
    return application.assessments.filter(status=AssessmentStatus.FINAL).order_by("-id").first()


# --- consultations ----------------------------------------------------------------------------------


def consultation_start(*, actor, consultation: Consultation) -> Consultation:
    CONSULTATION.move(
        consultation, ConsultationAction.START, actor,
        payload={"denial": consultation.denial.reference, "state": consultation.denial.notifying_state_id}, extra_updates={"started_by": actor},
    )
    return consultation


def consultation_answer(*, actor, consultation: Consultation, answer: str, timed_out: bool = False) -> Consultation:
    if not timed_out and not answer.strip():
        raise DomainError(gettext("Record the consulted state's answer."), fields={"answer": [gettext("Record the consulted state's answer.")]})
    action = ConsultationAction.TIME_OUT if timed_out else ConsultationAction.ANSWER
    CONSULTATION.move(consultation, action, actor, reason=answer, extra_updates={"answer": answer})
    return consultation
