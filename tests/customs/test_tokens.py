"""The customs systems' long-lived machine tokens: issued and revoked by an administrator, kept only as a hash,
accepted on the customs API only."""
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from licensing.audit.models import Event
from licensing.core.errors import DomainError, NotAllowed
from licensing.customs.models import CustomsToken, CustomsWriteOff
from licensing.customs.services import customs_token_issue, customs_token_revoke

from .conftest import mrn, write_off_body


def bearer(key: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_machine_token_writes_off_until_it_is_revoked(customs, administrator, licence):
    token, key = customs_token_issue(actor=administrator, user=customs, name="AGS declarations")
    assert key not in (token.key_hash, token.prefix) and CustomsToken.objects.get().key_hash != key
    system = bearer(key)

    assert system.get(f"/api/v1/customs/licences/{licence.number}/").status_code == 200
    assert system.post("/api/v1/customs/write-offs/", write_off_body(licence, mrn(1)), format="json").status_code == 201
    assert CustomsWriteOff.objects.get().created_by == customs

    customs_token_revoke(actor=administrator, token=token)

    assert system.get(f"/api/v1/customs/licences/{licence.number}/").status_code == 401
    assert Event.objects.filter(verb__in=["customs_token.issued", "customs_token.revoked"]).count() == 2


def test_a_machine_token_opens_nothing_but_the_customs_api(customs, administrator, licence):
    _, key = customs_token_issue(actor=administrator, user=customs, name="CERTEX")
    assert bearer(key).get("/api/v1/me/").status_code == 401
    assert bearer(key).get("/api/v1/licences/").status_code == 401


def test_a_wrong_or_foreign_token_is_refused(licence):
    assert bearer("cst_not-a-token").get(f"/api/v1/customs/licences/{licence.number}/").status_code == 401
    assert bearer("something-else").get(f"/api/v1/customs/licences/{licence.number}/").status_code == 401


def test_a_token_stops_working_when_its_account_is_no_longer_customs(customs, administrator, licence):
    _, key = customs_token_issue(actor=administrator, user=customs, name="CERTEX")
    customs.role = "officer"
    customs.save()
    assert bearer(key).get(f"/api/v1/customs/licences/{licence.number}/").status_code == 401


def test_only_administrators_issue_tokens_and_only_for_customs_accounts(customs, officer, administrator, exporter_a):
    with pytest.raises(NotAllowed):
        customs_token_issue(actor=officer, user=customs, name="CERTEX")
    with pytest.raises(DomainError):
        customs_token_issue(actor=administrator, user=exporter_a, name="CERTEX")
    assert not CustomsToken.objects.exists()


def test_the_command_issues_lists_and_revokes(customs):
    out = io.StringIO()
    call_command("customs_token", "issue", "customs1", "--name", "AGS", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("cst_")
    token = CustomsToken.objects.get()
    call_command("customs_token", "list", stdout=out)
    call_command("customs_token", "revoke", str(token.pk), stdout=out)
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("customs_token", "revoke", str(token.pk), stdout=out)
