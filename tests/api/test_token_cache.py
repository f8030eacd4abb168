"""The API remembers token -> user between requests, and forgets it the moment the token or the user changes.

Every test first makes one authenticated request, so the token is in the cache when the change happens: what is
proven is that the cached answer is not used afterwards (on SQLite with the per-process cache, on PostgreSQL with
Redis).
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD


def _token_queries(captured) -> int:
    return sum('"authtoken_token"' in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_a_known_token_is_not_read_from_the_database_again(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == "exporter_a"
    assert _token_queries(second) == 0


@pytest.mark.django_db
def test_a_token_revoked_through_the_api_is_refused_at_once(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete("/api/v1/auth/token/").status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_token_deleted_elsewhere_is_refused_at_once(api_as, officer):
    client = api_as(officer)
    assert client.get("/api/v1/me/").status_code == 200
    Token.objects.get(user=officer).delete()  # the admin, or another worker process
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_is_refused_at_once(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.get("/api/v1/me/").status_code == 200
    exporter_a.is_active = False
    exporter_a.save()
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_a_deleted_user_is_refused_at_once(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.get("/api/v1/me/").status_code == 200
    exporter_a.delete()
    assert client.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_a_role_change_takes_effect_on_the_next_request(api_as, exporter_a):
    from licensing.accounts.models import Role

    client = api_as(exporter_a)
    assert client.get("/api/v1/me/").json()["role"] == "exporter"
    exporter_a.role = Role.OFFICER
    exporter_a.organisation = None
    exporter_a.save()
    assert client.get("/api/v1/me/").json()["role"] == "officer"


@pytest.mark.django_db
def test_a_new_token_after_revocation_works_and_the_old_one_stays_refused(api_client, api_as, exporter_a):
    old = api_as(exporter_a)
    assert old.get("/api/v1/me/").status_code == 200
    assert old.delete("/api/v1/auth/token/").status_code == 204
    fresh = api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert api_client.get("/api/v1/me/").status_code == 200
    assert old.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_without_the_cache_tokens_are_read_from_the_database(api_as, exporter_a, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from licensing.api import authentication

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    client = api_as(exporter_a)
    monkeypatch.setattr(authentication.cache, "get", unreachable)
    monkeypatch.setattr(authentication.cache, "set", unreachable)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/v1/me/").status_code == 200
    assert _token_queries(captured) == 1
    exporter_a.is_active = False
    monkeypatch.undo()
    exporter_a.save()
    monkeypatch.setattr(authentication.cache, "get", unreachable)
    assert client.get("/api/v1/me/").status_code == 401
