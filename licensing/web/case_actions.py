"""
The actions an official may take on a case now, for the case page's actions list (templates/office/includes/actions.html).

Nothing here decides who may do what: the workflow table (`licensing.applications.workflow.MACHINE`) says which
moves the reader's role may make from the case's status, and its guards say whether they may be made now (an
open question keeps a decision back); the assessment's machine says the same of the advice and the
countersignature, and routing.services.queue_actions of claim, release and assign. This module only lists, in
the page's order, the small form of each action the reader has now.

Adding an action is one entry in ACTIONS:

    CaseAction("objection", gettext_lazy("Decide the objection"), "office/actions/objection.html",
               shown=lambda now: "decide_objection" in now.allowed)

`shown(now)` reads the `Now` (what the machines allow this reader) and says whether the action is offered; its
template is a small form included inside a <details> (open when `opened(now)` says so), with the page's context.
An action refused only by a guard is listed under the actions with the guard's reason (`Now.refused`).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from licensing.applications import services as applications
from licensing.applications.choices import CATCH_ALL_GROUNDS
from licensing.applications.models import Application, Status
from licensing.applications.workflow import MACHINE, Action
from licensing.assessment.models import Assessment, AssessmentStatus
from licensing.assessment.transitions import ASSESSMENT, AssessmentAction
from licensing.core.errors import DomainError
from licensing.licences.decisions import ACTION_OF_OUTCOME, outcomes_for
from licensing.routing import services as triage

DECISIONS = (Action.ISSUE, Action.DENY, Action.ANSWER_SONDAGE, Action.RULE)
# The moves whose guard is a reason to tell the reader why not (the others are simply not offered).
EXPLAINED = frozenset({*DECISIONS, Action.REFER, Action.ADVISE})


@dataclass
class Now:
    """What the reader may do on the case now, as the machines say."""

    application: Application
    user: object
    allowed: frozenset[str]  # the workflow's moves the reader may make now (role, status and guard)
    permitted: frozenset[str]  # the workflow's moves the reader's role may make from this status (guards aside)
    refused: dict[str, str]  # a permitted move its guard (or the claimant rule) refuses now: why
    assessment: Assessment | None
    assessment_allowed: frozenset[str]
    queue: frozenset[str]  # claim, release, assign (routing.services.queue_actions)
    outcomes: list[str] = field(default_factory=list)  # the decisions the reader may record now

    @property
    def writes_assessment(self) -> bool:
        return self.assessment is not None and self.assessment.status == AssessmentStatus.DRAFT and self.assessment.advisor_id == self.user.pk


@dataclass(frozen=True)
class CaseAction:
    key: str
    title: str
    template: str
    shown: Callable[[Now], bool]
    opened: Callable[[Now], bool] = lambda now: False


def _catch_all_possible(application: Application) -> bool:
    """Not imposed yet, and goods and a movement a catch-all can reach (routing.services decides which)."""
    return not triage.catch_all_imposed(application) and bool(triage.catch_all_goods_of(application)) and application.movement in CATCH_ALL_GROUNDS


def _may_start_assessment(now: Now) -> bool:
    return Action.ADVISE in now.permitted and (now.assessment is None or now.assessment.status == AssessmentStatus.RETURNED)


ACTIONS: tuple[CaseAction, ...] = (
    CaseAction("claim", gettext_lazy("Claim the case"), "office/actions/claim.html", shown=lambda now: "claim" in now.queue),
    CaseAction("release", gettext_lazy("Release the case"), "office/actions/release.html", shown=lambda now: "release" in now.queue),
    CaseAction("assign", gettext_lazy("Assign to a colleague"), "office/actions/assign.html", shown=lambda now: "assign" in now.queue),
    CaseAction("start-assessment", gettext_lazy("Start the assessment"), "office/actions/start_assessment.html", shown=_may_start_assessment, opened=lambda now: True),
    # Findings may be written while a question is open; only giving the advice waits (the ADVISE move's guard).
    CaseAction(
        "assessment", gettext_lazy("Findings and advice"), "office/actions/assessment.html",
        shown=lambda now: Action.ADVISE in now.permitted and now.writes_assessment, opened=lambda now: True,
    ),
    CaseAction(
        "countersign", gettext_lazy("Countersign or send back the advice"), "office/actions/countersign.html",
        shown=lambda now: AssessmentAction.COUNTERSIGN in now.assessment_allowed, opened=lambda now: True,
    ),
    CaseAction("ask", gettext_lazy("Ask the exporter a question"), "office/actions/ask.html", shown=lambda now: Action.ASK_QUESTION in now.allowed),
    CaseAction("refer", gettext_lazy("Refer to the ministry"), "office/actions/refer.html", shown=lambda now: Action.REFER in now.allowed),
    # Once the ministry has advised, the decision is the office's one task left: its form starts open.
    CaseAction(
        "decide", gettext_lazy("Record the decision"), "office/actions/decide.html",
        shown=lambda now: bool(now.outcomes), opened=lambda now: now.application.status == Status.ADVICE_GIVEN,
    ),
    CaseAction("set-aside", gettext_lazy("Set aside (Awb 4:5)"), "office/actions/set_aside.html", shown=lambda now: Action.SET_ASIDE in now.allowed),
    CaseAction(
        "catch-all", gettext_lazy("Impose a licence requirement (catch-all)"), "office/actions/catch_all.html",
        shown=lambda now: Action.IMPOSE_CATCH_ALL in now.allowed and _catch_all_possible(now.application),
    ),
    CaseAction(
        "note", gettext_lazy("Write an internal note"), "office/actions/note.html",
        shown=lambda now: now.user.has_role(*applications.NOTING) and now.application.status != Status.DRAFT,
    ),
)


def _checked(machine, obj, actions, user) -> tuple[list[str], dict[str, str]]:
    """Of `actions` (each allowed to the role from the status), the ones the move's guard lets through now, and why
    the others may not be made (Machine.check: the very question the move asks)."""
    allowed, refused = [], {}
    for action in actions:
        try:
            machine.check(obj, action, user)
        except DomainError as exc:
            refused[action] = str(exc.message)
        else:
            allowed.append(action)
    return allowed, refused


def _claimant_refusal(application: Application, user) -> str | None:
    try:
        triage.case_ensure_claimant(actor=user, application=application)
    except DomainError as exc:
        return str(exc.message)
    return None


def now_for(application: Application, user, assessment: Assessment | None) -> Now:
    permitted = MACHINE.allowed_actions(application, user)
    allowed, refused = _checked(MACHINE, application, permitted, user)
    if any(a in allowed for a in (*DECISIONS, Action.REFER)):
        # A claimed case is referred or decided by its claimant (routing.services.case_ensure_claimant).
        claimant = _claimant_refusal(application, user)
        if claimant:
            for action in [a for a in allowed if a in (*DECISIONS, Action.REFER)]:
                allowed.remove(action)
                refused[action] = claimant
    assessment_allowed: list[str] = []
    if assessment is not None:
        candidates = [a for a in ASSESSMENT.allowed_actions(assessment, user) if a == AssessmentAction.COUNTERSIGN]
        assessment_allowed, _ = _checked(ASSESSMENT, assessment, candidates, user)
    outcomes = [o for o in outcomes_for(application.kind) if ACTION_OF_OUTCOME[o] in allowed]
    return Now(
        application=application,
        user=user,
        allowed=frozenset(allowed),
        permitted=frozenset(permitted),
        refused=refused,
        assessment=assessment,
        assessment_allowed=frozenset(assessment_allowed),
        queue=frozenset(triage.queue_actions(actor=user, application=application)),
        outcomes=outcomes,
    )


def case_actions(now: Now) -> list[dict]:
    """The actions to offer, in the page's order: key, title, template and whether its form starts open."""
    return [{"key": a.key, "title": a.title, "template": a.template, "open": a.opened(now)} for a in ACTIONS if a.shown(now)]


def refusals(now: Now) -> list[dict]:
    """Why a move the reader's role could make from this status cannot be made now (a guard's or the claimant
    rule's reason), one line per reason: the four decisions share theirs."""
    kind_decides = {ACTION_OF_OUTCOME[o] for o in outcomes_for(now.application.kind)}
    lines: dict[str, str] = {}
    for action, reason in now.refused.items():
        if action in DECISIONS:
            if now.outcomes or action not in kind_decides:
                continue
            title = str(gettext_lazy("Record the decision"))
        elif action in EXPLAINED:
            title = str(Action(action).label)
        else:
            continue
        lines.setdefault(reason, title)
    return [{"title": title, "reason": reason} for reason, title in lines.items()]
