from django.db import models, transaction
from django.utils import timezone

from .chain import GENESIS, chain_lock, event_digest
from .models import Event


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
    with transaction.atomic():
        chain_lock()
        prev_hash = Event.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        event = Event(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            verb=verb,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            payload=payload or {},
            prev_hash=prev_hash,
        )
        event.save()
        # The hash covers the id, known only after the insert; set it with a raw update (rows are otherwise never changed).
        event.hash = event_digest(event, prev_hash)
        Event.objects.filter(pk=event.pk)._update([(Event._meta.get_field("hash"), None, event.hash)])
    return event
