from django.db import models

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
    """Append one event about `target`. Call inside the transaction that made the change."""
    return Event.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        payload=payload or {},
    )
