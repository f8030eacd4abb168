"""Assessment frameworks: every criterion belongs to one. The rows there are the Common Position's eight criteria
(the only framework until now), so they join it; `load_reference` then adds the other frameworks' grounds."""
from django.db import migrations, models
import django.db.models.deletion


def common_position_for_existing(apps, schema_editor):
    AssessmentFramework = apps.get_model("reference", "AssessmentFramework")
    Criterion = apps.get_model("reference", "Criterion")
    if not Criterion.objects.exists():
        return  # a fresh database: load_reference creates the frameworks
    AssessmentFramework.objects.get_or_create(
        code="common_position",
        defaults={
            "title_en": "The eight criteria of Council Common Position 2008/944/CFSP",
            "title_nl": "De acht criteria van Gemeenschappelijk Standpunt 2008/944/GBVB",
            "act_en": "Council Common Position 2008/944/CFSP",
            "act_nl": "Gemeenschappelijk Standpunt 2008/944/GBVB van de Raad",
            "plural_en": "criteria",
            "plural_nl": "criteria",
        },
    )
    for criterion in Criterion.objects.all():
        criterion.code = str(criterion.number)
        criterion.label_en = f"criterion {criterion.number}"
        criterion.label_nl = f"criterium {criterion.number}"
        criterion.save(update_fields=["code", "label_en", "label_nl"])


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0003_general_licence_in_force_dates"),
    ]

    operations = [
        migrations.CreateModel(
            name="AssessmentFramework",
            fields=[
                ("code", models.CharField(choices=[("common_position", "Council Common Position 2008/944/CFSP (eight criteria)"), ("dual_use", "Regulation (EU) 2021/821, Article 15 (dual-use)"), ("anti_torture", "Regulation (EU) 2019/125 (anti-torture)")], max_length=20, primary_key=True, serialize=False)),
                ("title_en", models.TextField()),
                ("title_nl", models.TextField()),
                ("act_en", models.CharField(max_length=200)),
                ("act_nl", models.CharField(max_length=200)),
                ("plural_en", models.CharField(blank=True, max_length=40)),
                ("plural_nl", models.CharField(blank=True, max_length=40)),
                ("url", models.URLField(blank=True, max_length=300)),
                ("position", models.PositiveSmallIntegerField(default=0)),
                ("source", models.TextField(blank=True)),
                ("confidence", models.CharField(blank=True, max_length=200)),
            ],
            options={"ordering": ["position", "code"]},
        ),
        migrations.AddField(model_name="criterion", name="code", field=models.CharField(default="", max_length=20), preserve_default=False),
        migrations.AddField(model_name="criterion", name="label_en", field=models.CharField(default="", max_length=100), preserve_default=False),
        migrations.AddField(model_name="criterion", name="label_nl", field=models.CharField(default="", max_length=100), preserve_default=False),
        migrations.RunPython(common_position_for_existing, migrations.RunPython.noop),
        migrations.AddField(
            model_name="criterion",
            name="framework",
            field=models.ForeignKey(default="common_position", on_delete=django.db.models.deletion.PROTECT, related_name="criteria", to="reference.assessmentframework"),
        ),
        migrations.AddField(model_name="criterionsubpoint", name="source", field=models.TextField(blank=True)),
        migrations.AlterModelOptions(name="criterion", options={"ordering": ["framework__position", "number"], "verbose_name_plural": "criteria"}),
        migrations.AlterField(
            model_name="criterion",
            name="kind",
            field=models.CharField(choices=[("deny", "Leads to denial when not met (criteria 1-4, the regulations' prohibitions)"), ("weigh", "Weighed in the final judgement (criteria 5-8, the other considerations)")], max_length=10),
        ),
        migrations.AddConstraint(model_name="criterion", constraint=models.UniqueConstraint(fields=("framework", "code"), name="uniq_framework_criterion_code")),
    ]
