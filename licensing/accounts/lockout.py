"""
Login throttling: after LOGIN_LOCKOUT_THRESHOLD failed attempts for one username within
LOGIN_LOCKOUT_SECONDS, that username cannot log in (web or API token) until the window has passed.
Counted per username, whatever the address, so guessing from many addresses is stopped too.
Counted in Redis; while Redis cannot be reached, in the database (licensing.core.counters), and a username is locked
when either count says so: an outage never gives a guesser a fresh count, let alone an unlimited one.
A wrong two-factor code counts as a failed login (licensing.accounts.otp); for someone who needs a second
factor, only the accepted code clears the count, so a known password does not buy fresh guesses at the code.

Every attempt is counted before the password (or code) is checked, by one atomic increment, and only the attempts
numbered up to the threshold are checked at all. Checking the count first and counting the failure after let
parallel requests race past the limit: twenty wrong passwords sent at once all found the count below it.
"""
import hashlib
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from redis.exceptions import RedisError

from licensing.core.counters import counter_delete, counter_get, counter_incr


def _key(username: str) -> str:
    # Hashed: whatever a client sends as a username (the fuzzer sends JSON objects) makes a short, safe cache key.
    # Folded as far as any reader of a username folds it (NFKC: fullwidth letters are ASCII ones; case; surrounding
    # spaces), so that no spelling of one name gets a counter of its own.
    folded = unicodedata.normalize("NFKC", str(username or "")).strip().casefold()
    return f"login-failures:{hashlib.sha256(folded.encode('utf-8', 'surrogatepass')).hexdigest()}"


def _counts():
    # The cache that raises (licensing.core.cache): a count silently skipped would be a free guess.
    return getattr(cache, "strict", cache)


def is_locked(username: str) -> bool:
    """Whether the next attempt for this username would be refused."""
    key = _key(username)
    try:
        cached = _counts().get(key, 0)
    except RedisError:
        cached = 0
    return max(cached, counter_get(key)) >= settings.LOGIN_LOCKOUT_THRESHOLD


def attempt_begin(username: str) -> bool:
    """Count one attempt for this username, before anything is checked; whether it may be checked (False: locked).

    A failed attempt needs nothing more: it has been counted. A successful one calls `failures_clear`, or
    `attempt_undo` for a right password that still owes a second factor."""
    key, timeout = _key(username), settings.LOGIN_LOCKOUT_SECONDS
    try:
        counts = _counts()
        if counts.add(key, 1, timeout=timeout):
            count = 1
        else:
            try:
                count = counts.incr(key)
            except ValueError:  # expired between add and incr
                counts.add(key, 1, timeout=timeout)
                count = 1
        count = max(count, counter_get(key))  # what was counted in the database during an outage still counts
    except RedisError:
        count = counter_incr(key, timeout=timeout)
    return count <= settings.LOGIN_LOCKOUT_THRESHOLD


def attempt_undo(username: str) -> None:
    """This attempt was no failure (a right password), but earlier failures (wrong codes) still count."""
    try:
        _counts().decr(_key(username))
    except ValueError:  # expired meanwhile: nothing left to undo
        pass
    except RedisError:  # it was counted in the database: one attempt more there is on the safe side
        pass


def failures_clear(username: str) -> None:
    cache.delete(_key(username))  # if Redis is away, deleted when it answers again (licensing.core.cache)
    counter_delete(_key(username))


class LockoutBackend(ModelBackend):
    """The model backend, counting the attempt first and refusing a locked-out username without checking the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if not attempt_begin(username):
            raise PermissionDenied("Too many failed logins; try again later.")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            from .otp import otp_required

            if otp_required(user):
                attempt_undo(username)
            else:
                failures_clear(username)
        return user
