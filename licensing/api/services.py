"""API tokens (DRF's `Token`, one per person): issued at a login, expiring, revoked with what they stood for.

A token is the login of a program: it lasts API_TOKEN_TTL_HOURS from its issue, a new login replaces it, and it dies
when the password it was obtained with changes, when an official's authenticator app is removed and when the account
is deactivated (licensing.api.authentication connects those). Long-lived tokens that an administrator issues to a
machine (customs) would be a model of their own, with their own expiry and revocation; not this one.
"""
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token


def token_issue(*, user) -> Token:
    """A new token for this person, replacing the one they had: every login rotates it."""
    with transaction.atomic():
        # Two logins at once take turns here instead of one failing on the one-token-per-person constraint.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        tokens_revoke(user_id=user.pk)
        return Token.objects.create(user=user)


def tokens_revoke(*, user_id: int) -> int:
    """Delete this person's tokens; the token cache forgets them (post_delete). How many there were."""
    return Token.objects.filter(user_id=user_id).delete()[0]


def token_expired(token: Token) -> bool:
    return token.created <= timezone.now() - timedelta(hours=settings.API_TOKEN_TTL_HOURS)
