"""E-mail to people, each in their own language (User.preferred_language), from templates in templates/mail/.

A message is `<name>_subject.txt` (one line) and `<name>.txt` (plain text), rendered once per recipient under
translation.override, so dates, amounts and texts are those of the recipient, not of whoever caused the mail.
"""
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation


def mail_people(users: Iterable, *, template: str, context: dict, attachments: Iterable[tuple[str, bytes, str]] = ()) -> int:
    """Send one message to every user with an e-mail address; returns how many were sent."""
    attachments = list(attachments)
    messages = []
    for user in users:
        if not user.email:
            continue
        with translation.override(user.preferred_language):
            context_for_user = {**context, "user": user}
            subject = " ".join(render_to_string(f"mail/{template}_subject.txt", context_for_user).split())
            body = render_to_string(f"mail/{template}.txt", context_for_user)
        message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def organisation_people(organisation_id: int):
    """Who hears of an organisation's applications, licences and registrations: its active people with an address."""
    return get_user_model().objects.filter(organisation_id=organisation_id, is_active=True).exclude(email="").order_by("pk")


def mail_after_commit(task, object_id: int) -> None:
    """Owe the mailing task `task(object_id)` in the outbox, in the current transaction: sent once it commits, by a
    worker at once or by the outbox's dispatcher once the broker is back (licensing.core.outbox). A broker outage
    then neither turns the committed change into an error for whoever made it nor loses the mail."""
    from .outbox import outbox_add

    outbox_add(kind=task.name, object_id=object_id)
