"""Telling the exporter about a decision: an e-mail to each of the organisation's people, with the document."""
from licensing.audit.models import Event
from licensing.audit.services import event_record
from licensing.core.mail import mail_people

from .documents import decision_document
from .models import Decision, Licence

NOTIFIED = "decision.notified"


def decision_notify(*, decision_id: int) -> int:
    """E-mail the applicant's people that the decision is taken, each in their language. Idempotent: the event
    'decision.notified' records the sending, and a decision already notified is not notified again."""
    decision = Decision.objects.select_related("application__organisation").filter(pk=decision_id).first()
    if decision is None or decision.application is None:
        return 0  # gone, or imported without an application: nobody to tell
    application = decision.application
    if Event.objects.filter(verb=NOTIFIED, target_type=application._meta.label_lower, target_id=str(application.pk)).exists():
        return 0
    people = list(application.organisation.users.filter(is_active=True).exclude(email="").order_by("pk"))
    if not people:
        return 0
    body, name = decision_document(decision)
    licence = Licence.objects.filter(decision=decision).only("number").first()
    context = {"decision": decision, "application": application, "licence": licence}
    # Sent before the event is written: the audit chain's lock is not held while the mail server answers. A send
    # that fails writes nothing (the task retries); a crash between the two would send once more, never lose one.
    sent = mail_people(people, template="decision", context=context, attachments=[(name, body, "application/pdf")])
    event_record(actor=None, verb=NOTIFIED, target=application, payload={"decision": decision.pk, "recipients": sent})
    return sent
