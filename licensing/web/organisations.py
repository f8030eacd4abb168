"""Organisations that run themselves, in the pages: a company registers itself, the office vets it, its
administrator invites colleagues with a role and lets them go. The rules are licensing.accounts.organisations'."""
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.accounts import agents, organisations
from licensing.accounts.models import AGENT_ROLES, Organisation, OrganisationStatus, OrgRole
from licensing.core.counters import counter_incr
from licensing.core.errors import DomainError, NotAllowed, NotFound

from .access import roles_required
from .errors import error_items, form_error_items, form_error_message
from .exporter import exporter_required
from .fields import CountryChoiceField, country_map

# Self-registration and accepting invitations are open to anyone: at most this many tries per address per hour.
ANONYMOUS_TRIES_PER_HOUR = 10


class RegisterForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the organisation"), max_length=200)
    kvk_number = forms.CharField(label=gettext_lazy("KvK number"), max_length=8, help_text=gettext_lazy("Chamber of Commerce number: eight digits."))
    eori_number = forms.CharField(label=gettext_lazy("EORI number"), max_length=17, help_text=gettext_lazy("e.g. NL123456789"))
    address = forms.CharField(label=gettext_lazy("Address"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    language = forms.ChoiceField(label=gettext_lazy("Language of letters and e-mails"), choices=[("nl", "Nederlands"), ("en", "English")])
    first_name = forms.CharField(label=gettext_lazy("Your first name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Your last name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"))
    username = forms.RegexField(label=gettext_lazy("Username"), regex=r"^[A-Za-z0-9_.-]{3,150}$", max_length=150,
                                help_text=gettext_lazy("3 to 150 letters, digits and . _ -"))
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput(render_value=False), max_length=200)

    ORGANISATION = ("name", "kvk_number", "eori_number", "address", "country", "language")
    ADMINISTRATOR = ("first_name", "last_name", "email", "username", "password")

    def __init__(self, *args, countries: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = CountryChoiceField(label=gettext_lazy("Country of establishment"), countries=countries)
        self.order_fields(self.ORGANISATION + self.ADMINISTRATOR)

    def organisation_fields(self):
        """The fields about the company (the page's first fieldset), by name: each field is in one group only."""
        return [self[name] for name in self.ORGANISATION]

    def administrator_fields(self):
        return [self[name] for name in self.ADMINISTRATOR]


class AcceptForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("Your first name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Your last name"), max_length=150)
    username = RegisterForm.base_fields["username"]
    password = RegisterForm.base_fields["password"]


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Colleague's e-mail address"))
    org_role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", gettext_lazy("— choose —"))] + OrgRole.choices)


def _too_many(request, what: str) -> HttpResponse | None:
    if counter_incr(f"{what}:{request.META.get('REMOTE_ADDR', '')}", timeout=3600) > ANONYMOUS_TRIES_PER_HOUR:
        return HttpResponse(_("Too many attempts from your address; try again in an hour."), status=429, content_type="text/plain; charset=utf-8")
    return None


def _errors(form, exc: DomainError | None = None) -> list[dict]:
    """The form's errors and the service's, each under its field, for the error summary (web.errors)."""
    elsewhere = {}
    if exc is not None:
        for name, msgs in exc.fields.items():
            if name in form.fields:
                form.add_error(name, msgs)
            else:
                elsewhere[name] = msgs
    items = form_error_items(form) + error_items(elsewhere, words=lambda path: "", anchor=lambda path: "main")
    return items or ([{"label": "", "href": "#main", "message": exc.message}] if exc else [])


def register(request):
    """A company registers itself and its first administrator; it prepares drafts at once and files once vetted."""
    if request.user.is_authenticated:
        return redirect("home")
    countries = country_map()
    form = RegisterForm(request.POST or None, countries=countries, initial={"country": "NL", "language": request.LANGUAGE_CODE})
    errors = []
    if request.method == "POST":
        refused = _too_many(request, "register")
        if refused:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisations.organisation_register(
                    name=data["name"], kvk_number=data["kvk_number"], eori_number=data["eori_number"], address=data["address"],
                    country=data["country"], language=data["language"], username=data["username"], password=data["password"],
                    email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                )
            except DomainError as exc:
                errors = _errors(form, exc)
            else:
                messages.success(request, _("Your organisation is registered. The licensing office checks it before you can submit applications; you can log in and prepare drafts now."))
                return redirect("login")
        else:
            errors = _errors(form)
    return render(request, "web/register.html", {"form": form, "errors": errors})


def invitation(request, token):
    """The invited colleague chooses a username and password (anyone with the link; it works once)."""
    if request.user.is_authenticated:  # an invitation makes a new account: not for someone signed in as another
        messages.info(request, _("Log out first to accept an invitation: it makes a new account."))
        return redirect("home")
    try:
        invited = organisations.invitation_open(token)
    except NotFound as exc:
        return render(request, "web/invitation.html", {"invalid": exc.message}, status=404)
    form = AcceptForm(request.POST or None)
    errors = []
    if request.method == "POST":
        refused = _too_many(request, "invitation")
        if refused:
            return refused
        if form.is_valid():
            try:
                organisations.invitation_accept(token=token, **form.cleaned_data)
            except DomainError as exc:
                errors = _errors(form, exc)
            else:
                messages.success(request, _("Your account is ready: log in with the username and password you chose."))
                return redirect("login")
        else:
            errors = _errors(form)
    return render(request, "web/invitation.html", {"invitation": invited, "form": form, "errors": errors})


@exporter_required
def organisation(request):
    """The organisation's people and their roles; its administrator invites, changes roles and lets people go."""
    user = request.user
    people = get_user_model().objects.filter(organisation_id=user.organisation_id, is_active=True).order_by("last_name", "username")
    pending = user.organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[:50]
    manages = user.may_in_organisation("manage")
    return render(request, "exporter/organisation.html", {
        "organisation": user.organisation, "people": people, "pending": pending if manages else [], "manages": manages,
        "invite_form": InviteForm() if manages else None, "roles": OrgRole.choices,
        "agencies": agents.agents_of(user.organisation_id) if manages else [], "agency_form": AgencyForm() if manages else None,
        "acts_for": list(agents.agencies_of(user)),
    })



@require_POST
@exporter_required
def invite(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("organisation")
    try:
        organisations.invitation_issue(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
    return redirect("organisation")


@require_POST
@exporter_required
def member(request, user_id):
    colleague = get_object_or_404(get_user_model(), pk=user_id, organisation_id=request.user.organisation_id, is_active=True)
    leave = request.POST.get("leave") == "yes"
    try:
        organisations.member_change(actor=request.user, member=colleague, org_role=None if leave else request.POST.get("org_role", ""), leave=leave)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s no longer works for your organisation here; what they drafted stays.") % {"name": colleague.get_full_name() or colleague.username}
                         if leave else _("Role changed."))
    return redirect("organisation")


# --- agents and representatives (licensing.accounts.agents) ------------------------------------------------
class AgencyForm(forms.Form):
    agent = forms.CharField(label=gettext_lazy("The agent's username or e-mail address"), max_length=254,
                            help_text=gettext_lazy("A person of another firm (a customs agent or representative) with an account here."))
    org_role = forms.ChoiceField(label=gettext_lazy("Role"), choices=[("", gettext_lazy("— choose —"))] + [(r.value, r.label) for r in AGENT_ROLES])

    def __init__(self, *args, **kwargs):
        # Its own ids: the organisation page shows it beside the invitation form, whose role field is id_org_role too.
        kwargs.setdefault("auto_id", "id_agency_%s")
        super().__init__(*args, **kwargs)


@require_POST
@exporter_required
def agency_grant(request):
    form = AgencyForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("organisation")
    try:
        agency = agents.agency_grant(actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s now acts for your organisation.") % {"name": agency.agent.get_full_name() or agency.agent.username})
    return redirect("organisation")


@require_POST
@exporter_required
def agency_revoke(request, agency_id):
    try:
        agency = agents.agency_revoke(actor=request.user, agency_id=agency_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s no longer acts for your organisation.") % {"name": agency.agent.get_full_name() or agency.agent.username})
    return redirect("organisation")


@exporter_required
def switch(request):
    """The organisations this person acts for as an agent, and their own: the one chosen is the one every page
    shows and every action is done for, until they switch again."""
    if request.method == "POST":
        try:
            chosen = agents.acting_choose(request, request.POST.get("organisation"))
        except NotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("organisation-switch")
        messages.success(request, _("You now act for %(name)s.") % {"name": chosen.name} if request.user.acting_for_id else _("You act for your own organisation again."))
        return redirect("exporter:list")
    home = Organisation.objects.get(pk=request.user.home_organisation_id)
    return render(request, "exporter/switch.html", {"home": home, "agencies": list(agents.agencies_of(request.user)), "current": request.user.organisation_id})


class VetForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("refuse", "refuse")])
    reason = forms.CharField(label=gettext_lazy("Reason (sent to the organisation when refused)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


@roles_required(organisations.VETTING)
def vetting(request):
    """The office's list of self-registered organisations waiting to be vetted, oldest first, and those decided."""
    waiting = Organisation.objects.filter(status=OrganisationStatus.PENDING).select_related("country").prefetch_related("users").order_by("created_at", "pk")
    page = Paginator(waiting, 25).get_page(request.GET.get("page"))
    return render(request, "office/organisations.html", {"page": page, "form": VetForm()})


@require_POST
@roles_required(organisations.VETTING)
def vet(request, organisation_id):
    subject = get_object_or_404(Organisation, pk=organisation_id)
    form = VetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or refuse."))
        return redirect("office:organisations")
    try:
        organisations.organisation_vet(actor=request.user, organisation=subject, accept=form.cleaned_data["decision"] == "accept", reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is vetted.") % {"name": subject.name})
    return redirect("office:organisations")
