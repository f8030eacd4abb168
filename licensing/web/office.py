"""The officials' pages: the queues and a case, with triage (claim, release, assign, ask, refer)."""
from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.applications import selectors, services
from licensing.applications.choices import CATCH_ALL_GROUNDS, CatchAllGround, Handler, Kind
from licensing.applications.models import Mention, Status
from licensing.applications.notifications import notifications_read
from licensing.assessment import advice_requests
from licensing.assessment import selectors as assessment_selectors
from licensing.core.http import document_response
from licensing.licences.decisions import DECIDING, application_set_aside
from licensing.reference.models import StandardText, StandardTextKind
from licensing.reference.standard_texts import offer_read, standard_texts_offered, standard_texts_offered_by_kind
from licensing.routing import selectors as queues
from licensing.routing import services as triage
from licensing.routing.selectors import queue_rows, queue_values
from licensing.screening import selectors as screening_selectors

from .access import official_required, roles_required
from .confirm import confirmation_page, confirmed
from .case_actions import case_actions, now_for, refusals
from .decisions import act, assessment_context, case_or_404
from .fields import DateField
from .sorting import Column, sorted_by
from .timeline import case_file_html


class QuestionForm(forms.Form):
    standard_texts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Standard questions (put before your text, in the exporter's language)"), required=False, queryset=StandardText.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=gettext_lazy("Question to the exporter"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000, required=False)
    due_on = DateField(label=gettext_lazy("Answer by"), required=False, help_text=gettext_lazy("Leave empty for the usual term."))

    def __init__(self, *args, offered: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_texts"].queryset = standard_texts_offered(StandardTextKind.QUESTION)
        if offered is not None:  # the page's standard texts, read once (standard_texts_offered_by_kind)
            offer_read(self.fields["standard_texts"], offered.get(StandardTextKind.QUESTION, []))


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text=gettext_lazy("Only officials read notes. Mention a colleague with @ and their username."),
    )


class SetAsideForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reasons in the letter (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=20000)


class CatchAllForm(forms.Form):
    """The catch-all (catch-all besluit): the grounds the seed names for the application's movement."""

    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=CatchAllGround.choices)
    information = forms.CharField(
        label=gettext_lazy("The information it rests on"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        help_text=gettext_lazy("Only officials read this; the exporter is told the ground."),
    )

    def __init__(self, *args, movement: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if movement:
            allowed = CATCH_ALL_GROUNDS.get(movement, ())
            self.fields["ground"].choices = [(value, label) for value, label in CatchAllGround.choices if value in allowed]


class ReferForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note for the ministry"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class AssignForm(forms.Form):
    """Assign by choosing a colleague of the desk (routing.services.desk_colleagues), never by typing a username."""

    assignee = forms.ChoiceField(label=gettext_lazy("Assign to a colleague"), choices=())

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("— choose —"))] + [(u.username, u.get_full_name() or u.username) for u in colleagues]


QUEUE_COLUMNS = [
    Column(gettext_lazy("Reference"), "reference", ("reference",)),
    Column(gettext_lazy("Exporter")),
    Column(gettext_lazy("Kind"), "kind", ("kind",)),
    Column(gettext_lazy("Status"), "status", ("status",)),
    Column(gettext_lazy("Destinations")),
    Column(gettext_lazy("Handler")),
    Column(gettext_lazy("Deadline"), "deadline", ("deadline_at",)),
    Column(gettext_lazy("Days left")),
    Column(gettext_lazy("Answer received")),
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
    # The viewer's unread markers in the page's own query (an Exists), not a query of their own.
    page = Paginator(selectors.with_unread(queue_values(cases.order_by(*order)), request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "office/queue.html",
        {"page": page, "rows": queue_table_rows(page, request.user), "queue": name, "flag": flag, "claimed": claimed, "flags": queues.FLAGS, "sort": sort, "headers": headers},
    )


def queue_table_rows(page, user) -> list[dict]:
    """The queue table's rows: the API's rows (queue_rows, one place for what a row holds) with what the page shows
    of them made here, once per request for what repeats (labels, dates, the flags' labels from
    includes/flag_label.html), so the template only places values: a `{% url %}`, two `|date` and an include per
    flag in each of 50 rows were half of the page's time (bench/README.md, third round).
    """
    labels, dates, flag_labels = {}, {}, {}
    flag_label = get_template("includes/flag_label.html")

    def label(choices, value):
        if (choices, value) not in labels:
            labels[choices, value] = choices(value).label
        return labels[choices, value]

    def shown_date(moment):  # as |date:"SHORT_DATE_FORMAT" would show it: the day in the current time zone
        if moment is None:
            return ""
        day = timezone.localtime(moment).date()
        if day not in dates:
            dates[day] = date_format(day, "SHORT_DATE_FORMAT")
        return dates[day]

    def shown_flag(name):
        if name not in flag_labels:
            flag_labels[name] = flag_label.render({"flag": name})
        return flag_labels[name]

    # page.object_list holds the values queue_rows read: the datetimes as the database gave them, not as text.
    rows = queue_rows(page)
    if all("unread" in values for values in page.object_list):  # annotated by the page's own query (the queue)
        unread = {values["id"] for values in page.object_list if values["unread"]}
    else:
        unread = selectors.unread_application_ids(user, [row["id"] for row in rows]) if rows else set()
    return [
        {
            **row,
            "url": reverse("office:case", args=[row["id"]]),
            "unread": row["id"] in unread,
            "kind_label": label(Kind, row["kind"]),
            "status_label": label(Status, row["status"]),
            "handler_label": label(Handler, row["handler"]) if row["handler"] else "",
            "deadline": shown_date(values["deadline_at"]),
            "submitted": shown_date(values["submitted_at"]),
            "flag_labels": [shown_flag(name) for name in row["flags"]],
        }
        for row, values in zip(rows, page.object_list, strict=True)
    ]


@official_required
def case_detail(request, pk):
    """The case page: the facts (a summary card), the timeline, then only the actions the reader has now
    (case_actions, from the workflow table), each its own small form; the full file below."""
    application = case_or_404(request, pk)
    # Read once for the advice panel, the timeline and what blocks a decision (licensing.core.prefetch).
    prefetch_related_objects([application], advice_requests.case_requests_prefetch())
    notifications_read(user=request.user, application=application)
    # Opening the case reads the notes that mention this official: their in-app notifications are read.
    Mention.objects.filter(user=request.user, note__application=application, read_at__isnull=True).update(read_at=timezone.now())
    now = now_for(application, request.user, assessment_selectors.current_assessment(application))
    actions = case_actions(now)
    # Only the forms of the actions offered (each action's template uses its own form).
    shown = frozenset(action["key"] for action in actions)
    offered = standard_texts_offered_by_kind() if shown & {"ask", "decide"} else {}
    # Read once for the screening panel and for what blocks a decision.
    screening = screening_selectors.application_screening(application.pk)
    return render(
        request,
        "office/case.html",
        {
            **assessment_context(request, application, now, shown, offered, screening),
            "screening": screening,
            "application": application,
            "summary": case_summary(application),
            "case_actions": actions,
            "refusals": refusals(now),
            "flags": queues.flags_of(application),
            "question_form": QuestionForm(initial={"due_on": services.question_due_default(timezone.localdate())}, offered=offered) if "ask" in shown else None,
            "refer_form": ReferForm() if "refer" in shown else None,
            "assign_form": AssignForm(colleagues=triage.desk_colleagues(application)) if "assign" in shown else None,
            # Their own ids: the question's form on the same page has a `text` field too.
            "note_form": NoteForm(auto_id="note_%s") if "note" in shown else None,
            "set_aside_form": SetAsideForm(auto_id="set_aside_%s") if "set-aside" in shown else None,
            "catch_all_form": CatchAllForm(auto_id="catch_all_%s", movement=application.movement) if "catch-all" in shown else None,
            **case_file_html(request, application, document_url="office:document", official_page=True),
            "document_url": "office:document",
        },
    )


def case_summary(application) -> dict:
    """The facts the summary card shows that are not a field of the application: the goods' total value, the days
    left (Application.days_left, the one count) and whether the clock stands still. Read from what with_details
    prefetched: no query of its own."""
    values = [line.value_eur for line in application.goods.all() if line.value_eur is not None]
    days_left = application.days_left()
    return {
        "value_eur": sum(values) if values else None,
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "clock_stopped": application.clock_stopped_at is not None,
        "destinations": list(application.destinations.all()),
        "goods": list(application.goods.all()),
        "parties": list(application.parties.all()),
    }


@require_POST
@official_required
def case_claim(request, pk):
    application = case_or_404(request, pk)
    return act(request, pk, lambda: triage.case_claim(actor=request.user, application=application), _("You have claimed this case."))


@require_POST
@official_required
def case_release(request, pk):
    application = case_or_404(request, pk)
    return act(request, pk, lambda: triage.case_release(actor=request.user, application=application), _("Case released to the queue."))


@require_POST
@official_required
def case_assign(request, pk):
    application = case_or_404(request, pk)
    form = AssignForm(request.POST, colleagues=triage.desk_colleagues(application))
    username = form.cleaned_data["assignee"] if form.is_valid() else ""
    assignee = get_user_model().objects.filter(username=username).first() if username else None
    return act(request, pk, lambda: triage.case_assign(actor=request.user, application=application, assignee=assignee), _("Case assigned."))


@require_POST
@roles_required(triage.REFERRING)
def case_refer(request, pk):
    form = ReferForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    application = case_or_404(request, pk)
    return act(request, pk, lambda: triage.application_refer(actor=request.user, application=application, note=note), _("Referred to the ministry."))


@require_POST
@roles_required(triage.IMPOSING)
def case_catch_all(request, pk):
    """Impose the catch-all, after a confirmation: the exporter is told at once and it is not taken back here."""
    application = case_or_404(request, pk)
    form = CatchAllForm(request.POST)
    if not form.is_valid() and request.POST.get("information", "").strip() and "information" in form.errors:
        messages.error(request, " ".join(form.errors["information"]))  # too long: say so, not "say what it rests on"
        return redirect("office:case", pk=pk)
    ground = form.cleaned_data.get("ground", "") if form.is_valid() else request.POST.get("ground", "")
    information = form.cleaned_data.get("information", "") if form.is_valid() else ""
    if form.is_valid() and not confirmed(request):
        return confirmation_page(
            request,
            title=_("Impose a licence requirement (catch-all) on %(reference)s?") % {"reference": application.reference},
            consequence=_(
                "The application becomes licensable on the ground “%(ground)s”, is routed again (the ministry decides) and the "
                "exporter is told the ground at once. A catch-all is recorded once and not taken back here."
            ) % {"ground": CatchAllGround(ground).label},
            button=_("Yes, impose the catch-all"),
            cancel_url=reverse("office:case", args=[application.pk]),
        )
    return act(
        request, pk, lambda: triage.catch_all_impose(actor=request.user, application=application, ground=ground, information=information),
        _("Catch-all imposed: the application needs a licence; the exporter is told."),
    )


@require_POST
@roles_required(services.ASKING)
def case_ask(request, pk):
    form = QuestionForm(request.POST)
    valid = form.is_valid()
    text = form.cleaned_data["text"] if valid else ""
    due_on = form.cleaned_data.get("due_on") if valid else None
    chosen = [t.pk for t in form.cleaned_data["standard_texts"]] if valid else []
    if "standard_texts" in form.errors:
        messages.error(request, _("Choose standard questions from the list."))
        return redirect("office:case", pk=pk)
    if "due_on" in form.errors:
        messages.error(request, " ".join([_("The answer-by date:"), *form.errors["due_on"]]))  # what is wrong with it (fields.DateField)
        return redirect("office:case", pk=pk)
    application = case_or_404(request, pk)
    return act(
        request, pk, lambda: services.question_ask(actor=request.user, application=application, text=text, due_on=due_on, standard_texts=chosen), _("Question sent; the clock stops until it is answered.")
    )


@require_POST
@roles_required(services.NOTING)
def case_note(request, pk):
    form = NoteForm(request.POST)
    if not form.is_valid() and request.POST.get("text", "").strip():
        messages.error(request, " ".join(form.errors["text"]))  # too long: say so, not "write the note"
        return redirect("office:case", pk=pk)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    files = request.FILES.getlist("file")
    application = case_or_404(request, pk)
    return act(request, pk, lambda: services.note_add(actor=request.user, application=application, text=text, files=files), _("Note saved."))


@require_POST
@roles_required(DECIDING)
def case_set_aside(request, pk):
    form = SetAsideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    application = case_or_404(request, pk)
    return act(request, pk, lambda: application_set_aside(actor=request.user, application=application, reason=reason), _("The application is set aside; the letter goes to the applicant."))


@roles_required(services.NOTING)
def note_document_download(request, pk, note_document_id):
    return document_response(selectors.note_document_or_404(case_or_404(request, pk), note_document_id))


@official_required
def document_download(request, pk, document_id):
    return document_response(selectors.document_or_404(case_or_404(request, pk), document_id))
