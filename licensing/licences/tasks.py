from celery import shared_task

from .lifecycle import licences_expire


@shared_task(name="licences.expire", acks_late=True)
def expire_licences() -> int:
    """Daily: licences past their end date become expired (idempotent)."""
    return licences_expire()


@shared_task(name="licences.decision_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def decision_notify(decision_id: int) -> int:
    """After a decision: e-mail the exporter's people, each in their language, with the document (idempotent)."""
    from .notifications import decision_notify as notify

    return notify(decision_id=decision_id)
