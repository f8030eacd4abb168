"""E-mails of organisations that run themselves, performed from the outbox (licensing.core.outbox)."""
from celery import shared_task


@shared_task(name="accounts.vetting_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def vetting_notify(organisation_id: int) -> int:
    """Tell a registered organisation's administrators the office's answer: active, or refused with the reason."""
    from licensing.core.mail import mail_people

    from .models import Organisation, OrgRole

    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    people = organisation.users.filter(is_active=True, org_role=OrgRole.ADMINISTRATOR).exclude(email="").order_by("pk")
    return mail_people(people, template="vetting", context={"organisation": organisation})


@shared_task(name="accounts.invitation_send", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def invitation_send(invitation_id: int) -> int:
    """Send the invitation link to the colleague's address, in the organisation's language."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from .models import Invitation
    from .organisations import invitation_token

    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is None:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("invitation", args=[invitation_token(invitation)])
    with translation.override(invitation.organisation.language):
        context = {"invitation": invitation, "link": link}
        subject = " ".join(render_to_string("mail/invitation_subject.txt", context).split())
        body = render_to_string("mail/invitation.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[invitation.email]).send()
