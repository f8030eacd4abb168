# Consultations were raised against our own denials (issue 19.3): there is nobody to consult about them. The open
# ones (required, started) go, so they no longer block an approval; settled ones stay as the history they are.

from django.conf import settings
from django.db import migrations
from django.db.models import Q


def drop_open_consultations_on_own_denials(apps, schema_editor):
    Consultation = apps.get_model("assessment", "Consultation")
    own = Q(denial__own=True) | Q(denial__notifying_state_id=settings.NOTIFYING_STATE)
    Consultation.objects.filter(own, status__in=["required", "started"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0004_assessment_frameworks'),
        ("denials", "0001_initial"),
    ]

    operations = [migrations.RunPython(drop_open_consultations_on_own_denials, migrations.RunPython.noop)]
