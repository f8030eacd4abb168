"""Telling the exporter about a decision (with the document), and about later changes to its licence or registration:
an e-mail to each of the organisation's people."""
from datetime import date

from licensing.audit.models import Event
from licensing.audit.services import event_record
from licensing.core.mail import mail_people, organisation_people

from .documents import decision_document, set_aside_document
from .models import ConditionStatus, Decision, Licence, LicenceCondition, Outcome, Registration
from .transitions import LICENCE, REGISTRATION, REGISTRATION_TOLD, TOLD_TO_HOLDER, LicenceAction

NOTIFIED = "decision.notified"
SET_ASIDE_NOTIFIED = "set_aside.notified"
OBJECTION_NOTIFIED = "objection.notified"


def decision_notify(*, decision_id: int) -> int:
    """E-mail the applicant's people that the decision is taken, each in their language. Idempotent: the event
    'decision.notified' records the sending, and a decision already notified is not notified again."""
    decision = Decision.objects.select_related("application__organisation").filter(pk=decision_id).first()
    if decision is None or decision.application is None:
        return 0  # gone, or imported without an application: nobody to tell
    application = decision.application
    # Per decision: a decision on objection that replaces the first is told as well (payload `decision`).
    people = _people_not_yet_told(application, NOTIFIED, payload={"payload__decision": decision.pk})
    if not people:
        return 0
    body, name = decision_document(decision)
    licence = Licence.objects.filter(decision=decision).only("number").first()
    # A licence issued for some goods lines only says so (issue 18.2).
    denied_lines = decision.lines.filter(outcome=Outcome.DENIED).count() if licence is not None else 0
    context = {"decision": decision, "application": application, "licence": licence, "denied_lines": denied_lines}
    # Sent before the event is written: the audit chain's lock is not held while the mail server answers. A send
    # that fails writes nothing (the task retries); a crash between the two would send once more, never lose one.
    sent = mail_people(people, template="decision", context=context, attachments=[(name, body, "application/pdf")])
    event_record(actor=None, verb=NOTIFIED, target=application, payload={"decision": decision.pk, "recipients": sent})
    return sent


# The changes the holder must hear of, by their events' verbs (the tables say which; not a surrender: the holder
# makes that one itself).
CHANGES_TOLD = frozenset({LICENCE.verb(action) for action in TOLD_TO_HOLDER} | {REGISTRATION.verb(action) for action in REGISTRATION_TOLD})


def change_notify(*, event_id: int) -> int:
    """E-mail the holder's people that its licence or registration changed, in the event's words and the office's
    reason, each in their language. Idempotent: a '<licence|registration>.notified' event names the event told."""
    event = Event.objects.filter(pk=event_id, verb__in=CHANGES_TOLD).first()
    if event is None:
        return 0
    registration = event.target_type == Registration._meta.label_lower
    model = Registration if registration else Licence
    changed = model.objects.filter(pk=event.target_id).first()
    organisation_id = changed and (changed.organisation_id if registration else changed.holder_id)
    if not organisation_id:
        return 0  # gone, or a licence imported without a holder in the system: nobody to tell
    notified = "registration.notified" if registration else "licence.notified"
    if Event.objects.filter(verb=notified, target_type=event.target_type, target_id=event.target_id, payload__event=event.pk).exists():
        return 0
    people = list(organisation_people(organisation_id))
    if not people:
        return 0
    extended_to = event.payload.get("to") if event.verb == LICENCE.verb(LicenceAction.EXTEND) else None
    context = {
        "change": event.verb,
        "reason": event.reason,
        "licence": None if registration else changed,
        "registration": changed if registration else None,
        "valid_to": date.fromisoformat(extended_to) if extended_to else getattr(changed, "valid_to", None),
        "replacement": event.payload.get("by", ""),
    }
    # As for a decision: sent before the event is written, so a crash in between sends once more but never loses one.
    sent = mail_people(people, template="licence_change", context=context)
    event_record(actor=None, verb=notified, target=changed, payload={"event": event.pk, "recipients": sent})
    return sent


def condition_remind(*, condition_id: int) -> int:
    """E-mail the holder's people that a condition of their licence is due soon and not yet met."""
    condition = LicenceCondition.objects.select_related("licence").filter(pk=condition_id, status=ConditionStatus.OPEN).first()
    if condition is None or not condition.licence.holder_id:
        return 0  # gone, met in the meantime, or a licence without a holder in the system
    return mail_people(organisation_people(condition.licence.holder_id), template="condition_reminder", context={"condition": condition, "licence": condition.licence})


def set_aside_notify(*, application_id: int) -> int:
    """E-mail the applicant's people the letter setting the application aside. Idempotent, as decision_notify."""
    from licensing.applications.models import Application, Status

    application = Application.objects.select_related("organisation").filter(pk=application_id, status=Status.SET_ASIDE).first()
    if application is None:
        return 0
    people = _people_not_yet_told(application, SET_ASIDE_NOTIFIED)
    if not people:
        return 0
    body, name = set_aside_document(application)
    sent = mail_people(people, template="set_aside", context={"application": application}, attachments=[(name, body, "application/pdf")])
    event_record(actor=None, verb=SET_ASIDE_NOTIFIED, target=application, payload={"recipients": sent})
    return sent


def objection_notify(*, objection_id: int) -> int:
    """E-mail the applicant's people the decision on their objection, with its letter. Idempotent, as decision_notify
    (the event 'objection.notified' names the objection)."""
    from .documents import objection_document
    from .models import Objection, ObjectionStatus

    objection = Objection.objects.select_related("application__organisation", "decision").filter(pk=objection_id, status=ObjectionStatus.DECIDED).first()
    if objection is None:
        return 0
    application = objection.application
    people = _people_not_yet_told(application, OBJECTION_NOTIFIED, payload={"payload__objection": objection.pk})
    if not people:
        return 0
    body, name = objection_document(objection)
    sent = mail_people(people, template="objection_decision", context={"objection": objection, "application": application}, attachments=[(name, body, "application/pdf")])
    event_record(actor=None, verb=OBJECTION_NOTIFIED, target=application, payload={"objection": objection.pk, "recipients": sent})
    return sent


def _people_not_yet_told(application, verb: str, payload: dict | None = None) -> list:
    """The applicant's people to e-mail a letter on this application, or none when the event `verb` (with `payload`,
    e.g. the decision's id) records that it was sent already (the mails are idempotent: a retried task sends nothing
    twice)."""
    if Event.objects.filter(verb=verb, target_type=application._meta.label_lower, target_id=str(application.pk), **(payload or {})).exists():
        return []
    return list(organisation_people(application.organisation_id))
