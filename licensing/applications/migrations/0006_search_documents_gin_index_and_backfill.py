"""The office search (issue 17): the GIN index over the search documents' tsvector on PostgreSQL (elsewhere the LIKE
path of licensing.applications.search needs none), and a document for every application submitted before it.

The backfill uses the live document_words on purpose, as screening's 0004 uses the live normaliser: the documents
must be what the code running after this migration writes and queries. `manage.py search_documents_rebuild` does
the same at any time."""
from django.db import migrations

BATCH = 2000
FIELDS = ("description", "control_entry", "part_number", "manufacturer", "serial_numbers", "lot_numbers")


def index_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX IF NOT EXISTS applications_search_vector_gin ON applications_searchdocument USING gin (vector)")


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS applications_search_vector_gin")


def backfill(apps, schema_editor):
    from licensing.applications.search import document_words

    Application = apps.get_model("applications", "Application")
    SearchDocument = apps.get_model("applications", "SearchDocument")
    postgres = schema_editor.connection.vendor == "postgresql"
    ids = list(Application.objects.exclude(status="draft").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = Application.objects.filter(pk__in=chunk).select_related("organisation").prefetch_related("parties", "goods")
        SearchDocument.objects.bulk_create(
            [
                SearchDocument(
                    application_id=a.pk,
                    words=document_words(
                        reference=a.reference,
                        organisation=a.organisation.name,
                        parties=[p.name for p in a.parties.all()],
                        goods=[{f: getattr(g, f) for f in FIELDS} for g in a.goods.all()],
                    ),
                )
                for a in rows
            ],
            ignore_conflicts=True,
        )
        if postgres:
            schema_editor.execute(
                "UPDATE applications_searchdocument SET vector = to_tsvector('simple', words) WHERE application_id = ANY(%s)", [chunk]
            )


class Migration(migrations.Migration):
    dependencies = [("applications", "0005_notifications_and_search_documents")]

    operations = [
        migrations.RunPython(index_create, index_drop, elidable=False),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
