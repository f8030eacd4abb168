"""
The one table of allowed moves. Every status change of an application goes through `application_move`;
no other code writes `Application.status`. docs/workflow.md is generated from MOVES
(`manage.py workflow_diagram`), and a test keeps the two the same.
"""
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.accounts.models import Role
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound

from .models import Application, Status

SYSTEM = "system"  # the actor role of background work (routing after submission)


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ROUTE = "route", _("Route to the licensing office's queue")
    REFER = "refer", _("Refer to the ministry")
    ADVISE = "advise", _("Give advice")
    RETURN_TO_MINISTRY = "return_to_ministry", _("Return to the ministry for new advice")
    ISSUE = "issue", _("Issue the licence")
    DENY = "deny", _("Deny")
    ANSWER_SONDAGE = "answer_sondage", _("Give the indicative answer")
    RULE = "rule", _("Give the classification ruling")
    WITHDRAW = "withdraw", _("Withdraw")
    SUPERSEDE = "supersede", _("Supersede by an amendment")
    ASK_QUESTION = "ask_question", _("Ask the exporter a question")
    ANSWER_QUESTION = "answer_question", _("Answer the question")
    SET_ASIDE = "set_aside", _("Set aside (question not answered in time)")


Guard = Callable[[Application, object], str | None]
"""A guard returns None when the move may go ahead, else the reason it may not."""


def _kind_is(*kinds: str) -> Guard:
    def guard(application, actor):
        if application.kind not in kinds:
            return _("An application of kind '%(kind)s' cannot be decided this way.") % {"kind": application.kind}
        return None

    return guard


def _office_alone(application, actor):
    if application.handler == "ministry" and application.status == Status.IN_REVIEW:
        return _("This application must be referred to the ministry before it can be decided.")
    return None


def _has_open_question(application, actor):
    if not application.questions.filter(answered_at__isnull=True).exists():
        return _("There is no open question to answer.")
    return None


def _no_open_question(application, actor):
    if application.questions.filter(answered_at__isnull=True).exists():
        return _("An open question to the exporter must be answered first.")
    return None


def _question_overdue(application, actor):
    today = timezone.localdate()
    if not application.questions.filter(answered_at__isnull=True, due_on__lt=today).exists():
        return _("An application can be set aside only when a question to the exporter was not answered by its date.")
    return None


def _all(*guards: Guard) -> Guard:
    def guard(application, actor):
        for g in guards:
            reason = g(application, actor)
            if reason:
                return reason
        return None

    return guard


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays (a move that only records an event)
    roles: frozenset[str]
    guard: Guard | None = None
    sets_timestamp: str | None = None


# Submitted and not yet decided, withdrawn or superseded: the one definition every module reads (a test checks that
# it is exactly the statuses that moves lead out of, besides a draft).
OPEN = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.REFERRED, Status.ADVICE_GIVEN})
DECIDABLE_BY_OFFICE = frozenset({Status.IN_REVIEW, Status.ADVICE_GIVEN})
OFFICIALS = frozenset({Role.OFFICER, Role.ADMINISTRATOR})

MOVES: tuple[Move, ...] = (
    Move(Action.SUBMIT, frozenset({Status.DRAFT}), Status.SUBMITTED, frozenset({Role.EXPORTER}), sets_timestamp="submitted_at"),
    Move(Action.ROUTE, frozenset({Status.SUBMITTED}), Status.IN_REVIEW, frozenset({SYSTEM, Role.OFFICER, Role.ADMINISTRATOR})),
    # The system refers directly where the work instruction says so (REFER_MINISTRY_CASES_DIRECTLY).
    Move(Action.REFER, frozenset({Status.IN_REVIEW}), Status.REFERRED, OFFICIALS | {SYSTEM}),
    Move(Action.ADVISE, frozenset({Status.REFERRED}), Status.ADVICE_GIVEN, frozenset({Role.ADVISOR}), guard=_no_open_question),
    Move(Action.RETURN_TO_MINISTRY, frozenset({Status.ADVICE_GIVEN}), Status.REFERRED, OFFICIALS),
    Move(
        Action.ISSUE,
        DECIDABLE_BY_OFFICE,
        Status.ISSUED,
        OFFICIALS,
        guard=_all(_kind_is("individual", "global", "general_registration"), _office_alone, _no_open_question),
        sets_timestamp="decided_at",
    ),
    Move(Action.DENY, DECIDABLE_BY_OFFICE, Status.DENIED, OFFICIALS, guard=_all(_office_alone, _no_open_question), sets_timestamp="decided_at"),
    Move(
        Action.ANSWER_SONDAGE,
        DECIDABLE_BY_OFFICE,
        Status.ANSWERED,
        OFFICIALS,
        guard=_all(_kind_is("sondage"), _office_alone, _no_open_question),
        sets_timestamp="decided_at",
    ),
    Move(Action.RULE, DECIDABLE_BY_OFFICE, Status.RULED, OFFICIALS, guard=_all(_kind_is("classification"), _no_open_question), sets_timestamp="decided_at"),
    Move(Action.WITHDRAW, OPEN, Status.WITHDRAWN, frozenset({Role.EXPORTER})),
    Move(Action.SUPERSEDE, OPEN, Status.SUPERSEDED, frozenset({Role.EXPORTER})),
    # Several questions may be open at once (each answered on its own); the clock stands still while any is.
    Move(Action.ASK_QUESTION, frozenset({Status.IN_REVIEW, Status.REFERRED}), None, frozenset({Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR}), guard=None),
    Move(Action.ANSWER_QUESTION, frozenset({Status.IN_REVIEW, Status.REFERRED}), None, frozenset({Role.EXPORTER}), guard=_has_open_question),
    # Buiten behandeling stellen (Awb 4:5): the office closes a case whose question went unanswered past its date.
    Move(Action.SET_ASIDE, frozenset({Status.IN_REVIEW, Status.REFERRED}), Status.SET_ASIDE, OFFICIALS, guard=_question_overdue, sets_timestamp="decided_at"),
)

_TABLE: dict[tuple[str, str], Move] = {(source, move.action): move for move in MOVES for source in move.sources}
assert len(_TABLE) == sum(len(m.sources) for m in MOVES), "two moves share a (status, action)"


def move_for(status: str, action: str) -> Move | None:
    return _TABLE.get((status, action))


def allowed_actions(application: Application, actor) -> list[str]:
    """The actions this actor could take now (ignoring guards that need more input); for buttons and the API."""
    role = _role_of(actor)
    return [m.action for m in MOVES if application.status in m.sources and role in m.roles and _may_touch(application, actor)]


def _role_of(actor) -> str:
    return SYSTEM if actor is None else actor.effective_role


def _may_touch(application: Application, actor) -> bool:
    if actor is None or not actor.is_exporter:
        return True
    return application.organisation_id == actor.organisation_id


def application_move(
    *,
    application: Application,
    action: str,
    actor,
    reason: str = "",
    payload: dict | None = None,
    extra_updates: dict | None = None,
) -> Application:
    """
    Perform one move or raise. The status is changed by a compare-and-set update, so of two people
    moving the same application at once exactly one wins; the other gets a Conflict (409).
    `extra_updates` are other fields written in the same update (e.g. the routing result).
    """
    if not _may_touch(application, actor):
        raise NotFound(_("No such application."))
    move = move_for(application.status, action)
    if move is None:
        raise Conflict(_("Cannot %(action)s an application that is %(status)s.") % {"action": Action(action).label.lower(), "status": Status(application.status).label.lower()})
    role = _role_of(actor)
    if role not in move.roles:
        who = Role(role).label if role in Role.values else role
        raise NotAllowed(_("Your role (%(role)s) may not %(action)s.") % {"role": who, "action": Action(action).label.lower()})
    if move.guard:
        refusal = move.guard(application, actor)
        if refusal:
            raise DomainError(refusal, code="not_allowed_now")

    with transaction.atomic():
        updates = dict(extra_updates or {})
        new_status = move.target or application.status
        updates["status"] = new_status
        now = timezone.now()
        updates["updated_at"] = now
        if move.sets_timestamp:
            updates[move.sets_timestamp] = now
        changed = Application.objects.filter(pk=application.pk, status=application.status).update(**updates)
        if changed != 1:
            raise Conflict(_("The application was changed by someone else in the meantime; reload and try again."))
        old_status = application.status
        for name, value in updates.items():
            setattr(application, name, value)
        event_record(
            actor=actor,
            verb=f"application.{action}",
            target=application,
            from_state=old_status,
            to_state=new_status,
            reason=reason,
            payload=payload,
        )
    return application


def workflow_mermaid() -> str:
    """The state diagram, generated from MOVES (Mermaid syntax)."""
    lines = ["stateDiagram-v2", "    [*] --> draft"]
    for move in MOVES:
        for source in sorted(move.sources):
            target = move.target or source
            roles = ", ".join(sorted(move.roles))
            lines.append(f"    {source} --> {target}: {move.action} ({roles})")
    for status in sorted(Status.closed()):
        lines.append(f"    {status} --> [*]")
    return "\n".join(lines) + "\n"
