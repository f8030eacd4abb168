"""
Login throttling: after LOGIN_LOCKOUT_THRESHOLD failed attempts for one username within
LOGIN_LOCKOUT_SECONDS, that username cannot log in (web or API token) until the window has passed.
Counted per username, whatever the address, so guessing from many addresses is stopped too.
Counted in Redis; while Redis cannot be reached, in the database (licensing.core.counters), and a username is locked
when either count says so: an outage never gives a guesser a fresh count, let alone an unlimited one.
A wrong two-factor code counts as a failed login (licensing.accounts.otp); for someone who needs a second
factor, only the accepted code clears the count, so a known password does not buy fresh guesses at the code.
"""
import hashlib

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from redis.exceptions import RedisError

from licensing.core.counters import counter_delete, counter_get, counter_incr


def _key(username: str) -> str:
    # Hashed: whatever a client sends as a username (the fuzzer sends JSON objects) makes a short, safe cache key.
    folded = str(username or "").strip().lower()
    return f"login-failures:{hashlib.sha256(folded.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _counts():
    # The cache that raises (licensing.core.cache): a count silently skipped would be a free guess.
    return getattr(cache, "strict", cache)


def is_locked(username: str) -> bool:
    key = _key(username)
    try:
        cached = _counts().get(key, 0)
    except RedisError:
        cached = 0
    return max(cached, counter_get(key)) >= settings.LOGIN_LOCKOUT_THRESHOLD


class LockoutBackend(ModelBackend):
    """The model backend, refusing a locked-out username before the password is even checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username):
            raise PermissionDenied("Too many failed logins; try again later.")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            from .otp import otp_required

            if not otp_required(user):
                failures_clear(username)
        return user


def failures_clear(username: str) -> None:
    cache.delete(_key(username))  # if Redis is away, deleted when it answers again (licensing.core.cache)
    counter_delete(_key(username))


@receiver(user_login_failed)
def count_failure(sender, credentials, **kwargs):
    failure_record(credentials.get("username", ""))


def failure_record(username: str) -> None:
    key = _key(username)
    try:
        if _counts().add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            return
        try:
            _counts().incr(key)
        except ValueError:  # expired between add and incr
            _counts().add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    except RedisError:
        counter_incr(key, timeout=settings.LOGIN_LOCKOUT_SECONDS)

