"""API token authentication that remembers token -> user in the shared cache (issue 10).

DRF's TokenAuthentication reads the token and its user from the database on every request: on a determination
(which runs no other query) that was about 40 % of the request in process. Here the answer is kept in the shared
cache (Redis in production, so every worker process sees the same entry) and dropped the moment it could be wrong:

- the token is deleted (`DELETE /api/v1/auth/token/`, a new token replacing it, the admin, the user being deleted);
- the user is saved (deactivated, role or organisation changed, password set).

A password change, a deactivation and the removal of an official's authenticator app also delete the person's
tokens (`licensing.api.services`), and a token older than API_TOKEN_TTL_HOURS is refused (401 `token_expired`),
cached or not.

It is dropped at once and again after the transaction commits, so a request that read the old rows while the change
was still uncommitted cannot leave a stale entry behind. If Redis cannot be reached, reads fall back to the
database, and a revocation's delete is repeated as soon as Redis answers again (licensing.core.cache), before any
read can find the entry. Writes that send no
signals (`QuerySet.update`, raw SQL) are bounded by `TTL_SECONDS`. Without `REDIS_URL` the cache is per process, which is only right for a single
process (`runserver`, the tests); the production shape (README) always has Redis.
"""
import hashlib
import re

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.authentication import SessionScheme
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from licensing.accounts import agents
from licensing.accounts.otp import otp_verified
from licensing.core.errors import NotAllowed

from .services import token_expired, tokens_revoke

TTL_SECONDS = 60


def _cache_key(key: str) -> str:
    # Never the token itself: whoever can read Redis must not be able to use what it finds there.
    return "api-token:" + hashlib.sha256(key.encode()).hexdigest()


# What DRF's tokens look like (`Token.generate_key`: 20 random bytes in hex). Anything else is refused before the
# cache or the database sees it: a NUL made PostgreSQL's driver raise (a 500), and an overlong key cost a lookup.
TOKEN_KEY = re.compile(r"[0-9a-f]{40}")


class NotActingFor(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_acting_for"
    default_detail = _("You do not act for that organisation.")


class ActingForMixin:
    """An agent names the organisation it acts for in the `X-Acting-For` header (its id); checked on every request
    against a live agency (licensing.accounts.agents). Without the header, a token acts for the person's own
    organisation and a session for the one chosen on the pages."""

    def authenticate(self, request):
        return self.acting_for(request, super().authenticate(request))

    @staticmethod
    def acting_for(request, authenticated):
        acting_for = request._request.headers.get(agents.HEADER)
        if authenticated is not None and acting_for is not None:
            try:
                agents.acting_start(authenticated[0], acting_for.strip())
            except NotAllowed:
                raise NotActingFor() from None
        return authenticated


class CachedTokenAuthentication(ActingForMixin, TokenAuthentication):
    def authenticate_credentials(self, key):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        cache_key = _cache_key(key)
        try:
            cached = cache.get(cache_key)
        except RedisError:  # the cache is a shortcut: without Redis, the database still answers
            cached = None
        if cached is None:
            cached = super().authenticate_credentials(key)  # refuses unknown tokens and inactive users
            try:
                cache.set(cache_key, cached, TTL_SECONDS)
            except RedisError:
                pass
        if token_expired(cached[1]):
            raise exceptions.AuthenticationFailed(_("This token has expired: log in again for a new one."), code="token_expired")
        return cached


class OtpRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "otp_required"
    default_detail = _("Two-factor authentication is required: enter a code from your authenticator app first.")


class VerifiedSessionAuthentication(SessionAuthentication):
    """The web session, for API calls, only once an official has given a second factor in it.

    The second factor is enforced here, where the API accepts a session, and not by the site's middleware looking at
    the request's headers: whatever a request's `Authorization` header holds, a session reaches the API only through
    this class (a header that the token class does not read as a token leaves the request to the session).
    """

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is not None and not otp_verified(request._request):
            raise OtpRequired()
        return ActingForMixin.acting_for(request, authenticated)


class VerifiedSessionScheme(SessionScheme):
    """The OpenAPI schema describes the verified session as the session cookie it is."""

    target_class = VerifiedSessionAuthentication


def token_forget(*, keys) -> None:
    """Drop the cached users of these tokens now and, inside a transaction, once more after it commits."""
    cache_keys = [_cache_key(key) for key in keys]
    if not cache_keys:
        return
    cache.delete_many(cache_keys)
    transaction.on_commit(lambda: cache.delete_many(cache_keys))


def _token_deleted(sender, instance, **kwargs):
    token_forget(keys=[instance.key])


def _only_login_stamp(update_fields) -> bool:
    # A login only stamps last_login, which no API request reads: no query and no cache call on every login.
    return set(update_fields or ()) == {"last_login"}


def _user_saving(sender, instance, update_fields=None, **kwargs):
    """Remember what the tokens stand on (the password and the account being active) as it was before this save."""
    if instance.pk is not None and not instance._state.adding and not _only_login_stamp(update_fields):
        instance._tokens_stood_on = sender.objects.filter(pk=instance.pk).values_list("password", "is_active").first()


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or _only_login_stamp(update_fields):
        return
    before = instance.__dict__.pop("_tokens_stood_on", None)
    if before is not None and (before[0] != instance.password or (before[1] and not instance.is_active)):
        tokens_revoke(user_id=instance.pk)  # a new password or a deactivation: the old login's token goes with it
    token_forget(keys=list(Token.objects.filter(user_id=instance.pk).values_list("key", flat=True)))


def _device_deleted(sender, instance, **kwargs):
    # An administrator removes an official's authenticator app when it is lost or stolen: the tokens obtained with its
    # codes go too (the session's verification, tied to the device, already ends with it).
    if instance.confirmed:
        tokens_revoke(user_id=instance.user_id)


def connect_signals() -> None:
    post_delete.connect(_token_deleted, sender=Token, dispatch_uid="api-token-cache-token-deleted")
    pre_save.connect(_user_saving, sender=get_user_model(), dispatch_uid="api-token-user-saving")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="api-token-cache-user-saved")
    post_delete.connect(_device_deleted, sender=TOTPDevice, dispatch_uid="api-token-device-deleted")
