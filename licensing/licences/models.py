"""
Decisions and what they produce: the licence (vergunning) with its lines, and the decision record that
reporting reads. This app owns decisions (services.py records them; docs/architecture.md). Reporting never reads workflow internals: only Decision, Licence, LicenceLine, the denial
register and usage reports.
"""
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from licensing.applications.choices import EndUse, GoodsKind, Movement
from licensing.applications.models import StoredUpload
from licensing.audit.transitions import StatusGuarded, StatusQuerySet
from licensing.reference.models import Obligation, in_language
from licensing.screening.models import SerialKind


class Outcome(models.TextChoices):
    ISSUED = "issued", _("Licence issued")
    DENIED = "denied", _("Denied")
    ANSWERED = "answered", _("Indicative answer (sondage)")
    RULED = "ruled", _("Classification ruling")


def in_force(prefix: str = "") -> Q:
    """The decisions that count: not replaced by a decision on objection (Decision.replaced_by). Every table of the
    reports and every list of our denials reads decisions through it, so a replaced licence or denial is counted
    nowhere and its replacement in the period of its own decision. `prefix` as for counted_as_denial."""
    return Q(**{f"{prefix}replaced_by__isnull": True})


def counted_as_denial(prefix: str = "") -> Q:
    """
    The decisions counted and listed as denials: denied applications and sondages answered negatively (seed 002
    line 446). `prefix` reaches the decision through a relation (e.g. "decision__").
    """
    return Q(**{f"{prefix}outcome": Outcome.DENIED}) | Q(**{f"{prefix}outcome": Outcome.ANSWERED, f"{prefix}negative_answer": True})


class LicenceKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GLOBAL = "global", _("Global")
    GENERAL = "general", _("General (registration)")


class Source(models.TextChoices):
    SYSTEM = "system", _("Decided in this system")
    IMPORT = "import", _("Imported from a previous system")


class CitesGrounds:
    """What a decision, a decided goods line and a denied destination say of the grounds they cite (`criteria`:
    reference.Criterion numbers of any framework), in the active language (licensing.reference.frameworks words it)."""

    criteria: list

    @property
    def legal_basis(self) -> str:
        """The grounds with their acts, as the letter says them: "criteria 2, 7 of Council Common Position 2008/944/CFSP"."""
        from django.utils import translation

        from licensing.reference.frameworks import basis_text

        return basis_text(self.criteria, language=translation.get_language()) if self.criteria else ""

    @property
    def cited_by_act(self) -> list[tuple[str, str]]:
        """(the act, its grounds cited) per framework, for a page that heads the grounds by the act they come from."""
        from django.utils import translation

        from licensing.reference.frameworks import cited_by_act

        return cited_by_act(self.criteria, language=translation.get_language()) if self.criteria else []


class Decision(CitesGrounds, models.Model):
    """One decision on one application (or one imported from a previous system), with its reasons."""

    reference = models.CharField(max_length=40, unique=True, help_text=_("The application's reference."))
    application = models.OneToOneField("applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="decision")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SYSTEM)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decided_on = models.DateField(db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    goods_kind = models.CharField(max_length=20, choices=GoodsKind.choices)
    licence_kind = models.CharField(max_length=20, choices=LicenceKind.choices)
    movement = models.CharField(max_length=20, choices=Movement.choices)
    catch_all = models.BooleanField(default=False)
    # What was applied for, kept for the report: a denial has no licence to carry it (table 3 values denials too).
    value_eur = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True, help_text=_("The value applied for (the sum of the goods lines)."))
    # The application's end use, kept for table 5 ("Eindgebruik"); unknown (blank) for imported decisions.
    end_use = models.CharField(max_length=20, choices=EndUse.choices, blank=True)
    end_use_description = models.TextField(blank=True)
    reasons = models.TextField(blank=True, help_text=_("The reasons given to the exporter."))
    criteria = models.JSONField(default=list, blank=True, help_text=_("Criteria cited in a denial, e.g. [2, 7] (reference.Criterion numbers, of any framework)."))
    # The assessment frameworks that applied to the case (reference.Framework values; licensing.reference.frameworks).
    frameworks = models.JSONField(default=list, blank=True)
    # Sondage: the indicative answer. Classification: the ruling (an entry, or 'not listed').
    indicative_answer = models.TextField(blank=True)
    # A sondage answered negatively (a licence would likely not be granted): the annual report counts it among the
    # denials and lists it in annex 6 (seed 002 line 446: "9 aanvragen voor uitvoer-, doorvoervergunningen en
    # proefaanvragen (sondages) ... afgewezen"), so it also has its entries in our denial register.
    negative_answer = models.BooleanField(default=False)
    ruling_entry = models.CharField(max_length=60, blank=True)
    ruling_not_listed = models.BooleanField(default=False)
    # A decision on objection (besluit op bezwaar, Awb 7:11) that replaces an earlier one: `on_objection` on the new,
    # `replaced_by` on the old. The old one stays on record (its objection and its replacement point to it) but is
    # detached from the application, whose `decision` is the one in force, and no report counts it (in_force()).
    on_objection = models.ForeignKey("Objection", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        # The report's tables find a period's decisions by outcome, goods kind and date; the included columns let
        # them read id and the table-3 kind from the index alone (the decisions of a year are spread over the table).
        indexes = [
            models.Index(
                fields=["outcome", "goods_kind", "decided_on"], include=["id", "licence_kind", "movement", "catch_all", "negative_answer", "replaced_by"], name="decision_report_idx"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.get_outcome_display()}"


# What one goods line of a decision can be: issued (on the licence) or denied.
LINE_OUTCOMES = [(Outcome.ISSUED, Outcome.ISSUED.label), (Outcome.DENIED, Outcome.DENIED.label)]


class DecisionLine(CitesGrounds, models.Model):
    """
    The decision on one goods line of the application (issue 18.2): issued (it is on the licence, as a LicenceLine)
    or denied, with the grounds of its denial. A decision on a licence application has one per goods line, so that
    the office can issue some lines and deny others in one decision; the letter and the exporter's page list them.
    Each denied line of a decision that issued a licence is its own entry in our denial register and counts in the
    report as a denial (reporting.tables, denied_lines_counted).
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lines")
    goods_line = models.ForeignKey("applications.GoodsLine", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=LINE_OUTCOMES)
    description = models.TextField()
    control_entry = models.CharField(max_length=60, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    # The value applied for: a denied line's only value (table 3 values denials).
    value_eur = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # A denied line's grounds (reference.Criterion numbers) and the frameworks they belong to, as the register carries them.
    criteria = models.JSONField(default=list, blank=True)
    frameworks = models.JSONField(default=list, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["decision", "position", "id"]
        indexes = [models.Index(fields=["outcome", "decision"], name="decision_line_outcome_idx")]

    def __str__(self):
        return f"{self.decision.reference} line {self.position + 1}: {self.outcome}"

    @property
    def number(self) -> int:
        return self.position + 1


class DecisionDestination(CitesGrounds, models.Model):
    """
    A destination denied in a decision that issued the licence for the others (issue 18.2, "per destination where a
    case has several"): the licence leaves it out, and it is its own entry in our denial register with its own
    grounds. It counts in the report as one denial, with no value of its own (reporting.tables, denied_destinations).
    """

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="denied_destinations")
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=[(Outcome.DENIED, Outcome.DENIED.label)], default=Outcome.DENIED)
    criteria = models.JSONField(default=list, blank=True)
    frameworks = models.JSONField(default=list, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["decision", "country"]
        constraints = [models.UniqueConstraint(fields=["decision", "country"], name="decision_destination_once")]

    def __str__(self):
        return f"{self.decision.reference} {self.country_id}: {self.outcome}"


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    SURRENDERED = "surrendered", _("Surrendered")
    EXPIRED = "expired", _("Expired")
    EXHAUSTED = "exhausted", _("Used up")
    REPLACED = "replaced", _("Replaced")


class Licence(StatusGuarded, models.Model):
    """A licence issued. Its status changes only through its machine (licences/transitions.py)."""

    number = models.CharField(max_length=40, unique=True)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="licence")
    holder = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="licences")
    holder_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=LicenceKind.choices)
    goods_kind = models.CharField(max_length=20, choices=GoodsKind.choices)
    movement = models.CharField(max_length=20, choices=Movement.choices)
    status = models.CharField(max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE)
    destinations = models.ManyToManyField("reference.Country", related_name="+")
    consignee = models.CharField(max_length=300, blank=True)
    end_user = models.CharField(max_length=300, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField()
    conditions = models.TextField(blank=True)
    value_eur = models.DecimalField(max_digits=16, decimal_places=2, help_text=_("The maximum authorised value."))
    complete_system = models.BooleanField(default=False)
    # Counting rules of the annual report: these are not counted as new exports.
    temporary = models.BooleanField(default=False)
    return_after_repair = models.BooleanField(default=False)
    # Only a return after repair of goods earlier delivered from the Netherlands is left out of the figures (their
    # value was counted when they first left; seed 002 line 797). Others are exports like any other.
    repaired_goods_from_netherlands = models.BooleanField(default=False)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    origin_country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brokering_value_eur = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-id"]
        indexes = [
            # The report's tables go from a period's decisions to their licences and test the counting rules
            # (reporting.tables._counted) in the index alone, without reading the wide licence rows.
            models.Index(fields=["decision"], include=["id", "kind", "movement", "temporary", "return_after_repair", "repaired_goods_from_netherlands", "replaces"], name="licence_counted_idx"),
            # Table 4 reads the goods kind of the licence of each usage report of the year.
            models.Index(fields=["id"], include=["goods_kind"], name="licence_goods_kind_idx"),
        ]

    def __str__(self):
        return self.number


class LicenceLine(models.Model):
    # Indexed by licence_lines_idx below (with the columns the report sums), not by the default FK index.
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    control_entry = models.CharField(max_length=60)
    # ML1..ML22 for military lines, the category for reporting (table 7 and 8); blank otherwise.
    ml_category = models.CharField(max_length=5, blank=True, db_index=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=10, blank=True)
    value_eur = models.DecimalField(max_digits=16, decimal_places=2)
    complete_system = models.BooleanField(default=False)
    used_quantity = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    used_value_eur = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["licence", "position", "id"]
        # A licence's lines, with what the report's tables sum by (ML category, value): read from the index alone.
        indexes = [models.Index(fields=["licence"], include=["ml_category", "value_eur"], name="licence_lines_idx")]


class ParliamentNotification(models.Model):
    """A licence meeting the fast-track rule: parliament is told within two weeks of the decision."""

    licence = models.OneToOneField(Licence, on_delete=models.PROTECT, related_name="parliament_notification")
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on"]


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")  # not usable until reinstated (a party of it found on a list)
    REVOKED = "revoked", _("Revoked")


class Registration(StatusGuarded, models.Model):
    """An exporter's registration to use a general licence (registratie algemene vergunning). Its status changes only
    through its machine (licences/transitions.py)."""

    number = models.CharField(max_length=40, unique=True)
    general_licence = models.ForeignKey("reference.GeneralLicence", on_delete=models.PROTECT, related_name="registrations")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="registrations")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="registration")
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE)
    registered_on = models.DateField()
    revoked_on = models.DateField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_on", "-id"]
        constraints = [
            # A suspended registration is still the exporter's one registration: reinstated, it is usable again.
            models.UniqueConstraint(fields=["organisation", "general_licence"], condition=models.Q(status__in=["active", "suspended"]), name="one_live_registration"),
        ]

    def __str__(self):
        return self.number


class UsageUpload(models.Model):
    """A bulk usage report (CSV/XLSX/API). Its content hash makes a second upload of the same file a no-op."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="usage_uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    idempotency_key = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="uniq_usage_upload_content"),
            models.UniqueConstraint(fields=["organisation", "idempotency_key"], condition=~models.Q(idempotency_key=""), name="uniq_usage_upload_key"),
        ]


class UsageReport(models.Model):
    """One actual export (realisatie) under a licence or a general-licence registration."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="usage_reports")
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="usage_reports")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="usage_reports")
    upload = models.ForeignKey(UsageUpload, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    # Nobody for a report imported from a previous system (`import_usage`), which keeps the file's SHA-256 instead.
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    imported_from = models.CharField(max_length=64, blank=True, db_index=True)
    exported_on = models.DateField(db_index=True)
    destination = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    # Transit (doorvoer) or export: NL009's usage is reported in two tables (14 and 15) by movement.
    movement = models.CharField(max_length=20, choices=Movement.choices, default=Movement.EXPORT)
    # Where goods in transit come from ("land van herkomst"): table 14 lists NL008 transit by origin.
    origin = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    control_entry = models.CharField(max_length=60)
    ml_category = models.CharField(max_length=5, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    value_eur = models.DecimalField(max_digits=16, decimal_places=2)
    recipient = models.CharField(max_length=300)
    serial_numbers = models.TextField(blank=True)
    lot_numbers = models.TextField(blank=True)
    # The general-licence term this realisation breaks, as the check worded it; blank within the terms. Recorded as
    # reported and counted where the report counts usage (seed 002 footnote 45), flagged for compliance follow-up.
    outside_terms = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-exported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(licence__isnull=False) & models.Q(registration__isnull=True))
                | (models.Q(licence__isnull=True) & models.Q(registration__isnull=False)),
                name="usage_under_licence_or_registration",
            ),
        ]
        indexes = [
            models.Index(fields=["registration", "exported_on"]),
            models.Index(fields=["licence", "exported_on"]),
            models.Index(fields=["exported_on"], condition=~models.Q(outside_terms=""), name="usage_outside_terms_idx"),
        ]


class PeriodDeclaration(models.Model):
    """The holder's report for one reporting period (half-year) is in, possibly with nothing to report."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.CASCADE, related_name="period_declarations")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="period_declarations")
    period_start = models.DateField()
    period_end = models.DateField()
    declared_at = models.DateTimeField(auto_now_add=True)
    nothing_to_report = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["licence", "period_start"], condition=models.Q(licence__isnull=False), name="uniq_period_licence"),
            models.UniqueConstraint(fields=["registration", "period_start"], condition=models.Q(registration__isnull=False), name="uniq_period_registration"),
        ]



class ObjectionStatus(models.TextChoices):
    """An objection (bezwaar, Awb chapters 6-7) as a case of its own; its moves are licences.transitions.OBJECTION."""

    RECEIVED = "received", _("Received")
    IN_HANDLING = "in_handling", _("In handling")
    DECIDED = "decided", _("Decided")


class ObjectionOutcome(models.TextChoices):
    """The decision on objection (Awb 7:11): a well-founded or partly well-founded objection brings a new decision
    that replaces the one objected to; an unfounded one keeps it; an inadmissible one is not considered (Awb 6:6,
    6:9, 6:11: e.g. lodged late without excuse)."""

    WELL_FOUNDED = "well_founded", _("Well-founded")
    PARTLY_WELL_FOUNDED = "partly_well_founded", _("Partly well-founded")
    UNFOUNDED = "unfounded", _("Unfounded")
    INADMISSIBLE = "inadmissible", _("Inadmissible")


# The outcomes that revoke the decision objected to and put a new one in its place (Awb 7:11(2)).
REPLACING_OUTCOMES = (ObjectionOutcome.WELL_FOUNDED, ObjectionOutcome.PARTLY_WELL_FOUNDED)


OPEN_OBJECTION_STATUSES = (ObjectionStatus.RECEIVED, ObjectionStatus.IN_HANDLING)


class Objection(StatusGuarded, models.Model):
    """An exporter's objection to a decision: lodged within six weeks after the day the decision was sent (Awb 6:7,
    6:8), or marked late; the office decides on it within six weeks after the objection term ends (Awb 7:10), once
    extended by six weeks. Its status changes only through its machine (licences.transitions.OBJECTION)."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="objections")
    status = models.CharField(max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.RECEIVED)
    grounds = models.TextField()
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField(auto_now_add=True)
    # The last day of the objection term, and the day the office must have decided on the objection.
    term_ends_on = models.DateField()
    due_on = models.DateField(db_index=True)
    late = models.BooleanField(default=False, help_text=_("Lodged after the objection term ended."))
    # Handled by an official other than the decision's author (Awb 7:5(1)(a)).
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)
    # The hearing (hoorzitting, Awb 7:2) when one was held: its date and minutes (verslag, Awb 7:7).
    hearing_on = models.DateField(null=True, blank=True)
    hearing_minutes = models.TextField(blank=True)
    # The one extension of the decision term (Awb 7:10(3)): six weeks, with its reason.
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=ObjectionOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # The decision that replaced the one objected to (well-founded or partly well-founded).
    new_decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            # Two requests at once: the database lets one open objection per decision through.
            models.UniqueConstraint(fields=["decision"], condition=models.Q(status__in=["received", "in_handling"]), name="one_open_objection_per_decision"),
        ]

    def __str__(self):
        return f"Objection {self.pk} to {self.decision.reference}"


def objection_document_path(instance, filename):
    # The stored name never comes from the user.
    return f"objections/{instance.objection_id}/{uuid.uuid4().hex}"


class ObjectionDocument(StoredUpload):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=objection_document_path, max_length=200)

    class Meta:
        ordering = ["objection", "id"]

class LiveHitStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUSPENDED = "suspended", _("Licence suspended")
    DISMISSED = "dismissed", _("Dismissed")


class LiveHit(StatusGuarded, models.Model):
    """A party of a live licence or registration that a re-screen after a list import found on a sanctions list or
    the denial register (licences.live_screening), for the office to suspend the licence or dismiss the hit. The same
    party against the same entry (same content) is one hit across runs."""

    run = models.ForeignKey("screening.ScreeningRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.PROTECT, related_name="live_hits")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="live_hits")
    party_role = models.CharField(max_length=30, help_text=_("The party's role on the application, or 'holder'."))
    party_name = models.CharField(max_length=300)
    party_country = models.CharField(max_length=2, blank=True)
    party_key = models.CharField(max_length=64)
    source = models.CharField(max_length=20)
    list_kind = models.CharField(max_length=20)
    entry_reference = models.CharField(max_length=200)
    entry_name = models.CharField(max_length=500)
    matched_name = models.CharField(max_length=500)
    score = models.FloatField()
    entry_hash = models.CharField(max_length=64)
    found_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=LiveHitStatus.choices, default=LiveHitStatus.OPEN)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    # The status changes only through its machine (licences.transitions.LIVE_HIT).
    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "party_key", "source", "entry_reference", "entry_hash"], condition=models.Q(licence__isnull=False), name="uniq_live_hit_licence"
            ),
            models.UniqueConstraint(
                fields=["registration", "party_key", "source", "entry_reference", "entry_hash"], condition=models.Q(registration__isnull=False), name="uniq_live_hit_registration"
            ),
            models.CheckConstraint(
                condition=(models.Q(licence__isnull=False) & models.Q(registration__isnull=True)) | (models.Q(licence__isnull=True) & models.Q(registration__isnull=False)),
                name="live_hit_licence_or_registration",
            ),
        ]
        indexes = [models.Index(fields=["-found_at", "-id"], condition=models.Q(status="open"), name="open_live_hits_idx")]

    def __str__(self):
        return f"{self.party_name} ~ {self.entry_name} ({self.status})"

    @property
    def number(self) -> str:
        return self.licence.number if self.licence_id else self.registration.number



class UsageSerial(models.Model):
    """
    A serial or lot number of a shipment reported in usage (seed 001: traced goods lead back through serial and lot
    numbers to the licence, the shipment and the recipient), normalised like the goods lines' numbers
    (screening.selectors.serial_normalise) for one indexed search over both.
    """

    report = models.ForeignKey(UsageReport, on_delete=models.CASCADE, related_name="serials")
    kind = models.CharField(max_length=10, choices=SerialKind.choices)
    value = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)

    class Meta:
        ordering = ["normalised", "report", "id"]


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MET = "met", _("Met")
    OVERDUE = "overdue", _("Overdue")


class LicenceCondition(StatusGuarded, models.Model):
    """A structured condition of a licence, made from a standard text at issue (voorschrift): an obligation with a
    due date the holder meets (a delivery verification certificate or an end-user certificate uploaded, a re-import
    recorded), or a standing one that holds for the licence's life (no re-export without consent: never 'met').
    Its status changes only through its machine (licences.transitions.CONDITION); the texts are copied at issue, so a
    later edit of the standard text does not change what the holder was told."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="obligations")
    standard_text = models.ForeignKey("reference.StandardText", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    obligation = models.CharField(max_length=30, choices=Obligation.choices, blank=True, help_text=_("Blank: a condition that is only text."))
    text_en = models.TextField()
    text_nl = models.TextField()
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=ConditionStatus.choices, default=ConditionStatus.OPEN)
    reminded_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    re_imported_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["licence", "due_on", "id"]
        indexes = [models.Index(fields=["due_on"], condition=models.Q(status="open"), name="open_conditions_due_idx")]

    def __str__(self):
        return f"{self.licence_id}: {self.obligation or 'text'} ({self.status})"

    @property
    def text(self) -> str:
        """The text in the language of the page or mail being drawn."""
        return in_language(self.text_en, self.text_nl)


def condition_document_path(instance, filename):
    # The stored name never comes from the user.
    return f"conditions/{instance.condition_id}/{uuid.uuid4().hex}"


class ConditionDocument(StoredUpload):
    """What the holder uploaded to meet a condition (the certificate)."""

    condition = models.ForeignKey(LicenceCondition, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=condition_document_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["condition", "id"]


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting countersignature")
    COUNTERSIGNED = "countersigned", _("Countersigned: in effect")
    SENT_BACK = "sent_back", _("Sent back by the second officer")


class DecisionProposal(StatusGuarded, models.Model):
    """A decision of the licensing office that takes effect only once a second officer countersigns it (four eyes at the
    office: a denial, a licence above OFFICE_COUNTERSIGN_ABOVE_EUR, any decision on a flagged case). `command` is the
    decision as typed (licences.decisions.DecideCommand); countersigned, it is recorded through the same path as any
    decision, once. Its status changes only through its machine (licences/transitions.py)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="decision_proposals")
    status = models.CharField(max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    command = models.JSONField()
    # Why it needs a second officer, in the words the countersigner reads (English in the record, as the reasons are).
    grounds = models.JSONField(default=list)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.TextField(blank=True)
    decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="proposal")

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application"], condition=Q(status="proposed"), name="one_open_decision_proposal"),
            models.CheckConstraint(
                condition=Q(countersigned_by__isnull=True) | ~Q(countersigned_by=models.F("proposed_by")), name="decision_countersigner_is_another_officer"
            ),
        ]
        indexes = [models.Index(fields=["status", "proposed_at"])]

    def __str__(self):
        return f"{self.application_id}: {self.outcome} ({self.status})"
