"""
The screening panel on an official's case page, loading its own data in a constant number of queries:

    {% load screening %}{% screening_panel application %}

or include the template, which loads the same data: {% include "screening/case_panel.html" %}.
Renders nothing for anyone but an official.
"""
from django import template

from licensing.accounts.models import Role
from licensing.screening import selectors
from licensing.screening.models import Disposition, HitKind

register = template.Library()


def _data(context, application, case: selectors.CaseScreening | None = None) -> dict:
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    if application is None or not (user and user.is_authenticated and user.is_official):
        return {"visible": False}
    case = case or selectors.application_screening(application.pk)
    return {
        "visible": True,
        "screened_at": case.screened_at,
        "hits": case.hits,
        "open_hits": case.open_hits,
        "open_possible": case.open_possible,
        "kinds": HitKind,
        "escalated": [h for h in case.hits if h.escalation_pending],
        "user": user,
        "flags": case.flags,
        "can_dispose": user.has_role(Role.OFFICER, Role.ADMINISTRATOR),
        "dispositions": Disposition,
    }


@register.simple_tag(takes_context=True)
def screening_for(context, application, case=None):
    """The panel's data for `application`: {% screening_for application as screening %}; `case`: its hits and flags
    (selectors.application_screening), when the page has read them already."""
    return _data(context, application, case)


@register.inclusion_tag("screening/case_panel.html", takes_context=True)
def screening_panel(context, application):
    return {"application": application, "screening_panel_data": _data(context, application), "csrf_token": context.get("csrf_token")}
