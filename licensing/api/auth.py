from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from licensing.accounts import agents
from licensing.accounts.otp import confirmed_device, otp_check, otp_required
from licensing.core.errors import NotAllowed

from .services import token_issue, tokens_revoke

TokenOut = inline_serializer("TokenOut", {"token": serializers.CharField(), "expires": serializers.DateTimeField()})


class TokenIn(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=12,
        help_text=gettext_lazy("Officials: the current code from their authenticator app (two-factor authentication)."),
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if not otp_required(user):
            return attrs
        if confirmed_device(user) is None:
            raise NotAllowed(
                _("Two-factor authentication is required for officials: set up an authenticator app on the web first, with the one-time link an administrator gives you."),
                code="otp_not_set_up",
            )
        if not attrs.get("otp"):
            raise serializers.ValidationError({"otp": [_("Officials must give the code from their authenticator app.")]}, code="required")
        if otp_check(user=user, code=attrs["otp"]) is None:
            raise serializers.ValidationError({"otp": [_("This code is not right, or has been used already.")]}, code="invalid")
        return attrs


class TokenView(APIView):
    """POST: exchange username and password (and, for officials, a two-factor code) for an API token; each login
    issues a new one and the previous one stops working. DELETE: revoke the token in use."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Obtaining a token must not trip over a stale session's CSRF check: tokens only, the same class as elsewhere.
        from .authentication import CachedTokenAuthentication

        return [CachedTokenAuthentication()]

    @extend_schema(request=TokenIn, responses={200: TokenOut})
    def post(self, request):
        serializer = TokenIn(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires": token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        tokens_revoke(user_id=request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """Who is asking: username, role and organisation."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "role": serializers.CharField(),
                "organisation": serializers.CharField(allow_null=True),
                "acting_for": serializers.IntegerField(allow_null=True, help_text="The organisation acted for as its agent (X-Acting-For), or null."),
                "acts_for": serializers.ListField(child=serializers.DictField(), help_text="The organisations this person may act for: id and name."),
            },
        )
    )
    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.username, "role": user.effective_role, "organisation": user.organisation.name if user.organisation_id else None,
                "acting_for": user.acting_for_id,
                "acts_for": [{"id": a.organisation_id, "name": a.organisation.name} for a in agents.agencies_of(user)] if user.is_exporter else [],
            }
        )
