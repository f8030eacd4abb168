from celery import shared_task
from django.db import DatabaseError


@shared_task(name="customs.reconcile", acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def reconcile() -> str:
    """Nightly: reconcile every licence and registration with write-offs or reports and keep their flags (idempotent)."""
    from .reconciliation import reconcile_all

    result = reconcile_all()
    return f"{result.raised} raised, {result.cleared} cleared"
