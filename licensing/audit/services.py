import logging
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from .chain import GENESIS, chain_lock, checkpoint_mac, event_digest
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
    chunk's). Call inside the transaction that made the changes: the chain lock is held until it commits."""
    if not drafts:
        return []
    with transaction.atomic():
        chain_lock()
        prev_hash = Event.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        now = timezone.now()
        events = [
            Event(
                at=now,
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
        Event.objects.bulk_create(events)
        # The hashes cover the ids, known only after the insert; they are set with one raw update (rows are
        # otherwise never changed), linking the events in id order.
        for event in sorted(events, key=lambda e: e.pk):
            event.prev_hash = prev_hash
            event.hash = prev_hash = event_digest(event, event.prev_hash)
        fields = {name: Event._meta.get_field(name) for name in ("prev_hash", "hash")}
        Event.objects.filter(pk__in=[e.pk for e in events])._update(
            [(f, None, Case(*(When(pk=e.pk, then=Value(getattr(e, name))) for e in events), output_field=f)) for name, f in fields.items()]
        )
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
