"""
The one table of allowed moves of an application, a machine of the one transition mechanism
(`licensing.audit.transitions`). Every status change of an application goes through `application_move`;
no other code writes `Application.status` (the model refuses it). docs/workflow.md is generated from MOVES
(`manage.py workflow_diagram`), and a test keeps the two the same.
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from licensing.accounts.models import Role
from licensing.audit.transitions import SYSTEM, Guard, Machine, Move, all_of
from licensing.core.prefetch import prefetched_or

from .models import Application, Status


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
    IMPOSE_CATCH_ALL = "impose_catch_all", _("Impose a licence requirement (catch-all)")


# Which kinds of application each decision takes: the one table the moves' guards and the decision form read.
KINDS_DECIDED_BY: dict[str, tuple[str, ...]] = {
    Action.ISSUE: ("individual", "global", "general_registration"),
    Action.DENY: ("individual", "global", "general_registration", "sondage"),  # a classification request gets a ruling
    Action.ANSWER_SONDAGE: ("sondage",),
    Action.RULE: ("classification",),
}
# A catch-all makes goods licensable for an exchange someone applies for: not a registration or a classification.
CATCH_ALL_KINDS = ("individual", "global", "sondage")


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


def _open_question(application, *, overdue: bool = False) -> bool:
    """Whether a question is open (`overdue`: and its answer-by date has passed). From the questions the case's query
    read (the case page's, whose guards are asked for each decision it may offer), else one query: a move's guard
    runs on the row it has locked, read afresh."""
    today = timezone.localdate()
    unanswered = application.questions.filter(answered_at__isnull=True, **({"due_on__lt": today} if overdue else {}))
    return any(
        q.answered_at is None and (not overdue or (q.due_on is not None and q.due_on < today)) for q in prefetched_or(application, "questions", unanswered)
    )


def _has_open_question(application, actor):
    if not _open_question(application):
        return _("There is no open question to answer.")
    return None


def _no_open_question(application, actor):
    if _open_question(application):
        return _("An open question to the exporter must be answered first.")
    return None


def _question_overdue(application, actor):
    if not _open_question(application, overdue=True):
        return _("An application can be set aside only when a question to the exporter was not answered by its date.")
    return None


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
        guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.ISSUE]), _office_alone, _no_open_question),
        sets_timestamp="decided_at",
    ),
    Move(Action.DENY, DECIDABLE_BY_OFFICE, Status.DENIED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.DENY]), _office_alone, _no_open_question), sets_timestamp="decided_at"),
    Move(
        Action.ANSWER_SONDAGE,
        DECIDABLE_BY_OFFICE,
        Status.ANSWERED,
        OFFICIALS,
        guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.ANSWER_SONDAGE]), _office_alone, _no_open_question),
        sets_timestamp="decided_at",
    ),
    Move(Action.RULE, DECIDABLE_BY_OFFICE, Status.RULED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.RULE]), _no_open_question), sets_timestamp="decided_at"),
    Move(Action.WITHDRAW, OPEN, Status.WITHDRAWN, frozenset({Role.EXPORTER})),
    Move(Action.SUPERSEDE, OPEN, Status.SUPERSEDED, frozenset({Role.EXPORTER})),
    # Several questions may be open at once (each answered on its own); the clock stands still while any is.
    Move(Action.ASK_QUESTION, frozenset({Status.IN_REVIEW, Status.REFERRED}), None, frozenset({Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR}), guard=None),
    Move(Action.ANSWER_QUESTION, frozenset({Status.IN_REVIEW, Status.REFERRED}), None, frozenset({Role.EXPORTER}), guard=_has_open_question),
    # Buiten behandeling stellen (Awb 4:5): the office closes a case whose question went unanswered past its date.
    Move(Action.SET_ASIDE, frozenset({Status.IN_REVIEW, Status.REFERRED}), Status.SET_ASIDE, OFFICIALS, guard=_question_overdue, sets_timestamp="decided_at"),
    # Catch-all (Art. 4 of Regulation (EU) 2021/821): the desk that holds the case imposes a licence requirement; the
    # status stays, the routing is run again (licensing.routing.services.catch_all_impose).
    Move(
        Action.IMPOSE_CATCH_ALL,
        frozenset({Status.IN_REVIEW, Status.REFERRED}),
        None,
        frozenset({Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR}),
        guard=_kind_is(*CATCH_ALL_KINDS),
    ),
)


def _objection_in_handling(application, actor):
    # The objection is licensing.licences's model, a layer above: reached through the application's reverse relation.
    if not application.objections.filter(status="in_handling").exists():
        return _("A decided application is decided anew only on an objection in handling.")
    return None


# A well-founded objection puts a new decision in the place of the one objected to (Awb 7:11): the same decisions,
# from a decided status, only while an objection to the case is in handling (licences.objections.objection_decide).
DECIDED = frozenset({Status.ISSUED, Status.DENIED})
ON_OBJECTION_MOVES: tuple[Move, ...] = (
    Move(Action.ISSUE, DECIDED, Status.ISSUED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.ISSUE]), _objection_in_handling), sets_timestamp="decided_at"),
    Move(Action.DENY, DECIDED, Status.DENIED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.DENY]), _objection_in_handling), sets_timestamp="decided_at"),
    Move(Action.ANSWER_SONDAGE, frozenset({Status.ANSWERED}), Status.ANSWERED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.ANSWER_SONDAGE]), _objection_in_handling), sets_timestamp="decided_at"),
    Move(Action.RULE, frozenset({Status.RULED}), Status.RULED, OFFICIALS, guard=all_of(_kind_is(*KINDS_DECIDED_BY[Action.RULE]), _objection_in_handling), sets_timestamp="decided_at"),
)
MOVES = MOVES + ON_OBJECTION_MOVES



def _may_touch(application: Application, actor) -> bool:
    """An exporter moves only its own organisation's applications; anyone else is told there is no such one."""
    return actor is None or not actor.is_exporter or application.organisation_id == actor.organisation_id


MACHINE = Machine(
    name="application",
    model=Application,
    moves=MOVES,
    statuses=Status,
    actions=Action,
    roles=Role,
    initial=Status.DRAFT,
    visible=_may_touch,
    touches=("updated_at",),
    roles_first=False,  # a move from the wrong status is a Conflict whoever asks (tests/applications/test_workflow.py)
    not_found=_("No such application."),
    cannot=_("Cannot %(action)s an application that is %(status)s."),
    lost=_("The application was changed by someone else in the meantime; reload and try again."),
)


def move_for(status: str, action: str) -> Move | None:
    return MACHINE.move_for(status, action)


def allowed_actions(application: Application, actor) -> list[str]:
    """The actions this actor could take now (ignoring guards that need more input); for buttons and the API."""
    return MACHINE.allowed_actions(application, actor)


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
    MACHINE.move(application, action, actor, reason=reason, payload=payload, extra_updates=extra_updates)
    return application


def workflow_mermaid() -> str:
    """The state diagram, generated from MOVES (Mermaid syntax)."""
    return MACHINE.mermaid()
