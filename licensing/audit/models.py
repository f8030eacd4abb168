"""The event log: the audit trail and the outbox for side effects. Rows are only ever added."""
from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Events are append-only.")

    def delete(self):
        raise AppendOnlyError("Events are append-only.")


class Event(models.Model):
    """One thing that happened: who did what to which object, from which state to which, and why."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=40)
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # Tamper evidence: each row's hash covers its content and the previous row's hash (see audit/chain.py).
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Events are append-only.")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}#{self.target_id}"


class Checkpoint(models.Model):
    """The chain's head at a moment (the last event's id and hash), keyed: anchors the log against a cut-back tail.

    Written by Celery beat every AUDIT_CHECKPOINT_SECONDS and by the migration that introduced them (the head then,
    or event 0 for an empty log). Append-only like the events.
    """

    at = models.DateTimeField()
    event_id = models.BigIntegerField(help_text="The last event covered; 0 for the empty log.")
    event_hash = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Checkpoints are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Checkpoints are append-only.")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} event {self.event_id}"
