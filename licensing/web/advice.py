"""Advice from other bodies (licensing.assessment.advice_requests) on the pages: the office and the ministry ask
and withdraw from the case page (the panel of templatetags/advice.py); the Ministry of Defence, the Ministry of
Economic Affairs and the intelligence services have their own queue and a page per request with the facts of the
case and the answer form."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from licensing.accounts.models import ADVICE_BODY_ROLES
from licensing.assessment import advice_requests as requests
from licensing.assessment.transitions import ADVICE_REQUEST, ANSWERING_BODIES, ASKING_BODIES
from licensing.core.errors import DomainError

from .access import roles_required
from .decisions import act, case_or_404, error_message
from .fields import DateField


class AskForm(forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("Ask"), choices=[("", gettext_lazy("Choose a body"))] + [(r.value, r.label) for r in ADVICE_BODY_ROLES])
    question = forms.CharField(label=gettext_lazy("What you ask"), widget=forms.Textarea(attrs={"rows": 3}), max_length=requests.MAX_TEXT)
    due_on = DateField(label=gettext_lazy("Answer by"), required=False, help_text=gettext_lazy("Empty: the usual term."))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why the advice is no longer needed"), widget=forms.Textarea(attrs={"rows": 2}), max_length=requests.MAX_TEXT)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=gettext_lazy("Your advice"), widget=forms.Textarea(attrs={"rows": 8}), max_length=requests.MAX_TEXT)


def _form_refusal(request, form) -> None:
    messages.error(request, " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()))


@require_POST
@roles_required(ASKING_BODIES)
def ask(request, pk):
    application = case_or_404(request, pk)
    form = AskForm(request.POST)
    if not form.is_valid():
        _form_refusal(request, form)
        return redirect("office:case", pk=pk)
    data = form.cleaned_data
    return act(request, pk, lambda: requests.advice_request_ask(actor=request.user, application=application, body=data["body"], question=data["question"], due_on=data["due_on"]),
               _("The request for advice is sent."))


@require_POST
@roles_required(ASKING_BODIES)
def withdraw(request, rid):
    made = requests.request_for(request.user, rid)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(request, made.application_id, lambda: requests.advice_request_withdraw(actor=request.user, request=made, reason=reason), _("The request for advice is withdrawn."))


@roles_required(ANSWERING_BODIES)
def queue(request):
    return render(request, "advice/queue.html", {"rows": requests.requests_for_body(request.user)[:200], "body": requests.body_label(request.user.effective_role)})


@roles_required(ANSWERING_BODIES)
def detail(request, rid):
    made = requests.request_for(request.user, rid)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                requests.advice_request_answer(actor=request.user, request=made, answer=form.cleaned_data["answer"])
            except DomainError as exc:
                messages.error(request, error_message(exc))
            else:
                messages.success(request, _("Your advice is sent to the licensing office."))
                return redirect("advice:queue")
    errors = [{"anchor": f"id_{name}", "label": form.fields[name].label, "message": m} for name, msgs in form.errors.items() for m in msgs]
    return render(request, "advice/detail.html", {"made": made, "case": requests.body_case(made), "form": form, "errors": errors,
                                                  "may_answer": "answered" in ADVICE_REQUEST.allowed_actions(made, request.user)})
