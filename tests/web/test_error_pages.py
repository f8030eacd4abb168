"""403, 404 and 500 are pages of the site, in its layout and the reader's language; the API answers in JSON."""
import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_not_found_is_a_page_of_the_site_in_the_readers_language():
    for language, title in (("nl", "Pagina niet gevonden"), ("en", "Page not found")):
        response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/")
        html = response.content.decode()
        assert response.status_code == 404
        assert f"<h1>{title}</h1>" in html and 'class="site-header"' in html and f'lang="{language}"' in html


def test_forbidden_is_a_page_of_the_site(officer):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username=officer.username, password=PASSWORD)
    response = client.get("/applications/")  # the exporter's list: not for officials
    assert response.status_code == 403
    assert "<h1>You may not see this page</h1>" in response.content.decode()


def test_an_unknown_api_path_answers_json():
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_server_error_shows_the_sites_page(settings, monkeypatch):
    from licensing.web import views

    settings.DEBUG = False
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "home", broken)
    from django.urls import clear_url_caches, path

    import config.urls

    monkeypatch.setattr(config.urls, "urlpatterns", [path("", broken, name="home"), *config.urls.urlpatterns])
    clear_url_caches()
    try:
        response = client.get("/")
    finally:
        clear_url_caches()
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()
