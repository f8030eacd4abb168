import pytest

from tests.factories import SAUDI


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def referred(api_as, exporter_a, officer, submit):
    """referred(**overrides) -> a ministry case (military goods to Saudi Arabia) referred by the office."""

    def make(**overrides):
        application = submit(exporter_a, **{**SAUDI, **overrides})
        response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json")
        assert response.status_code == 200, response.json()
        return application

    return make


def all_findings(client, pk, overrides=None, finding="no_concern"):
    for number in range(1, 9):
        body = {"finding": finding, "reasoning": f"Reasoning on criterion {number}."}
        body.update((overrides or {}).get(number, {}))
        response = client.put(f"/api/v1/ministry/applications/{pk}/assessment/findings/{number}/", body, format="json")
        assert response.status_code == 200, response.json()


def dispose_hits(client, pk, disposition="true_match"):
    """Record a disposition for every screening hit of the application (they block a decision until then)."""
    hits = client.get(f"/api/v1/office/applications/{pk}/screening/").json()["hits"]
    for hit in hits:
        response = client.post(f"/api/v1/office/applications/{pk}/screening/{hit['id']}/disposition/", {"disposition": disposition, "reason": "Checked by the officer."}, format="json")
        assert response.status_code == 200, response.json()
    return hits
