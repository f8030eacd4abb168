"""The critical and high attacks of issue 23, replayed against gunicorn with the production settings (DEBUG off,
PostgreSQL, Redis), over real HTTP: what an attacker reaches on a production-shaped install."""
import json

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from licensing.audit.models import Event
from licensing.licences.models import Decision
from tests.conftest import tasks_in_process
from tests.factories import PASSWORD

pytestmark = [pytest.mark.integration]


def production_password(user) -> None:
    """The production settings know only the standard password hashers, not the tests' fast one."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])


@pytest.mark.parametrize("space", ["\u00a0", "\u0085"])
def test_a_password_alone_does_not_issue_a_licence_through_the_api(reference_db, browser, officer, exporter_a, submit, space):
    """Issue 23, point 1: log in on the web with the password only, then post a decision with the session cookie
    and `Authorization: Token<U+00A0>x` (or U+0085). It answered 201 and the audit log showed an issue by an
    official who never gave a code."""
    with tasks_in_process():
        application = submit(exporter_a)
    production_password(officer)
    attacker = browser()
    attacker.login(officer.username, PASSWORD)
    status, headers, body = attacker.request(
        "POST", f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, {"Authorization": f"Token{space}x"}
    )
    assert status == 403, body[:300]
    assert json.loads(body)["code"] == "otp_required"
    assert not Decision.objects.filter(application=application).exists()
    assert not Event.objects.filter(verb="application.issue").exists()
    # Nor any read: the session is not let into the API whatever the header holds.
    for header in ({"Authorization": f"Token{space}x"}, {"Authorization": "Bearer x"}, {}):
        assert attacker.request("GET", "/api/v1/office/queue/", headers=header)[0] == 403


def test_a_confirmed_sanctions_match_blocks_the_licence(reference_db, production_server, officer, exporter_a, submit):
    """Issue 23, point 2: after an officer records "true match" on a hit, `GET .../blockers/` was empty and the
    licence was issued. Over HTTP to gunicorn: the blocker names the escalation and the decision is refused."""
    from pathlib import Path

    from rest_framework.authtoken.models import Token

    from licensing.screening.importers import FORMATS
    from licensing.screening.models import ScreeningHit
    from licensing.screening.services import list_import_file
    from tests.security.server import Browser
    from tests.screening.conftest import EU_SAMPLE, parties

    with tasks_in_process():
        list_import_file(source=FORMATS["eu-xml"], content=Path(EU_SAMPLE).read_bytes(), file_name="eu.xml")
        application = submit(exporter_a, destinations=["NO"], parties=parties(consignee=("АО Рособоронэкспорт", "RU")))
    [hit] = ScreeningHit.objects.filter(application=application)
    officer_api = Browser(production_server.port)
    token = {"Authorization": f"Token {Token.objects.create(user=officer).key}"}  # tokens are handed out only with a code
    base = f"/api/v1/office/applications/{application.pk}"
    status, _, body = officer_api.request("POST", f"{base}/screening/{hit.pk}/disposition/", {"disposition": "true_match", "reason": "Same entity."}, token)
    assert status == 200, body[:300]
    status, _, body = officer_api.request("GET", f"{base}/blockers/", headers=token)
    assert status == 200 and any("escalated" in b for b in json.loads(body)["approve"])
    status, _, body = officer_api.request("POST", f"{base}/decision/", {"outcome": "issued"}, token)
    assert status == 400 and json.loads(body)["code"] == "blocked"
    assert not Decision.objects.filter(application=application).exists()
