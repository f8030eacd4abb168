from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.audit.transitions import StatusGuarded, StatusQuerySet


class Role(models.TextChoices):
    EXPORTER = "exporter", _("Exporter")
    OFFICER = "officer", _("Licensing officer (CDIU)")
    ADVISOR = "advisor", _("Ministry advisor (BZ)")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Dutch Customs: checks licences in export declarations and writes them off (licensing.customs). Not an official
    # of the licensing process: it sees no cases, only the customs API.
    CUSTOMS = "customs", _("Customs")
    # The other bodies the office or the ministry may ask for advice on a case (licensing.assessment.advice_requests):
    # each sees only what it was asked, on its own pages.
    DEFENCE = "defence", _("Ministry of Defence advisor")
    ECONOMIC_AFFAIRS = "economic_affairs", _("Ministry of Economic Affairs advisor")
    INTELLIGENCE = "intelligence", _("Intelligence services advisor")


# The roles of the bodies asked for advice (not officials of the licensing process: they see no case but the ones
# they are asked about).
ADVICE_BODY_ROLES = (Role.DEFENCE, Role.ECONOMIC_AFFAIRS, Role.INTELLIGENCE)


class OrganisationStatus(models.TextChoices):
    """An organisation that registered itself files only once the office has vetted it."""

    PENDING = "pending", _("Awaiting vetting by the licensing office")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refused")


class OrgRole(models.TextChoices):
    """What a person may do within their organisation (exporters only)."""

    ADMINISTRATOR = "administrator", _("Administrator: everything, and invites and manages colleagues")
    PREPARER = "preparer", _("Preparer: drafts applications and answers questions")
    SIGNATORY = "signatory", _("Signatory: also submits, withdraws and signs the declaration")
    VIEWER = "viewer", _("Viewer: reads only")


# What a role lets its holder do, said to the person invited to it (the invitation's page and mail).
INVITED_AS = {
    OrgRole.ADMINISTRATOR: _("You are invited as an administrator: you may do everything for the organisation, and invite and manage your colleagues."),
    OrgRole.PREPARER: _("You are invited as a preparer: you draft applications and answer the licensing office's questions."),
    OrgRole.SIGNATORY: _("You are invited as a signatory: you draft applications too, and you submit them, withdraw them and sign the declaration."),
    OrgRole.VIEWER: _("You are invited as a viewer: you read the organisation's applications and licences."),
}


class Organisation(StatusGuarded, models.Model):
    """An exporter: company, person or government body that files applications."""

    name = models.CharField(max_length=200)
    kvk_number = models.CharField("KvK number", max_length=8, blank=True, help_text="Chamber of Commerce number (8 digits).")
    eori_number = models.CharField("EORI number", max_length=17, blank=True, help_text="e.g. NL123456789")
    address = models.TextField(blank=True)
    country = models.ForeignKey("reference.Country", on_delete=models.PROTECT, default="NL", related_name="+")
    # Letters and e-mails to the organisation (licence, denial notice, ruling) are written in this language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)
    # Organisations an administrator makes are active at once; one that registers itself waits for the office.
    status = models.CharField(max_length=10, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE, editable=False)
    vetted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    vetted_at = models.DateTimeField(null=True, blank=True, editable=False)
    refusal_reason = models.TextField(blank=True, editable=False)

    # The status changes only through the vetting machine (accounts.transitions).
    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kvk_number"], condition=~models.Q(kvk_number=""), name="uniq_org_kvk"),
            models.UniqueConstraint(fields=["eori_number"], condition=~models.Q(eori_number=""), name="uniq_org_eori"),
        ]

    def __str__(self):
        return self.name


class UserManager(DjangoUserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person using the system. Exporters belong to an organisation; officials do not."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EXPORTER)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    # Blank: the organisation's language (exporters) or the default language (officials).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # Within the organisation (exporters). People an administrator of the system made, and everyone from before
    # roles existed, run their organisation; invited colleagues get the role they were invited with.
    org_role = models.CharField(_("role in the organisation"), max_length=20, choices=OrgRole.choices, default=OrgRole.ADMINISTRATOR)

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="exporter") | models.Q(organisation__isnull=False) | models.Q(is_superuser=True),
                name="exporter_has_organisation",
            ),
        ]

    @property
    def effective_role(self) -> str:
        """A Django superuser is an administrator whatever its stored role."""
        return Role.ADMINISTRATOR if self.is_superuser else self.role

    @property
    def is_exporter(self) -> bool:
        return self.effective_role == Role.EXPORTER

    @property
    def is_official(self) -> bool:
        return self.effective_role in (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)

    @property
    def needs_second_factor(self) -> bool:
        """Officials, customs officers and the advisors of the other bodies sign in with a second factor
        (licensing.accounts.otp)."""
        return self.is_official or self.effective_role in (Role.CUSTOMS, *ADVICE_BODY_ROLES)

    # --- acting for another organisation (an agent or representative: licensing.accounts.agents) ---------------
    # For one request only: `act_for` changes the organisation and role this object answers with, so that every
    # selector and service scopes to the organisation acted for; `save` always writes the person's own.

    @property
    def acting_for_id(self) -> int | None:
        """The organisation this person acts for in this request as its agent, or None (their own)."""
        home = self.__dict__.get("_home")
        return self.organisation_id if home is not None else None

    @property
    def home_organisation_id(self) -> int | None:
        home = self.__dict__.get("_home")
        return home[0] if home is not None else self.organisation_id

    def act_for(self, organisation: "Organisation | None", org_role: str = "") -> None:
        """Answer as `organisation`'s agent with `org_role` in it, or (None) as oneself again. Call only through
        licensing.accounts.agents.acting_start, which checks the agency."""
        home = self.__dict__.pop("_home", None)
        if home is not None:
            self.organisation_id, self.org_role = home
        if organisation is not None and organisation.pk != self.organisation_id:
            self.__dict__["_home"] = (self.organisation_id, self.org_role)
            self.organisation, self.org_role = organisation, org_role

    def save(self, *args, **kwargs):
        home = self.__dict__.get("_home")
        if home is None:
            return super().save(*args, **kwargs)
        # Never persist the organisation acted for: the person's own organisation and role are written.
        acting = (self.organisation, self.org_role)
        self.organisation_id, self.org_role = home
        try:
            return super().save(*args, **kwargs)
        finally:
            self.organisation, self.org_role = acting

    def has_role(self, *roles: str) -> bool:
        return self.effective_role in roles

    def may_in_organisation(self, action: str) -> bool:
        """Whether this exporter's role in their organisation allows `action` (ORG_ACTIONS); officials: no."""
        return self.is_exporter and self.org_role in ORG_ACTIONS[action]

    @property
    def preferred_language(self) -> str:
        """The language e-mails to this person are written in."""
        if self.language:
            return self.language
        return self.organisation.language if self.organisation_id else settings.LANGUAGE_CODE


class EnrolmentLink(models.Model):
    """A one-time link an administrator issues so that an official may set up an authenticator app.

    Without one, a password alone set up a new app: for a new account, or after an administrator removed a lost one
    (issue 23, point 12). Only a hash of the link's secret is stored; the link is shown once, to the administrator.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    secret_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# What each role within an organisation may do: the one allow-list the application services and the pages read.
ORG_ACTIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({OrgRole.ADMINISTRATOR, OrgRole.PREPARER, OrgRole.SIGNATORY}),  # create, change, delete drafts; documents; answers
    "sign": frozenset({OrgRole.ADMINISTRATOR, OrgRole.SIGNATORY}),  # submit (with its declaration), withdraw, amend, surrender
    "manage": frozenset({OrgRole.ADMINISTRATOR}),  # invite colleagues, change their roles, let them go
    # keep the address book and the goods library (applications.library); everyone of the organisation reads them
    "keep_library": frozenset({OrgRole.ADMINISTRATOR, OrgRole.PREPARER}),
}


# The roles an organisation may give its agent: everything but running the organisation's people and agents.
AGENT_ROLES = (OrgRole.PREPARER, OrgRole.SIGNATORY, OrgRole.VIEWER)


class Agency(models.Model):
    """An agent or representative (a customs agent, or the representative an exporter established outside the EU
    needs) files for an organisation: its administrator grants the agency to a person of another firm, with a role,
    and revokes it. The agent switches between the organisations it acts for; what it does is recorded as its own,
    on behalf of the organisation (licensing.accounts.agents)."""

    agent = models.ForeignKey(User, on_delete=models.PROTECT, related_name="agencies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agencies")
    org_role = models.CharField(_("role in the organisation"), max_length=20, choices=[(r.value, r.label) for r in AGENT_ROLES])
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["agent", "organisation"], condition=models.Q(revoked_at__isnull=True), name="uniq_live_agency"),
        ]

    def __str__(self):
        return f"{self.agent} for {self.organisation}"


class Invitation(models.Model):
    """An organisation's administrator invites a colleague by e-mail with a role; the link is signed (no secret is
    stored) and works once, until it expires."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    org_role = models.CharField(max_length=20, choices=OrgRole.choices)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.organisation})"

    @property
    def invited_as(self) -> str:
        """The role and what it lets the colleague do, as one sentence in the reader's language."""
        return str(INVITED_AS[self.org_role])


class SavedSearch(models.Model):
    """One person's search of the office's cases, kept under a name of their choice: the search page's query string
    (licensing.routing.search.SearchForm's fields), re-encoded from what the form accepted."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_search_name_per_owner")]

    def __str__(self):
        return self.name
