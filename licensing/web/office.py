"""The officials' pages: the queues and a case, with triage (claim, release, assign, ask, refer)."""
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.api.applications import document_response
from licensing.api.office import queue_rows, queue_values
from licensing.applications import selectors, services
from licensing.applications.choices import Handler, Kind
from licensing.applications.workflow import allowed_actions
from licensing.core.errors import DomainError
from licensing.routing import selectors as queues
from licensing.routing import services as triage

from .sorting import Column, sorted_by


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question to the exporter"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class ReferForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note for the ministry"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class AssignForm(forms.Form):
    assignee = forms.CharField(label=gettext_lazy("Colleague's username"), max_length=150)


def official_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_official:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _case(request, pk):
    return get_object_or_404(selectors.with_details(selectors.applications_visible_to(request.user)), pk=pk)


QUEUE_COLUMNS = [
    Column(gettext_lazy("Reference"), "reference", ("reference",)),
    Column(gettext_lazy("Exporter")),
    Column(gettext_lazy("Kind"), "kind", ("kind",)),
    Column(gettext_lazy("Destinations")),
    Column(gettext_lazy("Handler")),
    Column(gettext_lazy("Deadline"), "deadline", ("deadline_at",)),
    Column(gettext_lazy("Submitted"), "submitted", ("submitted_at",)),
    Column(gettext_lazy("Claimed by")),
    Column(gettext_lazy("Flags")),
]


@official_required
def queue(request):
    default = "ministry" if request.user.effective_role == "advisor" else "licensing_office"
    name = request.GET.get("queue") if request.GET.get("queue") in ("licensing_office", "ministry") else default
    cases = queues.queue_cases(name)
    flag = request.GET.get("flag", "")
    if flag in queues.FLAGS:
        cases = queues.with_flag(cases, flag)
    claimed = request.GET.get("claimed", "")
    if claimed == "me":
        cases = cases.filter(claimed_by=request.user)
    elif claimed == "none":
        cases = cases.filter(claimed_by__isnull=True)
    sort, order, headers = sorted_by(request, QUEUE_COLUMNS, default="deadline")
    page = Paginator(queue_values(cases.order_by(*order)), 50).get_page(request.GET.get("page"))
    # The API's rows (one place for what a queue row holds), with the labels and the deadline as the page shows them.
    rows = [
        {
            **row,
            "kind_label": Kind(row["kind"]).label,
            "handler_label": Handler(row["handler"]).label if row["handler"] else "",
            "deadline": parse_datetime(row["deadline_at"]) if row["deadline_at"] else None,
            "submitted": parse_datetime(row["submitted_at"]) if row["submitted_at"] else None,
        }
        for row in queue_rows(page)
    ]
    return render(
        request,
        "office/queue.html",
        {"page": page, "rows": rows, "queue": name, "flag": flag, "claimed": claimed, "flags": queues.FLAGS, "sort": sort, "headers": headers},
    )


@official_required
def case_detail(request, pk):
    application = _case(request, pk)
    events = selectors.application_history(application, request.user)
    from .decisions import assessment_context

    return render(
        request,
        "office/case.html",
        {
            **assessment_context(request, application),
            "application": application,
            "actions": allowed_actions(application, request.user),
            "flags": queues.flags_of(application),
            "events": events,
            "question_form": QuestionForm(),
            "refer_form": ReferForm(),
            "assign_form": AssignForm(),
            "open_question": next((q for q in application.questions.all() if q.is_open), None),
        },
    )


def _act(request, pk, do, success):
    application = _case(request, pk)
    try:
        do(application)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("office:case", pk=pk)


@require_POST
@official_required
def case_claim(request, pk):
    return _act(request, pk, lambda a: triage.case_claim(actor=request.user, application=a), _("You have claimed this case."))


@require_POST
@official_required
def case_release(request, pk):
    return _act(request, pk, lambda a: triage.case_release(actor=request.user, application=a), _("Case released to the queue."))


@require_POST
@official_required
def case_assign(request, pk):
    form = AssignForm(request.POST)
    username = form.cleaned_data["assignee"] if form.is_valid() else ""
    assignee = get_user_model().objects.filter(username=username).first()
    return _act(request, pk, lambda a: triage.case_assign(actor=request.user, application=a, assignee=assignee), _("Case assigned."))


@require_POST
@official_required
def case_refer(request, pk):
    form = ReferForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(request, pk, lambda a: triage.application_refer(actor=request.user, application=a, note=note), _("Referred to the ministry."))


@require_POST
@official_required
def case_ask(request, pk):
    form = QuestionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _act(request, pk, lambda a: services.question_ask(actor=request.user, application=a, text=text), _("Question sent; the clock stops until it is answered."))


@official_required
def document_download(request, pk, document_id):
    return document_response(selectors.document_or_404(_case(request, pk), document_id))
