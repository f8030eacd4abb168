"""
An application (aanvraag) and what it is made of: goods lines, parties, destinations, documents, and the
questions the office asks. Its status is written only by workflow.py.
"""
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.audit.transitions import StatusGuarded, StatusQuerySet

from .choices import CatchAllGround, EndUse, GoodsKind, Handler, Kind, Movement, Purpose


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review at the licensing office")
    REFERRED = "referred", _("Referred to the ministry")
    ADVICE_GIVEN = "advice_given", _("Advice given")
    ISSUED = "issued", _("Licence issued")
    DENIED = "denied", _("Denied")
    ANSWERED = "answered", _("Indicative answer given (sondage)")
    RULED = "ruled", _("Classification ruling given")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUPERSEDED = "superseded", _("Superseded by an amendment")
    # Buiten behandeling gesteld (Awb 4:5): a question was not answered by its date.
    SET_ASIDE = "set_aside", _("Set aside (question not answered)")

    @classmethod
    def decided(cls) -> set[str]:
        return {cls.ISSUED, cls.DENIED, cls.ANSWERED, cls.RULED}

    @classmethod
    def closed(cls) -> set[str]:
        return cls.decided() | {cls.WITHDRAWN, cls.SUPERSEDED, cls.SET_ASIDE}


class ReferenceSequence(models.Model):
    """The last number handed out per year, for references like NL-2026-000123."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Application(StatusGuarded, models.Model):
    """Its status changes only through applications.workflow (the manager and save() refuse any other write)."""

    reference = models.CharField(max_length=30, unique=True, editable=False)
    version = models.PositiveSmallIntegerField(default=1, editable=False)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendment", editable=False)

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    movement = models.CharField(max_length=20, choices=Movement.choices, default=Movement.EXPORT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True)

    title = models.CharField(max_length=200, blank=True, help_text=_("Your own short name for this application."))
    destinations = models.ManyToManyField("reference.Country", blank=True, related_name="+")
    end_use = models.CharField(max_length=20, choices=EndUse.choices, default=EndUse.CIVIL)
    end_use_description = models.TextField(blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.SALE)
    temporary = models.BooleanField(default=False, help_text=_("Temporary export (demonstration, exhibition) with a duty to re-import."))
    reimport_date = models.DateField(null=True, blank=True)
    # A return after repair (purpose repair): were the goods earlier delivered from the Netherlands? Only then is the
    # licence left out of the annual report's figures (seed 002 line 797: "eerder vanuit Nederland geleverde goederen").
    repaired_goods_from_netherlands = models.BooleanField(
        null=True, blank=True, help_text=_("Repair: were these goods earlier delivered from the Netherlands?")
    )
    # Transit: where the goods come from (the destination is the final destination). Brokering: the value
    # of the brokering service, which is what the annual report counts (not the goods' value).
    origin_country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    brokering_value_eur = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Registration for a general licence (kind general_registration).
    general_licence = models.ForeignKey("reference.GeneralLicence", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    conditions_confirmed = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The routing result (determination with the rules that fired), written after submission.
    determination = models.JSONField(null=True, blank=True, editable=False)
    handler = models.CharField(max_length=20, choices=Handler.choices, blank=True, editable=False)

    # Triage: who works on the case now, and the statutory deadline (eight weeks from submission; the
    # clock stops while a question to the exporter is open and the deadline moves by the time it stood still).
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_applications", editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    deadline_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    clock_stopped_at = models.DateTimeField(null=True, blank=True, editable=False)

    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "kind"]),
            models.Index(fields=["status", "deadline_at"]),
            # The office search's order, newest submission first: a broad word's first page walks this index and
            # stops after 50 matches instead of sorting every match (65 -> 3.5 ms at 50,000 applications).
            models.Index(fields=["-submitted_at", "-id"], name="application_newest_submitted"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_sondage(self) -> bool:
        return self.kind == Kind.SONDAGE

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def queue(self) -> str | None:
        """Whose desk the case is on: the licensing office's or the ministry's (None when closed or a draft)."""
        return QUEUE_OF_STATUS.get(self.status)

    def days_left(self, now=None) -> int | None:
        """Whole days until the statutory deadline (`days_left`, the one count); None once decided."""
        return None if self.decided_at is not None else days_left(self.deadline_at, self.clock_stopped_at, now)


# The office receives and triages every case first, and decides after the ministry's advice.
QUEUE_OF_STATUS = {
    Status.SUBMITTED: "licensing_office",
    Status.IN_REVIEW: "licensing_office",
    Status.ADVICE_GIVEN: "licensing_office",
    Status.REFERRED: "ministry",
}
STATUTORY_PERIOD_DAYS = 56  # eight weeks: the decision period the office works to


def days_left(deadline_at, clock_stopped_at, now=None) -> int | None:
    """Whole days until the statutory deadline (negative once it has passed; None before submission).

    While the clock stands still (a question is open) the days left stand still too: they are counted from the
    moment it stopped, as question_answer moves the deadline by the time it stood still when the clock restarts.
    """
    if deadline_at is None:
        return None
    return (deadline_at - (clock_stopped_at or now or timezone.now())).days


class Product(models.Model):
    """What describes a product, whatever the shipment: a goods line's and a goods-library item's (ProductItem) fields,
    defined once so that an item picked from the library fills exactly the line's fields."""

    class Unit(models.TextChoices):
        PIECES = "pieces", _("pieces")
        SETS = "sets", _("sets")
        KG = "kg", _("kg")
        LITRES = "l", _("litres")
        METRES = "m", _("metres")
        LICENCES = "licences", _("software licences")
        OTHER = "other", _("other")

    goods_kind = models.CharField(max_length=20, choices=GoodsKind.choices)
    description = models.TextField()
    # Normalised control-list code (ML6, 3A001.a.3, ANNEX_III); free text only for classification requests.
    control_entry = models.CharField(max_length=60, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.PIECES)
    complete_system = models.BooleanField(default=False)
    manufacturer = models.CharField(max_length=200, blank=True)
    part_number = models.CharField(max_length=100, blank=True)
    hs_code = models.CharField("HS code", max_length=12, blank=True)
    # Aluminium products (seed 000, question 8): which lines are aluminium is applications.aluminium's to say.
    is_aluminium = models.BooleanField(default=False)

    class Meta:
        abstract = True


# The fields a goods line takes from a product (a goods-library item): the rest is the shipment's.
PRODUCT_FIELDS = ("goods_kind", "description", "control_entry", "unit", "complete_system", "manufacturer", "part_number", "hs_code", "is_aluminium")


class GoodsLine(Product):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="goods")
    position = models.PositiveSmallIntegerField(default=0)
    quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    value_eur = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    serial_numbers = models.TextField(blank=True, help_text=_("Serial numbers, one per line, where known."))
    lot_numbers = models.TextField(blank=True, help_text=_("Lot or batch numbers, one per line, where known."))
    # Aluminium products: the countries of the most and second most important smelt (by share of the metal, not by
    # the order of the steps) and of the last cast.
    first_smelt_country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    second_smelt_country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_cast_country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["application", "position", "id"]

    def __str__(self):
        return f"{self.control_entry or '-'} {self.description[:40]}"


class PartyDetails(models.Model):
    """Who a party is: an application party's and an address-book entry's (AddressBookEntry) fields, defined once so
    that an entry picked from the book fills exactly the party's fields."""

    class Role(models.TextChoices):
        CONSIGNEE = "consignee", _("Consignee")
        END_USER = "end_user", _("End user")
        ULTIMATE_END_USER = "ultimate_end_user", _("Ultimate end user")
        INTERMEDIATE_CONSIGNEE = "intermediate_consignee", _("Intermediate consignee")
        BROKER = "broker", _("Broker")
        AGENT = "agent", _("Agent")

    class PartyType(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        ARMED_FORCES = "armed_forces", _("Armed forces")
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")

    role = models.CharField(max_length=30, choices=Role.choices)
    name = models.CharField(max_length=300)
    address = models.TextField(blank=True)
    country = models.ForeignKey("reference.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    party_type = models.CharField(max_length=20, choices=PartyType.choices, default=PartyType.COMPANY)
    website = models.URLField(blank=True)
    # Certificate under Directive 2009/43/EC (certified defence company), where the recipient holds one.
    certificate_number = models.CharField(max_length=60, blank=True)

    class Meta:
        abstract = True


PARTY_DETAILS = ("role", "name", "address", "country", "party_type", "website", "certificate_number")


class Party(PartyDetails):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "id"]
        verbose_name_plural = "parties"

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


class AddressBookEntry(PartyDetails):
    """A party the organisation deals with again and again, kept in its address book to be picked into an
    application's parties (licensing.applications.library). Picking copies the fields: a later change to the book
    changes no application."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="address_book")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name_plural = "address book entries"

    def __str__(self):
        return self.name


class LibraryItem(Product):
    """A product the organisation exports again and again, kept in its goods library to be picked into an
    application's goods lines (licensing.applications.library); picking copies the fields. A classification
    request of the organisation's that ended in a ruling on the product may be linked to it."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="goods_library")
    # The usual value of one unit: shown when the item is picked, never filled in as a shipment's value.
    unit_value_eur = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    ruling = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text=_("The classification request that ruled on this product."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "description", "id"]

    def __str__(self):
        return f"{self.part_number or '-'} {self.description[:40]}"


def document_path(instance, filename):
    # The stored name never comes from the user: an id under the application's folder.
    return f"applications/{instance.application_id}/{uuid.uuid4().hex}"


class StoredUpload(models.Model):
    """What every stored upload keeps of the file it was given (applications.uploads.document_store fills it from the
    check that read the file's content): the name the person gave it, the type its content showed, its size and
    hash. The file itself and what it belongs to are each model's own."""

    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        abstract = True


class Document(StoredUpload):
    class DocType(models.TextChoices):
        END_USE_STATEMENT = "end_use_statement", _("End-use statement")
        END_USER_CERTIFICATE = "end_user_certificate", _("End-user certificate")
        TECHNICAL_DOCUMENTATION = "technical_documentation", _("Technical documentation")
        CONTRACT = "contract", _("Contract or order")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(max_length=30, choices=DocType.choices)
    file = models.FileField(upload_to=document_path, max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Sent with the answer to this question (uploaded while the question was open, after submission).
    question = models.ForeignKey("Question", null=True, blank=True, on_delete=models.CASCADE, related_name="documents", editable=False)

    class Meta:
        ordering = ["application", "uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Question(models.Model):
    """A question from an official to the exporter (verzoek om aanvulling), to be answered by `due_on`. Several may be
    open at once; while any is open the statutory clock stands still."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    asked_at = models.DateTimeField(auto_now_add=True)
    # Null only for questions asked before answer-by dates existed.
    due_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "asked_at", "id"]
        indexes = [models.Index(fields=["due_on"], condition=models.Q(answered_at__isnull=True), name="open_question_due")]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


def note_document_path(instance, filename):
    return f"internal/{instance.note.application_id}/{uuid.uuid4().hex}"


class CatchAllRequirement(models.Model):
    """
    A catch-all decision (catch-all besluit): the licensing office or the ministry imposes a licence requirement on
    goods that need none, for this application's destinations, because information shows they are or may be meant
    for one of the grounds (seed 002 "Catch-all goederen"; Art. 4 and 5 of Regulation (EU) 2021/821). Not a ban: the
    application is then assessed and may still be granted. A fact of the case, recorded once, by the official who
    imposed it (applications.workflow Action.IMPOSE_CATCH_ALL); routing reads it, and the decision carries it into
    table 3's catch-all row.
    """

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="catch_all_requirement")
    ground = models.CharField(max_length=20, choices=CatchAllGround.choices)
    # What the information is: the officials' own (it may come from intelligence services); the exporter is told the
    # ground only.
    information = models.TextField()
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imposed_by_desk = models.CharField(max_length=20, choices=Handler.choices)
    imposed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.application.reference}: catch-all ({self.ground})"

    def told(self) -> str:
        """What the exporter is told, in plain words and the active language (never the information itself)."""
        ground = str(self.get_ground_display())
        desk = gettext("The ministry of Foreign Affairs") if self.imposed_by_desk == Handler.MINISTRY else gettext("The licensing office")
        return gettext(
            "%(desk)s has imposed a licence requirement (catch-all) on these goods for the destinations of this application: "
            "there is information that they are or may be meant for %(ground)s. You need a licence for them; without it "
            "they may not be exported, transited or brokered. This is not a ban: the application is now assessed, and a "
            "licence may still be granted."
        ) % {"desk": desk, "ground": ground[:1].lower() + ground[1:]}


class Note(models.Model):
    """An internal note on a case (officials only: never shown to an exporter), perhaps mentioning colleagues."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "created_at", "id"]


class NoteDocument(StoredUpload):
    """An internal document attached to a note: stored apart from the exporter's documents, read only by officials."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=note_document_path, max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["note", "id"]

    def __str__(self):
        return self.original_name


class Mention(models.Model):
    """An official named with @username in a note: their in-app notification (unread until `read_at`)."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="one_mention_per_note")]
        indexes = [models.Index(fields=["user", "read_at"])]


class Notification(models.Model):
    """Something new on a case for one person, shown as an unread marker until they open the case: for the
    exporter's people a question, a decision or a change to the licence; for an official an answer on a case of
    theirs or a mention. Written by licensing.applications.notifications.notify, read there too."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question from the licensing office")
        ANSWER = "answer", _("Answer from the exporter")
        DECISION = "decision", _("Decision")
        LICENCE_CHANGE = "licence_change", _("Change to the licence")
        MENTION = "mention", _("Mentioned in a note")
        CATCH_ALL = "catch_all", _("Licence requirement imposed (catch-all)")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread markers of a list: one person's unread notifications for the page's cases.
            models.Index(fields=["recipient", "application"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
            # The queue's "answer received": a case's unread answers, whoever they are for.
            models.Index(fields=["application", "kind"], condition=models.Q(read_at__isnull=True), name="notification_unread_kind"),
        ]

    def __str__(self):
        return f"{self.kind} on {self.application_id} for {self.recipient_id}"


class SearchDocument(models.Model):
    """What the office's search looks in, one row per submitted application, written when it is submitted
    (licensing.applications.search): its reference, organisation, parties' names (as typed and as the screening
    normaliser folds them), goods descriptions, control entries, part, serial and lot numbers, as lower-case
    words. On PostgreSQL `vector` holds the same words as a tsvector under a GIN index (migration 0005)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    # " word word ... " with a space at both ends, so that SQLite's path can look for " prefix".
    words = models.TextField()
    vector = SearchVectorField(null=True)
