"""Issue 23, points 5 and 12: malformed, oversized and racing input on the write paths. Each attack is replayed as
the issue reported it and must now get a clear 4xx with nothing half-saved; the sweeps go over every write endpoint
of the OpenAPI schema and every route of the URLconf, so a new one is attacked too."""
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import FakePayload

from licensing.applications.models import Application, Document
from licensing.licences.models import Decision, Registration, UsageReport
from tests.conftest import tasks_in_process
from tests.factories import application_payload, pdf_upload
from tests.licences.conftest import issued, registered, row  # noqa: F401 - fixtures

from .attacks import _walk, api_write_operations

pytestmark = pytest.mark.django_db

COLUMNS = ["licence", "exported_on", "destination", "control_entry", "quantity", "value_eur", "recipient"]


def usage_csv(rows: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile("usage.csv", ("\n".join([",".join(COLUMNS), *rows]) + "\n").encode(), content_type="text/csv")


def csv_line(licence, **overrides) -> str:
    values = row(licence, **overrides)
    return ",".join(str(values[c]) for c in COLUMNS)


def upload(client, file):
    return client.post("/api/v1/usage-reports/upload/", {"file": file}, format="multipart")


# --- usage files and values ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field,value,problem",
    [
        ("quantity", "1e20", "'1e20' is too large"),  # was a numeric overflow in PostgreSQL's COPY: a 500
        ("value_eur", "100000000000000", "is too large"),
        ("quantity", "0.0004", "'0.0004' has more than 3 decimals"),  # passed 'greater than zero', stored as 0
        ("value_eur", "10.005", "has more than 2 decimals"),
        ("quantity", " 1 2 ", "'1 2' is not a number"),  # read as 12
        ("quantity", "1_000", "is not a number"),
        ("quantity", "\uff11\uff12", "is not a number"),  # full-width digits
    ],
)
def test_a_usage_number_is_stored_as_written_or_refused(api_as, exporter_a, issued, field, value, problem):  # noqa: F811
    licence = issued(exporter_a)
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(licence, **{field: value})], format="json")
    assert response.status_code == 400
    assert any(problem in e for e in response.json()["fields"]["rows"]), response.json()
    assert UsageReport.objects.count() == 0


def test_thousands_separators_still_read_as_one_number(api_as, exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    response = api_as(exporter_a).post("/api/v1/usage-reports/", [row(licence, quantity="1", value_eur="1\u00a0000.50")], format="json")
    assert response.status_code == 201, response.json()
    assert str(UsageReport.objects.get().value_eur) == "1000.50"


def test_an_unbalanced_quote_is_an_error_at_its_line_not_a_swallowed_rest(api_as, exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    good = csv_line(licence, quantity="0.1", value_eur="1")
    broken = csv_line(licence, recipient='"Unclosed', quantity="0.1", value_eur="1")  # the quote runs to the end of the file
    response = upload(api_as(exporter_a), usage_csv([good, broken, good, good]))
    assert response.status_code == 400
    assert "a quoted value is never closed" in response.json()["fields"]["file"][0]
    assert UsageReport.objects.count() == 0


def test_a_stray_quote_inside_a_value_is_an_error(api_as, exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    response = upload(api_as(exporter_a), usage_csv([csv_line(licence, recipient='"Acme" Ltd', quantity="0.1", value_eur="1")]))
    assert response.status_code == 400 and "line 2" in response.json()["fields"]["file"][0]


def test_a_csv_value_over_the_field_limit_is_a_clear_error(api_as, exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    response = upload(api_as(exporter_a), usage_csv([csv_line(licence, serial_numbers="x", recipient="R" * 140_000)]))
    assert response.status_code == 400 and "longer than 131072 characters" in response.json()["fields"]["file"][0]


def test_a_nul_after_the_first_4_kb_is_a_row_error(api_as, exporter_a, issued):  # noqa: F811
    licence = issued(exporter_a)
    rows = [csv_line(licence, quantity="0.001", value_eur="0.01")] * 80 + [csv_line(licence, recipient="Acme\x00Ltd", quantity="0.001", value_eur="0.01")]
    assert len("\n".join(rows)) > 4096
    response = upload(api_as(exporter_a), usage_csv(rows))
    assert response.status_code == 400
    assert "row 82: contains a NUL character" in response.json()["fields"]["rows"]
    assert UsageReport.objects.count() == 0


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip at all", None], ids=["broken zip", "a zip that is no workbook"])
def test_a_zip_that_is_not_an_xlsx_is_refused(api_as, exporter_a, content):
    import io
    import zipfile

    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        content = buffer.getvalue()
    response = upload(api_as(exporter_a), SimpleUploadedFile("usage.xlsx", content))
    assert response.status_code == 400
    assert response.json()["fields"]["file"] == ["Upload a CSV (UTF-8) or XLSX file."]


# --- bodies: malformed and oversized, on every write endpoint ---------------------------------------------------
@pytest.fixture
def ids(exporter_a, submit, issued, registered):  # noqa: F811
    with tasks_in_process():
        application = submit(exporter_a)
    return {"applications": application.pk, "licences": issued(exporter_a).pk, "registrations": registered(exporter_a, "NL009").pk}


def _concrete(path: str, ids: dict) -> str:
    kind = next((k for k in ids if f"/{k}/{{" in path), None)
    return re.sub(r"\{[^}]+\}", lambda m: str(ids[kind]) if m.group(0) == "{id}" and kind else "1", path, count=0)


NESTED = "[" * 100_000 + "]" * 100_000
BODIES = {"list of nulls": "[null, null]", "null": "null", "100,000 levels deep": NESTED, "40 levels deep": '{"a":' * 40 + "1" + "}" * 40, "not JSON": "{'a': 1"}


@pytest.mark.parametrize("body", sorted(BODIES))
def test_no_write_endpoint_answers_500_to_a_malformed_json_body(body, ids, api_as, exporter_a, officer, administrator):
    failures = []
    for persona in (exporter_a, officer, administrator):
        client = api_as(persona)
        for path, method, _ in api_write_operations():
            response = getattr(client, method)(_concrete(path, ids), BODIES[body], content_type="application/json")
            if response.status_code >= 500:
                failures.append((persona.username, method, path))
    assert failures == []


def test_deep_json_is_refused_as_such(api_as, exporter_a):
    response = api_as(exporter_a).post("/api/v1/applications/", NESTED, content_type="application/json")
    assert response.status_code == 400 and "nested more than 32 levels" in response.json()["detail"]


def _all_routes():
    for route, _ in _walk(__import__("django.urls", fromlist=["get_resolver"]).get_resolver().url_patterns):
        path = "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]+\)", "1", route).replace("^", "").replace("$", "")
        if "(" not in path:
            yield path


def test_every_route_refuses_an_oversized_body_before_reading_it(client):
    """Content-Length says 1 GB, the body is 10 bytes: a view that read it would fail on the short body. Every
    route answers 413 without reading (it was written to disk whole before its size was checked)."""
    read = []
    for path in sorted(set(_all_routes())):
        payload = FakePayload(b"x" * 10)
        response = client.generic("POST", path, CONTENT_TYPE="multipart/form-data; boundary=x", CONTENT_LENGTH=str(1024**3), **{"wsgi.input": payload})
        if response.status_code != 413:
            read.append((path, response.status_code))
    assert read == []


def test_each_upload_takes_its_own_limit_and_forms_take_the_small_one(client, settings):
    from licensing.applications.uploads import MAX_UPLOAD_BYTES
    from licensing.core.limits import MULTIPART_OVERHEAD, default_limit, view_limit
    from licensing.licences.usage import MAX_FILE_BYTES

    assert view_limit("/api/v1/usage-reports/upload/", "POST") == view_limit("/licences/upload/", "POST") == MAX_FILE_BYTES + MULTIPART_OVERHEAD
    assert view_limit("/api/v1/applications/1/documents/", "POST") is None and default_limit("multipart/form-data") == MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    assert default_limit("application/json") == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.generic("POST", "/api/v1/applications/", "{}", "application/json", CONTENT_LENGTH=str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = client.generic("POST", "/api/v1/applications/", "{}", "application/json", CONTENT_LENGTH="12abc")
    assert response.status_code == 400


def test_a_form_with_thousands_of_fields_is_refused(api_as, exporter_a, settings):
    body = "&".join(f"f{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = api_as(exporter_a).post("/api/v1/applications/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


# --- the web's findings form, claims, registrations, history, amendments ---------------------------------------
def test_findings_posted_on_the_web_with_no_assessment_are_a_message_not_a_500(client, advisor, exporter_a, submit):
    with tasks_in_process():
        application = submit(exporter_a)
    client.force_login(advisor)
    response = client.post(f"/office/cases/{application.pk}/assessment/findings/", {"finding_1": "positive", "reasoning_1": "Fine."}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No assessment has been started on this case." in response.content.decode()


def test_a_decision_on_a_case_another_officer_claimed_is_refused(api_as, exporter_a, officer, officer2, administrator, submit, countersigned):
    with tasks_in_process():
        application = submit(exporter_a)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    decide = {"outcome": "denied", "criteria": [1], "reasons": "Embargo."}
    response = api_as(officer2).post(f"/api/v1/office/applications/{application.pk}/decision/", decide, format="json")
    assert response.status_code == 403 and response.json()["code"] == "claimed_by_another"
    assert "officer1 has claimed this case" in response.json()["detail"]
    assert not Decision.objects.filter(application=application).exists()
    # Released, the case is anyone's again.
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/release/").status_code == 200
    countersigned(api_as(officer2).post(f"/api/v1/office/applications/{application.pk}/decision/", decide, format="json"), by=officer)


def test_an_administrator_may_decide_a_claimed_case(api_as, exporter_a, officer, administrator, submit, countersigned):
    with tasks_in_process():
        application = submit(exporter_a)
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/claim/")
    response = api_as(administrator).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "denied", "criteria": [1], "reasons": "Embargo."}, format="json")
    assert countersigned(response)["outcome"] == "denied"  # proposed by the administrator, countersigned by another officer


@pytest.mark.django_db(transaction=True)
def test_two_registrations_for_one_general_licence_decided_at_once_give_one_registration_and_a_409(reference_db, exporter_a, officer, officer2, api_as, django_capture_on_commit_callbacks, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is proven on PostgreSQL in CI")
    from django.db import connections

    client = api_as(exporter_a)
    drafts = []
    for _ in range(2):
        draft = client.post("/api/v1/applications/", {"kind": "general_registration", "movement": "transit", "general_licence": "NL009", "conditions_confirmed": True}, format="json").json()
        with tasks_in_process(), django_capture_on_commit_callbacks(execute=True):
            assert client.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200
        drafts.append(draft["id"])
    barrier, statuses = threading.Barrier(2), []
    from licensing.core.errors import DomainError
    from licensing.licences import decisions
    from licensing.licences.decisions import decision_issue

    # Both decisions pass the "already registered?" check before either writes: the moment the race needs.
    checked, move = threading.Barrier(2, timeout=30), decisions.application_move
    monkeypatch.setattr(decisions, "application_move", lambda **kwargs: (checked.wait(), move(**kwargs))[1])

    def decide(officer_, pk):
        try:
            application = Application.objects.get(pk=pk)
            barrier.wait()
            decision_issue(actor=officer_, application=application)
            statuses.append("issued")
        except DomainError as exc:
            statuses.append(exc.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=args) for args in ((officer, drafts[0]), (officer2, drafts[1]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses, key=str) == [409, "issued"]
    assert Registration.objects.filter(organisation=exporter_a.organisation, general_licence__code="NL009").count() == 1
    assert Decision.objects.count() == 1  # the refused one left nothing behind


def test_history_is_paginated_as_documented(api_as, exporter_a, submit):
    with tasks_in_process():
        application = submit(exporter_a)
    client = api_as(exporter_a)
    whole = client.get(f"/api/v1/applications/{application.pk}/history/").json()
    assert whole["count"] == len(whole["results"]) >= 3
    first = client.get(f"/api/v1/applications/{application.pk}/history/?page_size=1").json()
    assert len(first["results"]) == 1 and first["next"] and first["results"][0] == whole["results"][0]


def test_deleting_an_amendment_draft_keeps_the_originals_documents(api_as, exporter_a, officer, submit, settings, tmp_path, django_capture_on_commit_callbacks):
    """Issue 23.5: submit with a document, amend, delete the amendment draft: the shared stored file was removed and
    officials got a 500 downloading the original's document."""
    settings.MEDIA_ROOT = tmp_path
    with tasks_in_process():
        original = submit(exporter_a)
    exporter = api_as(exporter_a)
    amendment = exporter.post(f"/api/v1/applications/{original.pk}/amend/").json()
    with django_capture_on_commit_callbacks(execute=True):
        assert exporter.delete(f"/api/v1/applications/{amendment['id']}/").status_code == 204
    document = Document.objects.get(application=original)
    download = api_as(officer).get(f"/api/v1/applications/{original.pk}/documents/{document.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_deleting_the_last_document_that_cites_a_file_removes_it(api_as, exporter_a, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(), format="json").json()
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/applications/{draft['id']}/").status_code == 204
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
