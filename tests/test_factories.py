"""The factories make what the API makes: the same validation, the same services, the same states and events."""
import pytest
from rest_framework.exceptions import ValidationError

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from licensing.licences.models import LicenceStatus, RegistrationStatus
from tests.factories import SAUDI, application_draft, application_payload, application_submitted, licence_issued, pdf_upload, registration_issued

pytestmark = pytest.mark.django_db


def test_a_factory_submission_ends_where_the_apis_does(api_as, exporter_a, django_capture_on_commit_callbacks):
    client = api_as(exporter_a)
    draft = client.post("/api/v1/applications/", application_payload(**SAUDI), format="json").json()
    client.post(f"/api/v1/applications/{draft['id']}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/applications/{draft['id']}/submit/").status_code == 200
    by_api = Application.objects.get(pk=draft["id"])
    by_factory = application_submitted(exporter_a, **SAUDI)
    fields = ("status", "handler", "kind", "movement", "organisation_id")
    assert [getattr(by_factory, f) for f in fields] == [getattr(by_api, f) for f in fields]
    assert by_factory.determination == by_api.determination and by_factory.status == Status.IN_REVIEW  # routed
    verbs = lambda a: list(Event.objects.filter(target_id=str(a.pk), target_type="applications.application").order_by("id").values_list("verb", flat=True))  # noqa: E731
    assert verbs(by_factory) == verbs(by_api) != []


def test_a_factory_refuses_what_the_api_refuses(exporter_a):
    with pytest.raises(ValidationError):
        application_draft(exporter_a, destinations=["QQ"])
    assert not Application.objects.exists()


def test_licence_and_registration_factories_decide_through_the_office(exporter_a, officer):
    licence = licence_issued(exporter_a, officer)
    assert licence.status == LicenceStatus.ACTIVE and licence.holder == exporter_a.organisation
    assert licence.decision.decided_by == officer and licence.decision.application.status == Status.ISSUED
    registration = registration_issued(exporter_a, officer, "NL008")
    assert registration.status == RegistrationStatus.ACTIVE and registration.general_licence_id == "NL008"
