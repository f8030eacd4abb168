"""
Schemathesis generates requests from /api/schema/ for every operation and checks that the API never answers
500 and that what it answers fits the schema it documents. Bounded: a few examples per operation.
"""
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from config.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
EXAMPLES = 3


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The WSGI app would close the test's database connection after each request (it is inside the test's
    transaction); Django's test client unhooks the same signal for the same reason."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, exporter_a, officer, advisor):
    from rest_framework.authtoken.models import Token

    return {user.username: Token.objects.get_or_create(user=user)[0].key for user in (exporter_a, officer, advisor)}


@pytest.mark.parametrize("who", ["exporter_a", "officer1"])
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_fit_the_schema(case, who, tokens, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=[not_a_server_error, response_schema_conformance])


def test_handler_is_null_before_routing_not_an_empty_string(api_as, exporter_a):
    """Found by the fuzzer: an unrouted application answered handler "" where the schema allows only the enum or null."""
    from tests.factories import application_payload

    assert api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()["handler"] is None
