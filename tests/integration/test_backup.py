"""A documented backup (pg_dump + media) restores into a fresh database with every application and document."""
import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from licensing.applications.models import Application, Document
from tests.factories import application_payload, pdf_upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def url(name: str) -> str:
    s = connection.settings_dict
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else f"{s['USER']}@"
    return f"postgres://{auth}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def test_backup_restores_into_a_fresh_database(reference_db, api_as, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump: PostgreSQL only")
    from tests.factories import UserFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    exporter = UserFactory()
    client = api_as(exporter)
    for _ in range(3):
        draft = client.post("/api/v1/applications/", application_payload(), format="json").json()
        client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    references = set(Application.objects.values_list("reference", flat=True))
    files = {d.file.name for d in Document.objects.all()}

    backup = tmp_path / "backup"
    env = {**os.environ, "DATABASE_URL": url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    subprocess.run([str(ROOT / "scripts" / "backup.sh"), str(backup)], check=True, env=env, capture_output=True)

    fresh = f"{connection.settings_dict['NAME']}_restore"
    admin = psycopg2.connect(url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_media = tmp_path / "restored-media"
        env = {**os.environ, "DATABASE_URL": url(fresh), "MEDIA_ROOT": str(restored_media)}
        subprocess.run([str(ROOT / "scripts" / "restore.sh"), str(backup)], check=True, env=env, capture_output=True)
        restored = psycopg2.connect(url(fresh))
        try:
            with restored.cursor() as cursor:
                cursor.execute("SELECT reference FROM applications_application")
                restored_references = {row[0] for row in cursor.fetchall()}
                cursor.execute("SELECT file FROM applications_document")
                restored_files = {row[0] for row in cursor.fetchall()}
        finally:
            restored.close()  # psycopg2's context manager ends the transaction, not the connection
        assert restored_references == references
        assert restored_files == files
        assert all((restored_media / name).read_bytes().startswith(b"%PDF-") for name in files)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.close()
