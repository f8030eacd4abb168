"""
Schemathesis generates requests from /api/schema/ for every operation and checks that the API never answers
500 and that what it answers fits the schema it documents; a stateful run follows the links schemathesis infers
between operations (create a draft, then act on its id). Bounded and repeatable for CI: a few examples per
operation, derandomized (the same examples every run, so a failure is a bug, not bad luck), no example database.
The files hypothesis draws at random rarely look like a ZIP; hostile files are sent to every upload on purpose.
"""
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from config.wsgi import application  # noqa: E402

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
EXAMPLES = 3
REPEATABLE = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True, "database": None}


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
@settings(max_examples=EXAMPLES, **REPEATABLE)
def test_no_server_errors_and_answers_fit_the_schema(case, who, tokens, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=[not_a_server_error, response_schema_conformance])


def test_handler_is_null_before_routing_not_an_empty_string(api_as, exporter_a):
    """Found by the fuzzer: an unrouted application answered handler "" where the schema allows only the enum or null."""
    from tests.factories import application_payload

    assert api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()["handler"] is None


@pytest.mark.parametrize("who", ["exporter_a", "officer1"])
def test_workflows_through_the_inferred_links_never_answer_500(who, tokens, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    header = {"Authorization": f"Token {tokens[who]}"}

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": header}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[not_a_server_error])

    Workflow.run(settings=hypothesis_settings(max_examples=10, stateful_step_count=5, **REPEATABLE))


def _hostile_files():
    import io
    import zipfile

    def zipped(**members):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in members.items():
                archive.writestr(name.replace("__", "/"), content)
        return buffer.getvalue()

    xlsx_without_sheets = zipped(**{"[Content_Types].xml": "<Types/>", "xl__workbook.xml": "<workbook/>"})
    return {
        "zip that is no xlsx": zipped(**{"readme.txt": "hello"}),
        "truncated zip": zipped(**{"[Content_Types].xml": "<Types/>", "xl__workbook.xml": "<workbook/>"})[:60],
        "zip header only": b"PK\x03\x04" + b"\0" * 26,
        "xlsx without sheets": xlsx_without_sheets,
        "xlsx with broken xml": zipped(**{"[Content_Types].xml": "<Types", "xl__workbook.xml": "<<<"}),
        "empty": b"",
        "nul bytes": b"\0" * 5000,
        "latin-1 csv": "licence,exported_on\nCaf\xe9".encode("latin-1"),
        "csv with a nul after 4 KB": b"licence,exported_on\n" + b"a,b\n" * 2000 + b"\0",
    }


HOSTILE = _hostile_files()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_on_every_upload_never_answer_500(name, api_as, exporter_a, administrator, tmp_path, settings):
    """Found by the fuzzer at random (a ZIP that is no XLSX gave a 500 from openpyxl): sent here every run."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import tasks_in_process
    from tests.factories import application_payload
    from tests.security.attacks import api_upload_operations

    settings.MEDIA_ROOT = tmp_path
    draft = api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()
    for path, method in api_upload_operations():
        client = api_as(administrator if "screening" in path else exporter_a)
        body = {"file": SimpleUploadedFile("upload.xlsx", HOSTILE[name]), "doc_type": "other", "format": "eu-xml", "text": "An answer.", "grounds": "Grounds."}
        with tasks_in_process():
            response = getattr(client, method)(path.format(id=draft["id"], question_id=1, condition_id=1), body, format="multipart")
        assert response.status_code < 500, (path, response.content[:300])
