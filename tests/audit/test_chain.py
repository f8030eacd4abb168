"""The event log is tamper-evident: verify_audit finds an edited and a deleted row."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from licensing.audit.models import Event
from licensing.audit.services import event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(org_a, exporter_a):
    return [event_record(actor=exporter_a, verb=f"test.{i}", target=org_a, payload={"i": i}) for i in range(5)]


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    return out.getvalue()


def test_an_untouched_log_verifies(chain):
    assert chain[1].prev_hash == chain[0].hash and len(chain[0].hash) == 64
    assert "intact" in verify()


def test_an_edited_row_is_found(chain):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET reason = 'rewritten history' WHERE id = %s", [chain[2].pk])
    err = io.StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert f"event {chain[2].pk}: its content no longer matches its hash" in err.getvalue()


def test_a_deleted_row_is_found(chain):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [chain[3].pk])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert f"event {chain[4].pk}: the link to the previous event is broken" in err.getvalue()


def test_the_orm_refuses_to_change_events(chain):
    from licensing.audit.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=chain[0].pk).update(reason="x")


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(reference_db):
    """Eight threads append at once on real connections; the chain stays linear."""
    import threading

    from tests.factories import OrganisationFactory

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the advisory lock is proven on PostgreSQL in CI")
    org = OrganisationFactory()
    barrier = threading.Barrier(8)

    def write(n):
        from django.db import connections

        try:
            barrier.wait()
            for i in range(5):
                event_record(actor=None, verb=f"race.{n}.{i}", target=org)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Event.objects.filter(verb__startswith="race.").count() == 40
    assert "intact" in verify()
