"""
What Customs writes off a licence at the border (afschrijving), and the machine tokens of the customs systems.

A write-off is one goods item of one export declaration (MRN) against one licence line: the declaration number,
licence and line together are unique, so a retried message cannot count twice. What remains of a line is what the
licence authorises minus the write-offs not reversed (selectors.line_balances); the exporter's own usage reports
(licences.usage) are a separate account and are not touched.

A registration for a general licence has no lines and no quantities: its write-offs record the goods item's
quantity and value (in euro) against the registration, with no balance, unique on (declaration, registration,
goods item).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomsWriteOff(models.Model):
    declaration = models.CharField(_("declaration (MRN)"), max_length=18)
    # A write-off is against a licence line, or against a registration (then licence and line are empty).
    licence = models.ForeignKey("licences.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="customs_write_offs")
    line = models.ForeignKey("licences.LicenceLine", null=True, blank=True, on_delete=models.PROTECT, related_name="customs_write_offs")
    registration = models.ForeignKey("licences.Registration", null=True, blank=True, on_delete=models.PROTECT, related_name="customs_write_offs")
    # The line's number as Customs gave it (1 = the licence's first line), kept for the answer to a retry; for a
    # registration, the declaration's goods item.
    line_number = models.PositiveSmallIntegerField()
    quantity = models.DecimalField(max_digits=14, decimal_places=3, default=0, help_text=_("In the licence line's unit."))
    value_eur = models.DecimalField(max_digits=16, decimal_places=2)
    destination = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    exported_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "licence", "line"], name="uniq_customs_write_off"),
            models.UniqueConstraint(
                fields=["declaration", "registration", "line_number"], condition=models.Q(registration__isnull=False), name="uniq_customs_write_off_registration"
            ),
            models.CheckConstraint(
                condition=(models.Q(licence__isnull=False) & models.Q(line__isnull=False) & models.Q(registration__isnull=True))
                | (models.Q(licence__isnull=True) & models.Q(line__isnull=True) & models.Q(registration__isnull=False)),
                name="customs_write_off_licence_or_registration",
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0) & models.Q(value_eur__gte=0), name="customs_write_off_not_negative"),
        ]
        indexes = [models.Index(fields=["declaration"]), models.Index(fields=["line"], condition=models.Q(reversed_at__isnull=True), name="customs_active_by_line")]

    def __str__(self):
        return f"{self.declaration} / {self.number} line {self.line_number}"

    @property
    def number(self) -> str:
        """The licence's or the registration's number, as Customs names it."""
        return self.licence.number if self.licence_id else self.registration.number


class CustomsToken(models.Model):
    """A long-lived token of a customs system (e.g. the declaration system or CERTEX), issued and revoked by an
    administrator. Only its SHA-256 is kept: the token itself is shown once, when it is issued."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customs_tokens")
    name = models.CharField(max_length=100, help_text=_("Which system uses it."))
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text=_("The token's first characters, to recognise it."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class MismatchKind(models.TextChoices):
    REPORTED_NOT_DECLARED = "reported_not_declared", _("Reported but never declared")
    DECLARED_NOT_REPORTED = "declared_not_reported", _("Declared but not reported")
    OVER_AUTHORISATION = "over_authorisation", _("Over the authorisation")
    OUTSIDE_TERMS = "outside_terms", _("Outside the terms")
    # The licence's conditions (licences.conditions): a due date passed unmet; usage contradicting a standing condition.
    CONDITION_UNMET = "condition_unmet", _("Condition not met by its date")
    CONDITION_BREACHED = "condition_breached", _("Usage contradicts a condition")


class Resolution(models.TextChoices):
    GONE = "gone", _("No longer found")
    EXPLAINED = "explained", _("Explained")


class ReconciliationFlag(models.Model):
    """A mismatch between what a licence or registration authorises, what Customs wrote off and what the holder
    reported (licensing.customs.reconciliation), kept for the office's compliance work until it is explained or no
    longer found. `key` names what the mismatch is about (kind, line, period...): one open flag per key."""

    licence = models.ForeignKey("licences.Licence", null=True, blank=True, on_delete=models.PROTECT, related_name="reconciliation_flags")
    registration = models.ForeignKey("licences.Registration", null=True, blank=True, on_delete=models.PROTECT, related_name="reconciliation_flags")
    kind = models.CharField(max_length=30, choices=MismatchKind.choices)
    key = models.CharField(max_length=200)
    line_number = models.PositiveSmallIntegerField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "key"], condition=models.Q(licence__isnull=False, resolved_at__isnull=True), name="uniq_open_flag_licence"),
            models.UniqueConstraint(
                fields=["registration", "key"], condition=models.Q(registration__isnull=False, resolved_at__isnull=True), name="uniq_open_flag_registration"
            ),
            models.CheckConstraint(
                condition=(models.Q(licence__isnull=False) & models.Q(registration__isnull=True)) | (models.Q(licence__isnull=True) & models.Q(registration__isnull=False)),
                name="flag_licence_or_registration",
            ),
        ]
        indexes = [models.Index(fields=["-raised_at", "-id"], condition=models.Q(resolved_at__isnull=True), name="open_flags_idx")]

    def __str__(self):
        return f"{self.key} ({'open' if self.resolved_at is None else self.resolution})"

    @property
    def number(self) -> str:
        return self.licence.number if self.licence_id else self.registration.number
