"""Counts with an expiry in the database: where a count normally kept in Redis goes while Redis cannot be reached."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import FallbackCounter


def counter_get(key: str) -> int:
    return FallbackCounter.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True).first() or 0


def counter_incr(key: str, *, timeout: int) -> int:
    """Add one to the count (a fresh count of one if it expired); returns the new count."""
    now = timezone.now()
    with transaction.atomic():
        FallbackCounter.objects.filter(expires_at__lte=now).exclude(key=key).delete()  # expired ones of other keys
        row, created = FallbackCounter.objects.select_for_update().get_or_create(key=key, defaults={"count": 1, "expires_at": now + timedelta(seconds=timeout)})
        if created:
            return 1
        if row.expires_at <= now:
            row.count, row.expires_at = 1, now + timedelta(seconds=timeout)
        else:
            row.count += 1
        row.save(update_fields=["count", "expires_at"])
        return row.count


def counter_delete(key: str) -> None:
    FallbackCounter.objects.filter(key=key).delete()
