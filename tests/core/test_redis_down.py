"""With Redis unreachable the service answers from the database (issue 23.10): sessions, tokens, login lockout,
submissions and decisions; the health check still names the cache as down. Redis is made unreachable for real:
the cache points at a port where nothing listens."""
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from licensing.core import cache as degrading
from licensing.core.cache import DegradingRedisCache
from licensing.core.models import FallbackCounter
from tests.factories import PASSWORD
from tests.reliability.harness import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """Cache and sessions as in production (Redis, cached_db), with Redis not answering."""
    settings.CACHES = {"default": {"BACKEND": "licensing.core.cache.DegradingRedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield


def test_the_cache_answers_as_an_empty_one_and_its_strict_twin_raises(redis_down):
    assert cache.get("anything", "default") == "default" and cache.get_many(["a", "b"]) == {}
    cache.set("key", "value")
    assert cache.add("key", "value") is False and cache.delete("key") is False
    assert cache.get_or_set("key", "computed") == "computed"
    with pytest.raises(RedisConnectionError):
        cache.strict.get("anything")


def test_signed_in_pages_tokens_and_the_work_go_on_without_redis(redis_down, exporter_a, officer, api_as, submit, django_capture_on_commit_callbacks):
    browser = Client()
    assert browser.post("/login/", {"username": "exporter_a", "password": PASSWORD}).status_code == 302
    assert browser.get("/applications/").status_code == 200  # the session is read from the database
    assert api_as(exporter_a).get("/api/v1/applications/").status_code == 200

    application = submit(exporter_a)  # draft, certificate, submission and routing: 2xx all the way
    with django_capture_on_commit_callbacks(execute=True):
        decided = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert decided.status_code == 201

    assert browser.post("/logout/").status_code in (200, 302)
    assert browser.get("/applications/").status_code == 302  # logged out: back to the login page


def test_login_failures_are_counted_in_the_database_while_redis_is_down(redis_down, exporter_a, settings):
    browser = Client()
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        assert browser.post("/login/", {"username": "exporter_a", "password": "wrong"}).status_code == 200
    assert FallbackCounter.objects.get().count == settings.LOGIN_LOCKOUT_THRESHOLD
    browser.post("/login/", {"username": "exporter_a", "password": PASSWORD})
    assert "_auth_user_id" not in browser.session  # locked: the right password does not get in either


def test_the_health_check_still_names_the_cache_as_down(redis_down, client):
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["components"]["cache"] == {"status": "down", "error": "ConnectionError"}


def test_a_key_whose_write_failed_is_deleted_as_soon_as_redis_answers_again(settings, monkeypatch):
    """A session logged out (or a token revoked) while Redis was unreachable must not come back with Redis."""
    if not settings.REDIS_URL:
        pytest.skip("needs a Redis (REDIS_URL) that answers")
    shared = DegradingRedisCache(settings.REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    shared.set("session", "signed in")

    from django.core.cache.backends.redis import RedisCacheClient

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    with monkeypatch.context() as outage:
        outage.setattr(RedisCacheClient, "delete", unreachable)
        outage.setattr(RedisCacheClient, "get", unreachable)
        assert shared.delete("session") is False  # logged out: only the database knows
        assert shared.get("session") is None  # within the outage, a miss: the database answers
    monkeypatch.setattr(degrading.time, "monotonic", lambda: float("inf"))  # the back-off window has passed
    assert shared.get("session") is None  # Redis answers again: the stale session was deleted first
    assert shared.strict.get("session") is None
