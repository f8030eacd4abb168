"""Sessions end: at browser close, SESSION_COOKIE_AGE after the login whatever the activity, and after idling."""
import time

import pytest
from django.test import Client

from licensing.accounts.middleware import LOGIN_AT, SEEN_AT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(exporter_a):
    client = Client()
    assert client.post("/login/", {"username": "exporter_a", "password": PASSWORD}).status_code == 302
    return client


def shift(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_the_session_cookie_ends_with_the_browser_and_the_server_side_session_with_the_age(client_a, settings):
    cookie = client_a.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert abs(client_a.session.get_expiry_age() - settings.SESSION_COOKIE_AGE) < 5
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600 and settings.SESSION_IDLE_SECONDS <= 3600


def test_an_idle_session_ends(client_a, settings):
    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    response = client_a.get("/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client_a.session


def test_an_active_session_ends_at_its_age_after_the_login(client_a, settings):
    shift(client_a, **{LOGIN_AT: settings.SESSION_COOKIE_AGE + 1, SEEN_AT: 5})
    assert client_a.get("/applications/").status_code == 302


def test_activity_keeps_a_session_alive_and_is_recorded_at_most_once_a_minute(client_a, settings):
    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS - 10})
    assert client_a.get("/applications/").status_code == 200
    seen = client_a.session[SEEN_AT]
    assert time.time() - seen < 5
    assert client_a.get("/applications/").status_code == 200
    assert client_a.session[SEEN_AT] == seen


def test_an_idle_session_cannot_call_the_api_either(client_a, settings):
    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    assert client_a.get("/api/v1/me/").status_code in (401, 403)


def test_a_session_ended_by_logging_out_cannot_be_used_again(client_a, settings):
    """Also when sessions are read from the cache (cached_db with Redis): the logout deletes the cached copy too."""
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client_a.cookies[settings.SESSION_COOKIE_NAME].value
    assert copy.get("/applications/").status_code == 200
    assert client_a.post("/logout/").status_code == 302
    response = copy.get("/applications/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_idle_session_ends_for_every_holder_of_its_cookie(client_a, settings):
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client_a.cookies[settings.SESSION_COOKIE_NAME].value
    assert copy.get("/applications/").status_code == 200
    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    assert client_a.get("/applications/").status_code == 302
    assert copy.get("/applications/").status_code == 302


def _draft_form(**extra) -> dict:
    from tests.web.test_exporter_pages import form_data

    return form_data(title="Typed before the session ended", **extra)


def test_a_form_sent_after_the_session_ended_is_kept_and_saved_as_a_draft_after_logging_in(client_a, settings, exporter_a):
    from licensing.applications.models import Application, Status

    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    response = client_a.post("/applications/new/", _draft_form(submit="1"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fapplications%2Fnew%2F"
    assert not Application.objects.exists()
    login_page = client_a.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "what you typed has been kept" in login_page

    assert client_a.post("/login/", {"username": "exporter_a", "password": PASSWORD}).status_code == 302
    restored = client_a.get("/applications/new/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    application = Application.objects.get()
    assert application.title == "Typed before the session ended"
    assert application.status == Status.DRAFT  # "submit" was pressed, but a kept form only ever saves a draft
    assert "has been sent again" in restored.content.decode()
    assert "kept_form" not in client_a.session


def test_a_kept_form_is_never_given_to_someone_else_who_logs_in_on_that_browser(client_a, settings, exporter_a):
    from licensing.applications.models import Application
    from tests.factories import UserFactory

    UserFactory(username="colleague", organisation=exporter_a.organisation)
    shift(client_a, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    client_a.post("/applications/new/", _draft_form())
    assert client_a.post("/login/", {"username": "colleague", "password": PASSWORD}).status_code == 302
    page = client_a.get("/applications/new/").content.decode()
    assert "Typed before the session ended" not in page and not Application.objects.exists()
    assert "kept_form" not in client_a.session


def test_a_form_without_a_valid_csrf_token_is_not_kept(exporter_a, settings):
    client = Client(enforce_csrf_checks=True)
    client.login(username="exporter_a", password=PASSWORD)
    shift(client, **{SEEN_AT: settings.SESSION_IDLE_SECONDS + 1})
    assert client.post("/applications/new/", _draft_form()).status_code == 403
    assert "kept_form" not in client.session
