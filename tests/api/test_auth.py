import pytest
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_token_for_good_credentials_authenticates_later_requests(api_client, exporter_a):
    response = api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {"username": "exporter_a", "role": "exporter", "organisation": "Company A B.V.", "acting_for": None, "acts_for": []}


@pytest.mark.django_db
def test_token_for_bad_password_is_a_400_in_the_common_error_format(api_client, exporter_a):
    response = api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": "wrong"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid"
    assert "non_field_errors" in body["fields"]
    assert "token" not in body


@pytest.mark.django_db
def test_token_without_fields_names_each_missing_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"username", "password"}


@pytest.mark.django_db
def test_inactive_user_gets_no_token(api_client, exporter_a):
    exporter_a.is_active = False
    exporter_a.save()
    response = api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_revoked_token_no_longer_works(api_as, exporter_a):
    client = api_as(exporter_a)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_anonymous_request_is_refused(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


@pytest.mark.django_db
def test_createsuperuser_is_an_administrator(api_as):
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    assert api_as(admin).get("/api/v1/me/").json()["role"] == "administrator"
