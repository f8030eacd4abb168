"""
Trigram GIN indexes for candidate retrieval on PostgreSQL (pg_trgm). On other databases nothing happens:
there the NameGram table is the index (see selectors._candidates).
"""
from django.db import migrations

INDEXES = (
    ("screening_name_trgm", "normalised"),
    ("screening_skeleton_trgm", "skeleton"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON screening_entryname USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
