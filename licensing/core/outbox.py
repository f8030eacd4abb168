"""The outbox: side effects owed for committed changes (the e-mails telling of a decision, a question, a licence
change), kept in the database until performed, so that no broker outage, lost worker or failed mail server loses one.

- `outbox_add` writes the message in the transaction of the change (a rolled-back change owes nothing) and, once
  committed, asks a worker to perform it now (`core.outbox_send`). That request is only a shortcut: if the broker
  is down, the message waits.
- `outbox_dispatch` (beat, every OUTBOX_DISPATCH_SECONDS) performs every message that is due and not claimed: the
  sweep that makes the shortcut optional.
- A message is claimed by compare-and-set before it is performed (`SELECT ... FOR UPDATE SKIP LOCKED` on
  PostgreSQL, then an UPDATE that re-checks the claim), so two dispatchers never perform the same message; a claim
  older than CLAIM_SECONDS belongs to a dispatcher that died and may be taken over.
- A failed attempt releases the claim and backs off (1, 2, 4 ... minutes, at most an hour), keeping the error.

The tasks performed are idempotent (they record what they sent), so the one window left, a dispatcher dying between
the mail server's acceptance and the row's `sent_at`, sends once more rather than never.
"""
import logging
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 600  # longer than any one message takes (a mail server's timeouts); then the claim is stale
BATCH = 100
BACKOFF_MAX_SECONDS = 3600


def outbox_add(*, kind: str, object_id: int) -> OutboxMessage:
    """Owe the side effect `kind(object_id)` once the current transaction commits; the same one twice is one."""
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=f"{kind}:{object_id}", defaults={"kind": kind, "object_id": object_id, "due_at": timezone.now()}
    )
    if created:
        transaction.on_commit(lambda: _send_soon(message.pk))
    return message


def _send_soon(message_id: int) -> None:
    from .tasks import outbox_send

    try:
        outbox_send.delay(message_id)
    except Exception:  # noqa: BLE001 - any broker failure: the committed change stands, the dispatcher sends later
        logger.warning("broker unavailable; outbox message %s waits for the dispatcher", message_id, exc_info=True)


def _claimable(now):
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    return OutboxMessage.objects.filter(sent_at__isnull=True, due_at__lte=now).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))


def _due_ids(now, message_ids: list[int] | None, limit: int) -> list[int]:
    candidates = _claimable(now)
    if message_ids is not None:
        candidates = candidates.filter(pk__in=message_ids)
    # SKIP LOCKED: another dispatcher's batch is left to it. The UPDATE's re-check in _claim is what decides (SQLite
    # has no row locks and ignores this, but serialises writers).
    return list(candidates.order_by("due_at", "pk").select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])


def _claim(*, message_ids: list[int] | None = None, limit: int = BATCH) -> tuple[str, list[int]]:
    """Claim up to `limit` due messages (of `message_ids` if given) for one dispatcher: (its token, the ids it won)."""
    token, now = uuid.uuid4().hex, timezone.now()
    with transaction.atomic():
        ids = _due_ids(now, message_ids, limit)
        if not ids:
            return token, []
        _claimable(now).filter(pk__in=ids).update(claimed_at=now, claimed_by=token, attempts=F("attempts") + 1)
    return token, list(OutboxMessage.objects.filter(pk__in=ids, claimed_by=token).order_by("pk").values_list("pk", flat=True))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _perform(message_id: int, token: str) -> bool:
    from config.celery import app

    message = OutboxMessage.objects.get(pk=message_id)
    try:
        # Run here, in this process: the outbox's retries replace the broker's.
        app.tasks[message.kind](message.object_id)
    except Exception as exc:  # noqa: BLE001 - whatever failed, the message stays owed and is tried again later
        retry_at = timezone.now() + backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message_id, claimed_by=token).update(
            claimed_at=None, claimed_by="", due_at=retry_at, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning("outbox message %s (%s) failed, attempt %s; next at %s", message_id, message, message.attempts, retry_at, exc_info=True)
        return False
    OutboxMessage.objects.filter(pk=message_id, claimed_by=token).update(sent_at=timezone.now(), last_error="")
    return True


def outbox_send(*, message_id: int) -> bool:
    """Perform one message now if it is due and nobody holds it; whether this call performed it."""
    token, claimed = _claim(message_ids=[message_id])
    return bool(claimed) and _perform(claimed[0], token)


def outbox_dispatch() -> int:
    """Perform every message that is due, a batch at a time; returns how many were performed."""
    performed = 0
    while True:
        token, claimed = _claim()
        if not claimed:
            return performed
        for message_id in claimed:
            performed += _perform(message_id, token)
        if len(claimed) < BATCH:
            return performed
