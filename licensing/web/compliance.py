"""The office's compliance pages: the reconciliation of a licence (authorised, written off by Customs, reported),
the list of open reconciliation flags, and the live licences a re-screen found on a list (suspended in bulk)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing.core.errors import DomainError
from licensing.core.http import document_response
from licensing.customs import reconciliation
from licensing.customs.models import MismatchKind, ReconciliationFlag
from licensing.licences import live_screening
from licensing.licences.conditions import conditions_of
from licensing.licences.models import ConditionDocument, Licence, Registration

from .access import official_required, roles_required


@roles_required(reconciliation.READING)
def reconciliation_flags(request):
    kind = request.GET.get("kind", "")
    flags = ReconciliationFlag.objects.filter(resolved_at__isnull=True).select_related("licence", "registration__organisation").order_by("-raised_at", "-id")
    if kind in MismatchKind.values:
        flags = flags.filter(kind=kind)
    return render(
        request, "office/reconciliation_flags.html",
        {"page": Paginator(flags, 50).get_page(request.GET.get("page")), "kind": kind, "kinds": MismatchKind.choices, "may_explain": request.user.has_role(*reconciliation.RESOLVING)},
    )


@roles_required(reconciliation.READING)
def licence_reconciliation(request, pk):
    return _reconciliation_page(request, get_object_or_404(Licence.objects.prefetch_related("destinations"), pk=pk))


@roles_required(reconciliation.READING)
def registration_reconciliation(request, pk):
    return _reconciliation_page(request, get_object_or_404(Registration.objects.select_related("general_licence"), pk=pk))


def _reconciliation_page(request, held):
    result = reconciliation.reconciliation_of(held)
    holder = {"registration": held} if isinstance(held, Registration) else {"licence": held}
    flags = ReconciliationFlag.objects.filter(resolved_at__isnull=True, **holder).order_by("pk")
    obligations = [] if isinstance(held, Registration) else conditions_of(held)
    return render(
        request, "office/reconciliation.html", {"held": held, "result": result, "flags": flags, "is_registration": isinstance(held, Registration), "obligations": obligations}
    )


@roles_required(reconciliation.READING)
def condition_document(request, pk, condition_document_id):
    """A certificate the holder handed in to meet a licence condition (officials)."""
    return document_response(get_object_or_404(ConditionDocument, pk=condition_document_id, condition__licence_id=pk))


@require_POST
@roles_required(reconciliation.RESOLVING)
def flag_explain(request, fid):
    flag = get_object_or_404(ReconciliationFlag, pk=fid)
    try:
        reconciliation.flag_explain(actor=request.user, flag=flag, note=request.POST.get("note", "")[:5000])
        messages.success(request, _("The flag is closed with your explanation."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("office:reconciliation-flags")


@official_required
def live_hits(request):
    return render(
        request, "office/live_hits.html",
        {"page": Paginator(live_screening.open_hits(), 50).get_page(request.GET.get("page")), "may_handle": request.user.has_role(*live_screening.HANDLING)},
    )


@require_POST
@roles_required(live_screening.HANDLING)
def live_hits_suspend(request):
    licence_ids = [int(v) for v in request.POST.getlist("licences") if v.isdigit()][: live_screening.BULK_MAX + 1]
    registration_ids = [int(v) for v in request.POST.getlist("registrations") if v.isdigit()][: live_screening.BULK_MAX + 1]
    try:
        result = live_screening.licences_suspend_for_hits(actor=request.user, licence_ids=licence_ids, registration_ids=registration_ids, reason=request.POST.get("reason", "")[:5000])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("office:live-hits")
    if result.suspended:
        messages.success(request, _("Suspended, with a letter to each holder: %(numbers)s.") % {"numbers": ", ".join(l.number for l in result.suspended)})
    for number, why in result.refused:
        messages.error(request, f"{number}: {why}")
    return redirect("office:live-hits")


@require_POST
@roles_required(live_screening.HANDLING)
def live_hit_dismiss(request, hid):
    try:
        live_screening.hit_dismiss(actor=request.user, hit=live_screening.hit_get(hid), note=request.POST.get("note", "")[:5000])
        messages.success(request, _("The hit is dismissed."))
    except DomainError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("office:live-hits")
