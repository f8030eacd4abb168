# The denial register moved to licensing.denials (denials.0001). State only: the table, its rows and the
# consultations' foreign key to it stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0002_initial"),
        ("denials", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="consultation",
                    name="denial",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="consultations", to="denials.denialregisterentry"),
                ),
                migrations.DeleteModel(name="DenialRegisterEntry"),
            ],
            database_operations=[],
        ),
    ]
