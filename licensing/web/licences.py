"""The holder's pages for licences and registrations: report usage one by one or by file, declare a half-year, surrender."""
import hashlib
import json
import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from licensing.core.errors import DomainError
from licensing.core.limits import body_limit
from licensing.customs.selectors import write_offs_of_licence, write_offs_of_registration
from licensing.core.errors import NotAllowed
from licensing.licences import conditions, lifecycle, selectors, usage, usage_periods, usage_writer
from licensing.licences.models import LicenceCondition
from licensing.reference.models import Obligation

from .confirm import confirmation_page, confirmed
from .errors import form_error_message
from .decisions import error_message
from .exporter import exporter_required
from .fields import AmountField, DateField


class UsageForm(forms.Form):
    exported_on = DateField(label=gettext_lazy("Export date"))
    destination = forms.CharField(label=gettext_lazy("Destination (country code)"), max_length=2)
    control_entry = forms.CharField(label=gettext_lazy("Control entry"), max_length=60)
    quantity = AmountField(label=gettext_lazy("Quantity"), min_value=0, max_digits=14, decimal_places=3)
    value_eur = AmountField(label=gettext_lazy("Value (EUR)"), min_value=0, max_digits=16, decimal_places=2)
    recipient = forms.CharField(label=gettext_lazy("Recipient"), max_length=300)
    serial_numbers = forms.CharField(label=gettext_lazy("Serial numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lot_numbers = forms.CharField(label=gettext_lazy("Lot numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    movement = forms.ChoiceField(
        label=gettext_lazy("Movement"),
        required=False,
        choices=[("", gettext_lazy("As the licence says"))] + [(m.value, m.label) for m in usage.USAGE_MOVEMENTS],
        help_text=gettext_lazy("Only where the licence covers more than one, e.g. export or transit under NL009."),
    )
    origin = forms.CharField(
        label=gettext_lazy("Country of origin (country code)"),
        max_length=2,
        required=False,
        help_text=gettext_lazy("For transit: the country the goods came from."),
    )
    token = forms.CharField(widget=forms.HiddenInput)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"), help_text=gettext_lazy("Columns: licence, exported_on, destination, control_entry, quantity, value_eur, recipient, serial_numbers, lot_numbers, and optionally movement and origin."))


@exporter_required
def licence_list(request):
    return render(
        request,
        "exporter/licences.html",
        {
            "licences": selectors.licences_visible_to(request.user).order_by("-valid_from"),
            "registrations": selectors.registrations_visible_to(request.user),
            "upload_form": UploadForm(),
            "usage_errors": request.session.pop("usage_errors", None),
        },
    )


def _held(request, number):
    licence = selectors.licences_visible_to(request.user).filter(number=number).first()
    return licence or get_object_or_404(selectors.registrations_visible_to(request.user), number=number)


def ended_periods(today, count: int = 4) -> list:
    """The last `count` half-years that have ended (the periods a holder reports on), newest first."""
    start = date(today.year, 1, 1) if today.month >= 7 else date(today.year - 1, 7, 1)
    periods = []
    for _step in range(count):
        periods.append(start)
        start = date(start.year, 1, 1) if start.month == 7 else date(start.year - 1, 7, 1)
    return periods


class DeclareForm(forms.Form):
    period_start = forms.TypedChoiceField(label=gettext_lazy("Half-year"), coerce=date.fromisoformat)
    nothing_to_report = forms.BooleanField(label=gettext_lazy("Nothing was exported under it in this half-year"), required=False)

    def __init__(self, *args, declared: set, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for start in ended_periods(timezone.localdate()):
            if start not in declared:
                end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
                choices.append((start.isoformat(), f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"))
        self.fields["period_start"].choices = choices


def _declared(held) -> set:
    return set(held.period_declarations.values_list("period_start", flat=True))


@require_POST
@exporter_required
def period_declare(request, number):
    """The half-year declaration: the holder says its report for a half-year is complete (perhaps with nothing in it)."""
    held = _held(request, number)
    form = DeclareForm(request.POST, declared=_declared(held))
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("licences:detail", number=number)
    try:
        usage_periods.period_declare(actor=request.user, number=held.number, period_start=form.cleaned_data["period_start"], nothing_to_report=form.cleaned_data["nothing_to_report"])
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Your report for this half-year is declared complete."))
    return redirect("licences:detail", number=number)


@exporter_required
def licence_detail(request, number):
    held = _held(request, number)
    reports = selectors.usage_visible_to(request.user).filter(**({"licence": held} if hasattr(held, "lines") else {"registration": held}))[:200]
    form = UsageForm(initial={"token": uuid.uuid4().hex})
    is_licence = hasattr(held, "lines")
    write_offs = (write_offs_of_licence(held).select_related("line") if is_licence else write_offs_of_registration(held))[:200]
    declarations = held.period_declarations.order_by("-period_start")
    declare_form = DeclareForm(declared={d.period_start for d in declarations})
    return render(
        request,
        "exporter/licence.html",
        {
            "held": held, "reports": reports, "form": form, "is_licence": is_licence, "write_offs": write_offs, "declarations": declarations, "declare_form": declare_form,
            "obligations": _with_meet_forms(conditions.conditions_of(held)) if is_licence else [],
        },
    )


def _with_meet_forms(obligations) -> list:
    """Each condition with its own form (its own field ids: several forms share the page)."""
    obligations = list(obligations)
    for condition in obligations:
        condition.meet_form = MeetForm(auto_id=f"condition_{condition.pk}_%s")
    return obligations


class MeetForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Certificate"), required=False)
    re_imported_on = DateField(label=gettext_lazy("Re-imported on"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=conditions.MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 2}))


@require_POST
@exporter_required
def condition_meet(request, number, condition_id):
    """The holder meets a condition of its licence: the certificate uploaded, or the re-import recorded."""
    licence = get_object_or_404(selectors.licences_visible_to(request.user), number=number)
    condition = get_object_or_404(LicenceCondition.objects.select_related("licence"), pk=condition_id, licence=licence)
    form = MeetForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("licences:detail", number=number)
    d = form.cleaned_data
    try:
        conditions.condition_meet(actor=request.user, condition=condition, files=request.FILES.getlist("file"), re_imported_on=d["re_imported_on"], note=d["note"])
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Recorded: the condition is met.") if condition.obligation != Obligation.REIMPORT else _("Re-import recorded: the condition is met."))
    return redirect("licences:detail", number=number)


@require_POST
@exporter_required
def usage_add(request, number):
    held = _held(request, number)
    form = UsageForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_message(form))
        return redirect("licences:detail", number=number)
    row = {k: str(v) for k, v in form.cleaned_data.items() if k != "token"} | {"licence": held.number}
    token = form.cleaned_data["token"][:100]
    sha = hashlib.sha256(b"form:" + token.encode() + json.dumps(row, sort_keys=True).encode()).hexdigest()
    try:
        result = usage_writer.usage_import(actor=request.user, rows=usage.list_rows([row]), sha256=sha, idempotency_key=f"form:{token}")
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("licences:detail", number=number)
    if result.errors:
        messages.error(request, " ".join(e.removeprefix(_("row %(number)s") % {"number": 1} + ": ") for e in result.errors))
    elif result.duplicate:
        messages.info(request, _("This report was already recorded."))
    else:
        messages.success(request, _("Usage recorded."))
    _flagged(request, result)
    return redirect("licences:detail", number=number)


@body_limit(usage.MAX_FILE_BYTES)
@require_POST
@exporter_required
def usage_upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("licences:list")
    uploaded = form.cleaned_data["file"]
    try:
        if uploaded.size > usage.MAX_FILE_BYTES:
            raise DomainError(_("The file is too large."))
        result = usage_writer.usage_import(actor=request.user, rows=usage.file_rows(uploaded), sha256=usage.content_hash(uploaded.chunks()), filename=uploaded.name or "")
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("licences:list")
    if result.errors:
        request.session["usage_errors"] = result.errors[:200]
        messages.error(request, _("Nothing was recorded: %(n)d problem(s) in the file.") % {"n": len(result.errors)})
    elif result.duplicate:
        messages.info(request, _("This file was already uploaded; nothing was counted twice."))
    else:
        messages.success(request, ngettext("%(n)d usage report recorded.", "%(n)d usage reports recorded.", result.created) % {"n": result.created})
    _flagged(request, result)
    return redirect("licences:list")


def _flagged(request, result) -> None:
    """Rows recorded outside a general licence's terms: the exporter is told, the office follows them up."""
    if result.flagged:
        messages.warning(
            request,
            _("Recorded, but outside the general licence's terms; the licensing office will follow this up: %(rows)s")
            % {"rows": "; ".join(result.flagged[:20])},
        )


@require_POST
@exporter_required
def surrender(request, number):
    licence = get_object_or_404(selectors.licences_visible_to(request.user), number=number)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Surrender licence %(number)s?") % {"number": licence.number},
            consequence=_("You can no longer export under this licence once it is surrendered. This cannot be undone: exporting again needs a new application."),
            button=_("Yes, surrender the licence"),
            cancel_url=reverse("licences:detail", args=[licence.number]),
        )
    try:
        lifecycle.licence_move(actor=request.user, licence=licence, move="surrender")
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, _("Licence surrendered."))
    return redirect("licences:detail", number=number)
