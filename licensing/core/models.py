from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an Idempotency-Key; a retry with the same key gets it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(null=True)
    # The organisation an agent acted for (licensing.accounts.agents), or null: a key is never replayed for another.
    on_behalf_of = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_idempotency_key")]


class OutboxMessage(models.Model):
    """A side effect owed for a committed change (an e-mail to tell of a decision, a question, a licence change),
    written in the same transaction as the change, so it exists exactly when the change does (healthchecks' `Flip`).
    A dispatcher claims it by compare-and-set and performs it (licensing.core.outbox); until then it waits here,
    whatever happened to the broker."""

    kind = models.CharField(max_length=100)  # the Celery task's name that performs it
    object_id = models.PositiveBigIntegerField()  # the task's one argument: ids only, the task reads the rows
    # One event, one message: a second request for the same effect (a retry, a replay) finds the first.
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()  # not tried before this moment (a failed attempt backs off)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], name="outbox_pending_due", condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind}({self.object_id})"


class FallbackCounter(models.Model):
    """A count with an expiry kept in the database while the cache that normally holds it cannot be reached (login
    failures: licensing.accounts.lockout), so that an outage of Redis never lets a count silently restart."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
