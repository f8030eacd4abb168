"""Officials' pages for the assessment (ministry) and the decision (office), the denial register and the fast track."""
from django import forms
from django.forms.utils import ErrorDict
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.applications import selectors as applications
from licensing.assessment import selectors, services
from licensing.assessment.models import Advice, Consultation, Finding
from licensing.denials.models import DenialRegisterEntry
from licensing.core.errors import DomainError, NotAllowed
from licensing.core.http import pdf_response
from licensing.licences import decisions
from licensing.licences.documents import application_document
from licensing.licences.selectors import (
    case_proposals, overdue_reports, parliament_notifications, prior_information, proposals_awaiting_countersignature, usage_outside_terms,
)
from licensing.licences.models import DecisionProposal, Outcome, ProposalStatus
from licensing.reference.frameworks import grounds_of
from licensing.reference.models import StandardText, StandardTextKind
from licensing.reference.standard_texts import offer_read, standard_texts_offered
from licensing.screening.selectors import CaseScreening

from .access import official_required, roles_required
from .case_actions import Now
from .confirm import confirmation_page, confirmed
from .errors import assessment_anchor, assessment_words, error_items, ground_label, message_with_fields
from .fields import DateField
from .form_cache import fields_html


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(label=gettext_lazy("Advice"), choices=Advice.choices)
    conditions = forms.CharField(label=gettext_lazy("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weighing = forms.CharField(label=gettext_lazy("Weighing of the criteria to be weighed (criteria 5-8, the other considerations)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=gettext_lazy("Override of a negative finding on a criterion that leads to denial (needs a second advisor)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, goods=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Advice per goods line where it differs (issue 18.2): e.g. approve the application, deny one line.
        self.goods = list(goods)
        for number, line in enumerate(self.goods, start=1):
            self.fields[f"line_advice_{line.pk}"] = forms.ChoiceField(
                label=_("Goods line %(line)s (%(goods)s): advice, if not the advice above") % {"line": number, "goods": _line_name(line)},
                choices=[("", _("— as the advice —"))] + list(Advice.choices), required=False,
            )


def _line_name(line) -> str:
    return " ".join(filter(None, [line.control_entry, line.description[:60]]))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Outcome.choices)
    reasons = forms.CharField(label=gettext_lazy("Reasons (the exporter reads these)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    criteria = forms.TypedMultipleChoiceField(label=gettext_lazy("Criteria cited (denial or negative sondage answer)"), required=False, coerce=int, choices=[], widget=forms.CheckboxSelectMultiple)
    conditions = forms.CharField(label=gettext_lazy("Licence conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_to = DateField(label=gettext_lazy("Valid until"), required=False)
    answer = forms.CharField(label=gettext_lazy("Indicative answer (sondage)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    positive = forms.BooleanField(label=gettext_lazy("Indicative answer is positive"), required=False)
    entry = forms.CharField(label=gettext_lazy("Control entry (classification)"), required=False, max_length=60)
    not_listed = forms.BooleanField(label=gettext_lazy("Not listed (classification)"), required=False)
    standard_conditions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Standard conditions (with their due dates, tracked on the licence)"), required=False, queryset=StandardText.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    standard_reasons = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Standard refusal reasons (put before the reasons, in the exporter's language)"), required=False, queryset=StandardText.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, frameworks: list[str], kind: str, goods=(), destinations=(), outcomes: list[str] | None = None, offered: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the outcomes this kind of application can have (of them, the page offers those the workflow allows the
        # reader now: case_actions.Now.outcomes), and none chosen for the officer; only the fields those outcomes read
        # (licences.decisions.FIELDS_OF_OUTCOME).
        outcomes = decisions.outcomes_for(kind) if outcomes is None else outcomes
        self.fields["outcome"].choices = [("", _("— choose —"))] + [(o, Outcome(o).label) for o in outcomes]
        read = {name for outcome in outcomes for name in decisions.FIELDS_OF_OUTCOME[outcome]}
        for name in [name for name in self.fields if name != "outcome" and name not in read]:
            del self.fields[name]
        for name, kind_of_text in (("standard_conditions", StandardTextKind.CONDITION), ("standard_reasons", StandardTextKind.REFUSAL)):
            if name in self.fields:
                self.fields[name].queryset = standard_texts_offered(kind_of_text)
                if offered is not None:  # the page's standard texts, read once (standard_texts_offered_by_kind)
                    offer_read(self.fields[name], offered.get(kind_of_text, []))
        # The grounds of the frameworks this case is assessed against (licensing.reference.frameworks decides which).
        grounds = [(g.number, f"{_ground_label(g)} ({_act(g.framework)})") for g in grounds_of(frameworks)]
        if "criteria" in self.fields:
            self.fields["criteria"].choices = grounds
        # Per goods line (issue 18.2), for a licence: a line left alone has the decision's outcome (and grounds).
        self.goods = list(goods) if kind in decisions.KINDS_DECIDED_PER_LINE and "lines" in read else []
        for number, line in enumerate(self.goods, start=1):
            name = {"line": number, "goods": _line_name(line)}
            self.fields[f"line_{line.pk}"] = forms.ChoiceField(
                label=_("Goods line %(line)s (%(goods)s): decision, if not the decision above") % name, required=False,
                choices=[("", _("— as the decision —")), (Outcome.ISSUED, _("Issue this line")), (Outcome.DENIED, _("Deny this line"))],
            )
            self.fields[f"line_{line.pk}_criteria"] = forms.TypedMultipleChoiceField(
                label=_("Goods line %(line)s: criteria of its denial") % name, required=False, coerce=int, choices=grounds, widget=forms.CheckboxSelectMultiple
            )
        # Per destination (issue 18.2), for a licence to several destinations: a destination denied is left off the licence.
        destinations = list(destinations) if kind in decisions.KINDS_DECIDED_PER_LINE and "denied_destinations" in read else []
        self.destinations = destinations if len(destinations) > 1 else []
        for country in self.destinations:
            self.fields[f"deny_destination_{country.code}"] = forms.BooleanField(
                label=_("Deny destination %(country)s (the licence covers the others)") % {"country": country.code}, required=False
            )
            self.fields[f"deny_destination_{country.code}_criteria"] = forms.TypedMultipleChoiceField(
                label=_("Destination %(country)s: criteria of its denial") % {"country": country.code}, required=False, coerce=int, choices=grounds,
                widget=forms.CheckboxSelectMultiple,
            )

    def clean(self):
        data = super().clean()
        chosen = {line.pk: data.get(f"line_{line.pk}") for line in self.goods}
        lines = []
        if any(chosen.values()):
            for line in self.goods:
                outcome = chosen[line.pk] or data.get("outcome")
                criteria = data.get(f"line_{line.pk}_criteria") or (data.get("criteria") if outcome == Outcome.DENIED and not chosen[line.pk] else [])
                lines.append({"line": line.pk, "outcome": outcome, "criteria": list(criteria or [])})
        data["lines"] = lines
        data["denied_destinations"] = [
            {"country": c.code, "criteria": list(data.get(f"deny_destination_{c.code}_criteria") or [])}
            for c in self.destinations if data.get(f"deny_destination_{c.code}")
        ]
        return data


def decision_form(application, data=None, **kwargs) -> DecisionForm:
    """The decision form for `application`: the outcomes its kind may have, the grounds of its frameworks and, for a
    licence, a decision per goods line and per destination. The case page's decision and the new decision on a
    well-founded objection (web.objections) alike."""
    return DecisionForm(
        data, frameworks=applications.application_frameworks(application), kind=application.kind, goods=application.goods.all(),
        destinations=application.destinations.all(), **kwargs,
    )


_ground_label = ground_label


def _act(framework) -> str:
    return framework.act_nl if translation.get_language() == "nl" else framework.act_en


def case_or_404(request, pk):
    """The case (application with its details) if the user may see it, else 404: every case page and move."""
    return get_object_or_404(applications.with_details(applications.applications_visible_to(request.user), amendment=False), pk=pk)


def assessment_context(request, application, now: Now, shown: frozenset[str], offered: dict, screening: CaseScreening | None = None) -> dict:
    """What the case page shows of the assessment and the decision; exporters never reach it. `now` is the case
    page's Now and `shown` the keys of the actions it offers (case_actions): the advisor's one form (filled from the
    draft as typed, with the errors of the last attempt to give the advice) is built only when the assessment action
    is offered, the decision form (offering only the outcomes the reader may record now) and what blocks an approval
    only when the decision is; the findings table only once the assessment has been submitted. `offered`: the
    standard texts the page read (reference.standard_texts.standard_texts_offered_by_kind); `screening`: the case's
    hits and flags the page read for its screening panel (screening.selectors.application_screening)."""
    assessment = now.assessment
    writes = "assessment" in shown
    decides = "decide" in shown
    findings_shown = assessment is not None and assessment.status not in ("draft", "returned")  # office/assessment.html
    findings = {f.criterion_id: f for f in assessment.findings.all()} if assessment else {}
    frameworks = assessment.frameworks if assessment and assessment.status != "returned" else applications.application_frameworks(application)
    grounds = grounds_of(frameworks) if writes or findings_shown else []
    errors = request.session.pop(_errors_key(application), None) if assessment and assessment.status == "draft" else None
    draft = (assessment.draft or {}) if assessment else {}
    proposals = case_proposals(application)
    consultations = list(Consultation.objects.filter(application=application).select_related("denial"))
    form = decision_form(application, outcomes=now.outcomes, offered=offered) if decides else None
    if decides:
        reads = decisions.blocking_reads(
            application, proposals=proposals, consultations=consultations, latest=assessment, screening=screening.blocking_counts if screening else None
        )
        blockers = {"approve": decisions.decision_blockers(application, approving=True, reads=reads)}
    return {
        "assessment": assessment,
        "criteria_rows": [(c, findings.get(c.number)) for c in grounds] if findings_shown else [],
        "assessment_rows": [_typed_row(c, draft, findings.get(c.number), errors or {}) for c in grounds] if writes else [],
        "assessment_errors": error_items(errors, words=assessment_words(frameworks), anchor=assessment_anchor) if errors else [],
        "findings_errors": (errors or {}).get("findings", []),
        "line_advice_rows": _line_advice_rows(application, assessment),
        "findings_choices": Finding.choices,
        "advice_form": _advice_form(application, assessment, draft, errors or {}) if writes else None,
        "decision_form": form,
        "decision_fields_html": fields_html(form) if form is not None else "",
        "blockers": blockers if decides else {},
        "consultations": consultations,
        "prior": prior_information(application),
        # The decision came with the case (applications.selectors.with_details prefetches it with its licence).
        "decision": getattr(application, "decision", None),
        "may_consult": request.user.has_role(*services.CONSULTING),
        **countersign_context(request, application, proposals),
        "is_advisor": request.user.effective_role == "advisor",
    }


def _line_advice_rows(application, assessment) -> list[tuple[int, object, str]]:
    """(number, goods line, advice) of each line whose advice differs from the assessment's."""
    if not assessment or not assessment.line_advice:
        return []
    goods = list(application.goods.all())
    advice = services.advice_by_line(assessment, [line.pk for line in goods])
    return [(n, line, Advice(advice[line.pk]).label) for n, line in enumerate(goods, start=1) if str(line.pk) in assessment.line_advice]


def _errors_key(application) -> str:
    return f"assessment_errors_{application.pk}"


def _typed_row(criterion, draft: dict, recorded, errors: dict) -> dict:
    """One criterion of the advisor's form: as last typed (the draft), else as recorded."""
    typed = ((draft.get("findings") or {}).get(str(criterion.number))) or (
        {"finding": recorded.finding, "reasoning": recorded.reasoning, "sub_points": recorded.sub_points} if recorded else {"finding": "", "reasoning": "", "sub_points": []}
    )
    prefix = f"findings[{criterion.number}]."
    return {"criterion": criterion, **typed, "errors": {path[len(prefix):]: msgs for path, msgs in errors.items() if path.startswith(prefix)}}


def _advice_form(application, assessment, draft: dict, errors: dict) -> "AdviceForm":
    """The advice part of the advisor's one form: as typed (the draft, with its advice per goods line), else as
    given; after a refused advice, each field with the service's own message under it."""
    goods = application.goods.all()
    typed = dict(draft.get("advice") or {})
    typed_lines = {f"line_advice_{k}": v for k, v in (typed.pop("line_advice", None) or {}).items()}
    given = {"advice": assessment.advice, **{f"line_advice_{k}": v for k, v in assessment.line_advice.items()}} if assessment and assessment.advice else None
    if not any(name in errors for name in (*services.ADVICE_FIELDS, "line_advice")):
        return AdviceForm(initial=({**typed, **typed_lines} if typed or typed_lines else given), goods=goods)
    # After a refused advice: the form as typed, each field with the service's own message under it.
    form = AdviceForm({**{name: typed.get(name, "") for name in services.ADVICE_FIELDS}, **typed_lines}, goods=goods)
    form.full_clean()
    form._errors = ErrorDict()
    for name in services.ADVICE_FIELDS:
        if name in errors:
            form.add_error(name, errors[name])
    if "line_advice" in errors:
        form.add_error(None, errors["line_advice"])
    return form


def _case_words(path: str) -> str:
    """A field of a case page form in words, for a message naming it."""
    from .office import AssignForm, NoteForm, QuestionForm, ReferForm, SetAsideForm

    for form in (DecisionForm, AdviceForm, QuestionForm, NoteForm, ReferForm, SetAsideForm, AssignForm):
        if path in form.base_fields:
            return str(form.base_fields[path].label)
    return str(CASE_FIELD_WORDS.get(path, ""))


CASE_FIELD_WORDS = {"reason": gettext_lazy("Reason"), "answer": gettext_lazy("Answer")}


def countersign_context(request, application, proposals: list[DecisionProposal]) -> dict:
    """The case page's four-eyes panel (office/includes/countersign.html): the decision awaiting a second officer, with
    why it needs one, and the proposals sent back with their reasons (`proposals`: licences.selectors.case_proposals)."""
    waiting = next((p for p in proposals if p.status == ProposalStatus.PROPOSED), None)
    return {
        "proposal": waiting,
        "proposal_grounds": decisions.grounds_text(waiting.grounds) if waiting else [],
        "proposal_command": _command_shown(waiting, application) if waiting else [],
        "proposals_sent_back": [p for p in proposals if p.status == ProposalStatus.SENT_BACK],
        "proposal_countersigned": next((p for p in proposals if p.status == ProposalStatus.COUNTERSIGNED), None),
        "may_countersign": bool(waiting) and request.user.effective_role in decisions.DECIDING and waiting.proposed_by_id != request.user.pk,
    }


def _command_shown(proposal, application) -> list[tuple[str, str]]:
    """The proposed decision's fields that say something, labelled as the decision form labels them."""
    command = decisions.DecideCommand.of_record(proposal.command)
    form = DecisionForm(frameworks=[], kind=application.kind)
    rows = [(form.fields["outcome"].label, Outcome(command.outcome).label)]
    for name in ("reasons", "criteria", "conditions", "valid_to", "answer", "entry"):
        value = getattr(command, name)
        if value:
            rows.append((form.fields[name].label, ", ".join(str(v) for v in value) if name == "criteria" else str(value)))
    if command.outcome == Outcome.ANSWERED:
        rows.append((form.fields["positive"].label, _("yes") if command.positive else _("no")))
    if command.not_listed:
        rows.append((form.fields["not_listed"].label, _("yes")))
    for denied in command.denied_destinations:
        rows.append((_("Destination %(country)s denied") % {"country": denied.country}, ", ".join(str(c) for c in denied.criteria)))
    return rows


def error_message(exc: DomainError) -> str:
    """The error and every field message under it, once each, each field named in words."""
    return message_with_fields(exc, words=_case_words)


def act(request, pk, do, success):
    """Run a move of the case page's (`do()`, a call of its service); back to the case with its outcome: the
    success message (`success`, or `success(result)` when it depends on what the service returned), or the service's
    error with its field messages; a role the service refuses gets the API's 403.
    The one path of every form on the case page: claim, refer and questions (web.office), assessment, decision
    and consultations (here), screening hits (web.screening)."""
    try:
        result = do()
    except NotAllowed:
        # The same refusal as the API's 403: which role may make a move is decided once, in the service.
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, error_message(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("office:case", pk=pk)


@require_POST
@roles_required(services.ADVISING)
def assessment_start(request, pk):
    application = case_or_404(request, pk)
    return act(request, pk, lambda: services.assessment_start(actor=request.user, application=application), _("Assessment started."))


def _typed_assessment(request, assessment) -> tuple[dict[int, dict], dict]:
    """The one form's fields as posted: the findings of the criteria it carries, and the advice fields it carries."""
    findings = {}
    for number in [g.number for g in grounds_of(services.assessment_frameworks(assessment))]:
        if f"finding_{number}" in request.POST or f"reasoning_{number}" in request.POST:
            findings[number] = {
                "finding": request.POST.get(f"finding_{number}", ""),
                "reasoning": request.POST.get(f"reasoning_{number}", ""),
                "sub_points": request.POST.getlist(f"sub_points_{number}"),
            }
    advice = {name: request.POST[name] for name in services.ADVICE_FIELDS if name in request.POST}
    # The advice per goods line where it differs (issue 18.2): the fields AdviceForm adds per line.
    lines = {key.removeprefix("line_advice_"): value for key, value in request.POST.items() if key.startswith("line_advice_") and key[12:].isdigit()}
    if lines:
        advice["line_advice"] = {k: v for k, v in lines.items() if v}
    return findings, advice


@require_POST
@roles_required(services.ADVISING)
def finding_save(request, pk):
    """The one form's "Save draft": everything typed is kept, valid or not; nothing is recorded as a finding or advice."""
    application = case_or_404(request, pk)
    assessment = selectors.current_assessment(application)

    def save():
        findings, advice = _typed_assessment(request, assessment)
        services.assessment_draft_save(actor=request.user, assessment=assessment, findings=findings, advice=advice)

    return act(request, pk, save, _("Draft saved. Nothing is advised until you give the advice."))


@require_POST
@roles_required(services.ADVISING)
def advice_give(request, pk):
    """The one form's "Give advice": the draft keeps what was typed first (so a refusal loses nothing), then every
    finding typed and the advice are recorded together, or nothing is; a refusal's errors point at their fields."""
    application = case_or_404(request, pk)
    assessment = selectors.current_assessment(application)
    try:
        findings, advice = _typed_assessment(request, assessment)
        services.assessment_draft_save(actor=request.user, assessment=assessment, findings=findings, advice=advice)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, error_message(exc))
        return redirect("office:case", pk=pk)
    try:
        services.assessment_submit_draft(actor=request.user, assessment=assessment)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.fields:
            request.session[_errors_key(application)] = {path: [str(m) for m in msgs] for path, msgs in exc.fields.items()}
        return redirect(reverse("office:case", args=[pk]) + "#action-assessment")
    messages.success(request, _("Advice given."))
    return redirect("office:case", pk=pk)


@require_POST
@roles_required(services.ADVISING)
def countersign(request, pk):
    application = case_or_404(request, pk)
    agree = request.POST.get("agree") == "1"
    reason = request.POST.get("reason", "")
    return act(request, pk, lambda: services.assessment_countersign(actor=request.user, assessment=selectors.current_assessment(application), agree=agree, reason=reason), _("Countersignature recorded."))


@require_POST
@roles_required(decisions.DECIDING)
def decide(request, pk):
    application = case_or_404(request, pk)
    form = decision_form(application, request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the decision form."))
        return redirect("office:case", pk=pk)
    d, actor = form.cleaned_data, request.user
    command = decisions.DecideCommand.of(d)
    if not confirmed(request):
        four_eyes = decisions.countersignature_grounds(application, command)
        return confirmation_page(
            request,
            title=_("Record the decision “%(outcome)s” on %(reference)s?") % {"outcome": Outcome(d["outcome"]).label, "reference": application.reference},
            consequence=(
                " ".join([*decisions.grounds_text(four_eyes), _("It takes effect, and the exporter is told, only once another officer countersigns it.")])
                if four_eyes
                else _("The exporter is told at once and receives the decision letter. A recorded decision is changed only on objection.")
            ),
            button=_("Yes, propose the decision") if four_eyes else _("Yes, record the decision"),
            cancel_url=reverse("office:case", args=[application.pk]),
        )

    def recorded(result) -> str:
        if isinstance(result, DecisionProposal):
            return _("Decision proposed: it takes effect once another officer countersigns it.")
        return _("Decision recorded.")

    return act(request, pk, lambda: decisions.decide(actor=actor, application=application, command=command), recorded)


@require_POST
@roles_required(decisions.DECIDING)
def decision_countersign(request, pk):
    """A second officer countersigns the decision proposed on this case, or sends it back with the reason."""
    application = case_or_404(request, pk)
    agree = request.POST.get("agree") == "1"
    try:
        proposal_id = int(request.POST.get("proposal", ""))
    except ValueError:
        proposal_id = -1  # not the proposal waiting: the service answers that it changed
    reason = request.POST.get("reason", "")
    return act(
        request, pk,
        lambda: decisions.decision_countersign(actor=request.user, application=application, proposal_id=proposal_id, agree=agree, reason=reason),
        _("Decision countersigned: it is in effect.") if agree else _("Decision sent back to its author."),
    )


@roles_required(decisions.DECIDING)
def countersign_queue(request):
    """The decisions awaiting a second officer's countersignature (the API's office/decision-proposals/)."""
    proposals = Paginator(proposals_awaiting_countersignature(), 50).get_page(request.GET.get("page"))
    rows = [(p, decisions.grounds_text(p.grounds)) for p in proposals]
    return render(request, "office/countersign_queue.html", {"page": proposals, "rows": rows})


@require_POST
@roles_required(services.CONSULTING)
def consultation_move(request, pk, cid):
    consultation = get_object_or_404(Consultation, pk=cid, application_id=pk)
    if request.POST.get("step") == "start":
        return act(request, pk, lambda: services.consultation_start(actor=request.user, consultation=consultation), _("Consultation started."))
    timed_out = request.POST.get("timed_out") == "1"
    return act(request, pk, lambda: services.consultation_answer(actor=request.user, consultation=consultation, answer=request.POST.get("answer", ""), timed_out=timed_out), _("Consultation answer recorded."))


@official_required
def decision_pdf(request, pk):
    document = application_document(case_or_404(request, pk))
    if document is None:
        raise Http404("No decision yet.")
    return pdf_response(*document)


@official_required
def denial_register(request):
    own = request.GET.get("own", "")
    entries = DenialRegisterEntry.objects.order_by("-notified_on", "reference")
    if own in ("true", "false"):
        entries = entries.filter(own=own == "true")
    return render(request, "office/denials.html", {"page": Paginator(entries, 50).get_page(request.GET.get("page")), "own": own})


@official_required
def parliament(request):
    notifications = parliament_notifications()
    return render(request, "office/parliament.html", {"notifications": notifications})


@official_required
def overdue(request):
    return render(request, "office/overdue.html", {"overdue": overdue_reports(), "outside_terms": usage_outside_terms()})
