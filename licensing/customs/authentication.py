"""The customs systems' machine tokens on the customs API: `Authorization: Bearer cst_...`.

Separate from the people's API tokens (licensing.api.authentication): an administrator issues and revokes these
(manage.py customs_token, or the admin), they do not expire, they are kept only as a hash, and only the customs
API's views accept them; anywhere else the request is anonymous.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from licensing.accounts.models import Role

from .models import CustomsToken
from .services import TOKEN_PREFIX, token_hash

KEYWORD = b"bearer"


class CustomsTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None  # not ours: the other authentication classes decide
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        if not key.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = CustomsToken.objects.select_related("user").filter(key_hash=token_hash(key), revoked_at__isnull=True).first()
        if token is None or not token.user.is_active or not token.user.has_role(Role.CUSTOMS):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        today = timezone.localdate()
        if token.last_used_on != today:  # at most one write a day per token
            CustomsToken.objects.filter(pk=token.pk).update(last_used_on=today)
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"
