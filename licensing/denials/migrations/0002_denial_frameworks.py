"""A register entry carries the frameworks of the grounds it cites. Every entry so far (ours and other states')
cites the Common Position's criteria 1-8, so each is carried over as such."""
from django.db import migrations, models


def entries_are_common_position(apps, schema_editor):
    apps.get_model("denials", "DenialRegisterEntry").objects.exclude(criteria=[]).update(frameworks=["common_position"])


class Migration(migrations.Migration):
    dependencies = [
        ("denials", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="denialregisterentry", name="frameworks", field=models.JSONField(default=list)),
        migrations.RunPython(entries_are_common_position, migrations.RunPython.noop),
    ]
