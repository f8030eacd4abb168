"""The guided application (GOV.UK "task list" and "check your answers"): short pages over the same draft the one-page
form edits. The services stay the only writers (application_create/_update/_submit) and validation.application_errors
the one judge of completeness: a section's status is read from its errors, never decided again here."""
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from licensing.applications import library, services
from licensing.applications.aluminium import ORIGIN_FIELDS, REQUIRED, is_aluminium
from licensing.applications.choices import Kind, Movement
from licensing.applications.models import Application, Status
from licensing.applications.validation import NEEDS_PARTIES, application_errors, follow_ups
from licensing.core.errors import DomainError, NotFound
from licensing.reference.models import Country
from licensing.routing.determination import country_code
from licensing.routing.visibility import deciding_rules, visible_determination

from .confirm import confirmation_page, confirmed
from .determination import DeterminationForm
from .errors import LINE_PATH, application_words, error_items, form_error_items
from .exporter import _initial, _own, exporter_required
from .fields import countries_as_codes, country_map
from .forms import DocumentForm, GoodsLineForm, PartyForm, ruling_words
from .guided_forms import DeclarationForm, DestinationsForm, SectionForm, StartForm
from .library import save_from_application

NOT_STARTED, IN_PROGRESS, COMPLETED, OPTIONAL = "not_started", "in_progress", "completed", "optional"
STATUS_WORDS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETED: gettext_lazy("Completed"),
    OPTIONAL: gettext_lazy("Optional"),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    url: str  # the section's page (url name in the exporter namespace)
    fields: tuple[str, ...]  # what it asks: ApplicationForm fields, or the name of the list it keeps (goods, parties, documents)
    given: Callable[[Application], bool]  # the exporter answered something in it

    def owns(self, path: str) -> bool:
        """Whether an error path of validation.application_errors is this section's (`goods[3].quantity` is the goods')."""
        return path.split("[")[0].split(".")[0] in self.fields

    def status(self, application: Application, errors: dict) -> str:
        wrong = any(self.owns(path) for path in errors)
        if not self.given(application):
            return NOT_STARTED if wrong else OPTIONAL
        return IN_PROGRESS if wrong else COMPLETED


def sections(application: Application) -> list[Section]:
    """The sections that apply to the draft's kind and movement, in the order they are asked."""
    kind, movement = application.kind, application.movement
    if kind == Kind.GENERAL_REGISTRATION:
        return [Section("licence", gettext_lazy("General licence"), "guided-licence", ("title", "general_licence", "conditions_confirmed"),
                        lambda a: bool(a.general_licence_id or a.conditions_confirmed))]
    about = ("title", "purpose", "repaired_goods_from_netherlands")
    if movement == Movement.EXPORT:
        about += ("temporary", "reimport_date")
    if movement == Movement.BROKERING:
        about += ("brokering_value_eur",)
    where = (() if kind == Kind.CLASSIFICATION else ("destinations",)) + (("origin_country",) if movement == Movement.TRANSIT else ())
    found = [Section("about", gettext_lazy("About the application"), "guided-about", about, lambda a: bool(a.purpose))]
    if where:
        found.append(Section("destinations", gettext_lazy("Destinations") if kind != Kind.CLASSIFICATION else gettext_lazy("Country of origin"),
                             "guided-destinations", where, lambda a: bool(a.origin_country_id or list(a.destinations.all()))))
    found.append(Section("end_use", gettext_lazy("End use"), "guided-end-use", ("end_use", "end_use_description"), lambda a: bool(a.end_use)))
    found.append(Section("goods", gettext_lazy("Goods"), "guided-goods", ("goods",), lambda a: bool(list(a.goods.all()))))
    if kind in NEEDS_PARTIES:
        found.append(Section("parties", gettext_lazy("Parties"), "guided-parties", ("parties",), lambda a: bool(list(a.parties.all()))))
    found.append(Section("documents", gettext_lazy("Documents"), "guided-documents", ("documents",), lambda a: bool(list(a.documents.all()))))
    return found


def _section(application: Application, key: str) -> Section:
    for section in sections(application):
        if section.key == key:
            return section
    raise Http404("This section does not apply to this application.")


def _after(application: Application, key: str) -> str:
    """Where "save and continue" goes: the next section that applies, then the check-your-answers page."""
    keys = sections(application)
    for index, section in enumerate(keys):
        if section.key == key and index + 1 < len(keys):
            return reverse(f"exporter:{keys[index + 1].url}", args=[application.pk])
    return reverse("exporter:guided-check", args=[application.pk])


def _onward(request, application: Application, key: str):
    messages.success(request, _("Draft %(reference)s saved.") % {"reference": application.reference})
    if "later" in request.POST:
        return redirect("exporter:guided-tasks", pk=application.pk)
    return redirect(_after(application, key))


def guided_error_items(fields: dict, application: Application) -> list[dict]:
    """Errors of the whole application, each linked to its control on the section page that asks it."""
    by_key = {s.key: s for s in sections(application)}
    items = []
    for path, found in fields.items():
        section = next((s for s in by_key.values() if s.owns(path)), None)
        match = LINE_PATH.match(path)
        if section is None:
            page = reverse("exporter:guided-tasks", args=[application.pk])
            anchor = "main"
        elif match:
            page = reverse(f"exporter:guided-{'goods-line' if match[1] == 'goods' else 'party'}", args=[application.pk, int(match[2]) + 1])
            anchor = f"id_{match[3]}"
        elif section.key in ("goods", "parties", "documents"):
            page, anchor = reverse(f"exporter:{section.url}", args=[application.pk]), "main"
        else:
            page, anchor = reverse(f"exporter:{section.url}", args=[application.pk]), f"id_{path}"
        items += error_items({path: found}, words=application_words, anchor=lambda _path, a=anchor: a, page=page)
    return items


def draft_page(view):
    """An exporter's page on one of the organisation's drafts; a submitted application goes to its own page."""

    @exporter_required
    def wrapped(request, pk, **kwargs):
        application = _own(request, pk)
        if application.status != Status.DRAFT:
            return redirect("exporter:detail", pk=application.pk)
        return view(request, application, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- start and task list ----------------------------------------------------------------------------------------
def _determination_facts(request) -> dict | None:
    """The facts of the determination page's answer ("Do I need a licence?"), carried in the query string to start an
    application with them; None when there are none or they do not read (the start then asks everything)."""
    if "goods_kind" not in request.GET:
        return None
    form = DeterminationForm(request.GET)
    if not form.is_valid():
        return None
    facts = dict(form.cleaned_data)
    facts["destination"] = Country.objects.filter(code=country_code(facts["destination"])).first()
    return facts


def _with_facts(data: dict, facts: dict) -> dict:
    """The draft's answers taken from the determination's facts: what the exporter said there is not asked again."""
    data.update(end_use=facts["end_use"], purpose=facts["purpose"])
    if data["kind"] == Kind.GENERAL_REGISTRATION:
        return data
    if facts["temporary"] and data["movement"] == Movement.EXPORT:
        data["temporary"] = True
    if facts["destination"] is not None and data["kind"] != Kind.CLASSIFICATION:
        data["destinations"] = [facts["destination"]]
    line = {"goods_kind": facts["goods_kind"], "control_entry": facts["control_entry"].strip(), "complete_system": facts["complete_system"], "description": ""}
    if data["kind"] != Kind.CLASSIFICATION:
        line["value_eur"] = facts["value_eur"]
    data["goods"] = [line]  # its description, quantity and unit are asked on the goods line's page
    return data


@exporter_required
def start(request):
    """Kind and movement first: they decide which sections the task list shows. Nothing is chosen beforehand, except
    what the exporter already answered on the determination page when they come from there."""
    facts = _determination_facts(request)
    initial = {"movement": facts["movement"]} if facts else {}
    form = StartForm(request.POST if request.method == "POST" else None, initial=initial)
    errors = []
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        if data["kind"] != Kind.GENERAL_REGISTRATION:
            data.update(end_use="", purpose="")  # asked on their own pages; the model's defaults would choose for the exporter
        if facts:
            data = _with_facts(data, facts)
        try:
            application = services.application_create(actor=request.user, data=data)
        except DomainError as exc:
            errors = [{"label": "", "href": "#main", "message": exc.message}]
        else:
            return redirect("exporter:guided-tasks", pk=application.pk)
    else:
        errors = form_error_items(form) if form.is_bound else []
    return render(request, "exporter/guided/start.html", {"form": form, "errors": errors, "facts": facts})


def _rows(application: Application, errors: dict) -> list[dict]:
    """The task list: each section that applies, its page and its status read from the application's errors."""
    rows = []
    for section in sections(application):
        status = section.status(application, errors)
        rows.append({"section": section, "status": status, "status_words": STATUS_WORDS[status], "url": reverse(f"exporter:{section.url}", args=[application.pk])})
    return rows


@require_GET
@draft_page
def tasks(request, application):
    errors = application_errors(application)
    rows = _rows(application, errors)
    done = sum(row["status"] in (COMPLETED, OPTIONAL) for row in rows)
    return render(request, "exporter/guided/tasks.html", {"application": application, "rows": rows, "done": done, "complete": not errors})


# --- the sections of fields ---------------------------------------------------------------------------------------
@draft_page
def section(request, application, key):
    """One section of the application's own fields (about, general licence, end use)."""
    return section_view(request, application, key)


def section_view(request, application, key):
    section = _section(application, key)
    initial, _goods, _parties = _initial(application)
    form = SectionForm(request.POST if request.method == "POST" else None, initial=initial, countries=country_map(), fields=section.fields)
    asked = _follow_ups(form)
    for name, applies in asked.items():
        if not applies:
            form.fields.pop(name, None)  # not shown, not required; saved empty
    newly = [name for name, applies in asked.items() if applies and form.is_bound and name not in request.POST]
    errors = []
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data, **{name: None for name, applies in asked.items() if not applies and name in section.fields})
            try:
                services.application_update(actor=request.user, application=application, data=data)
            except DomainError as exc:
                errors = _domain_items(exc, anchor=lambda path: f"id_{path}")
            else:
                if newly and "later" not in request.POST:
                    messages.info(request, _("Your answer brings a further question: answer it below."))
                    return redirect(f"exporter:{section.url}", pk=application.pk)
                return _onward(request, application, key)
        else:
            errors = form_error_items(form)
    return render(request, "exporter/guided/section.html", {"application": application, "section": section, "form": form, "errors": errors})


@draft_page
def destinations(request, application):
    """The destinations: a list on the draft, one country added at a time by its name (typed, or picked from the
    names the browser offers) and each removed by its own button; no JavaScript needed. "Save and continue" also adds
    a country typed but not yet added. Whether the list is right (one for an individual licence, outside the EU for an
    export) is validation.application_errors' to say, shown here once there is a list."""
    section = _section(application, "destinations")
    if "destinations" not in section.fields:  # a classification in transit: only the country of origin is asked
        return section_view(request, application, "destinations")
    countries = country_map()
    position = {code: index for index, code in enumerate(countries)}  # in the order of their names in the page's language
    chosen = sorted(application.destinations.all(), key=lambda c: position[c.code])
    initial, _goods, _parties = _initial(application)
    initial.pop("destinations", None)
    form = DestinationsForm(request.POST if request.method == "POST" else None, initial=initial, countries=countries, fields=section.fields)
    errors = []
    if request.method == "POST" and "remove" in request.POST:
        kept = [c for c in chosen if c.code != request.POST["remove"]]
        return _save_destinations(request, application, {"destinations": kept}, [c.name for c in chosen if c not in kept], _("%(country)s removed."))
    if request.method == "POST" and form.is_valid():
        added = form.cleaned_data.pop("destinations")
        if "add" in request.POST and added is None:
            form.add_error("destinations", _("Type the name of the country to add."))
        else:
            data = dict(form.cleaned_data, destinations=chosen + [added] if added and added not in chosen else chosen)
            if "add" in request.POST:
                return _save_destinations(request, application, data, [added.name], _("%(country)s added."))
            try:
                services.application_update(actor=request.user, application=application, data=data)
            except DomainError as exc:
                errors = _domain_items(exc, anchor=lambda path: f"id_{path}")
            else:
                return _onward(request, application, "destinations")
    if request.method == "POST" and not errors:
        errors = form_error_items(form)
    elif request.method == "GET" and chosen:
        own = {p: m for p, m in application_errors(application).items() if p == "destinations"}
        errors = error_items(own, words=application_words, anchor=lambda path: f"id_{path}")
    return render(
        request,
        "exporter/guided/destinations.html",
        {"application": application, "section": section, "form": form, "errors": errors, "chosen": chosen, "countries": countries.values()},
    )


def _save_destinations(request, application, data: dict, names: list[str], done: str):
    """Add or remove a destination, and back to the destinations page (post, redirect, get: a reload sends nothing)."""
    try:
        services.application_update(actor=request.user, application=application, data=data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        for name in names:
            messages.success(request, done % {"country": name})
    return redirect("exporter:guided-destinations", pk=application.pk)


def _follow_ups(form) -> dict[str, bool]:
    """The follow-up questions of the section's form (validation.follow_ups) and whether each applies to what the form
    holds: as typed when it was posted, else as the draft has it. A section that asks neither field has none."""
    value = {name: form[name].value() if name in form.fields else None for name in ("temporary", "purpose")}
    asked = follow_ups(temporary=bool(value["temporary"]), purpose=value["purpose"])
    return {name: applies for name, applies in asked.items() if name in form.fields}


def _domain_items(exc: DomainError, *, anchor: Callable[[str], str]) -> list[dict]:
    return error_items(exc.fields or {"": [exc.message]}, words=application_words, anchor=anchor)


# --- goods lines and parties: a list page, then one line per page -------------------------------------------------
LISTS = {
    "goods": {"form": GoodsLineForm, "line_url": "guided-goods-line", "add_url": "guided-goods-add", "remove_url": "guided-goods-remove", "list_url": "guided-goods",
              "pick_param": "item"},
    "parties": {"form": PartyForm, "line_url": "guided-party", "add_url": "guided-party-add", "remove_url": "guided-party-remove", "list_url": "guided-parties",
                "pick_param": "entry"},
}


def _lines(application: Application, name: str) -> list:
    """The draft's goods lines or parties, their countries joined (one query, whatever their number)."""
    return list(getattr(application, name).select_related(*services.LINE_LISTS[name][1]).order_by("position", "pk"))


def _as_data(line, name: str) -> dict:
    return {k: getattr(line, k) for k in services.LINE_LISTS[name][0]}


def _list_page(request, application, name):
    spec = LISTS[name]
    section = _section(application, name)
    errors = application_errors(application)
    lines = _lines(application, name)
    rows = [{"line": line, "n": i + 1, "wrong": any(p.startswith(f"{name}[{i}].") for p in errors)} for i, line in enumerate(lines)]
    own = {p: m for p, m in errors.items() if p == name}
    return render(
        request,
        f"exporter/guided/{name}.html",
        {"application": application, "section": section, "rows": rows, "spec": spec, "next_url": _after(application, name),
         "errors": guided_error_items(own, application) if own else [], "may_keep": library.may_keep(request.user)},
    )


def _line_page(request, application, name, n=None):
    """Add (n None) or change line n (1-based) of the goods or parties (services.application_line_save)."""
    spec = LISTS[name]
    section = _section(application, name)
    lines = [_as_data(line, name) for line in _lines(application, name)]
    if n is not None and not 1 <= n <= len(lines):
        raise Http404("No such line.")
    current = lines[n - 1] if n else _picked(request, application, name)
    countries = country_map()
    aluminium_before = name == "goods" and bool(current) and is_aluminium(marked=current["is_aluminium"], hs_code=current["hs_code"])
    aluminium_now = name == "goods" and request.method == "POST" and is_aluminium(marked=bool(request.POST.get("is_aluminium")), hs_code=request.POST.get("hs_code", ""))
    form = spec["form"](request.POST if request.method == "POST" else None, initial=countries_as_codes(current), countries=countries)
    if name == "goods" and not (aluminium_before or aluminium_now):
        for field in ORIGIN_FIELDS:  # the smelt and cast countries are asked of aluminium lines only
            del form.fields[field]
    errors = []
    index = (n - 1) if n else len(lines)
    if request.method == "POST":
        if form.is_valid():
            line = dict(form.cleaned_data)
            try:
                services.application_line_save(actor=request.user, application=application, name=name, position=(n - 1) if n else None, data=line)
            except DomainError as exc:
                prefix = f"{name}[{index}]."
                errors = _domain_items(exc, anchor=lambda path: f"id_{path[len(prefix):]}" if path.startswith(prefix) else "main")
            else:
                if aluminium_now and not aluminium_before and any(not line.get(f) for f in REQUIRED):
                    messages.info(request, _("This line is aluminium: give the countries of smelt and cast below."))
                    return redirect(f"exporter:{spec['line_url']}", pk=application.pk, n=index + 1)
                messages.success(request, _("Draft %(reference)s saved.") % {"reference": application.reference})
                if "later" in request.POST:
                    return redirect("exporter:guided-tasks", pk=application.pk)
                return redirect(f"exporter:{spec['list_url']}", pk=application.pk)
        else:
            errors = form_error_items(form)
    return render(
        request,
        "exporter/guided/line.html",
        {"application": application, "section": section, "form": form, "errors": errors, "n": index + 1, "adding": n is None, "spec": spec, "name": name},
    )


def _picked(request, application, name) -> dict:
    """A new line's fields picked from the address book (`?entry=`) or the goods library (`?item=`): copied into the
    form, which the exporter checks, changes and saves as a typed one (the same form, service and validation)."""
    pk = request.GET.get(LISTS[name]["pick_param"], "")
    if request.method != "GET" or not pk.isdigit():
        return {}
    try:
        if name == "parties":
            entry = library.entry_of(request.user, int(pk))
            messages.info(request, _("Filled in from your address book: check the party's details and save them."))
            return library.party_details(entry)
        item = library.item_of(request.user, int(pk))
    except NotFound:
        raise Http404 from None
    words = [_("Filled in from your goods library: give the quantity and the value of this shipment.")]
    if item.unit_value_eur is not None:
        words.append(_("Usual value of one unit: EUR %(value)s.") % {"value": number_format(item.unit_value_eur, 2, force_grouping=True)})
    if item.ruling_id:
        words.append(_("Classification ruling %(ruling)s.") % {"ruling": ruling_words(item.ruling)})
    messages.info(request, " ".join(words))
    return library.product_details(item)


def _pick_page(request, application, name):
    """The organisation's address book or goods library, a button per entry that opens a new party or goods line
    filled in with it (a GET form: no JavaScript needed)."""
    spec = LISTS[name]
    section = _section(application, name)
    entries = library.address_book(request.user).order_by("name", "pk") if name == "parties" else library.goods_library(request.user).order_by("description", "pk")
    return render(request, "exporter/guided/pick.html", {"application": application, "section": section, "spec": spec, "name": name, "entries": entries})


def _remove_line(request, application, name, n):
    spec = LISTS[name]
    _section(application, name)
    if not 1 <= n <= getattr(application, name).count():
        raise Http404("No such line.")
    words = _("Goods line %(n)s") if name == "goods" else _("Party %(n)s")
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Remove %(line)s?") % {"line": words % {"n": n}},
            consequence=_("It is removed from the draft; the lines after it move up one place."),
            button=_("Yes, remove it"),
            cancel_url=reverse(f"exporter:{spec['list_url']}", args=[application.pk]),
        )
    try:
        services.application_line_save(actor=request.user, application=application, name=name, position=n - 1, data=None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed."))
    return redirect(f"exporter:{spec['list_url']}", pk=application.pk)


@require_GET
@draft_page
def goods(request, application):
    return _list_page(request, application, "goods")


@draft_page
def goods_line(request, application, n=None):
    return _line_page(request, application, "goods", n)


@draft_page
def goods_remove(request, application, n):
    if request.method != "POST":
        return redirect("exporter:guided-goods", pk=application.pk)
    return _remove_line(request, application, "goods", n)


@require_GET
@draft_page
def parties(request, application):
    return _list_page(request, application, "parties")


@draft_page
def party(request, application, n=None):
    return _line_page(request, application, "parties", n)


@draft_page
def party_remove(request, application, n):
    if request.method != "POST":
        return redirect("exporter:guided-parties", pk=application.pk)
    return _remove_line(request, application, "parties", n)


@require_GET
@draft_page
def party_pick(request, application):
    return _pick_page(request, application, "parties")


@require_GET
@draft_page
def goods_pick(request, application):
    return _pick_page(request, application, "goods")


@require_POST
@exporter_required
def party_save(request, pk, n):
    """Keep party n of one of the organisation's applications (a draft or a submitted one) in its address book."""
    return save_from_application(request, _own(request, pk), "parties", n)


@require_POST
@exporter_required
def goods_save(request, pk, n):
    """Keep the product of goods line n of one of the organisation's applications in its goods library."""
    return save_from_application(request, _own(request, pk), "goods", n)


@require_GET
@draft_page
def documents(request, application):
    """The draft's documents; the upload form posts to the one upload page (exporter.document_upload), which comes back here."""
    section = _section(application, "documents")
    errors = {p: m for p, m in application_errors(application).items() if p == "documents"}
    return render(
        request,
        "exporter/guided/documents.html",
        {"application": application, "section": section, "document_form": DocumentForm(), "next_url": _after(application, "documents"),
         "errors": error_items(errors, words=application_words, anchor=lambda path: "upload")},
    )


# --- check your answers, submission, confirmation -----------------------------------------------------------------
@draft_page
def check(request, application):
    """Everything on one page with a link to change each section; the declaration; submission by a signatory."""
    may_sign = request.user.may_in_organisation("sign")
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST":
        if not may_sign:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.application_submit(actor=request.user, application=application)
            except DomainError as exc:
                errors = guided_error_items(exc.fields, application) if exc.fields else [{"label": "", "href": "#main", "message": exc.message}]
                if exc.fields:
                    messages.error(request, exc.message)
            else:
                return redirect("exporter:guided-confirmation", pk=application.pk)
        else:
            errors = form_error_items(form)
    found = application_errors(application)
    if request.method != "POST":
        errors = guided_error_items(found, application)
    rows = _rows(application, found)
    for row in rows:
        row["answers"] = _answers(application, row["section"])
    return render(
        request,
        "exporter/guided/check.html",
        {"application": application, "rows": rows, "form": form, "errors": errors, "may_sign": may_sign, "complete": not found,
         "goods": _lines(application, "goods"), "parties": _lines(application, "parties")},
    )


LISTED = ("goods", "parties", "documents")


def _answers(application: Application, section: Section) -> list[tuple[str, str]]:
    """A section's answers as the exporter reads them: the field's words (errors.application_words) and its value."""
    answers = []
    asked = follow_ups(temporary=application.temporary, purpose=application.purpose)
    for name in section.fields:
        if name in LISTED:
            continue
        if not asked.get(name, True):
            continue  # a follow-up question the exporter was not asked
        value = getattr(application, name)
        if name == "destinations":
            text = ", ".join(c.name for c in application.destinations.all())
        elif hasattr(application, f"get_{name}_display"):
            text = getattr(application, f"get_{name}_display")() if value else ""
        elif isinstance(value, bool):
            text = _("Yes") if value else _("No")
        elif isinstance(value, Decimal):
            text = number_format(value, 2, force_grouping=True)
        elif hasattr(value, "name"):
            text = value.name
        else:
            text = formats.localize(value) if value is not None else ""
        answers.append((application_words(name), text or "—"))
    return answers


@require_GET
@exporter_required
def confirmation(request, pk):
    """After submission: the reference, who decides and why (the routing's rules that chose who decides, as the exporter
    may read them), the statutory deadline and what happens next."""
    application = _own(request, pk)
    if application.status == Status.DRAFT:
        return redirect("exporter:guided-tasks", pk=application.pk)
    determination = visible_determination(application.determination or {}, request.user)
    return render(request, "exporter/guided/confirmation.html", {"application": application, "rules": deciding_rules(determination)})



@require_POST
@exporter_required
def copy(request, pk):
    """A new draft with an earlier application's answers, goods and parties (services.application_copy), opened on its
    task list: what changed since is then changed section by section."""
    earlier = _own(request, pk)
    try:
        application = services.application_copy(actor=request.user, application=earlier)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exporter:detail", pk=earlier.pk)
    messages.success(
        request,
        _("Draft %(reference)s copies %(earlier)s: check each section, and upload its documents again.") % {"reference": application.reference, "earlier": earlier.reference},
    )
    return redirect("exporter:guided-tasks", pk=application.pk)
