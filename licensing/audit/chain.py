"""
The event log as a keyed hash chain, anchored by checkpoints.

A row's hash is an HMAC (key AUDIT_HMAC_KEY, kept outside the database) over its own content and the previous row's
hash: an edited row no longer matches its hash, a deleted row breaks the link of the one after it, and without the key
nobody who can write the table can compute a new chain that verifies. What a chain alone cannot show is a cut-back
tail: the log minus its last rows is still a valid chain. Checkpoints anchor the head: every few minutes the head's id
and hash are written, keyed too, to a table of their own (and logged, so they are also published outside the
database); `verify_audit` checks every checkpoint's event is still there with the same hash. PostgreSQL refuses
updates and deletes on both tables (audit/migrations/0003), whatever the ORM is bypassed with.

Before the key (migrations 0002-0003) the hash was a plain SHA-256: `sha256_digest`, used only to verify the old
chain before it was sealed again with the key.
"""
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

GENESIS = "0" * 64
CHAIN_LOCK = 0x6C6963656E6365  # pg_advisory_xact_lock key: one writer extends the chain at a time


def _content(event, prev_hash: str) -> bytes:
    content = {
        "id": event.pk,
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "verb": event.verb,
        "target": [event.target_type, event.target_id],
        "states": [event.from_state, event.to_state],
        "reason": event.reason,
        "payload": event.payload,
        "prev": prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def _key() -> bytes:
    return settings.AUDIT_HMAC_KEY.encode()


def event_digest(event, prev_hash: str) -> str:
    return hmac.new(_key(), _content(event, prev_hash), hashlib.sha256).hexdigest()


def sha256_digest(event, prev_hash: str) -> str:
    """The unkeyed hash of the chain before AUDIT_HMAC_KEY (migrations only)."""
    return hashlib.sha256(_content(event, prev_hash)).hexdigest()


def checkpoint_mac(*, event_id: int, event_hash: str, at) -> str:
    return hmac.new(_key(), f"checkpoint:{event_id}:{event_hash}:{at.isoformat()}".encode(), hashlib.sha256).hexdigest()


def chain_extend(table: str, count: int) -> tuple[str, list[int]]:
    """Take the chain's lock until the transaction ends and answer the head's hash and `count` new ids, ascending,
    for the events about to be appended to `table`.

    Everything an appender does while it holds the lock waits for every other appender (one writer at a time is
    what keeps the chain linear), so on PostgreSQL the lock, the head and the ids are one round trip: the lock
    first, then (the next statement sees whatever the previous holder committed) the last row's hash and ids drawn
    from the table's sequence. Ids drawn under the lock are above every id already in the chain; one rolled back
    leaves a gap, which the chain does not mind (it links rows, not numbers). SQLite writers are serial already."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s);"
                f" SELECT (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1),"
                f" array(SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s))",
                [CHAIN_LOCK, count],
            )
            head, ids = cursor.fetchone()
            return head or GENESIS, sorted(ids)
        cursor.execute(f"SELECT hash, id FROM {table} ORDER BY id DESC LIMIT 1")
        head, last = cursor.fetchone() or (GENESIS, 0)
        return head, list(range(last + 1, last + 1 + count))


@dataclass
class Problem:
    event_id: int
    message: str


def chain_verify(events, checkpoints=None, digest=event_digest) -> tuple[int, list[Problem]]:
    """Check every event in id order, and that every checkpoint's event is still there with its hash.

    `checkpoints`: (event_id, event_hash, at, mac) of each checkpoint, or None to check the links alone (the
    migration that re-seals the old chain). Returns (events checked, problems).
    """
    anchored: dict[int, list] = {}
    problems = []
    for event_id, event_hash, at, mac in checkpoints or ():
        if not hmac.compare_digest(mac, checkpoint_mac(event_id=event_id, event_hash=event_hash, at=at)):
            problems.append(Problem(event_id, f"the checkpoint of {at.isoformat()} does not match its keyed hash: it was forged or edited"))
        elif event_id == 0:
            if event_hash != GENESIS:
                problems.append(Problem(0, f"the checkpoint of {at.isoformat()} of the empty log names a hash"))
        else:
            anchored.setdefault(event_id, []).append((event_hash, at))
    if checkpoints is not None and not checkpoints:
        problems.append(Problem(0, "there is no checkpoint: the checkpoint table was emptied (a fresh install has one)"))
    prev = GENESIS
    checked = 0
    for event in events:
        checked += 1
        if event.prev_hash != prev:
            problems.append(Problem(event.pk, "the link to the previous event is broken: an earlier event was deleted or re-chained"))
        if not hmac.compare_digest(digest(event, event.prev_hash), event.hash):
            problems.append(Problem(event.pk, "its content no longer matches its hash: the row was edited"))
        for event_hash, at in anchored.pop(event.pk, ()):
            if event_hash != event.hash:
                problems.append(Problem(event.pk, f"its hash differs from the checkpoint of {at.isoformat()}: the chain was rewritten"))
        prev = event.hash
    for event_id, anchors in sorted(anchored.items()):
        at = anchors[0][1]
        problems.append(Problem(event_id, f"it is missing but the checkpoint of {at.isoformat()} covered it: the log was cut back"))
    return checked, problems
