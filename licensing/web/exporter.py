"""The exporter's pages: own applications, drafts, submission, questions, documents, history."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.applications import library, selectors, services
from licensing.applications.models import Application, Status
from licensing.applications.notifications import notifications_read
from licensing.applications.workflow import OPEN, allowed_actions
from licensing.core.errors import DomainError
from licensing.core.http import document_response, pdf_response
from licensing.licences.documents import application_document

from .confirm import confirmation_page, confirmed
from .errors import application_anchor, application_words, error_items, form_error_items, formset_error_items, line_words
from .fields import country_map
from .forms import AnswerForm, ApplicationForm, DocumentForm, GoodsFormSet, PartyFormSet, WithdrawForm
from .sorting import Column, sorted_by
from .timeline import case_file_html

def exporter_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_exporter:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def submit_error_items(fields: dict, application) -> list[dict]:
    """The submission's errors on the detail page, each linked to its field on the edit page."""
    page = reverse("exporter:edit", args=[application.pk]) if application.is_editable else ""
    return error_items(fields, words=application_words, anchor=application_anchor, page=page)


def _own(request, pk) -> Application:
    return get_object_or_404(selectors.with_details(selectors.applications_visible_to(request.user), amendment=False), pk=pk)


APPLICATION_COLUMNS = [
    Column(gettext_lazy("Reference"), "reference", ("reference",)),
    Column(gettext_lazy("Kind"), "kind", ("kind",)),
    Column(gettext_lazy("Title"), "title", ("title",)),
    Column(gettext_lazy("Destinations")),
    Column(gettext_lazy("Status"), "status", ("status",)),
    Column(gettext_lazy("Created"), "created", ("created_at",)),
]


@exporter_required
def application_list(request):
    sort, order, headers = sorted_by(request, APPLICATION_COLUMNS, default="-created")
    queryset = selectors.with_summary(selectors.applications_visible_to(request.user)).order_by(*order)
    queryset = selectors.with_unread(selectors.with_open_question(queryset), request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "exporter/list.html", {"page": page, "statuses": Status.choices, "status": status, "sort": sort, "headers": headers})


def _initial(application: Application | None) -> tuple[dict, list, list]:
    if application is None:
        return {}, [], []  # nothing legally relevant is chosen for the exporter
    initial = {name: getattr(application, name) for name in services.SCALAR_FIELDS}
    initial["general_licence"] = application.general_licence_id
    initial["origin_country"] = application.origin_country_id or ""
    initial["destinations"] = [c.code for c in application.destinations.all()]
    goods = [{k: getattr(line, k) for k in services.GOODS_FIELDS} for line in application.goods.all()]
    for line in goods:
        for key in ("first_smelt_country", "second_smelt_country", "last_cast_country"):
            line[key] = line[key].code if line[key] else ""
    parties = [{k: getattr(p, k) for k in services.PARTY_FIELDS} for p in application.parties.all()]
    for party in parties:
        party["country"] = party["country"].code if party["country"] else ""
    return initial, goods, parties


def _forms(request, application, countries):
    initial, goods, parties = _initial(application)
    data = request.POST if request.method == "POST" else None
    form = ApplicationForm(data, initial=initial, countries=countries)
    goods_set = GoodsFormSet(data, initial=goods, prefix="goods", form_kwargs={"countries": countries})
    party_set = PartyFormSet(data, initial=parties, prefix="parties", form_kwargs={"countries": countries})
    return form, goods_set, party_set


def _with_extra_form(formset_class, request, prefix, countries):
    """Re-show the posted formset with one more empty form, keeping everything typed so far."""
    data = request.POST.copy()
    total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return formset_class(data, prefix=prefix, form_kwargs={"countries": countries, "empty_permitted": True, "use_required_attribute": False})


def _kept(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@exporter_required
def application_edit(request, pk=None):
    """Create or edit a draft. 'Add' buttons add a goods line or party without losing what was typed."""
    application = _own(request, pk) if pk else None
    if application and application.status != Status.DRAFT:
        messages.error(request, _("Only a draft can be changed; start an amendment instead."))
        return redirect("exporter:detail", pk=application.pk)
    countries = country_map()
    form, goods_set, party_set = _forms(request, application, countries)
    errors = []
    if request.method == "POST":
        if "add_goods" in request.POST:
            goods_set = _with_extra_form(GoodsFormSet, request, "goods", countries)
        elif "add_party" in request.POST:
            party_set = _with_extra_form(PartyFormSet, request, "parties", countries)
        elif form.is_valid() and goods_set.is_valid() and party_set.is_valid():
            data = {**form.cleaned_data, "goods": _kept(goods_set), "parties": _kept(party_set)}
            try:
                if application is None:
                    application = services.application_create(actor=request.user, data=data)
                else:
                    application = services.application_update(actor=request.user, application=application, data=data)
            except DomainError as exc:
                errors = error_items(exc.fields or {"": [exc.message]}, words=application_words, anchor=application_anchor)
            else:
                if "submit" in request.POST:
                    return _submit(request, application)
                messages.success(request, _("Draft %(reference)s saved.") % {"reference": application.reference})
                return redirect("exporter:detail", pk=application.pk)
        else:
            errors = _form_errors(form, goods_set, party_set)
    return render(
        request,
        "exporter/edit.html",
        {"application": application, "form": form, "goods_set": goods_set, "party_set": party_set, "errors": errors},
    )


def _form_errors(form, goods_set, party_set) -> list[dict]:
    return (
        form_error_items(form)
        + formset_error_items(goods_set, line_words=lambda i: line_words("goods", i))
        + formset_error_items(party_set, line_words=lambda i: line_words("parties", i))
    )


def _submit(request, application):
    try:
        services.application_submit(actor=request.user, application=application)
    except DomainError as exc:
        request.session[f"submit_errors_{application.pk}"] = exc.fields or {"non_field_errors": [exc.message]}
        messages.error(request, exc.message)
        return redirect("exporter:detail", pk=application.pk)
    messages.success(request, _("Application %(reference)s submitted.") % {"reference": application.reference})
    return redirect("exporter:detail", pk=application.pk)


@exporter_required
def application_detail(request, pk):
    application = _own(request, pk)
    notifications_read(user=request.user, application=application)
    submit_errors = request.session.pop(f"submit_errors_{application.pk}", None)
    events = selectors.application_history(application, request.user)
    questions = list(application.questions.all())
    open_question = next((q for q in questions if q.is_open), None)
    return render(
        request,
        "exporter/detail.html",
        {
            "application": application,
            "actions": allowed_actions(application, request.user),
            # The buttons this person's role in the organisation may use (accounts.models.ORG_ACTIONS, which the
            # services enforce): a preparer is not offered submit, withdraw or amend, a viewer no change at all.
            "may_draft": request.user.may_in_organisation("draft"),
            "may_sign": request.user.may_in_organisation("sign"),
            "events": events,
            "errors": submit_error_items(submit_errors, application) if submit_errors else [],
            "document_form": DocumentForm(),
            "keeps_library": library.may_keep(request.user),  # its parties and goods lines may be saved to the book and the library
            "answer_form": AnswerForm() if open_question else None,
            "open_question": open_question,
            "questions": questions,
            "answering": application.status in OPEN,
            **(case_file_html(request, application, document_url="exporter:document") if application.status != Status.DRAFT else {"timeline_html": ""}),
            "document_url": "exporter:document",
            "withdraw_form": WithdrawForm(),
        },
    )


def _act(request, pk, do, success, *, back: str = "exporter:detail"):
    application = _own(request, pk)
    try:
        result = do(application)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back, pk=application.pk)
    messages.success(request, success)
    return redirect(back, pk=(result.pk if isinstance(result, Application) else application.pk))


@require_POST
@exporter_required
def application_submit(request, pk):
    return _submit(request, _own(request, pk))


@require_POST
@exporter_required
def application_withdraw(request, pk):
    if not confirmed(request):
        application = _own(request, pk)
        return confirmation_page(
            request,
            title=_("Withdraw application %(reference)s?") % {"reference": application.reference},
            consequence=_("The licensing office stops handling it and nothing is decided. This cannot be undone: to export these goods later you file a new application."),
            button=_("Yes, withdraw the application"),
            cancel_url=reverse("exporter:detail", args=[application.pk]),
        )
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(request, pk, lambda a: services.application_withdraw(actor=request.user, application=a, reason=reason), _("Application withdrawn."))


@require_POST
@exporter_required
def application_amend(request, pk):
    return _act(request, pk, lambda a: services.application_amend(actor=request.user, application=a), _("Amendment started as a new draft version."))


@require_POST
@exporter_required
def application_delete(request, pk):
    application = _own(request, pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Delete draft %(reference)s?") % {"reference": application.reference},
            consequence=_("The draft, its goods, parties and documents are deleted. This cannot be undone."),
            button=_("Yes, delete the draft"),
            cancel_url=reverse("exporter:detail", args=[application.pk]),
        )
    try:
        services.application_delete(actor=request.user, application=application)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exporter:detail", pk=application.pk)
    messages.success(request, _("Draft deleted."))
    return redirect("exporter:list")


@require_POST
@exporter_required
def question_answer(request, pk):
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
        return redirect("exporter:detail", pk=pk)
    return _act(request, pk, lambda a: services.question_answer(actor=request.user, application=a, answer=form.cleaned_data["answer"]), _("Answer sent."))


@require_POST
@exporter_required
def question_answer_one(request, pk, question_id):
    """Answer one question with text and documents (the file input takes several)."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
        return redirect("exporter:detail", pk=pk)
    files = request.FILES.getlist("file")
    return _act(
        request,
        pk,
        lambda a: services.question_answer(actor=request.user, application=a, question_id=question_id, answer=form.cleaned_data["answer"], files=files),
        _("Answer sent."),
    )


@require_POST
@exporter_required
def document_upload(request, pk):
    form = DocumentForm(request.POST, request.FILES)
    # The guided application's documents page posts here too and is where its exporter goes back to.
    back = "exporter:guided-documents" if request.POST.get("back") == "guided" else "exporter:detail"
    if not form.is_valid():
        messages.error(request, " ".join(m for msgs in form.errors.values() for m in msgs))
        return redirect(back, pk=pk)
    return _act(
        request,
        pk,
        lambda a: services.document_add(actor=request.user, application=a, doc_type=form.cleaned_data["doc_type"], uploaded_file=form.cleaned_data["file"]),
        _("Document uploaded."),
        back=back,
    )


@require_POST
@exporter_required
def document_remove(request, pk, document_id):
    """Remove an uploaded document from a draft, after a confirmation step (submitted documents stay: the service refuses)."""
    application = _own(request, pk)
    document = selectors.document_or_404(application, document_id)
    back = "exporter:guided-documents" if request.POST.get("back") == "guided" else "exporter:detail"  # as document_upload
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("Remove %(name)s?") % {"name": document.original_name},
            consequence=_("The document is removed from the draft and deleted. To use it again, upload it again."),
            button=_("Yes, remove the document"),
            cancel_url=reverse(back, args=[application.pk]),
        )
    return _act(request, pk, lambda a: services.document_delete(actor=request.user, document=document), _("Document removed."), back=back)


@exporter_required
def document_download(request, pk, document_id):
    return document_response(selectors.document_or_404(_own(request, pk), document_id))


@exporter_required
def decision_pdf(request, pk):
    document = application_document(_own(request, pk))
    if document is None:
        raise Http404("No decision yet.")
    return pdf_response(*document)
