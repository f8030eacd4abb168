"""
Screening (toetsing van partijen): the lists parties are screened against, their names in an indexed table,
the hits on an application's parties with the officer's disposition, circumvention signals (flags), the runs
that import a list and re-screen open cases, and the serial and lot numbers officials search.

None of this is ever shown to the exporter.
"""
from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    SANCTIONS = "sanctions", _("Sanctions list")
    DENIALS = "denials", _("Denial register")


class ListSource(models.TextChoices):
    EU = "eu", _("EU consolidated financial sanctions list")
    OPENSANCTIONS = "opensanctions", _("OpenSanctions (FollowTheMoney export)")
    DENIALS = "denials", _("Denial register (own and member states')")


KIND_OF_SOURCE = {ListSource.EU: ListKind.SANCTIONS, ListSource.OPENSANCTIONS: ListKind.SANCTIONS, ListSource.DENIALS: ListKind.DENIALS}


class ScreeningList(models.Model):
    """One list as last imported. `fingerprint` tells whether the source changed since (denials are synced)."""

    source = models.CharField(max_length=20, choices=ListSource.choices, primary_key=True)
    kind = models.CharField(max_length=20, choices=ListKind.choices)
    fingerprint = models.CharField(max_length=64, blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.get_source_display()


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    VESSEL = "vessel", _("Vessel or aircraft")
    UNKNOWN = "unknown", _("Unknown")


class ListEntry(models.Model):
    """A listed person or organisation (or a denial), with the content hash a false positive is remembered by."""

    source = models.ForeignKey(ScreeningList, on_delete=models.CASCADE, related_name="entries")
    reference = models.CharField(max_length=200, help_text=_("The list's own id: EU logical id, OpenSanctions id, state/denial reference."))
    name = models.CharField(max_length=500)
    entity_kind = models.CharField(max_length=20, choices=EntityKind.choices, default=EntityKind.UNKNOWN)
    countries = models.JSONField(default=list, blank=True)
    programme = models.CharField(max_length=300, blank=True, help_text=_("Regime or regulation the listing rests on."))
    details = models.JSONField(default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "reference"]
        verbose_name_plural = "list entries"
        constraints = [models.UniqueConstraint(fields=["source", "reference"], name="uniq_list_entry")]

    def __str__(self):
        return f"{self.source_id}:{self.reference} {self.name}"


class NormalisedNameField(models.CharField):
    """A folded name (matching.name_key). On PostgreSQL a trigram GIN index backs `__trigram_similar`."""


NormalisedNameField.register_lookup(TrigramSimilar)


class EntryName(models.Model):
    """Every name and alias of an entry, folded, for candidate retrieval (trigram index on PostgreSQL)."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=500)
    normalised = NormalisedNameField(max_length=500, db_index=True)
    skeleton = NormalisedNameField(max_length=500)
    abjad = models.BooleanField(default=False)
    # A weak alias (importers.ParsedEntry.weak_aliases): a candidate only when the folded names are equal.
    weak = models.BooleanField(default=False)

    class Meta:
        ordering = ["entry", "id"]

    def __str__(self):
        return self.name


class NameGram(models.Model):
    """The trigram index for databases without pg_trgm (SQLite): one row per trigram of a name."""

    gram = models.CharField(max_length=5)
    name = models.ForeignKey(EntryName, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["gram", "name"], name="screening_gram_idx")]


class Disposition(models.TextChoices):
    OPEN = "open", _("Awaiting disposition")
    TRUE_MATCH = "true_match", _("True match (escalated)")
    FALSE_POSITIVE = "false_positive", _("False positive")


class HitKind(models.TextChoices):
    """How close a hit came: at or above the threshold a match, which blocks the decision until disposed of; in the
    review band below it a possible match, shown to the officer with the same disposition flow, blocking nothing."""

    MATCH = "match", _("Match")
    POSSIBLE = "possible", _("Possible match")


class ScreeningHit(models.Model):
    """A party whose name scored at or above the review band's floor against a list entry (see HitKind)."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="screening_hits")
    party = models.ForeignKey("applications.Party", on_delete=models.CASCADE, related_name="screening_hits")
    # The party as the false-positive memory knows it across versions of a case: folded name and country.
    party_key = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=20, choices=ListSource.choices)
    list_kind = models.CharField(max_length=20, choices=ListKind.choices)
    entry = models.ForeignKey(ListEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="hits")
    entry_reference = models.CharField(max_length=200)
    entry_name = models.CharField(max_length=500)
    entry_hash = models.CharField(max_length=64)
    matched_name = models.CharField(max_length=500, help_text=_("The name or alias of the entry that matched."))
    score = models.FloatField()
    kind = models.CharField(max_length=10, choices=HitKind.choices, default=HitKind.MATCH)
    algorithm = models.CharField(max_length=40)
    disposition = models.CharField(max_length=20, choices=Disposition.choices, default=Disposition.OPEN, db_index=True)
    reason = models.TextField(blank=True)
    disposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    disposed_at = models.DateTimeField(null=True, blank=True)
    # A true match on a sanctions list blocks approval until another official decides the escalation with a recorded
    # reason (for instance, an authorisation under a sanctions derogation). It never blocks a denial. A true match on
    # the denial register is the same party as a denied one: what follows is the consultation, not an escalation.
    escalation_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    escalation_decided_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def blocks_approval(self) -> bool:
        return (self.disposition == Disposition.OPEN and self.kind == HitKind.MATCH) or self.escalation_pending

    @property
    def escalation_pending(self) -> bool:
        return self.disposition == Disposition.TRUE_MATCH and self.list_kind == ListKind.SANCTIONS and self.escalation_decided_at is None

    class Meta:
        ordering = ["application", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["party", "source", "entry_reference", "entry_hash"], name="uniq_hit_per_entry_version"),
        ]
        indexes = [
            models.Index(fields=["application", "disposition"]),
            models.Index(fields=["party_key", "source", "entry_reference", "entry_hash"], name="screening_memory_idx"),
        ]

    def __str__(self):
        return f"{self.party} ~ {self.source}:{self.entry_reference} ({self.score:.2f})"


class FlagKind(models.TextChoices):
    SCREENING_HIT = "screening_hit", _("Screening hit awaiting disposition")
    SANCTIONS_MATCH = "sanctions_match", _("Party confirmed on a sanctions list or the denial register")
    HIGH_PRIORITY_DESTINATION = "high_priority_destination", _("High-priority item to a high-risk country")
    INTERMEDIARY_RISK_COUNTRY = "intermediary_risk_country", _("Intermediary in a high-risk country")
    RUSSIAN_ALUMINIUM = "russian_aluminium", _("Aluminium smelted or cast in Russia or Belarus")
    ALUMINIUM_UNDECLARED = "aluminium_undeclared", _("Aluminium without a smelt and cast declaration")


# Flags the screening task works out afresh on every run; the others are set by an officer's disposition.
COMPUTED_FLAGS = (
    FlagKind.SCREENING_HIT, FlagKind.HIGH_PRIORITY_DESTINATION, FlagKind.INTERMEDIARY_RISK_COUNTRY, FlagKind.RUSSIAN_ALUMINIUM,
    FlagKind.ALUMINIUM_UNDECLARED,
)


class ScreeningFlag(models.Model):
    """A signal on an application, with the reason an official reads."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="screening_flags")
    kind = models.CharField(max_length=40, choices=FlagKind.choices)
    reason = models.TextField()
    goods_line = models.ForeignKey("applications.GoodsLine", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey("applications.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "id"]
        indexes = [models.Index(fields=["application", "kind"])]

    def __str__(self):
        return f"{self.kind}: {self.reason[:60]}"


class ApplicationScreening(models.Model):
    """When an application was last screened, and with what."""

    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="screening")
    screened_at = models.DateTimeField()
    algorithm = models.CharField(max_length=40)
    parties = models.PositiveSmallIntegerField(default=0)


class HighPriorityItem(models.Model):
    """An HS-6 code on the EU/US/UK/JP common high-priority items list (battlefield items)."""

    hs_code = models.CharField("HS code", max_length=6, primary_key=True, help_text=_("Six digits, no dots."))
    tier = models.CharField(max_length=10)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["tier", "hs_code"]

    def __str__(self):
        return f"{self.hs_code[:4]}.{self.hs_code[4:]} (tier {self.tier})"


class RunKind(models.TextChoices):
    IMPORT = "import", _("List import and re-screen")
    RESCREEN = "rescreen", _("Re-screen of open applications")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    IMPORTING = "importing", _("Importing the list")
    SCREENING = "screening", _("Re-screening open applications")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScreeningRun(models.Model):
    """An import of a list and the re-screen it triggers, with progress for the administrator."""

    kind = models.CharField(max_length=20, choices=RunKind.choices)
    source = models.CharField(max_length=20, choices=ListSource.choices, blank=True, help_text=_("The list imported or changed; blank for a re-screen on demand."))
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING, db_index=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    # The uploaded file until the worker has imported it; emptied afterwards.
    payload = models.BinaryField(blank=True, default=b"", editable=False)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    removed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0, help_text=_("Open applications to re-screen."))
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.source} #{self.pk}"

    @property
    def progress(self) -> int:
        """Percent of the re-screen done."""
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class RunItem(models.Model):
    """One application re-screened by a run: the run's progress is their count, whatever retries happen."""

    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="items")
    application_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "application_id"], name="uniq_run_item")]


class SerialKind(models.TextChoices):
    SERIAL = "serial", _("Serial number")
    LOT = "lot", _("Lot number")


class SerialNumber(models.Model):
    """A serial or lot number of a goods line, normalised for an indexed search across all applications."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    goods_line = models.ForeignKey("applications.GoodsLine", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=SerialKind.choices)
    value = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["normalised", "application", "id"]

    def __str__(self):
        return self.value
