"""
The event log as a hash chain: a row's hash covers its own content and the previous row's hash, so an
edited row no longer matches its hash and a deleted row breaks the link of the one after it.
"""
import hashlib
import json
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
CHAIN_LOCK = 0x6C6963656E6365  # pg_advisory_xact_lock key: one writer extends the chain at a time


def event_digest(event, prev_hash: str) -> str:
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
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def chain_lock() -> None:
    """Serialise chain extension until the transaction ends (PostgreSQL; SQLite writers are serial already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


@dataclass
class Problem:
    event_id: int
    message: str


def chain_verify(events) -> tuple[int, list[Problem]]:
    """Check every event in id order; returns (checked, problems)."""
    prev = GENESIS
    checked, problems = 0, []
    for event in events:
        checked += 1
        if event.prev_hash != prev:
            problems.append(Problem(event.pk, "the link to the previous event is broken: an earlier event was deleted or re-chained"))
        if event_digest(event, event.prev_hash) != event.hash:
            problems.append(Problem(event.pk, "its content no longer matches its hash: the row was edited"))
        prev = event.hash
    return checked, problems
