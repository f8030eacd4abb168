"""Screening pages: an officer's disposition of a hit (from the case panel), the serial-number search for
officials, and the administrator's list upload with the re-screen's progress."""
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.accounts.models import Role
from licensing.applications import selectors as applications
from licensing.core.errors import DomainError
from licensing.core.limits import body_limit
from licensing.licences.selectors import shipments_by_serial
from licensing.screening import cases, rescreen, selectors
from licensing.screening.importers import FORMATS
from licensing.screening.models import Disposition, RunStatus

from .access import official_required, roles_required
from .decisions import act

MAX_UPLOAD = 200 * 1024 * 1024


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=gettext_lazy("Disposition"),
        choices=[(Disposition.TRUE_MATCH, gettext_lazy("True match: escalate")), (Disposition.FALSE_POSITIVE, gettext_lazy("False positive"))],
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("eu-xml", gettext_lazy("EU consolidated financial sanctions list (XML)")), ("ftm", gettext_lazy("OpenSanctions FollowTheMoney (JSON lines)"))],
    )
    file = forms.FileField(label=gettext_lazy("List file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD // (1024 * 1024)})
        return upload


class EscalationForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the case may be approved despite the match"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


def _hit_act(request, pk, hit_id, form_class, service, *, invalid: str, success: str):
    """A form on a hit of the case's screening panel, posted to its service; back to the case with the outcome."""
    application = get_object_or_404(applications.applications_visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("office:case", pk=pk)
    return act(request, pk, lambda: service(actor=request.user, application=application, hit_id=hit_id, **form.cleaned_data), success)


@require_POST
@roles_required(cases.DISPOSING)
def hit_dispose(request, pk, hit_id):
    return _hit_act(request, pk, hit_id, DispositionForm, cases.hit_dispose, invalid=_("Choose a disposition."), success=_("Disposition recorded."))


@require_POST
@roles_required(cases.DISPOSING)
def hit_escalation_decide(request, pk, hit_id):
    return _hit_act(
        request, pk, hit_id, EscalationForm, cases.hit_escalation_decide,
        invalid=_("Say why the case may be approved despite the match."), success=_("Escalation decided."),
    )


@official_required
def serial_search(request):
    q = request.GET.get("q", "").strip()[:200]
    results = selectors.serial_search(q) if q else []
    shipments = shipments_by_serial(q) if q else []
    return render(request, "screening/serials.html", {"q": q, "results": results, "shipments": shipments})


@body_limit(MAX_UPLOAD)
@roles_required((Role.ADMINISTRATOR,))
def runs(request):
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                run = rescreen.list_import_start(
                    actor=request.user, source=FORMATS[form.cleaned_data["format"]], content=upload.read(), file_name=upload.name or ""
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("List uploaded; import %(run)s started.") % {"run": run.pk})
                return redirect("screening:runs")
    else:
        form = ImportForm()
    recent = list(selectors.runs_recent())
    busy = any(r.status not in (RunStatus.DONE, RunStatus.FAILED) for r in recent)
    return render(request, "screening/runs.html", {"form": form, "runs": recent, "busy": busy})
