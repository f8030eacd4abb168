"""Uploads: checked by content, bounded in size, never orphaned, served only to who may see them."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.applications import uploads
from licensing.applications.models import Document
from tests.factories import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def upload(client, app_id, file, doc_type="end_user_certificate"):
    return client.post(f"/api/v1/applications/{app_id}/documents/", {"doc_type": doc_type, "file": file}, format="multipart")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_pdf_is_stored_under_a_generated_name_and_downloads_intact(api_as, exporter_a, file_draft, media_root):
    draft = file_draft(exporter_a)
    client = api_as(exporter_a)
    response = upload(client, draft["id"], pdf_upload("../../etc/passwd.pdf"))
    assert response.status_code == 201
    document = Document.objects.get()
    assert document.content_type == "application/pdf"
    assert "passwd" not in document.file.name and ".." not in document.file.name
    download = client.get(f"/api/v1/applications/{draft['id']}/documents/{document.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf"


def test_office_document_is_recognised_by_its_content(api_as, exporter_a, file_draft):
    draft = file_draft(exporter_a)
    response = upload(api_as(exporter_a), draft["id"], SimpleUploadedFile("spec.bin", docx_bytes()), "technical_documentation")
    assert response.status_code == 201
    assert response.json()["content_type"].endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    "name,content",
    [
        ("invoice.pdf", b"MZ\x90\x00 this is a windows executable"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_file_whose_content_is_not_an_accepted_type_is_rejected_and_not_stored(api_as, exporter_a, file_draft, media_root, name, content):
    draft = file_draft(exporter_a)
    response = upload(api_as(exporter_a), draft["id"], SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "checked by its content" in response.json()["fields"]["file"][0]
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_too_large_and_empty_files_are_rejected(api_as, exporter_a, file_draft, media_root, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    draft = file_draft(exporter_a)
    client = api_as(exporter_a)
    big = upload(client, draft["id"], SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 2000))
    assert big.status_code == 400 and "limit" in big.json()["fields"]["file"][0]
    assert upload(client, draft["id"], SimpleUploadedFile("empty.pdf", b"")).status_code == 400
    assert stored_files(media_root) == []


def test_unknown_document_type_is_rejected(api_as, exporter_a, file_draft, media_root):
    draft = file_draft(exporter_a)
    response = upload(api_as(exporter_a), draft["id"], pdf_upload(), doc_type="selfie")
    assert response.status_code == 400 and "doc_type" in response.json()["fields"]
    assert stored_files(media_root) == []


def test_failed_save_leaves_no_orphan_file(api_as, exporter_a, file_draft, media_root, monkeypatch):
    from licensing.applications import services

    def explode(**kwargs):
        raise RuntimeError("database went away")

    draft = file_draft(exporter_a)
    monkeypatch.setattr(services, "event_record", explode)
    client = api_as(exporter_a)
    client.raise_request_exception = False
    response = upload(client, draft["id"], pdf_upload())
    assert response.status_code == 500
    assert Document.objects.count() == 0 and stored_files(media_root) == []


def test_deleting_a_draft_document_removes_the_file(api_as, exporter_a, file_draft, media_root, django_capture_on_commit_callbacks):
    draft = file_draft(exporter_a)
    client = api_as(exporter_a)
    doc = upload(client, draft["id"], pdf_upload()).json()
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/applications/{draft['id']}/documents/{doc['id']}/").status_code == 204
    assert stored_files(media_root) == []


def test_missing_file_field_is_a_clear_error(api_as, exporter_a, file_draft):
    draft = file_draft(exporter_a)
    response = api_as(exporter_a).post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "other"}, format="multipart")
    assert response.status_code == 400 and response.json()["fields"] == {"file": ["Choose a file to upload."]}
