"""
Reference data: countries, country groups, EU report regions, control-list entries, the eight criteria
and general licences. Loaded from fixtures/reference/ by `manage.py load_reference`, editable in the admin.
"""
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(name_en: str, name_nl: str) -> str:
    """A reference name in the language of the page being drawn (Dutch where there is one, else English)."""
    return (name_nl or name_en) if (get_language() or "").startswith("nl") else name_en


class ReportRegion(models.Model):
    """A region of the EU/COARM annual report (table 2 of the Dutch report: 'regio')."""

    code = models.SlugField(primary_key=True, max_length=40)
    name_en = models.CharField(max_length=100)
    name_nl = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name_en


class Country(models.Model):
    """ISO 3166-1 alpha-2 country (XK for Kosovo, as the EU uses it)."""

    code = models.CharField(primary_key=True, max_length=2)
    name_en = models.CharField(max_length=100)
    name_nl = models.CharField(max_length=100)
    report_region = models.ForeignKey(ReportRegion, null=True, blank=True, on_delete=models.PROTECT, related_name="countries")

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "countries"

    def __str__(self):
        return f"{self.name_en} ({self.code})"

    @property
    def name(self) -> str:
        """The country's name in the current language: what every page shows."""
        return in_language(self.name_en, self.name_nl)


class GroupCode(models.TextChoices):
    """Country groups the rules refer to by code."""

    EU = "eu", _("EU member states")
    NATO = "nato", _("NATO members")
    NATO_PLUS = "nato_plus", _("NATO+ (Australia, Japan, New Zealand, Switzerland)")
    WASSENAAR = "wassenaar", _("Wassenaar Arrangement participants")
    NSG = "nsg", _("Nuclear Suppliers Group participants")
    AUSTRALIA_GROUP = "australia_group", _("Australia Group participants")
    MTCR = "mtcr", _("Missile Technology Control Regime partners")
    ARMS_EMBARGO = "arms_embargo", _("Arms embargoes (UN, EU, OSCE)")
    DEATH_PENALTY = "death_penalty", _("Retains the death penalty")
    CP_ALIGNED = "cp_aligned", _("Aligned with Common Position 2008/944/CFSP")
    CIRCUMVENTION_RISK = "circumvention_risk", _("High-risk transit and re-export countries")
    SENSITIVE = "sensitive", _("Politically sensitive destinations (ministry decides)")


class CountryGroup(models.Model):
    code = models.SlugField(primary_key=True, max_length=40, choices=GroupCode.choices)
    name_en = models.CharField(max_length=200)
    name_nl = models.CharField(max_length=200)
    source = models.TextField(help_text="Where the membership comes from.")
    confidence = models.CharField(max_length=40, blank=True)
    members = models.ManyToManyField(Country, through="CountryGroupMembership", related_name="groups")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name_en


class CountryGroupMembership(models.Model):
    group = models.ForeignKey(CountryGroup, on_delete=models.CASCADE, related_name="memberships")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="memberships")
    # Arms embargoes: 'full' (whole state), 'partial' (non-state actors / named persons), 'political'.
    kind = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "country"], name="uniq_group_country")]

    def __str__(self):
        return f"{self.group_id}:{self.country_id}"


class ControlRegime(models.TextChoices):
    """Which list an entry belongs to."""

    MILITARY = "military", _("EU Common Military List")
    DUAL_USE = "dual_use", _("Dual-use Regulation (EU) 2021/821 Annex I")
    ANTI_TORTURE = "anti_torture", _("Anti-torture Regulation (EU) 2019/125")
    NATIONAL = "national", _("National list")


class ExportRegime(models.TextChoices):
    """The multilateral export-control regime that controls a dual-use item (third digit of the entry)."""

    WASSENAAR = "wassenaar", _("Wassenaar Arrangement")
    MTCR = "mtcr", _("MTCR")
    NSG = "nsg", _("Nuclear Suppliers Group")
    AUSTRALIA_GROUP = "australia_group", _("Australia Group")
    CWC = "cwc", _("Chemical Weapons Convention")
    EU_AUTONOMOUS = "eu", _("EU-autonomous control")


class ControlEntry(models.Model):
    """
    One entry of a control list: ML1..ML22 and their sub-entries (ML4.b), dual-use categories (0-9),
    product groups (A-E) and known items (3B001, Annex IV items), anti-torture annex entries, national entries.
    Dual-use item codes not stored here are still valid when they parse (see control_list.parse_entry).
    """

    code = models.CharField(max_length=40, unique=True)
    regime = models.CharField(max_length=20, choices=ControlRegime.choices)
    title_en = models.TextField()
    title_nl = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    # Dual-use only: whether a licence is needed even for intra-EU transfer (Reg. 2021/821 Annex IV).
    annex_iv = models.BooleanField(default=False)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["regime", "code"]
        verbose_name_plural = "control entries"

    def __str__(self):
        return self.code


class Framework(models.TextChoices):
    """The assessment frameworks (toetsingskaders); which ones apply to a case: licensing.reference.frameworks."""

    COMMON_POSITION = "common_position", _("Council Common Position 2008/944/CFSP (eight criteria)")
    DUAL_USE = "dual_use", _("Regulation (EU) 2021/821, Article 15 (dual-use)")
    ANTI_TORTURE = "anti_torture", _("Regulation (EU) 2019/125 (anti-torture)")


class AssessmentFramework(models.Model):
    """A legal framework an application is assessed against, with the act a letter cites (Dutch and English)."""

    code = models.CharField(primary_key=True, max_length=20, choices=Framework.choices)
    title_en = models.TextField()
    title_nl = models.TextField()
    # The act as a letter names it: "Council Common Position 2008/944/CFSP" / "Gemeenschappelijk Standpunt ...".
    act_en = models.CharField(max_length=200)
    act_nl = models.CharField(max_length=200)
    # How several grounds are cited together ("criteria" 2, 7), where the single labels would repeat a word; empty:
    # the labels are listed as they are ("Article 15(1)(a), Article 15(1)(d)").
    plural_en = models.CharField(max_length=40, blank=True)
    plural_nl = models.CharField(max_length=40, blank=True)
    url = models.URLField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(blank=True)
    confidence = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.act_en


class CriterionKind(models.TextChoices):
    DENY = "deny", _("Leads to denial when not met (criteria 1-4, the regulations' prohibitions)")
    WEIGH = "weigh", _("Weighed in the final judgement (criteria 5-8, the other considerations)")


class Criterion(models.Model):
    """
    One ground of an assessment framework (toetsingscriterium): a criterion of Common Position 2008/944/CFSP, a
    consideration of Article 15 of Regulation (EU) 2021/821 or a ground of Regulation (EU) 2019/125.

    `number` is the row's key, which findings, decisions and the denial register store: 1-8 are the Common
    Position's criteria (so every assessment and denial recorded before the other frameworks existed keeps its
    meaning); the other frameworks' grounds are numbered from 11 and 21 in fixtures/reference/criteria.yaml. What a
    letter cites is `label_en`/`label_nl` ("criterion 2", "Article 15(1)(d)") with the framework's act.
    """

    number = models.PositiveSmallIntegerField(primary_key=True)
    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="criteria", default=Framework.COMMON_POSITION)
    # The short code the EU exchange and the report print: "2", "15(1)(d)", "12(2)".
    code = models.CharField(max_length=20)
    label_en = models.CharField(max_length=100)
    label_nl = models.CharField(max_length=100)
    title_en = models.TextField()
    title_nl = models.TextField()
    kind = models.CharField(max_length=10, choices=CriterionKind.choices)
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["framework__position", "number"]
        verbose_name_plural = "criteria"
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="uniq_framework_criterion_code")]

    def __str__(self):
        return f"{self.label_en}: {self.title_en}"


class CriterionSubPoint(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="sub_points")
    key = models.CharField(max_length=10, help_text="'a', 'ba', ... or 'main'")
    text_en = models.TextField()
    text_nl = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Where a sub-point's text comes from when it is not the framework's own source (the 2025 revision's addition).
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion", "position"]
        constraints = [models.UniqueConstraint(fields=["criterion", "key"], name="uniq_criterion_subpoint")]

    def __str__(self):
        return f"{self.criterion_id}{'' if self.key == 'main' else self.key}"


class GeneralLicenceKind(models.TextChoices):
    MILITARY = "military", _("Military (national, NL003-NL009)")
    DUAL_USE_EU = "dual_use_eu", _("Union general export authorisation (EU001-EU008)")
    DUAL_USE_NATIONAL = "dual_use_national", _("National dual-use general licence (NL900)")


class DestinationRule(models.TextChoices):
    LISTED = "listed", _("Only the listed destinations")
    ALL_EXCEPT = "all_except", _("All destinations except the excluded ones")
    UNKNOWN = "unknown", _("Destinations not known to the reference data")


class GeneralLicence(models.Model):
    """A general licence (algemene vergunning): one registration, then use within its terms."""

    code = models.CharField(primary_key=True, max_length=10)
    kind = models.CharField(max_length=20, choices=GeneralLicenceKind.choices)
    name_en = models.TextField()
    name_nl = models.TextField(blank=True)
    # Which movements it covers: comma-separated values of the application Movement choices.
    movements = models.CharField(max_length=100)
    goods = models.TextField(help_text="Which goods it covers, as the licence text says.")
    conditions = models.TextField(blank=True)
    destination_rule = models.CharField(max_length=20, choices=DestinationRule.choices)
    destinations = models.ManyToManyField(Country, blank=True, related_name="general_licences")
    excluded_destinations = models.ManyToManyField(Country, blank=True, related_name="general_licence_exclusions")
    # Terms have dates: an excluded destination named here is excluded only from that date on, {code: "YYYY-MM-DD"}
    # (NL009: Israel from the Court of Appeal's ruling of 12 February 2024, seed 002 footnotes 46-47). Usage before
    # it lay within the terms; one without a date is excluded whenever the usage took place.
    exclusions_since = models.JSONField(default=dict, blank=True)
    # Destinations the licence names as groups (e.g. NL008: EU, NATO, NATO+), resolved at determination time.
    destination_groups = models.ManyToManyField(CountryGroup, blank=True, related_name="general_licences")
    # Terms that depend on where the goods come from (licensing.reference.general_licences):
    # - destinations covered only for goods going back to the country they came from (NL006: goods return after
    #   repair; seed 002 table 12 reports 2024 returns to Canada and the United States, members of NATO);
    return_destination_groups = models.ManyToManyField(CountryGroup, blank=True, related_name="general_licences_returning")
    # - where goods in transit must come from (NL007 "Doorvoer afkomstig van bondgenoten"); none: any origin. A transit
    #   reported with another country of origin lies outside the terms.
    origin_groups = models.ManyToManyField(CountryGroup, blank=True, related_name="general_licences_by_origin")
    # The arms-embargo kinds that bar the licence, comma-separated (full, partial, political, unspecified); empty: every
    # kind. NL007 names its embargoed final destinations (every full embargo is an excluded destination) and leaves
    # partial and political embargoes to the end-user check: seed 002 table 13 reports transit to China under it.
    barring_embargoes = models.CharField(max_length=60, blank=True)
    in_force = models.CharField(max_length=100, blank=True)
    # The days it can be used (licensing.reference.general_licences decides coverage); empty: not limited.
    in_force_from = models.DateField(null=True, blank=True, help_text="First day in force; empty when not recorded.")
    in_force_to = models.DateField(null=True, blank=True, help_text="Last day in force; empty while in force.")
    active = models.BooleanField(default=True)
    source = models.TextField()
    confidence = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_en}"


class SanctionsBan(models.Model):
    """A sanctions prohibition (verbod): trade of some goods with some countries that no licence can allow.

    Read by the prohibition stage of the determination (licensing.routing.rules, rule `sanctions.ban`), which names
    the ban and its legal source to the exporter. Loaded from fixtures/reference/sanctions_bans.yaml, editable here.
    """

    code = models.SlugField(primary_key=True, max_length=60)
    name_en = models.TextField()
    name_nl = models.TextField(blank=True)
    # The legal source, as the exporter is told it: "Council Regulation (EU) No 833/2014", "Article 2".
    regulation = models.CharField(max_length=200)
    article = models.CharField(max_length=100)
    url = models.URLField(max_length=300, blank=True)
    # Scope. Comma-separated values: goods kinds and movements of the application choices; control-list entries
    # or categories (ML4, 3A001, DU-CAT-5), empty for every item of the goods kinds; HS codes (4-8 digits) for
    # bans that list goods by customs code, empty for none.
    destinations = models.ManyToManyField(Country, related_name="sanctions_bans")
    goods_kinds = models.CharField(max_length=100)
    items = models.TextField(blank=True)
    hs_codes = models.TextField(blank=True)
    movements = models.CharField(max_length=100)
    in_force_from = models.DateField(null=True, blank=True, help_text="Empty when the start date is not recorded.")
    in_force_to = models.DateField(null=True, blank=True, help_text="Last day in force; empty while in force.")
    exceptions = models.TextField(blank=True, help_text="The exceptions and derogations, as the act words them.")
    # Exceptions a rule can read: comma-separated EndUse values for which the ban does not apply (e.g. museum).
    exception_end_uses = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    source = models.TextField()
    confidence = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.regulation}, {self.article}"


class StandardTextKind(models.TextChoices):
    CONDITION = "condition", _("Licence condition")
    REFUSAL = "refusal", _("Refusal reason")
    QUESTION = "question", _("Question to the exporter")


class Obligation(models.TextChoices):
    """What a standard condition asks of the holder after issue (licences.conditions tracks it on the licence).
    Blank: a condition that is only text."""

    DELIVERY_VERIFICATION = "delivery_verification", _("Return a delivery verification certificate by a date")
    NO_REEXPORT = "no_reexport", _("No re-export without consent")
    REIMPORT = "reimport", _("Re-import of a temporary export by a date")
    END_USER_CERTIFICATE = "end_user_certificate", _("End-user certificate to follow by a date")


class StandardText(models.Model):
    """A text the office uses again and again (standaardteksten): a licence condition, a refusal reason or a question
    to the exporter, in Dutch and English, maintained by administrators (the admin; defaults from
    fixtures/reference/standard_texts.yaml). The forms offer the active ones; the letter uses the holder's language."""

    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=StandardTextKind.choices)
    title_en = models.CharField(max_length=200)
    title_nl = models.CharField(max_length=200)
    text_en = models.TextField()
    text_nl = models.TextField()
    obligation = models.CharField(max_length=30, choices=Obligation.choices, blank=True, help_text=_("Conditions only: what the holder must do after issue."))
    due_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Days after issue by which the obligation must be met; empty for a re-import: the licence's end date.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(obligation="") | models.Q(kind="condition"), name="standard_text_obligation_only_for_conditions"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_en, self.title_nl)

    def text_in(self, language: str) -> str:
        return (self.text_nl or self.text_en) if (language or "").startswith("nl") else self.text_en
