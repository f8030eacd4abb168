from celery import shared_task


@shared_task(name="licences.expire", acks_late=True)
def expire_licences() -> int:
    """Daily: licences past their end date become expired (idempotent)."""
    from .lifecycle import licences_expire  # here, not at the top: lifecycle queues the mails below

    return licences_expire()


@shared_task(name="licences.decision_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def decision_notify(decision_id: int) -> int:
    """After a decision: e-mail the exporter's people, each in their language, with the document (idempotent)."""
    from .notifications import decision_notify as notify

    return notify(decision_id=decision_id)


@shared_task(name="licences.change_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def change_notify(event_id: int) -> int:
    """After a licence or registration changed under the holder (suspended, revoked, extended, expired...): e-mail
    the holder's people, each in their language, with the office's reason (idempotent)."""
    from .notifications import change_notify as notify

    return notify(event_id=event_id)


@shared_task(name="licences.set_aside_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def set_aside_notify(application_id: int) -> int:
    """After an application was set aside: e-mail the exporter's people the letter (idempotent)."""
    from .notifications import set_aside_notify as notify

    return notify(application_id=application_id)
