"""The office's compliance pages: the reconciliation of a licence (authorised, written off by Customs, reported) and
the list of open reconciliation flags."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from licensing.core.errors import DomainError
from licensing.customs import reconciliation
from licensing.customs.models import MismatchKind, ReconciliationFlag
from licensing.licences.models import Licence, Registration

from .access import roles_required


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
    return render(request, "office/reconciliation.html", {"held": held, "result": result, "flags": flags, "is_registration": isinstance(held, Registration)})


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
