"""
The bench data generator (bench/generate.py) at a small size, on PostgreSQL: what it writes must be data the
system itself could have written. It COPYs with foreign-key triggers off, so nothing else checks its keys.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection, models

from licensing.applications.choices import Kind
from licensing.applications.models import Application, Status
from licensing.licences.models import Registration, RegistrationStatus, UsageReport
from licensing.reporting.tables import Period
from licensing.reporting.usage import general_licence_tables
from tests.conftest import _database_url, skip_unless

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def generated(reference_db, tmp_path):
    skip_unless(connection.vendor == "postgresql", "the generator writes with PostgreSQL COPY")
    # A separate process: importing the generator points Celery at memory:// for the rest of a process.
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": _database_url(connection.settings_dict)}
    command = [sys.executable, "bench/generate.py", "--applications", "4000", "--sanctions", "500", "--denials", "200", "--submit-drafts", "2"]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def _foreign_keys():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, models.ForeignKey):
                yield model._meta.db_table, field.column, field.related_model._meta.db_table, field.target_field.column


def test_generated_rows_keep_every_foreign_key(generated):
    orphans = {}
    with connection.cursor() as cursor:
        for table, column, target, target_column in _foreign_keys():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL '
                f'AND NOT EXISTS (SELECT 1 FROM "{target}" r WHERE r."{target_column}" = t."{column}")'
            )
            if count := cursor.fetchone()[0]:
                orphans[f"{table}.{column}"] = count
    assert orphans == {}


def test_generated_applications_are_of_every_kind_and_status(generated):
    assert set(Application.objects.values_list("kind", flat=True).distinct()) == set(Kind.values)
    statuses = set(Application.objects.values_list("status", flat=True).distinct())
    assert statuses >= {Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.REFERRED, Status.ISSUED, Status.DENIED, Status.WITHDRAWN}


def test_generated_registrations_are_used_as_the_system_would(generated):
    registrations = Registration.objects.select_related("decision__application")
    assert registrations.exists()
    for registration in registrations:
        application = registration.decision.application
        assert application.kind == Kind.GENERAL_REGISTRATION
        assert application.general_licence_id == registration.general_licence_id
        assert application.organisation_id == registration.organisation_id
        assert registration.decision.licence_kind == "general"
    usage = UsageReport.objects.filter(registration__isnull=False)
    assert usage.exists()
    assert not usage.filter(registration__status=RegistrationStatus.REVOKED).exists()
    assert not usage.filter(movement="transit", origin__isnull=True).exists()
    # Tables 9-15 (usage of general licences) have rows in a generated year.
    years = sorted({d.year for d in usage.values_list("exported_on", flat=True)})
    tables = general_licence_tables(Period(year=years[len(years) // 2]))
    assert any(table.rows for table in tables.values())


def test_generated_search_documents_are_what_submission_writes(generated):
    """Every submitted application has the document search_document_refresh would write, with its tsvector."""
    from licensing.applications.models import SearchDocument
    from licensing.applications.search import search_document_refresh

    submitted = Application.objects.exclude(status=Status.DRAFT)
    assert SearchDocument.objects.count() == submitted.count()
    assert not SearchDocument.objects.filter(vector__isnull=True).exists()
    sample = list(submitted.order_by("?").values_list("pk", flat=True)[:200])
    generated_words = dict(SearchDocument.objects.filter(pk__in=sample).values_list("application_id", "words"))
    search_document_refresh(application_ids=sample)
    assert dict(SearchDocument.objects.filter(pk__in=sample).values_list("application_id", "words")) == generated_words
