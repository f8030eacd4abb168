from celery import shared_task

from .lifecycle import licences_expire


@shared_task(name="licences.expire", acks_late=True)
def expire_licences() -> int:
    """Daily: licences past their end date become expired (idempotent)."""
    return licences_expire()
