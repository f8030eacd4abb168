"""
Two-factor authentication for officials: a TOTP device (an authenticator app) per person, django-otp underneath.

An official who has logged in with a password is "verified" once a code from a confirmed device has been
accepted in this session (django_otp.login); until then OfficialsVerifiedMiddleware lets them reach only the
code step. Someone without a confirmed device enrols at that step, but only with a one-time link an administrator
issued (licensing.accounts.services; a password alone must not be enough to bind a new app to an account): the
device is created unconfirmed, its secret shown, and confirmed by the first accepted code, which spends the link.
API tokens are handed out only with a code.
"""
import time

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .lockout import attempt_begin, failures_clear

DEVICE_NAME = "Authenticator app"


def otp_required(user) -> bool:
    """Whether this user must give a second factor before using the site or the API."""
    return bool(settings.OTP_REQUIRED_FOR_OFFICIALS and user.is_authenticated and user.needs_second_factor)


def otp_verified(request) -> bool:
    """Whether the session's user has given an accepted code (or needs none)."""
    user = request.user
    return not otp_required(user) or bool(getattr(user, "is_verified", None) and user.is_verified())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed device, created on first use; the same secret on every visit until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it when typed in (RFC 4648 base32, no padding)."""
    from base64 import b32encode

    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def code_at(device: TOTPDevice, at: float | None = None) -> str:
    """The code the device's authenticator app shows at `at` (now by default): for the tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def code_next(device: TOTPDevice) -> str:
    """A code the device will accept now: the current one, or the next one if the current one has been used
    (each is accepted once; the device tolerates one step ahead). Waits for the next step when both are used.
    For demo_otp and the browser tests, which log the same official in more than once within 30 seconds."""
    while True:
        device.refresh_from_db()
        now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        step = max(now, device.last_t + 1)
        if step <= now + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


@transaction.atomic
def otp_check(*, user, code: str, request=None, enrolment_link=None) -> TOTPDevice | None:
    """Check a code from the user's device; the accepted device, or None (and one more failed login).

    With `request`, an accepted code verifies the session. With `enrolment_link` (an administrator's, for this user),
    the code is checked against the unconfirmed device being set up, which it then confirms, spending the link. A
    locked-out username is refused whatever the code.
    """
    from .services import enrolment_link_use

    enrolling = enrolment_link is not None
    username = user.get_username()
    if not attempt_begin(username):  # counted before the code is checked: parallel guesses cannot pass the limit
        return None
    device = device_for_enrolment(user=user) if enrolling else confirmed_device(user)
    if device is not None:
        # Locked: two requests with the same code cannot both pass the device's replay check.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    code = "".join(str(code or "").split())
    if device is None or not (code.isascii() and code.isdigit() and len(code) == device.digits and device.verify_token(code)):
        return None
    if enrolling:
        if not enrolment_link_use(link=enrolment_link):  # spent or expired meanwhile
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    failures_clear(username)
    if request is not None:
        otp_login(request, device)
    return device


def device_set(*, user, key_hex: str) -> TOTPDevice:
    """Give the user one confirmed device with this secret (hex), replacing any others: demo accounts only."""
    TOTPDevice.objects.filter(user=user).exclude(key=key_hex).delete()
    device, _ = TOTPDevice.objects.update_or_create(user=user, key=key_hex, defaults={"name": DEVICE_NAME, "confirmed": True})
    return device
