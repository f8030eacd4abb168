"""POSTs that create things accept an Idempotency-Key: a retry returns the first result and creates nothing."""
import pytest

from licensing.applications.models import Application
from tests.factories import application_payload

pytestmark = pytest.mark.django_db


def test_retried_create_returns_the_first_result(api_as, exporter_a):
    client = api_as(exporter_a)
    first = client.post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    again = client.post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="draft-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["reference"] == first.json()["reference"] and again["Idempotent-Replayed"] == "true"
    assert Application.objects.count() == 1


def test_a_failed_request_does_not_use_up_the_key(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.post("/api/v1/applications/", {"kind": "nonsense"}, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    assert client.post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201


def test_the_same_key_on_another_endpoint_is_a_conflict(api_as, exporter_a):
    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="k2").json()
    response = client.post(f"/api/v1/applications/{draft['id']}/amend/", format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert response.status_code == 409


def test_keys_are_per_user(api_as, exporter_a, exporter_b):
    api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other = api_as(exporter_b).post("/api/v1/applications/", application_payload(), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert other.status_code == 201 and other.json()["organisation"] == "Company B B.V."  # never A's answer
    assert Application.objects.count() == 2
