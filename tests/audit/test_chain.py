"""The event log is tamper-evident: verify_audit finds an edited, a deleted and a cut-back row and a rewritten
chain, and PostgreSQL refuses to change or delete events whatever the ORM is bypassed with (issue 23, point 9)."""
import contextlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from licensing.audit.chain import GENESIS
from licensing.audit.models import Checkpoint, Event
from licensing.audit.services import checkpoint_write, event_record
from tests.conftest import skip_unless

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def as_table_owner():
    """What the tables' owner (or a superuser) can still do on PostgreSQL: switch the append-only triggers off. The
    test's transaction rolls it back. SQLite has no such trigger (see audit/migrations/0003)."""
    tables = ("audit_event", "audit_checkpoint")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred foreign-key check
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def broken(*args) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


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
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET reason = 'rewritten history' WHERE id = %s", [chain[2].pk])
    assert f"event {chain[2].pk}: its content no longer matches its hash" in broken()


def test_a_deleted_row_is_found(chain):
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id = %s", [chain[3].pk])
    assert f"event {chain[4].pk}: the link to the previous event is broken" in broken()


def test_the_database_refuses_to_change_or_delete_events_and_checkpoints(chain):
    """Not only the ORM: raw SQL from the application's own connection is refused by PostgreSQL."""
    skip_unless(connection.vendor == "postgresql", "the append-only triggers are PostgreSQL's (see audit/migrations/0003)")
    checkpoint_write()
    for sql in (
        f"UPDATE audit_event SET reason = 'rewritten history' WHERE id = {chain[2].pk}",
        f"UPDATE audit_event SET hash = '{GENESIS}' WHERE id = {chain[2].pk}",
        f"DELETE FROM audit_event WHERE id = {chain[4].pk}",
        "UPDATE audit_checkpoint SET event_id = 1",
        "DELETE FROM audit_checkpoint",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Event.objects.filter(pk__in=[e.pk for e in chain]).count() == 5 and Event.objects.get(pk=chain[2].pk).reason == ""
    assert "intact" in verify()


def test_a_cut_back_tail_is_found_by_the_checkpoint(chain):
    """Issue 23, point 9: deleting the last rows left a valid chain, and verify_audit said "intact"."""
    checkpoint_write()
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id >= %s", [chain[3].pk])
    assert f"event {chain[4].pk}: it is missing but the checkpoint of" in broken()


def test_a_chain_rewritten_without_the_key_is_found(chain):
    """Issue 23, point 9: with a plain SHA-256 anyone able to write the table could edit a row and recompute every
    hash after it; the old verify_audit then said "intact". Without AUDIT_HMAC_KEY the recomputed chain fails."""
    from licensing.audit.chain import sha256_digest

    prev = chain[1].hash
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET reason = 'rewritten history' WHERE id = %s", [chain[2].pk])
        for event in Event.objects.filter(pk__gte=chain[2].pk).order_by("id"):
            digest = sha256_digest(event, prev)
            cursor.execute("UPDATE audit_event SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, event.pk])
            prev = digest
    assert f"event {chain[2].pk}: its content no longer matches its hash" in broken()


def test_a_chain_keyed_with_another_key_does_not_verify(chain, settings):
    settings.AUDIT_HMAC_KEY = "a key the attacker guessed"
    assert "no longer matches its hash" in broken()


def test_checkpoints_cannot_be_forged_edited_or_emptied(chain):
    checkpoint_write()
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE id >= %s", [chain[3].pk])
        cursor.execute("UPDATE audit_checkpoint SET event_id = %s, event_hash = %s WHERE event_id = %s", [chain[2].pk, chain[2].hash, chain[4].pk])
    assert "does not match its keyed hash: it was forged or edited" in broken()
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_checkpoint")
    assert "event 0: there is no checkpoint: the checkpoint table was emptied" in broken()


def test_a_published_head_finds_a_tail_cut_past_the_last_checkpoint(chain, caplog):
    """Rows written after the last checkpoint are anchored by the head published in the log (or the next checkpoint)."""
    import logging

    with caplog.at_level(logging.INFO, logger="licensing.audit.services"):
        checkpoint_write()
    published = caplog.records[-1].getMessage().split("head ")[1].split(" ")[0]
    assert published == f"{chain[4].pk}:{chain[4].hash}"
    assert "intact" in verify_with("--head", published)
    with as_table_owner(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_checkpoint")
        cursor.execute("DELETE FROM audit_event WHERE id >= %s", [chain[4].pk])
    assert f"event {chain[4].pk}: it is missing, but a published head names it" in broken("--head", published)


def test_the_checkpoint_task_anchors_the_head(chain):
    from licensing.audit.tasks import audit_checkpoint

    assert audit_checkpoint.delay().get() == chain[4].pk
    assert Checkpoint.objects.order_by("-id").first().event_hash == chain[4].hash


def verify_with(*args) -> str:
    out = io.StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=out)
    return out.getvalue()


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
    checkpoint_write()  # the migration's first checkpoint went with the tables emptied before this test
    assert "intact" in verify()


def test_the_migration_seals_the_old_chain_with_the_key_and_refuses_a_broken_one(org_a):
    """audit.0003: an intact SHA-256 chain is verified, sealed again with the key and anchored; a broken one stops
    the migration rather than be hidden under a new seal."""
    import importlib

    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from licensing.audit.chain import sha256_digest

    migration = importlib.import_module("licensing.audit.migrations.0003_keyed_chain_checkpoints")
    state_apps = MigrationExecutor(connection).loader.project_state(("audit", "0003_keyed_chain_checkpoints")).apps
    OldEvent = state_apps.get_model("audit", "Event")
    with as_table_owner():
        prev = GENESIS
        for i in range(3):
            event = OldEvent.objects.create(at=timezone.now(), verb=f"old.{i}", target_type="accounts.organisation", target_id=str(org_a.pk))
            event.prev_hash, event.hash = prev, sha256_digest(event, prev)
            OldEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
            prev = event.hash
        OldEvent.objects.exclude(verb__startswith="old.").delete()  # the log starts with the old chain
        Checkpoint.objects.all()._raw_delete(connection.alias)
        edited = OldEvent.objects.get(verb="old.1")
        OldEvent.objects.filter(pk=edited.pk).update(reason="edited before the upgrade")
        with pytest.raises(RuntimeError, match=rf"broken \(1 problem\(s\) in 3 events\).*event {edited.pk}: its content no longer matches"):
            migration.reseal_with_key(state_apps, None)
        OldEvent.objects.filter(pk=edited.pk).update(reason="")
        migration.reseal_with_key(state_apps, None)
    assert "intact: 3 events checked, 1 checkpoint(s)" in verify()
    assert Checkpoint.objects.get().event_id == OldEvent.objects.order_by("-id").first().pk


def test_an_unchanged_head_is_anchored_once(chain, org_a):
    first, again = checkpoint_write(), checkpoint_write()
    assert again.pk == first.pk
    event_record(actor=None, verb="test.more", target=org_a)
    assert checkpoint_write().pk != first.pk
