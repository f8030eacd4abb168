"""
The tables of moves of an assessment (draft -> awaiting a second advisor -> final, or returned), of a
consultation of a denying member state (required -> started -> answered or timed out) and of a request for advice
to another body (open -> answered by that body, or withdrawn with a reason): machines of the one
transition mechanism (`licensing.audit.transitions`), made by `assessment.services`.

The allow-lists ADVISING and CONSULTING are the one place that says who assesses and who consults; the services,
the pages and the API read them. Both objects' events join their application's history (the case page shows
them), as they did before the tables existed; their verbs' actions keep the past tense they were recorded in
(the audit log is append-only).
"""
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy as _

from licensing.accounts.models import ADVICE_BODY_ROLES, Role
from licensing.audit.transitions import Machine, Move, countersignature, someone_else
from licensing.core.errors import Conflict, NotAllowed

from .models import AdviceRequest, AdviceRequestStatus, Assessment, AssessmentStatus, Consultation, ConsultationStatus

# Who assesses and advises: the ministry's advisors.
ADVISING = (Role.ADVISOR,)
# The licensing office consults; the ministry advises but does not consult other member states.
CONSULTING = (Role.OFFICER, Role.ADMINISTRATOR)
# The office and the ministry ask the other bodies for advice (and withdraw a request); each body answers its own.
ASKING_BODIES = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)
ANSWERING_BODIES = ADVICE_BODY_ROLES


class AssessmentAction(models.TextChoices):
    SUBMIT = "submitted", _("Submit for countersignature")
    FINALISE = "finalised", _("Give the advice")
    COUNTERSIGN = "countersigned", _("Countersign")
    RETURN = "returned", _("Return to the author")


def _author(assessment: Assessment, actor) -> None:
    if assessment.advisor_id != actor.pk:
        raise NotAllowed(gettext("Only the advisor who writes the assessment can give its advice."))


second_advisor_only = someone_else(lambda assessment: assessment.advisor_id, _("The second advisor must be someone else than the author of the assessment."))


ASSESSMENT = Machine(
    name="assessment",
    model=Assessment,
    moves=(
        Move(AssessmentAction.SUBMIT, {AssessmentStatus.DRAFT}, AssessmentStatus.AWAITING_COUNTERSIGNATURE, ADVISING, guard=_author, sets_timestamp="submitted_at"),
        Move(AssessmentAction.FINALISE, {AssessmentStatus.DRAFT}, AssessmentStatus.FINAL, ADVISING, guard=_author, sets_timestamp="submitted_at"),
        *countersignature(
            countersign=AssessmentAction.COUNTERSIGN, send_back=AssessmentAction.RETURN, awaiting=AssessmentStatus.AWAITING_COUNTERSIGNATURE,
            agreed=AssessmentStatus.FINAL, sent_back=AssessmentStatus.RETURNED, roles=ADVISING, guard=second_advisor_only, sets_timestamp="countersigned_at",
        ),
    ),
    statuses=AssessmentStatus,
    actions=AssessmentAction,
    roles=Role,
    initial=AssessmentStatus.DRAFT,
    event_target=lambda assessment: assessment.application,
    cannot=_("Cannot %(action)s an assessment that is %(status)s."),
    lost=_("This assessment was already countersigned or returned."),
)


class ConsultationAction(models.TextChoices):
    START = "started", _("Start the consultation")
    ANSWER = "answered", _("Record the answer")
    TIME_OUT = "timed_out", _("Record that no answer came in time")


def consultation_answer_due(consultation: Consultation) -> date | None:
    """The last day the consulted state has to answer: CONSULTATION_ANSWER_WORKING_DAYS working days after the start
    (Regulation (EU) 2021/821, Art. 16(5): ten working days; silence means not essentially identical)."""
    if consultation.started_at is None:
        return None
    day, left = timezone.localtime(consultation.started_at).date(), settings.CONSULTATION_ANSWER_WORKING_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _answer_time_over(consultation: Consultation, actor) -> None:
    due = consultation_answer_due(consultation)
    if timezone.localdate() <= due:
        raise Conflict(gettext("The consulted state has until %(date)s to answer; the consultation cannot time out before then.") % {"date": date_format(due)})


CONSULTATION = Machine(
    name="consultation",
    model=Consultation,
    moves=(
        Move(ConsultationAction.START, {ConsultationStatus.REQUIRED}, ConsultationStatus.STARTED, CONSULTING, sets_timestamp="started_at"),
        Move(ConsultationAction.ANSWER, {ConsultationStatus.STARTED}, ConsultationStatus.ANSWERED, CONSULTING, sets_timestamp="answered_at"),
        Move(ConsultationAction.TIME_OUT, {ConsultationStatus.STARTED}, ConsultationStatus.TIMED_OUT, CONSULTING, guard=_answer_time_over, sets_timestamp="answered_at"),
    ),
    statuses=ConsultationStatus,
    actions=ConsultationAction,
    roles=Role,
    initial=ConsultationStatus.REQUIRED,
    event_target=lambda consultation: consultation.application,
    cannot=_("Cannot %(action)s: the consultation is %(status)s."),
    lost=_("This consultation was changed by someone else in the meantime; reload and try again."),
)


class AdviceRequestAction(models.TextChoices):
    ANSWER = "answered", _("Give the advice")
    WITHDRAW = "withdrawn", _("Withdraw the request")


def _the_body_asked(request: AdviceRequest, actor) -> None:
    if actor.effective_role != request.body:
        raise NotAllowed(gettext("Only the body that was asked gives this advice."))


ADVICE_REQUEST = Machine(
    name="advice_request",
    model=AdviceRequest,
    moves=(
        Move(AdviceRequestAction.ANSWER, {AdviceRequestStatus.OPEN}, AdviceRequestStatus.ANSWERED, ANSWERING_BODIES, guard=_the_body_asked, sets_timestamp="answered_at"),
        Move(AdviceRequestAction.WITHDRAW, {AdviceRequestStatus.OPEN}, AdviceRequestStatus.WITHDRAWN, ASKING_BODIES, sets_timestamp="withdrawn_at", reason_required=True),
    ),
    statuses=AdviceRequestStatus,
    actions=AdviceRequestAction,
    roles=Role,
    initial=AdviceRequestStatus.OPEN,
    # A body sees only what it was asked; officials see every request.
    visible=lambda request, actor: actor is None or actor.is_official or actor.effective_role == request.body,
    event_target=lambda request: request.application,
    not_found=_("No such request for advice."),
    cannot=_("Cannot %(action)s: the request is %(status)s."),
    lost=_("This request was answered or withdrawn in the meantime; reload and try again."),
)
