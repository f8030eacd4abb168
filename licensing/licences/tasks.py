from celery import shared_task
from django.db import DatabaseError


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


@shared_task(name="licences.objection_notify", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def objection_notify(objection_id: int) -> int:
    """After a decision on objection: e-mail the exporter's people its letter (idempotent)."""
    from .notifications import objection_notify as notify

    return notify(objection_id=objection_id)


@shared_task(name="licences.rescreen_live", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_live(run_id: int | None) -> int:
    """A re-screen run started: hand the active licences and registrations to the workers in chunks."""
    from .live_screening import rescreen_live_fan_out

    return rescreen_live_fan_out(run_id=run_id)


@shared_task(name="licences.rescreen_live_chunk", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def rescreen_live_chunk(run_id: int | None, licence_ids: list[int], registration_ids: list[int]) -> int:
    """Screen the parties of a chunk of live licences and registrations; returns the new hits (idempotent)."""
    from .live_screening import rescreen_live

    return rescreen_live(run_id=run_id, licence_ids=licence_ids, registration_ids=registration_ids)


@shared_task(name="licences.conditions_follow", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def conditions_follow() -> str:
    """Beat, hourly: mark overdue the licence conditions whose date passed, and owe the reminders of those nearing
    their date (each once). Idempotent."""
    from .conditions import conditions_mark_overdue, conditions_remind

    return f"{conditions_mark_overdue()} overdue, {conditions_remind()} reminded"


@shared_task(name="licences.condition_remind", acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def condition_remind(condition_id: int) -> int:
    """E-mail the holder's people that a licence condition is due soon."""
    from .notifications import condition_remind as remind

    return remind(condition_id=condition_id)
