"""Objections (bezwaar) on the pages: the holder lodges one from the decision's page and follows it there; the office
lists them by due date and handles each on its own page, with the moves its machine allows the official now
(licences.transitions.OBJECTION; the services in licences.objections decide, the pages only ask)."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from licensing.applications import selectors as applications
from licensing.core.errors import DomainError, NotAllowed
from licensing.core.http import document_response, pdf_response
from licensing.licences import decisions, objections
from licensing.licences.documents import objection_document
from licensing.licences.models import OPEN_OBJECTION_STATUSES, ObjectionOutcome

from .access import roles_required
from .decisions import decision_form
from .fields import DateField


class LodgeForm(forms.Form):
    grounds = forms.CharField(
        label=gettext_lazy("Grounds of your objection"), max_length=objections.MAX_GROUNDS_CHARS, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Why the decision should be different. Attach documents below if they support it."),
    )


class HearingForm(forms.Form):
    held_on = DateField(label=gettext_lazy("Day of the hearing"))
    minutes = forms.CharField(label=gettext_lazy("Minutes of the hearing"), max_length=objections.MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 4}))


class ExtendForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the extension (the holder reads it)"), max_length=objections.MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionDecideForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision on the objection"), choices=[("", gettext_lazy("— choose —")), *ObjectionOutcome.choices])
    reasons = forms.CharField(label=gettext_lazy("Reasons (the holder reads these)"), max_length=objections.MAX_TEXT_CHARS, widget=forms.Textarea(attrs={"rows": 4}))


def _own_application(request, pk):
    return get_object_or_404(applications.applications_visible_to(request.user), pk=pk)


# --- the holder ---------------------------------------------------------------------------------------------
@require_POST
@roles_required(objections.OBJECTING)
def objection_lodge(request, pk):
    application = _own_application(request, pk)
    form = LodgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("exporter:detail", pk=application.pk)
    try:
        objection = objections.objection_lodge(actor=request.user, application=application, grounds=form.cleaned_data["grounds"], files=request.FILES.getlist("file"))
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *(m for ms in exc.fields.values() for m in ms if m != exc.message)]))
    else:
        if objection.late:
            messages.warning(request, _("Your objection is received. It came after the objection term ended; the office may declare it inadmissible."))
        else:
            messages.success(request, _("Your objection is received. The office decides on it by %(date)s.") % {"date": objection.due_on})
    return redirect("exporter:detail", pk=application.pk)


@require_GET
@roles_required(objections.OBJECTING + objections.OBJECTIONS_READING)
def objection_letter(request, pk, oid):
    """The letter with the decision on the objection, for the holder and the officials alike."""
    application = _own_application(request, pk)
    objection = get_object_or_404(objections.objections_of_application(application).select_related("application__organisation"), pk=oid)
    try:
        return pdf_response(*objection_document(objection))
    except DomainError:
        raise Http404("No decision on this objection yet.") from None


# --- the office ---------------------------------------------------------------------------------------------
@require_GET
@roles_required(objections.OBJECTIONS_READING)
def objection_list(request):
    show = request.GET.get("show", "open")
    queryset = objections.objections_for_office().select_related("handler")
    if show != "all":
        queryset = queryset.filter(status__in=OPEN_OBJECTION_STATUSES)
    return render(request, "office/objections.html", {"page": Paginator(queryset, 50).get_page(request.GET.get("page")), "show": show, "today": timezone.localdate()})


def _objection(oid):
    try:
        return objections.objection_for_office(oid)
    except ObjectDoesNotExist:
        raise Http404 from None


@require_GET
@roles_required(objections.OBJECTIONS_READING)
def objection_page(request, oid):
    objection = _objection(oid)
    return _render(request, objection)


def _render(request, objection, **forms_given):
    actions = objections.objection_allowed_actions(objection, request.user)
    application = objection.application
    context = {
        "objection": objection,
        "actions": actions,
        "is_author": objection.decision.decided_by_id == request.user.pk,
        "hearing_form": forms_given.get("hearing_form") or HearingForm(),
        "extend_form": forms_given.get("extend_form") or ExtendForm(),
        "decide_form": forms_given.get("decide_form") or ObjectionDecideForm(),
        "new_decision_form": forms_given.get("new_decision_form") or _new_decision_form(application),
        "today": timezone.localdate(),
    }
    return render(request, "office/objection.html", context)


def _new_decision_form(application, data=None):
    """The new decision of a well-founded objection: the case page's decision form (web.decisions.decision_form), with
    its decision per goods line and per destination, under its own prefix beside the decision on the objection."""
    return decision_form(application, data, prefix="new", use_required_attribute=False)


def _move(request, objection, do, success):
    try:
        do()
    except NotAllowed:
        raise PermissionDenied from None  # e.g. the decision's author (Awb 7:5): refused as the API refuses it
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *(m for ms in exc.fields.values() for m in ms if m != exc.message)]))
    else:
        messages.success(request, success)
    return redirect("office:objection", oid=objection.pk)


@require_POST
@roles_required(objections.HANDLING_OBJECTIONS)
def objection_take(request, oid):
    objection = _objection(oid)
    return _move(request, objection, lambda: objections.objection_take(actor=request.user, objection=objection), _("You handle this objection now."))


@require_POST
@roles_required(objections.HANDLING_OBJECTIONS)
def objection_hearing(request, oid):
    objection = _objection(oid)
    form = HearingForm(request.POST)
    if not form.is_valid():
        return _render(request, objection, hearing_form=form)
    return _move(request, objection, lambda: objections.objection_hearing_record(actor=request.user, objection=objection, **form.cleaned_data), _("The hearing is recorded."))


@require_POST
@roles_required(objections.HANDLING_OBJECTIONS)
def objection_extend(request, oid):
    objection = _objection(oid)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return _render(request, objection, extend_form=form)
    return _move(request, objection, lambda: objections.objection_extend(actor=request.user, objection=objection, reason=form.cleaned_data["reason"]), _("The decision term is extended by six weeks."))


@require_POST
@roles_required(objections.HANDLING_OBJECTIONS)
def objection_decide(request, oid):
    objection = _objection(oid)
    application = objection.application
    form = ObjectionDecideForm(request.POST)
    new_form = _new_decision_form(application, request.POST)
    if not form.is_valid():
        return _render(request, objection, decide_form=form, new_decision_form=new_form)
    command = None
    if form.cleaned_data["outcome"] in (ObjectionOutcome.WELL_FOUNDED, ObjectionOutcome.PARTLY_WELL_FOUNDED):
        if not new_form.is_valid():
            return _render(request, objection, decide_form=form, new_decision_form=new_form)
        command = decisions.DecideCommand.of(new_form.cleaned_data)
    return _move(
        request, objection,
        lambda: objections.objection_decide(actor=request.user, objection=objection, outcome=form.cleaned_data["outcome"], reasons=form.cleaned_data["reasons"], command=command),
        _("The objection is decided; the holder receives the letter."),
    )


@require_GET
@roles_required(objections.OBJECTIONS_READING)
def objection_document_download(request, oid, odid):
    objection = _objection(oid)
    return document_response(get_object_or_404(objection.documents.all(), pk=odid))
