import pytest
import yaml


@pytest.mark.django_db
def test_openapi_schema_is_a_valid_openapi_3_document(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]


@pytest.mark.django_db
def test_schema_validates_against_the_openapi_spec(client):
    from drf_spectacular.validation import validate_schema

    schema = yaml.safe_load(client.get("/api/schema/").content)
    validate_schema(schema)  # raises on an invalid document


@pytest.mark.django_db
def test_browsable_docs_are_served(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
