"""The outbox: mail owed for a committed change is written with the change and sent exactly once, whatever the broker
or the mail server did in the meantime (issue 16.5)."""
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from licensing.core import outbox
from licensing.core.models import OutboxMessage
from licensing.core.outbox import outbox_add, outbox_dispatch, outbox_send

performed: list[int] = []
failing: set[int] = set()


@app.task(name="tests.outbox_probe")
def probe(object_id: int) -> None:
    """Stands for a mailing task: records each time it ran; fails for the ids in `failing` (a mail server down)."""
    if object_id in failing:
        raise ConnectionRefusedError("mail server down")
    time.sleep(0.05)  # long enough for a second dispatcher to try the same message
    performed.append(object_id)


@pytest.fixture(autouse=True)
def clean_probe():
    performed.clear()
    failing.clear()


@pytest.mark.django_db
def test_a_message_exists_exactly_when_its_change_is_committed():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_add(kind=probe.name, object_id=1)
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists()  # rolled back with the change: nothing owed

    with transaction.atomic():
        outbox_add(kind=probe.name, object_id=2)
        outbox_add(kind=probe.name, object_id=2)  # the same event asked twice is one message
    assert list(OutboxMessage.objects.values_list("object_id", flat=True)) == [2]


@pytest.mark.django_db
def test_embedded_default_sends_at_once_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_add(kind=probe.name, object_id=3)
    assert performed == [3]
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.attempts == 1
    assert outbox_dispatch() == 0 and performed == [3]  # the sweep finds nothing left


@pytest.mark.django_db
def test_a_failed_send_backs_off_keeps_the_error_and_succeeds_later():
    outbox_add(kind=probe.name, object_id=4)
    failing.add(4)
    assert outbox_dispatch() == 0
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1 and message.claimed_at is None
    assert "mail server down" in message.last_error
    assert message.due_at > timezone.now() + timedelta(seconds=50)  # backs off: not hammered every minute
    assert outbox_dispatch() == 0  # not due yet

    failing.clear()
    OutboxMessage.objects.update(due_at=timezone.now())
    assert outbox_dispatch() == 1
    message.refresh_from_db()
    assert performed == [4] and message.sent_at and message.attempts == 2 and message.last_error == ""


def test_back_off_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 7, 20)] == [60, 120, 240, 3600, 3600]


@pytest.mark.django_db
def test_a_claim_held_by_a_live_dispatcher_is_respected_and_a_stale_one_taken_over():
    message = outbox_add(kind=probe.name, object_id=5)
    OutboxMessage.objects.update(claimed_at=timezone.now(), claimed_by="another-dispatcher", attempts=1)
    assert outbox_send(message_id=message.pk) is False and outbox_dispatch() == 0 and performed == []

    # That dispatcher died mid-send (worker killed): after CLAIM_SECONDS its claim no longer holds.
    OutboxMessage.objects.update(claimed_at=timezone.now() - timedelta(seconds=outbox.CLAIM_SECONDS + 1))
    assert outbox_dispatch() == 1 and performed == [5]
    assert outbox_send(message_id=message.pk) is False  # sent: nothing more, ever
    assert performed == [5]


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_message_exactly_once(monkeypatch):
    """Two dispatchers on two real database connections both find the same due messages before either claims them."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is proven on PostgreSQL (DATABASE_URL) in CI")
    monkeypatch.setattr(outbox, "_send_soon", lambda message_id: None)  # the broker was down at commit
    for n in range(10, 20):
        outbox_add(kind=probe.name, object_id=n)
    found, barrier = threading.local(), threading.Barrier(2, timeout=5)
    due_ids = outbox._due_ids

    def due_ids_then_meet(*args):
        ids = due_ids(*args)
        if not getattr(found, "once", False):  # each dispatcher's first look, made at the same moment as the other's
            found.once = True
            barrier.wait()
        return ids

    monkeypatch.setattr(outbox, "_due_ids", due_ids_then_meet)

    def dispatch():
        from django.db import connections

        try:
            outbox_dispatch()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(performed) == list(range(10, 20))
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_question_mail_survives_a_broker_outage(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from licensing.core import tasks

    def down(*args, **kwargs):
        raise OperationalError("broker down")

    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    application = submit(exporter_a)
    client = api_as(officer)
    assert client.post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    monkeypatch.setattr(tasks.outbox_send, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/office/applications/{application.pk}/questions/", {"text": "Who installs the radar?"}, format="json").status_code == 201
    assert mail.outbox == []
    assert outbox_dispatch() == 1
    (message,) = mail.outbox
    assert "Who installs the radar?" in message.body


@pytest.mark.django_db
def test_the_admin_lists_the_mail_still_owed_with_its_error(admin_client):
    outbox_add(kind=probe.name, object_id=6)
    failing.add(6)
    outbox_dispatch()
    response = admin_client.get("/admin/core/outboxmessage/?sent_at__isempty=1")
    assert response.status_code == 200
    assert "mail server down" in response.content.decode()
