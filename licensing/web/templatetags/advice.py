"""The case page's panel of requests for advice to other bodies: {% advice_requests_panel application %}."""
from django import template

from licensing.assessment import advice_requests as requests
from licensing.assessment.transitions import ADVICE_REQUEST, ASKING_BODIES
from licensing.core.permissions import actor_may
from licensing.core.prefetch import prefetched_or

register = template.Library()


@register.inclusion_tag("office/includes/advice_requests.html", takes_context=True)
def advice_requests_panel(context, application):
    from licensing.web.advice import AskForm, WithdrawForm

    user = context["request"].user
    rows = prefetched_or(application, "advice_requests", requests.requests_of_case(application))
    return {
        "application": application,
        "advice_requests": [(r, ADVICE_REQUEST.allowed_actions(r, user)) for r in rows],
        "may_ask": actor_may(user, ASKING_BODIES) and application.status in requests.ASKABLE,
        "ask_form": AskForm(auto_id="advice_%s", initial={"due_on": requests.due_default()}),
        "withdraw_form": WithdrawForm(auto_id=False),
        "csrf_token": context.get("csrf_token"),
    }
