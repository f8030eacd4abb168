"""Every answer carries a Content-Security-Policy, and no template needs an inline script or event handler."""
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories import PASSWORD

CSP = "Content-Security-Policy"
TEMPLATES = Path(django_settings.BASE_DIR) / "templates"


def directives(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/applications/", "/determination/", "/health/", "/api/v1/me/", "/api/v1/applications/", "/api/schema/", "/no-such-page/"])
def test_pages_and_api_answers_carry_the_policy(path, exporter_a):
    client = Client()
    client.post("/login/", {"username": "exporter_a", "password": PASSWORD})
    response = client.get(path)
    policy = directives(response[CSP])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no inline scripts, no eval, no other hosts
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_anonymous_api_refusal_carries_it_too(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401 and CSP in response


@pytest.mark.django_db
def test_the_api_docs_page_may_load_swagger_ui_but_still_no_inline_script(exporter_a):
    client = Client()
    client.force_login(exporter_a)
    response = client.get("/api/docs/")
    policy = directives(response[CSP])
    assert "'unsafe-inline'" not in policy["script-src"] and "https://cdn.jsdelivr.net" in policy["script-src"]
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "the docs page still has an inline script"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
