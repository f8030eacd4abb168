"""Two-factor enrolment links: an administrator's permission for one official to set up one authenticator app."""
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensing.audit.services import event_record

from .models import EnrolmentLink


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def enrolment_link_issue(*, user, issued_by) -> str:
    """A new link secret for `user` (shown once; only its hash is kept). Earlier unused links of theirs stop working."""
    now = timezone.now()
    EnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
    secret = secrets.token_urlsafe(32)
    EnrolmentLink.objects.create(
        user=user,
        secret_hash=_hash(secret),
        issued_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.OTP_ENROLMENT_LINK_HOURS),
    )
    event_record(actor=issued_by, verb="user.enrolment_link_issued", target=user)
    return secret


def enrolment_link_valid(*, user, secret: str | None = None, link_id: int | None = None) -> EnrolmentLink | None:
    """The user's unused, unexpired link with this secret (or id), or None."""
    links = EnrolmentLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
    if secret is not None:
        return links.filter(secret_hash=_hash(str(secret))).first()
    if link_id is not None:
        return links.filter(pk=link_id).first()
    return None


def enrolment_link_open(*, user, secret: str) -> EnrolmentLink | None:
    """The official follows the link: a fresh secret for the app from here (an unconfirmed device someone may have
    seen before is dropped)."""
    link = enrolment_link_valid(user=user, secret=secret)
    if link is not None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return link


def enrolment_link_use(*, link: EnrolmentLink) -> bool:
    """Spend the link (compare-and-set: two confirmations at once, one wins). Call in the transaction that confirms
    the device."""
    return bool(EnrolmentLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=timezone.now()).update(used_at=timezone.now()))
