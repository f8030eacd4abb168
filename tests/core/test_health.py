import pytest

from licensing.core import health


@pytest.mark.django_db
def test_health_is_green_when_every_part_is_up(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["cache"]["status"] == "ok"
    assert body["components"]["broker"]["status"] in ("ok", "eager")


@pytest.mark.django_db
def test_health_names_the_part_that_is_down(client, monkeypatch):
    def broken():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["cache"] == {"status": "down", "error": "ConnectionError"}
    assert body["components"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_health_reports_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_url = previous
    assert response.status_code == 503
    assert response.json()["components"]["broker"]["status"] == "down"
