"""Officials' pages for the assessment (ministry) and the decision (office), the denial register and the fast track."""
from django import forms
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
from licensing.licences.models import Decision, DecisionProposal, Outcome, ProposalStatus
from licensing.reference.frameworks import grounds_of

from .access import official_required, roles_required
from .confirm import confirmation_page, confirmed


class AdviceForm(forms.Form):
    advice = forms.ChoiceField(label=gettext_lazy("Advice"), choices=Advice.choices)
    conditions = forms.CharField(label=gettext_lazy("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    weighing = forms.CharField(label=gettext_lazy("Weighing of the criteria to be weighed (criteria 5-8, the other considerations)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=gettext_lazy("Override of a negative finding on a criterion that leads to denial (needs a second advisor)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Outcome.choices)
    reasons = forms.CharField(label=gettext_lazy("Reasons (the exporter reads these)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    criteria = forms.TypedMultipleChoiceField(label=gettext_lazy("Criteria cited (denial or negative sondage answer)"), required=False, coerce=int, choices=[], widget=forms.CheckboxSelectMultiple)
    conditions = forms.CharField(label=gettext_lazy("Licence conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_to = forms.DateField(label=gettext_lazy("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    answer = forms.CharField(label=gettext_lazy("Indicative answer (sondage)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    positive = forms.BooleanField(label=gettext_lazy("Indicative answer is positive"), required=False)
    entry = forms.CharField(label=gettext_lazy("Control entry (classification)"), required=False, max_length=60)
    not_listed = forms.BooleanField(label=gettext_lazy("Not listed (classification)"), required=False)

    def __init__(self, *args, frameworks: list[str], kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the outcomes this kind of application can have, and none chosen for the officer.
        self.fields["outcome"].choices = [("", _("— choose —"))] + [(o, Outcome(o).label) for o in decisions.outcomes_for(kind)]
        # The grounds of the frameworks this case is assessed against (licensing.reference.frameworks decides which).
        self.fields["criteria"].choices = [(g.number, f"{_ground_label(g)} ({_act(g.framework)})") for g in grounds_of(frameworks)]


def _ground_label(ground) -> str:
    return ground.label_nl if translation.get_language() == "nl" else ground.label_en


def _act(framework) -> str:
    return framework.act_nl if translation.get_language() == "nl" else framework.act_en


def case_or_404(request, pk):
    """The case (application with its details) if the user may see it, else 404: every case page and move."""
    return get_object_or_404(applications.with_details(applications.applications_visible_to(request.user)), pk=pk)


def assessment_context(request, application) -> dict:
    """What the case page shows of the assessment and the decision; exporters never reach it."""
    assessment = selectors.current_assessment(application)
    findings = {f.criterion_id: f for f in assessment.findings.all()} if assessment else {}
    frameworks = assessment.frameworks if assessment and assessment.status != "returned" else applications.application_frameworks(application)
    return {
        "assessment": assessment,
        "criteria_rows": [(c, findings.get(c.number)) for c in grounds_of(frameworks)],
        "findings_choices": Finding.choices,
        "advice_form": AdviceForm(initial={"advice": assessment.advice} if assessment and assessment.advice else None),
        "decision_form": DecisionForm(frameworks=applications.application_frameworks(application), kind=application.kind),
        "blockers": {"approve": decisions.decision_blockers(application, approving=True), "deny": decisions.decision_blockers(application, approving=False)},
        "consultations": Consultation.objects.filter(application=application).select_related("denial"),
        "prior": prior_information(application),
        "decision": Decision.objects.filter(application=application).select_related("licence").first(),
        **countersign_context(request, application),
        "is_advisor": request.user.effective_role == "advisor",
    }


def countersign_context(request, application) -> dict:
    """The case page's four-eyes panel (office/includes/countersign.html): the decision awaiting a second officer, with
    why it needs one, and the proposals sent back with their reasons."""
    proposals = case_proposals(application)
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
    return rows


def error_message(exc: DomainError) -> str:
    """The error and every field message under it, once each."""
    details = [m for msgs in exc.fields.values() for m in msgs if m not in exc.message]
    return " ".join([exc.message, *details])


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


@require_POST
@roles_required(services.ADVISING)
def finding_save(request, pk):
    application = case_or_404(request, pk)
    assessment = selectors.current_assessment(application)

    def save_all():
        for criterion in [g.number for g in grounds_of(services.assessment_frameworks(assessment))]:
            finding = request.POST.get(f"finding_{criterion}", "")
            reasoning = request.POST.get(f"reasoning_{criterion}", "")
            if not finding and not reasoning:
                continue
            services.finding_record(
                actor=request.user, assessment=assessment, criterion=criterion, finding=finding, reasoning=reasoning, sub_points=request.POST.getlist(f"sub_points_{criterion}")
            )

    return act(request, pk, save_all, _("Findings saved."))


@require_POST
@roles_required(services.ADVISING)
def advice_give(request, pk):
    application = case_or_404(request, pk)
    form = AdviceForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {"advice": "", "conditions": "", "weighing": "", "override_reason": ""}
    return act(request, pk, lambda: services.assessment_submit(actor=request.user, assessment=selectors.current_assessment(application), **data), _("Advice given."))


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
    form = DecisionForm(request.POST, frameworks=applications.application_frameworks(application), kind=application.kind)
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
