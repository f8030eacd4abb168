"""API tokens expire, rotate at every login, and die with the password, the authenticator app and the account they
were obtained with (issue 23, point 11: a token lived for ever, through a password reset and the removal of an
official's two-factor device)."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from licensing.accounts.otp import code_next, device_set
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
KEY = "3132333435363738393031323334353637383930"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def token_login(user, **extra) -> APIClient:
    response = APIClient().post(TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json")
    assert response.status_code == 200, response.content
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").status_code == 200  # in the cache from here on
    return client


def refused(client, code="authentication_failed") -> bool:
    response = client.get("/api/v1/me/")
    return response.status_code == 401 and response.json()["code"] == code


def test_a_token_says_when_it_expires_and_is_refused_after_that(exporter_a, settings, monkeypatch):
    settings.API_TOKEN_TTL_HOURS = 12
    response = APIClient().post(TOKEN_URL, {"username": "exporter_a", "password": PASSWORD}, format="json")
    token = Token.objects.get(user=exporter_a)
    assert response.json()["expires"].startswith((token.created + timedelta(hours=12)).isoformat()[:19])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/me/").status_code == 200
    later = timezone.now() + timedelta(hours=12, seconds=1)
    monkeypatch.setattr("licensing.api.services.timezone.now", lambda: later)
    assert refused(client, "token_expired")  # though the cache still holds it
    cache.clear()
    assert refused(client, "token_expired")
    assert "expired" in client.get("/api/v1/me/").json()["detail"]


def test_every_login_issues_a_new_token_and_the_old_one_stops_working(exporter_a):
    first = token_login(exporter_a)
    second = token_login(exporter_a)
    assert refused(first)
    assert second.get("/api/v1/me/").status_code == 200
    assert Token.objects.filter(user=exporter_a).count() == 1


@pytest.mark.parametrize("how", ["set_password", "update_fields"])
def test_a_password_change_revokes_the_token(exporter_a, how):
    client = token_login(exporter_a)
    exporter_a.set_password("a new password for the api 1")
    exporter_a.save(**({"update_fields": ["password"]} if how == "update_fields" else {}))
    assert refused(client)
    assert not Token.objects.filter(user=exporter_a).exists()


def test_a_password_reset_in_the_admin_revokes_the_token(exporter_a, administrator):
    client = token_login(exporter_a)
    admin = Client()
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    admin.force_login(administrator)
    new = "another password for exporter 7"
    response = admin.post(f"/admin/accounts/user/{exporter_a.pk}/password/", {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302 and response["Location"] == f"/admin/accounts/user/{exporter_a.pk}/change/", response.get("Location")
    assert refused(client)


def test_deactivation_revokes_the_token_and_reactivation_does_not_bring_it_back(exporter_a):
    client = token_login(exporter_a)
    exporter_a.is_active = False
    exporter_a.save()
    exporter_a.is_active = True
    exporter_a.save()
    assert refused(client)


def test_other_changes_keep_the_token(exporter_a):
    client = token_login(exporter_a)
    exporter_a.language = "en"
    exporter_a.save()
    token_login(exporter_a)  # a login stamps last_login: no revocation either (the new login rotated it, as above)
    assert Token.objects.filter(user=exporter_a).count() == 1
    exporter_a.first_name = "Anna"
    exporter_a.save()
    assert Token.objects.filter(user=exporter_a).exists()
    assert refused(client)  # only because the second login replaced it


def test_removing_an_officials_authenticator_app_revokes_their_token(officer, settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = device_set(user=officer, key_hex=KEY)
    client = token_login(officer, otp=code_next(device))
    device.delete()  # the administrator, in the admin: the phone was lost
    assert refused(client)
