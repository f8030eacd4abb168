"""Through the real worker on PostgreSQL: a list upload re-screens the live licences in the same run, and a bulk
suspension's letters leave through the outbox."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licensing.audit.models import Event
from licensing.core.models import OutboxMessage
from licensing.licences.models import Decision, Licence, LicenceStatus, LiveHit, Outcome
from licensing.screening.models import RunStatus, ScreeningRun
from tests.polling import wait_for

EU_UPDATE = Path(settings.BASE_DIR) / "fixtures" / "screening" / "eu_sample_update.xml"
LISTED = "Sirius General Trading FZE"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_list_re_screens_live_licences_and_the_bulk_suspension_mails_each_holder(live_worker, reference_db, api_as, org_a, exporter_a, officer, administrator):
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    today = timezone.localdate()
    decision = Decision.objects.create(reference="NL-LIVE-1", outcome=Outcome.ISSUED, decided_on=today, goods_kind="military", licence_kind="individual", movement="export")
    licence = Licence.objects.create(
        number="NL-LIVE-1", decision=decision, holder=org_a, holder_name=org_a.name, kind="individual", goods_kind="military", movement="export",
        valid_from=today - timedelta(days=5), valid_to=today + timedelta(days=300), value_eur=1000, consignee=LISTED,
    )

    upload = SimpleUploadedFile("eu_sample_update.xml", EU_UPDATE.read_bytes(), content_type="application/xml")
    response = api_as(administrator).post("/api/v1/screening/imports/", {"format": "eu-xml", "file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    run_id = response.json()["id"]
    wait_for(lambda: ScreeningRun.objects.filter(pk=run_id, status=RunStatus.DONE).exists())
    hit = wait_for(lambda: LiveHit.objects.filter(licence=licence, run_id=run_id).first())
    assert (hit.party_role, hit.party_name) == ("consignee", LISTED)

    suspended = api_as(officer).post("/api/v1/office/live-hits/suspend/", {"licences": [licence.pk], "reason": "Consignee listed."}, format="json")

    assert suspended.status_code == 200 and suspended.json()["suspended"] == [licence.number], suspended.content
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED
    message = wait_for(lambda: OutboxMessage.objects.filter(kind="licences.change_notify", sent_at__isnull=False).first())
    assert Event.objects.filter(verb="licence.notified", target_id=str(licence.pk), payload__recipients=1).exists(), message
