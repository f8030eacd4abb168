"""Session rules that apply to every request: two-factor for officials, and idle and absolute session expiry."""
import functools
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from licensing.api.errors import error_body

from .otp import otp_verified

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
# The last-seen time is written at most this often, so a busy session is not saved on every request.
SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def mark_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Ends a session SESSION_COOKIE_AGE after the login, or after SESSION_IDLE_SECONDS without a request.

    Django's own expiry slides with every save of the session; this one does not. Sessions that predate this
    middleware (no login time recorded) start counting now.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.setdefault(SEEN_AT, now)
            if now - login_at > settings.SESSION_COOKIE_AGE or now - seen_at > settings.SESSION_IDLE_SECONDS:
                logout(request)
            elif now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)


class OfficialsVerifiedMiddleware:
    """An official logged in with a password but no accepted code reaches only the code step and logging out.

    Pages redirect to the code step; API calls made with the session get a 403 in the API's error format.
    API requests carrying a token are left to the API's token authentication (tokens are only handed to
    officials with a code). Static files never get here (WhiteNoise answers them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if otp_verified(request) or self._exempt(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            detail = _("Two-factor authentication is required: enter a code from your authenticator app first.")
            return JsonResponse(error_body(403, "otp_required", detail), status=403)
        return redirect(f"{reverse('otp')}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _exempt(request) -> bool:
        # Only the Token scheme: with any other, DRF would fall back to the session and let the official through.
        scheme = request.META.get("HTTP_AUTHORIZATION", "").split()[:1]
        if request.path.startswith("/api/") and [word.lower() for word in scheme] == ["token"]:
            return True
        return request.path in _exempt_paths(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


# What an official without an accepted code may still reach (besides token API calls).
EXEMPT_URL_NAMES = ("otp", "logout", "api:token", "set_language", "health")


@functools.lru_cache(maxsize=16)
def _exempt_paths(script_prefix: str, urlconf: str) -> frozenset[str]:
    # reverse() reads the script prefix (SCRIPT_NAME) and the urlconf of the current request: they are the key, so a
    # site served under another prefix or urlconf gets its own paths, not the first request's.
    return frozenset(reverse(name, urlconf=urlconf) for name in EXEMPT_URL_NAMES)
