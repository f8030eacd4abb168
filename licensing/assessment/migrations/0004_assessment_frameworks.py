"""An assessment records the frameworks it answers. Every assessment written so far was on the eight criteria of the
Common Position (the only framework there was), so each is carried over as such."""
from django.db import migrations, models


def existing_are_common_position(apps, schema_editor):
    apps.get_model("assessment", "Assessment").objects.update(frameworks=["common_position"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0003_denial_register_to_denials"),
    ]

    operations = [
        migrations.AddField(model_name="assessment", name="frameworks", field=models.JSONField(default=list)),
        migrations.RunPython(existing_are_common_position, migrations.RunPython.noop),
        migrations.AlterField(model_name="assessment", name="override_reason", field=models.TextField(blank=True, help_text="Why the advice is not negative despite a negative finding on a criterion that leads to denial.")),
        migrations.AlterField(model_name="assessment", name="weighing", field=models.TextField(blank=True, help_text="How concerns on the criteria to be weighed were weighed.")),
    ]
