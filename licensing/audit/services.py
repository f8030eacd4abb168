import logging
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from .chain import GENESIS, chain_extend, checkpoint_mac, event_digest
from .models import Checkpoint, Event

logger = logging.getLogger(__name__)


@dataclass
class EventDraft:
    """One event to append with `events_record`: the arguments of `event_record`."""

    actor: object
    verb: str
    target: models.Model
    from_state: str = ""
    to_state: str = ""
    reason: str = ""
    payload: dict = field(default_factory=dict)


def event_record(
    *,
    actor,
    verb: str,
    target: models.Model,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    payload: dict | None = None,
) -> Event:
    """Append one event about `target` to the chain. Call inside the transaction that made the change."""
    draft = EventDraft(actor=actor, verb=verb, target=target, from_state=from_state, to_state=to_state, reason=reason, payload=payload or {})
    return events_record(drafts=[draft])[0]


def _on_behalf_of(actor, payload: dict) -> dict:
    """An agent's events are theirs (the actor) on behalf of the organisation they act for in this request
    (licensing.accounts.agents): its id is in the payload, so the trail says both whoever recorded it."""
    acting_for = getattr(actor, "acting_for_id", None)
    return {**payload, "on_behalf_of": acting_for} if acting_for else payload


def events_record(*, drafts: list[EventDraft]) -> list[Event]:
    """Append several events to the chain in their order, in two statements whatever their number (a re-screen
    chunk's). Call inside the transaction that made the changes, as its last step: the chain's lock is held from
    here until that transaction commits, and every appender waits for it.

    So that the lock is held as briefly as the chain allows, the rows are made before it is taken, and under it
    there are two round trips and the commit: the lock with the head's hash and the new ids (chain_extend), then
    the insert of the rows with their hashes (computed here, with the key the database does not have). No
    savepoint: an error here rolls back the whole transaction, which must not commit without its events."""
    if not drafts:
        return []
    events = [
        Event(
            actor=d.actor if getattr(d.actor, "pk", None) else None,
            verb=d.verb,
            target_type=d.target._meta.label_lower,
            target_id=str(d.target.pk),
            from_state=d.from_state,
            to_state=d.to_state,
            reason=d.reason,
            payload=_on_behalf_of(d.actor, d.payload or {}),
        )
        for d in drafts
    ]
    with transaction.atomic(savepoint=False):
        prev_hash, ids = chain_extend(Event._meta.db_table, len(events))
        now = timezone.now()  # under the lock: the events' times follow the chain's order
        for event, pk in zip(events, ids, strict=True):
            event.pk, event.at, event.prev_hash = pk, now, prev_hash
            event.hash = prev_hash = event_digest(event, prev_hash)
        Event.objects.bulk_create(events)
    return events


def checkpoint_write() -> Checkpoint:
    """Anchor the chain's current head (see audit/chain.py), and publish it to the log, outside the database.
    A head already anchored gets no second row (a quiet night adds nothing), but is published again."""
    head = Event.objects.order_by("-id").values_list("id", "hash").first() or (0, GENESIS)
    checkpoint = Checkpoint.objects.order_by("-id").first()
    if checkpoint is None or (checkpoint.event_id, checkpoint.event_hash) != head:
        at = timezone.now()
        checkpoint = Checkpoint.objects.create(at=at, event_id=head[0], event_hash=head[1], mac=checkpoint_mac(event_id=head[0], event_hash=head[1], at=at))
    logger.info("audit checkpoint: head %s:%s at %s", head[0], head[1], checkpoint.at.isoformat())
    return checkpoint
