"""Handing work to the workers once a change is committed, without the broker's health deciding the request's answer."""
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def delay_after_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits. If the broker cannot be reached the change stays
    committed and the request answers as usual; the failure is logged (work with a sweep is picked up by it: routing,
    the outbox; a run left pending can be started again)."""

    def enqueue() -> None:
        try:
            task.delay(*args)
        except Exception:  # noqa: BLE001 - any broker failure
            logger.warning("broker unavailable; %s%r was not queued", task.name, args, exc_info=True)

    transaction.on_commit(enqueue)
