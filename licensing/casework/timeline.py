"""
One timeline per case, read from the event log (nothing is written for it): submission, routing with the rules
that fired, questions and answers with their documents, notes, claims, advice, consultations, the decision and
later changes to the licence. Each reader gets their own view:

- an exporter reads what applications.selectors lets it read of the log (EXPORTER_VERBS: no note, no referral note,
  no claim, no screening, no advice internals), with officials' names replaced by the office, and no rule ids;
- officials read everything, with the rules that fired (internal ones included) and the internal notes.

The query count does not grow with the number of entries: the events (two queries: the case's and its licences'),
then the questions with their documents, the notes with theirs and the requests for advice to other bodies, each
fetched once.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.applications import selectors
from licensing.applications.choices import CatchAllGround
from licensing.applications.models import Application, Note
from licensing.assessment.models import AdviceRequest
from licensing.audit.models import Event
from licensing.core.prefetch import prefetched_or
from licensing.licences.models import Licence
from licensing.licences.notifications import CHANGES_TOLD
from licensing.routing.rules import rule_text
from licensing.routing.visibility import INTERNAL_RULE_IDS

LABELS = {
    "application.created": gettext_lazy("Application started"),
    "application.submit": gettext_lazy("Submitted"),
    "application.route": gettext_lazy("Routed to the licensing office"),
    "application.refer": gettext_lazy("Referred to the ministry"),
    "application.advise": gettext_lazy("Ministry's advice given"),
    "application.return_to_ministry": gettext_lazy("Returned to the ministry for new advice"),
    "application.issue": gettext_lazy("Licence issued"),
    "application.deny": gettext_lazy("Denied"),
    "application.answer_sondage": gettext_lazy("Indicative answer given"),
    "application.rule": gettext_lazy("Classification ruling given"),
    "application.withdraw": gettext_lazy("Withdrawn"),
    "application.supersede": gettext_lazy("Superseded by an amendment"),
    "application.amendment_started": gettext_lazy("Amendment started"),
    "application.ask_question": gettext_lazy("Question asked"),
    "application.answer_question": gettext_lazy("Question answered"),
    "application.set_aside": gettext_lazy("Set aside: a question was not answered in time"),
    "application.impose_catch_all": gettext_lazy("Licence requirement imposed (catch-all)"),
    "document.added": gettext_lazy("Document added"),
    "document.deleted": gettext_lazy("Document removed"),
    "case.claimed": gettext_lazy("Case claimed"),
    "case.released": gettext_lazy("Case released"),
    "case.assigned": gettext_lazy("Case assigned"),
    "case.note": gettext_lazy("Internal note"),
    "assessment.started": gettext_lazy("Assessment started"),
    "assessment.submitted": gettext_lazy("Advice submitted"),
    "assessment.countersigned": gettext_lazy("Advice countersigned"),
    "assessment.returned": gettext_lazy("Advice returned by the second advisor"),
    "consultation.required": gettext_lazy("Consultation of another member state required"),
    "consultation.started": gettext_lazy("Consultation started"),
    "advice_request.asked": gettext_lazy("Advice asked of another body"),
    "advice_request.answered": gettext_lazy("Advice of another body received"),
    "advice_request.withdrawn": gettext_lazy("Request for advice withdrawn"),
    "screening.hits_raised": gettext_lazy("Screening found possible matches"),
    "screening.true_match": gettext_lazy("Screening hit confirmed"),
    "screening.false_positive": gettext_lazy("Screening hit cleared"),
    "screening.escalation_decided": gettext_lazy("Screening escalation decided"),
    "decision.proposed": gettext_lazy("Decision proposed: awaiting a second officer's countersignature"),
    "decision_proposal.countersigned": gettext_lazy("Decision countersigned by a second officer"),
    "decision_proposal.sent_back": gettext_lazy("Proposed decision sent back by the second officer"),
    "decision.notified": gettext_lazy("Decision sent to the applicant"),
    "set_aside.notified": gettext_lazy("Set-aside letter sent to the applicant"),
    "licence.suspend": gettext_lazy("Licence suspended"),
    "licence.reinstate": gettext_lazy("Licence reinstated"),
    "licence.revoke": gettext_lazy("Licence revoked"),
    "licence.extended": gettext_lazy("Licence extended"),
    "licence.replaced": gettext_lazy("Licence replaced"),
    "licence.expired": gettext_lazy("Licence expired"),
    "licence.exhausted": gettext_lazy("Licence used up"),
}
# Bookkeeping of mail already shown by the move it tells of; an answer's documents are shown with the answer.
QUIET = frozenset({"licence.notified"})


@dataclass
class TimelineDocument:
    id: int
    name: str
    internal: bool  # a note's document (officials only), else one of the application's


@dataclass
class TimelineEntry:
    id: int
    at: datetime
    verb: str
    label: str
    actor: str | None
    text: str = ""
    due_on: date | None = None
    answered_at: datetime | None = None
    question: int | None = None
    rules: list[dict] = field(default_factory=list)
    documents: list[TimelineDocument] = field(default_factory=list)
    internal: bool = False  # shown to officials only (the exporter's timeline has no such entry)

    @property
    def at_iso(self) -> str:
        """`at` in the current time zone as ISO 8601, what `|date:'c'` writes, without its formatter (a third of the
        time of rendering a 50-entry timeline went to the two date filters of each entry)."""
        return timezone.localtime(self.at).isoformat()


def _actor(event) -> str | None:
    if not event.actor_id or event.actor is None:
        return None
    name = event.actor.get_full_name() or event.actor.username
    # An agent acting for the organisation (licensing.accounts.agents): theirs, on the organisation's behalf.
    return _("%(name)s (agent)") % {"name": name} if (event.payload or {}).get("on_behalf_of") else name


def _label(verb: str) -> str:
    if verb in LABELS:
        return str(LABELS[verb])
    if verb.startswith("consultation."):
        return _("Consultation answered (%(state)s)") % {"state": verb.split(".", 1)[1].replace("_", " ")}
    return verb.replace(".", ": ").replace("_", " ")


def _licence_ids(application: Application) -> list[int]:
    """The application's licence (one decision, one licence at most): from the decision its query prefetched with its
    licence (applications.selectors.with_details, the case page's), else read."""
    if Application.decision.related.is_cached(application):
        decision = getattr(application, "decision", None)
        licence = getattr(decision, "licence", None) if decision is not None else None
        return [licence.pk] if licence is not None else []
    return list(Licence.objects.filter(decision__application=application).values_list("pk", flat=True))


def _events(application: Application, user) -> list:
    events = list(selectors.application_events(application, user))
    licence_ids = [str(pk) for pk in _licence_ids(application)]
    if licence_ids:
        licence_events = Event.objects.filter(target_type=Licence._meta.label_lower, target_id__in=licence_ids).exclude(verb__in=QUIET).select_related("actor")
        if user.is_exporter:
            licence_events = licence_events.filter(verb__in=CHANGES_TOLD)
        events += list(licence_events)
    events.sort(key=lambda e: (e.at, e.pk))
    return selectors.history_as_seen_by(events, user)


def timeline_version(application: Application) -> int | None:
    """The newest event of the case's and of its licence's, which case_timeline reads: every change it shows records
    one (a question asked or answered, a document added or removed, a note, a request for advice, a move), so a
    timeline kept under this number is the current one until the next event. One query."""
    events = Q(target_type=Application._meta.label_lower, target_id=str(application.pk))
    licence_ids = [str(pk) for pk in _licence_ids(application)]
    if licence_ids:
        events |= Q(target_type=Licence._meta.label_lower, target_id__in=licence_ids)
    return Event.objects.filter(events).aggregate(newest=Max("id"))["newest"]


def case_timeline(application: Application, user) -> list[TimelineEntry]:
    """The case's timeline as `user` may read it, oldest first (the caller has checked that `user` sees the case)."""
    official = bool(getattr(user, "is_official", False))
    events = _events(application, user)
    # What the case page's query prefetched is read from it (the page shows the questions and the requests for advice
    # in panels of their own too); the API's reads them here.
    questions = {q.pk: q for q in prefetched_or(application, "questions", selectors.questions_of(application))}
    notes, advice_requests = {}, {}
    if official:
        notes = {n.pk: n for n in Note.objects.filter(application=application).prefetch_related("documents")}
        advice_requests = {r.pk: r for r in prefetched_or(application, "advice_requests", AdviceRequest.objects.filter(application=application))}
    entries = []
    for event in events:
        payload = event.payload or {}
        if event.verb == "document.added" and payload.get("question"):
            continue  # shown with the answer it came with
        entry = TimelineEntry(id=event.pk, at=event.at, verb=event.verb, label=_label(event.verb), actor=_actor(event), text=event.reason)
        if event.verb == "application.impose_catch_all" and payload.get("ground") in CatchAllGround.values:
            entry.text = str(CatchAllGround(payload["ground"]).label)  # the ground, for the exporter too; never the information
        if event.verb in ("application.route", "application.impose_catch_all") and official:
            stored = {r.get("id"): r.get("text", "") for r in (application.determination or {}).get("rules", [])}
            entry.rules = [{"id": rid, "text": rule_text(rid, stored.get(rid, "")), "internal": rid in INTERNAL_RULE_IDS} for rid in payload.get("rules", [])]
        elif event.verb in ("application.ask_question", "application.answer_question"):
            question = questions.get(payload.get("question")) if isinstance(payload.get("question"), int) else None
            if question is not None:
                entry.question, entry.due_on = question.pk, question.due_on
                if event.verb == "application.ask_question":
                    entry.text = question.text
                else:
                    entry.text, entry.answered_at = question.answer, question.answered_at
                    entry.documents = [TimelineDocument(d.pk, d.original_name, internal=False) for d in question.documents.all()]
            elif isinstance(payload.get("question"), str):
                entry.text = payload["question"]  # asked before questions were kept by id
            elif event.verb == "application.answer_question":
                entry.text = payload.get("answer", "")
        elif event.verb == "document.added":
            entry.text = payload.get("document", "")
        elif event.verb == "case.note":
            note = notes.get(payload.get("note"))
            entry.internal = True
            if note is not None:
                entry.text = note.text
                entry.documents = [TimelineDocument(d.pk, d.original_name, internal=True) for d in note.documents.all()]
        elif event.verb.startswith("advice_request.") and official:
            request = advice_requests.get(payload.get("advice_request"))
            if request is not None:
                text = {"advice_request.asked": request.question, "advice_request.answered": request.answer}.get(event.verb, event.reason)
                entry.text = f"{request.get_body_display()}: {text}"
                entry.due_on = request.due_on if event.verb == "advice_request.asked" else None
        elif event.verb == "case.assigned" and official:
            entry.text = payload.get("to", "")
        if official and not event.verb.startswith(("application.", "document.", "licence.")):
            entry.internal = True
        if official and event.verb == "application.refer":
            entry.internal = bool(event.reason)  # the referral note is the office's own
        entries.append(entry)
    return entries
