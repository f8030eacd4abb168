"""A decision records the assessment frameworks that applied. Every denial recorded so far cited the Common
Position's criteria (the only framework there was); other decisions did not record one and stay without."""
from django.db import migrations, models


def denials_are_common_position(apps, schema_editor):
    Decision = apps.get_model("licences", "Decision")
    Decision.objects.filter(outcome="denied").exclude(criteria=[]).update(frameworks=["common_position"])


class Migration(migrations.Migration):
    dependencies = [
        ("licences", "0004_report_indexes"),
    ]

    operations = [
        migrations.AddField(model_name="decision", name="frameworks", field=models.JSONField(blank=True, default=list)),
        migrations.RunPython(denials_are_common_position, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="decision",
            name="criteria",
            field=models.JSONField(blank=True, default=list, help_text="Criteria cited in a denial, e.g. [2, 7] (reference.Criterion numbers, of any framework)."),
        ),
    ]
