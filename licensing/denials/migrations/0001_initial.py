# The denial register moved here from licensing.assessment. Its table stays where it was
# (assessment_denialregisterentry): this migration only tells Django's state that the model is now denials',
# and gives the content type (and so the permissions granted on it) to the new app.

import django.db.models.deletion
from django.db import migrations, models


def content_type_move(apps, schema_editor, old="assessment", new="denials"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="denialregisterentry").exists():
        ContentType.objects.using(db).filter(app_label=old, model="denialregisterentry").update(app_label=new)


def content_type_move_back(apps, schema_editor):
    content_type_move(apps, schema_editor, old="denials", new="assessment")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("assessment", "0002_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("licences", "0001_initial"),
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DenialRegisterEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("reference", models.CharField(max_length=60)),
                        ("own", models.BooleanField(db_index=True, default=False)),
                        ("notified_on", models.DateField(db_index=True)),
                        ("goods_description", models.TextField()),
                        ("quantity", models.CharField(blank=True, max_length=100)),
                        ("control_entry", models.CharField(max_length=60)),
                        ("consignee", models.CharField(blank=True, max_length=300)),
                        ("end_user", models.CharField(blank=True, max_length=300)),
                        ("criteria", models.JSONField(default=list)),
                        ("revoked_on", models.DateField(blank=True, null=True)),
                        ("imported_from", models.CharField(blank=True, help_text="SHA-256 of the imported file.", max_length=64)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decision", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="denial_entries", to="licences.decision")),
                        ("destination", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="reference.country")),
                        ("notifying_state", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="reference.country")),
                    ],
                    options={
                        "verbose_name_plural": "denial register entries",
                        "db_table": "assessment_denialregisterentry",
                        "ordering": ["-notified_on", "reference"],
                        "indexes": [models.Index(fields=["destination", "notified_on"], name="assessment__destina_baa4b3_idx")],
                        "constraints": [models.UniqueConstraint(fields=("notifying_state", "reference"), name="uniq_denial_per_state")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_move, content_type_move_back),
    ]
