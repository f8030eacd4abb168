"""A decision is e-mailed to the exporter's people, each in their own language, with the document attached."""
import pytest
from django.core import mail

from licensing.audit.models import Event
from licensing.licences.models import Decision
from licensing.licences.notifications import decision_notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(api_as, exporter_a, officer, submit, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the test sends itself; the queued task would do the same
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)  # military to Norway: the office decides alone
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    return Decision.objects.get(application=application)


def test_the_exporter_gets_the_licence_by_mail_in_dutch(issued):
    assert decision_notify(decision_id=issued.pk) == 1
    (message,) = mail.outbox
    assert message.to == ["export@company-a.example"]
    assert message.subject == f"Vergunning afgegeven voor aanvraag {issued.reference}"
    assert "Uw aanvraag" in message.body and f"{issued.reference}-V" in message.body and "Met vriendelijke groet" in message.body
    (name, content, mimetype) = message.attachments[0]
    assert name.endswith(".pdf") and content.startswith(b"%PDF") and mimetype == "application/pdf"


def test_each_person_reads_the_mail_in_their_own_language(issued, exporter_a):
    from tests.factories import UserFactory

    UserFactory(username="colleague", organisation=exporter_a.organisation, email="colleague@company-a.example", language="en")
    assert decision_notify(decision_id=issued.pk) == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["colleague@company-a.example"].subject == f"Licence issued for application {issued.reference}"
    assert "Kind regards," in by_address["colleague@company-a.example"].body
    assert by_address["export@company-a.example"].subject.startswith("Vergunning afgegeven")


def test_a_decision_is_mailed_once(issued):
    assert decision_notify(decision_id=issued.pk) == 1
    assert decision_notify(decision_id=issued.pk) == 0  # a retried task sends nothing more
    assert len(mail.outbox) == 1
    assert Event.objects.filter(verb="decision.notified", target_id=str(issued.application_id)).count() == 1


def test_a_decision_is_queued_for_mailing_when_it_is_committed(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks, monkeypatch):
    from licensing.core import tasks
    from licensing.core.models import OutboxMessage

    queued = []
    monkeypatch.setattr(tasks.outbox_send, "delay", queued.append)
    application = submit(exporter_a)
    with django_capture_on_commit_callbacks(execute=True):
        api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    message = OutboxMessage.objects.get(kind="licences.decision_notify")
    assert message.object_id == Decision.objects.get(application=application).pk and message.sent_at is None
    assert queued == [message.pk]


def test_the_exporter_is_told_of_a_question_in_their_language(api_as, exporter_a, officer, submit, settings):
    from licensing.applications.models import Question
    from licensing.applications.notifications import question_notify

    settings.CELERY_TASK_ALWAYS_EAGER = False
    exporter_a.email, exporter_a.language = "export@company-a.example", "en"
    exporter_a.save(update_fields=["email", "language"])
    application = submit(exporter_a)
    client = api_as(officer)
    assert client.post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    assert client.post(f"/api/v1/office/applications/{application.pk}/questions/", {"text": "Who installs the radar?"}, format="json").status_code == 201
    assert question_notify(question_id=Question.objects.get(application=application).pk) == 1
    (message,) = mail.outbox
    assert message.subject == f"A question about your application {application.reference}"
    assert "Who installs the radar?" in message.body and "suspended until your answer" in message.body


def test_a_broker_outage_does_not_undo_or_fail_the_decision(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from licensing.core import tasks
    from licensing.core.outbox import outbox_dispatch

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    monkeypatch.setattr(tasks.outbox_send, "delay", down)
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    assert response.status_code == 201 and Decision.objects.filter(application=application).exists()
    assert mail.outbox == []  # the broker never had it ...

    assert outbox_dispatch() == 1  # ... the outbox's sweep sends it once the dispatcher runs
    assert outbox_dispatch() == 0
    (message,) = mail.outbox
    assert message.to == ["export@company-a.example"] and application.reference in message.subject
