"""Through the real worker: an administrator uploads a list; the worker imports it and re-screens the open
applications, and the run's progress reaches 100%."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.applications.models import Application
from licensing.screening.models import RunStatus, ScreeningHit, ScreeningRun
from tests.factories import application_payload, pdf_upload
from tests.polling import wait_for

from .conftest import EU_SAMPLE, parties


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_uploaded_list_is_imported_and_open_cases_re_screened_by_the_worker(live_worker, reference_db, api_as, exporter_a, administrator):
    exporter = api_as(exporter_a)
    payloads = [
        application_payload(parties=parties(consignee=("АО Рособоронэкспорт", "RU"))),
        application_payload(parties=parties(broker=("Polar Star Components Ltd", "HK"))),
        application_payload(),
    ]
    ids = []
    for payload in payloads:
        pk = exporter.post("/api/v1/applications/", payload, format="json").json()["id"]
        exporter.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
        assert exporter.post(f"/api/v1/applications/{pk}/submit/").status_code == 200
        ids.append(pk)
    wait_for(lambda: Application.objects.filter(pk__in=ids, status="in_review").count() == len(ids))

    upload = SimpleUploadedFile("eu_sample.xml", EU_SAMPLE.read_bytes(), content_type="application/xml")
    response = api_as(administrator).post("/api/v1/screening/imports/", {"format": "eu-xml", "file": upload}, format="multipart")
    assert response.status_code == 202
    run_id = response.json()["id"]

    run = wait_for(lambda: ScreeningRun.objects.filter(pk=run_id, status__in=[RunStatus.DONE, RunStatus.FAILED]).first())
    assert (run.status, run.created, run.total, run.done) == (RunStatus.DONE, 7, 3, 3)
    assert api_as(administrator).get(f"/api/v1/screening/runs/{run_id}/").json()["progress"] == 100
    assert sorted(ScreeningHit.objects.filter(application_id__in=ids).values_list("application_id", "entry_reference")) == [(ids[0], "900101"), (ids[1], "900106")]
