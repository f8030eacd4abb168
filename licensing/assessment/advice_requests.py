"""
Advice from other bodies: the licensing office or the ministry asks the Ministry of Defence, the Ministry of
Economic Affairs or the intelligence services for advice on a case, with a question and an answer-by date
(ADVICE_REQUEST_DAYS from today unless given). The body answers on its own pages; the answer joins the case file
(the officials' case page and timeline; never the exporter's). While a request is open the case cannot be decided
(licences.decisions.decision_blockers), unless the request is withdrawn with a reason.

Each body sees only the requests made to it, and of their cases only the facts it needs to advise (BodyCase).
The moves are the machine's (assessment.transitions.ADVICE_REQUEST); asking records `advice_request.asked` on the
case.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import ADVICE_BODY_ROLES, Role
from licensing.applications.models import Application, Status
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotFound
from licensing.core.permissions import refuse_unless

from .models import AdviceRequest, AdviceRequestStatus
from .transitions import ADVICE_REQUEST, ASKING_BODIES, AdviceRequestAction

MAX_TEXT = 10_000
# A case is asked about while it is being handled: after submission and before the decision.
ASKABLE = frozenset({Status.IN_REVIEW, Status.REFERRED, Status.ADVICE_GIVEN})
ASKED = "advice_request.asked"  # the request's creation, on the case (audit.verbs lists it)


def body_label(body: str) -> str:
    return str(Role(body).label) if body in Role.values else body


def due_default(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=settings.ADVICE_REQUEST_DAYS)


def _text(value: str, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(missing, fields={field: [missing]})
    if len(value) > MAX_TEXT:
        message = _("Write at most %(max)d characters.") % {"max": MAX_TEXT}
        raise DomainError(message, fields={field: [message]})
    return value


def advice_request_ask(*, actor, application: Application, body: str, question: str, due_on: date | None = None) -> AdviceRequest:
    """Ask `body` for advice on the case. Several bodies may be asked at once; one body once at a time."""
    refuse_unless(actor, ASKING_BODIES, _("Only the licensing office and the ministry ask other bodies for advice."))
    if body not in ADVICE_BODY_ROLES:
        message = _("Choose the Ministry of Defence, the Ministry of Economic Affairs or the intelligence services.")
        raise DomainError(message, fields={"body": [message]})
    question = _text(question, "question", _("Write what you ask."))
    today = timezone.localdate()
    due_on = due_on or due_default(today)
    if due_on <= today or due_on > today + timedelta(days=366):
        message = _("Choose an answer-by date after today and within a year.")
        raise DomainError(message, fields={"due_on": [message]})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in ASKABLE:
            raise Conflict(_("Advice is asked while the case is being handled, not when it is %(status)s.") % {"status": locked.get_status_display().lower()})
        if AdviceRequest.objects.filter(application=locked, body=body, status=AdviceRequestStatus.OPEN).exists():
            raise Conflict(_("%(body)s has already been asked and has not answered yet.") % {"body": body_label(body)})
        request = AdviceRequest.objects.create(application=locked, body=body, question=question, due_on=due_on, asked_by=actor)
        event_record(actor=actor, verb=ASKED, target=locked, payload={"advice_request": request.pk, "body": body, "due_on": due_on.isoformat()})
    return request


def advice_request_answer(*, actor, request: AdviceRequest, answer: str) -> AdviceRequest:
    answer = _text(answer, "answer", _("Write the advice."))
    with transaction.atomic():
        ADVICE_REQUEST.move(request, AdviceRequestAction.ANSWER, actor, payload={"advice_request": request.pk, "body": request.body},
                            extra_updates={"answer": answer, "answered_by_id": actor.pk})
    return request


def advice_request_withdraw(*, actor, request: AdviceRequest, reason: str) -> AdviceRequest:
    reason = (reason or "").strip()[:MAX_TEXT]
    with transaction.atomic():
        ADVICE_REQUEST.move(request, AdviceRequestAction.WITHDRAW, actor, reason=reason, payload={"advice_request": request.pk, "body": request.body},
                            extra_updates={"withdrawn_reason": reason})
    return request


def open_requests_blocking(application: Application) -> list[str]:
    """Why the case cannot be decided yet: each open request, in words (licences.decisions.decision_blockers)."""
    requests = [r for r in application.advice_requests.all() if r.is_open]
    return [_("%(body)s has not yet given the advice asked on %(date)s; wait for it or withdraw the request with a reason.")
            % {"body": body_label(r.body), "date": timezone.localtime(r.asked_at).date().isoformat()} for r in requests]


def _as_listed() -> QuerySet[AdviceRequest]:
    return AdviceRequest.objects.select_related("asked_by", "answered_by").order_by("asked_at", "id")


def requests_of_case(application: Application) -> QuerySet[AdviceRequest]:
    return _as_listed().filter(application=application)


def case_requests_prefetch() -> Prefetch:
    """requests_of_case for a page's query (the case page: its panel, its timeline and its blockers read them once)."""
    return Prefetch("advice_requests", queryset=_as_listed())


def requests_for_body(user) -> QuerySet[AdviceRequest]:
    """A body's queue: the requests made to it (open first, by their date), with their cases."""
    if user.effective_role not in ADVICE_BODY_ROLES:
        return AdviceRequest.objects.none()
    return (
        AdviceRequest.objects.filter(body=user.effective_role)
        .exclude(status=AdviceRequestStatus.WITHDRAWN)
        .select_related("application__organisation")
        .order_by("-status", "due_on", "id")  # "open" sorts after "answered": descending puts it first
    )


def request_for(user, pk: int) -> AdviceRequest:
    """One request as `user` may see it: its body, or any official; anyone else is told it does not exist."""
    request = AdviceRequest.objects.select_related("application__organisation", "asked_by", "answered_by").filter(pk=pk).first()
    if request is None or not (user.is_official or user.effective_role == request.body):
        raise NotFound(_("No such request for advice."))
    return request


@dataclass(frozen=True)
class BodyCase:
    """What a body reads of the case it is asked about: the facts to advise on, not the case file."""

    reference: str
    kind: str
    movement: str
    organisation: str
    destinations: list[str]
    end_use: str
    end_use_description: str
    goods: list[dict]
    parties: list[dict]


def body_case(request: AdviceRequest) -> BodyCase:
    application = Application.objects.prefetch_related("destinations", "goods", "parties").get(pk=request.application_id)
    return BodyCase(
        reference=application.reference,
        kind=application.get_kind_display(),
        movement=application.get_movement_display(),
        organisation=request.application.organisation.name,
        destinations=[c.code for c in application.destinations.all()],
        end_use=application.get_end_use_display() if application.end_use else "",
        end_use_description=application.end_use_description,
        goods=[{"description": g.description, "control_entry": g.control_entry, "quantity": g.quantity, "unit": g.unit, "value_eur": g.value_eur} for g in application.goods.all()],
        parties=[{"role": p.get_role_display(), "name": p.name, "country": p.country_id or ""} for p in application.parties.all()],
    )
