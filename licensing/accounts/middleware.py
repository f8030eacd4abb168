"""Session rules that apply to every request: two-factor for officials, and idle and absolute session expiry."""
import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _

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

    Nothing typed is lost when the session ends while a form is being filled in: a page form posted by the session
    that just ended is kept (after the CSRF check has passed: `process_view` runs after CsrfViewMiddleware's) for
    the same person only, and sent again once they have logged in: a draft is then saved, never submitted, and a
    confirmation step asks again (`NEVER_REPLAYED`). Uploaded files cannot be kept; the page says so.
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
                request.timed_out_user_pk = request.user.pk
                logout(request)
            elif now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and getattr(request, "timed_out_user_pk", None) and not request.path_info.startswith(API_PREFIX):
            return keep_typed_form(request)
        if request.method == "GET" and request.user.is_authenticated and KEPT_FORM in request.session:
            return replay_kept_form(request, view_func, view_args, view_kwargs)
        return None


KEPT_FORM = "kept_form"
KEPT_FOR_SECONDS = 24 * 3600
# Buttons that would take an irreversible step: a kept form is sent again without them (a draft is saved, not
# submitted; a deletion or withdrawal asks for confirmation again).
NEVER_REPLAYED = ("csrfmiddlewaretoken", "submit", "confirmed")


def keep_typed_form(request):
    data = {key: values for key, values in request.POST.lists() if key not in NEVER_REPLAYED}
    request.session[KEPT_FORM] = {
        "user": request.timed_out_user_pk, "path": request.path, "data": data, "at": int(time.time()), "files": bool(request.FILES)
    }
    messages.warning(request, _("Your session had ended, so what you sent was not saved yet. Log in again: what you typed has been kept."))
    return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


def replay_kept_form(request, view_func, view_args, view_kwargs):
    kept = request.session[KEPT_FORM]
    if kept.get("path") != request.path:
        return None
    del request.session[KEPT_FORM]
    if kept.get("user") != request.user.pk or time.time() - kept.get("at", 0) > KEPT_FOR_SECONDS:
        return None  # someone else logged in on this browser, or it is stale: never shown to them
    request.method = "POST"
    post = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        post.setlist(key, values)
    post._mutable = False
    request._post, request._files = post, MultiValueDict()
    messages.info(
        request,
        _("What you typed before your session ended has been sent again.")
        + (" " + _("Files you had chosen could not be kept: add them again.") if kept.get("files") else ""),
    )
    return view_func(request, *view_args, **view_kwargs)


class OfficialsVerifiedMiddleware:
    """An official logged in with a password but no accepted code reaches only the code step and logging out.

    Pages redirect to the code step. The API is not decided here: it accepts a session only through
    `VerifiedSessionAuthentication`, which refuses an unverified official's session with a 403 `otp_required`
    whatever the request's headers hold, and it hands out tokens only with a code. Deciding for the API here, by
    reading the `Authorization` header, would have to parse that header exactly as the API does; a difference of
    one whitespace character let an unverified session through. Static files never get here (WhiteNoise answers
    them first).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if otp_verified(request) or self._open(request):
            return self.get_response(request)
        return redirect(f"{reverse('otp')}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _open(request) -> bool:
        if request.path_info.startswith(API_PREFIX):
            return True
        return request.path in _exempt_paths(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


API_PREFIX = "/api/"
# The pages an official without an accepted code may still reach.
EXEMPT_URL_NAMES = ("otp", "logout", "set_language", "health")


@functools.lru_cache(maxsize=16)
def _exempt_paths(script_prefix: str, urlconf: str) -> frozenset[str]:
    # reverse() reads the script prefix (SCRIPT_NAME) and the urlconf of the current request: they are the key, so a
    # site served under another prefix or urlconf gets its own paths, not the first request's.
    return frozenset(reverse(name, urlconf=urlconf) for name in EXEMPT_URL_NAMES)
