"""Telling people about a case: the exporter by e-mail of a question from the office (the clock stands still until
the answer) and of its coming answer-by date; an official by e-mail of a note that mentions them; and anyone in the
application with an unread marker (Notification) until they open it."""
from django.contrib.auth import get_user_model
from django.utils import timezone

from licensing.core.mail import mail_people, organisation_people

from .models import Application, Mention, Notification, Question


def question_notify(*, question_id: int) -> int:
    """E-mail the applicant's people the office's question, each in their language. Returns how many were sent."""
    question = Question.objects.select_related("application__organisation").filter(pk=question_id).first()
    if question is None or question.answered_at is not None:
        return 0  # gone, or already answered: the mail would only confuse
    application = question.application
    return mail_people(organisation_people(application.organisation_id), template="question", context={"question": question, "application": application})


def question_remind(*, question_id: int) -> int:
    """E-mail the applicant's people that a question is still open and when it must be answered."""
    question = Question.objects.select_related("application__organisation").filter(pk=question_id).first()
    if question is None or question.answered_at is not None:
        return 0
    application = question.application
    return mail_people(organisation_people(application.organisation_id), template="question_reminder", context={"question": question, "application": application})


def mention_notify(*, mention_id: int) -> int:
    """E-mail the official mentioned in a note (the note's text stays inside the application: only who and where)."""
    mention = Mention.objects.select_related("user", "note__author", "note__application").filter(pk=mention_id).first()
    if mention is None or not mention.user.is_active:
        return 0
    note = mention.note
    return mail_people([mention.user], template="mention", context={"note": note, "application": note.application, "author": note.author})


# --- In-app notifications: the unread markers ---------------------------------------------------------------------

def notify(*, recipient, application: Application, kind: str, actor=None) -> Notification | None:
    """Tell one person that something new happened on a case: an unread marker on it until they open it.

    `kind` is a Notification.Kind. Call inside the transaction that made the change (the marker goes with it).
    Nobody is told of their own doing: when `actor` is the recipient nothing is written (None)."""
    if recipient is None or not getattr(recipient, "pk", None):
        return None
    if actor is not None and getattr(actor, "pk", None) == recipient.pk:
        return None
    return Notification.objects.create(recipient_id=recipient.pk, application=application, kind=Notification.Kind(kind))


def notify_organisation(*, application: Application, kind: str, actor=None) -> int:
    """notify() each active person of the application's organisation (the exporter's side); returns how many."""
    people = get_user_model().objects.filter(organisation_id=application.organisation_id, is_active=True)
    if actor is not None and getattr(actor, "pk", None):
        people = people.exclude(pk=actor.pk)
    kind = Notification.Kind(kind)
    created = Notification.objects.bulk_create([Notification(recipient_id=pk, application=application, kind=kind) for pk in people.values_list("pk", flat=True)])
    return len(created)


def notifications_read(*, user, application: Application) -> int:
    """Mark as read what `user` was told of on this case (they opened it); returns how many were unread."""
    if not getattr(user, "pk", None):
        return 0
    return Notification.objects.filter(recipient_id=user.pk, application=application, read_at__isnull=True).update(read_at=timezone.now())
