"""Archive bombs (issue 23.7) on every upload, found from the OpenAPI schema (operations taking a file) and from the
URLconf (pages whose view reads request.FILES): a 100 KB office file whose `mimetype` inflates to 100 MB, and an
84 KB XLSX holding 2 million shared strings. Each is refused without being inflated or parsed: the bound is the
code's own (the archive's directory is checked before anything is read), measured here as the memory Python
allocates while the request runs and by whether openpyxl parsed the workbook at all."""
import io
import tracemalloc
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licensing.applications.models import Document
from licensing.core.archives import ArchiveLimits, ArchiveRefused, zip_check, zip_member_read
from licensing.licences.models import ConditionDocument, UsageReport
from tests.conftest import tasks_in_process
from tests.factories import application_payload

from .attacks import api_upload_operations, inline_row, web_upload_routes, xlsx, xlsx_with_shared_strings, zip_bomb

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# The bomb inflates to 100 MB; a request that never inflates it allocates a few MB (the 100 KB upload, the page).
MEMORY_BOUND = 30 * MB
USAGE_HEADER = ["licence", "exported_on", "destination", "control_entry", "quantity", "value_eur", "recipient"]

# Who posts to each upload endpoint, and with which other fields. A new upload endpoint fails
# test_every_upload_is_attacked until it is listed here.
API_UPLOADS = {
    ("/api/v1/applications/{id}/documents/", "post"): ("exporter_a", {"doc_type": "technical_documentation"}),
    ("/api/v1/screening/imports/", "post"): ("administrator", {"format": "eu-xml"}),
    ("/api/v1/usage-reports/upload/", "post"): ("exporter_a", {}),
    # An answer's and an objection's documents: every file is checked before the case is looked at further.
    ("/api/v1/applications/{id}/questions/{question_id}/answer/", "post"): ("exporter_a", {"text": "An answer."}),
    ("/api/v1/applications/{id}/objections/", "post"): ("exporter_a", {"grounds": "Grounds."}),
    # A certificate meeting a licence condition: on the holder's own licence, checked before anything is stored.
    ("/api/v1/licences/{id}/conditions/{condition_id}/meet/", "post"): ("exporter_a", {"note": "The certificate."}),
}
WEB_UPLOADS = {
    "applications/<int:pk>/documents/": ("exporter_a", {"doc_type": "technical_documentation"}),
    "licences/upload/": ("exporter_a", {}),
    "screening/runs/": ("administrator", {"format": "eu-xml"}),
    "applications/<int:pk>/questions/<int:question_id>/answer/": ("exporter_a", {"answer": "An answer."}),
    "office/cases/<int:pk>/notes/": ("officer", {"text": "An internal note."}),
    "licences/<str:number>/conditions/<int:condition_id>/meet/": ("exporter_a", {"note": "The certificate."}),
    # The holder's objection from the decision's page: its documents are checked before the decision is looked up.
    "applications/<int:pk>/objections/": ("exporter_a", {"grounds": "Grounds."}),
}


@pytest.fixture(scope="module")
def office_bomb():
    return zip_bomb("mimetype", expanded_mb=100, extra={"[Content_Types].xml": "<Types/>"})


@pytest.fixture(scope="module")
def shared_strings_bomb():
    return xlsx_with_shared_strings(2_000_000)


@pytest.fixture
def targets(api_as, exporter_a, administrator, officer, client, settings, tmp_path):
    """post(kind, route, name, content) -> the response of that upload, by the persona the endpoint is for."""
    settings.MEDIA_ROOT = tmp_path
    draft = api_as(exporter_a).post("/api/v1/applications/", application_payload(), format="json").json()
    licence, condition = _conditioned_licence(exporter_a)
    personas = {"exporter_a": exporter_a, "administrator": administrator, "officer": officer}

    def post(kind, route, name, content):
        persona, fields = (API_UPLOADS if kind == "api" else WEB_UPLOADS)[route]
        body = {**fields, "file": SimpleUploadedFile(name, content)}
        with tasks_in_process():
            if kind == "api":
                path = route[0].format(id=licence.pk if "/licences/" in route[0] else draft["id"], question_id=1, condition_id=condition.pk)
                return api_as(personas[persona]).post(path, body, format="multipart")
            client.force_login(personas[persona])
            path = route.replace("<int:pk>", str(draft["id"])).replace("<int:question_id>", "1")
            return client.post("/" + path.replace("<str:number>", licence.number).replace("<int:condition_id>", str(condition.pk)), body)

    return post


def _conditioned_licence(exporter):
    """A licence of the exporter's organisation with an open certificate condition, so that the upload reaches the
    file check (a licence of nobody's would be refused before it)."""
    from licensing.licences.models import Decision, Licence, LicenceCondition

    today = timezone.localdate()
    decision = Decision.objects.create(reference="NL-AV-ARCHIVE", outcome="issued", decided_on=today, goods_kind="military", licence_kind="individual", movement="export")
    licence = Licence.objects.create(
        number="NL-AV-ARCHIVE", decision=decision, holder=exporter.organisation, holder_name=exporter.organisation.name, kind="individual", goods_kind="military",
        movement="export", valid_from=today, valid_to=today + timedelta(days=365), value_eur=1000,
    )
    condition = LicenceCondition.objects.create(licence=licence, obligation="delivery_verification", text_en="Return the DVC.", text_nl="Lever het DVC in.", due_on=today + timedelta(days=90))
    return licence, condition


def _measured(post):
    tracemalloc.start()
    try:
        response = post()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak


def test_every_upload_is_attacked():
    assert set(api_upload_operations()) == set(API_UPLOADS), "a new API upload: list it in API_UPLOADS so it is attacked"
    assert set(web_upload_routes()) == set(WEB_UPLOADS), "a new upload page: list it in WEB_UPLOADS so it is attacked"


UPLOADS = [("api", r) for r in sorted(API_UPLOADS)] + [("web", r) for r in sorted(WEB_UPLOADS)]


@pytest.mark.parametrize("kind,route", UPLOADS, ids=[f"{k}:{r[0] if k == 'api' else r}" for k, r in UPLOADS])
def test_an_office_file_that_inflates_to_100_mb_is_not_inflated(kind, route, targets, office_bomb, monkeypatch):
    response, peak = _measured(lambda: targets(kind, route, "specs.odt", office_bomb))
    assert response.status_code < 500
    assert peak < MEMORY_BOUND, f"{peak / MB:.0f} MB allocated while refusing a {len(office_bomb) // 1024} KB upload"
    assert not Document.objects.exists() and not UsageReport.objects.exists() and not ConditionDocument.objects.exists()


@pytest.mark.parametrize("kind,route", UPLOADS, ids=[f"{k}:{r[0] if k == 'api' else r}" for k, r in UPLOADS])
def test_an_xlsx_of_two_million_shared_strings_is_not_parsed(kind, route, targets, shared_strings_bomb, monkeypatch):
    parsed = []
    real = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: parsed.append(1) or real(*a, **k))
    response, peak = _measured(lambda: targets(kind, route, "usage.xlsx", shared_strings_bomb))
    assert response.status_code < 500
    assert parsed == [], "openpyxl parsed the shared strings of a compression bomb"
    assert peak < MEMORY_BOUND
    assert not Document.objects.exists() and not UsageReport.objects.exists() and not ConditionDocument.objects.exists()


def test_the_usage_upload_says_why_it_refuses_a_bomb(api_as, exporter_a, shared_strings_bomb, office_bomb):
    client = api_as(exporter_a)
    for content in (shared_strings_bomb, office_bomb):
        response = client.post("/api/v1/usage-reports/upload/", {"file": SimpleUploadedFile("usage.xlsx", content)}, format="multipart")
        assert response.status_code == 400 and response.json()["code"] == "archive_refused"
        assert "compression bomb" in response.json()["fields"]["file"][0]


def test_a_document_upload_says_why_it_refuses_a_bomb(api_as, exporter_a, office_bomb, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(), format="json").json()
    response = client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "other", "file": SimpleUploadedFile("a.odt", office_bomb)}, format="multipart")
    assert response.status_code == 400 and response.json()["code"] == "archive_refused"
    assert list(tmp_path.rglob("*.*")) == []


def test_a_sheet_that_claims_a_million_rows_is_read_no_further_than_the_row_limit(api_as, exporter_a, monkeypatch):
    """`<dimension ref="A1:XFD1048576"/>` and one cell in the last row: openpyxl would pad every row to 16,384
    cells and yield a million empty rows before it. The reader ignores the claim and stops at its row limit."""
    from licensing.licences import usage

    monkeypatch.setattr(usage, "MAX_ROWS", 10)
    sheet = '<dimension ref="A1:XFD1048576"/><sheetData>' + inline_row(1, USAGE_HEADER) + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    response = api_as(exporter_a).post("/api/v1/usage-reports/upload/", {"file": SimpleUploadedFile("usage.xlsx", xlsx(sheet))}, format="multipart")
    assert response.status_code == 400
    assert "more than 10 rows" in response.json()["fields"]["file"][0]


def test_a_member_is_read_no_further_than_asked_and_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"\0" * (5 * MB))
        for i in range(30):
            archive.writestr(f"part{i}.xml", "<x/>")
    with zipfile.ZipFile(buffer) as archive:
        assert len(zip_member_read(archive, "mimetype", 100)) == 100
        with pytest.raises(ArchiveRefused, match="more than 20 files"):
            zip_check(archive, ArchiveLimits(members=20))
        with pytest.raises(ArchiveRefused, match="expands to more than 1 MB"):
            zip_check(archive, ArchiveLimits(expanded_bytes=1 * MB, ratio=10_000))
        with pytest.raises(ArchiveRefused, match="compression bomb"):
            zip_check(archive)
