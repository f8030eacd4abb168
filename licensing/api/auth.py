from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

TokenOut = inline_serializer("TokenOut", {"token": serializers.CharField()})


class TokenView(APIView):
    """POST: exchange username and password for an API token. DELETE: revoke the token in use."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Obtaining a token must not trip over a stale session's CSRF check.
        from rest_framework.authentication import TokenAuthentication

        return [TokenAuthentication()]

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenOut})
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
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
            },
        )
    )
    def get(self, request):
        user = request.user
        return Response(
            {"username": user.username, "role": user.effective_role, "organisation": user.organisation.name if user.organisation_id else None}
        )
