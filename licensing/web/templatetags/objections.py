"""The objections of one application, as a panel of the holder's decision page and of the office's case page (one
include each: the panels read their own data)."""
from django import template

from licensing.licences import objections
from licensing.licences.models import OPEN_OBJECTION_STATUSES, ObjectionStatus, Source

register = template.Library()


@register.inclusion_tag("exporter/includes/objections.html", takes_context=True)
def holder_objections(context, application):
    """The holder's objections and, while the decision in force may be objected to, the form to lodge one."""
    listed = list(objections.objections_of_application(application))
    decision = application.decision if hasattr(application, "decision") else None
    open_ = any(o.status in OPEN_OBJECTION_STATUSES for o in listed)
    decided_on_this = decision is not None and any(o.decision_id == decision.pk and o.status == ObjectionStatus.DECIDED for o in listed)
    may_lodge = (
        decision is not None and decision.source == Source.SYSTEM and not decision.on_objection_id and not open_ and not decided_on_this
        and context["request"].user.may_in_organisation("sign")
    )
    return {"application": application, "objections": listed, "may_lodge": may_lodge, "term_ends": decision and objections.objection_term_ends(decision), "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("office/includes/objections.html")
def case_objections(application):
    return {"application": application, "objections": list(objections.objections_of_application(application))}


@register.inclusion_tag("exporter/includes/objections.html", takes_context=True)
def licence_objections(context, held):
    """The same panel on the holder's licence page: the objections to the decision the licence was issued on."""
    application = getattr(getattr(held, "decision", None), "application", None)
    if application is None:  # imported, or replaced on objection (its application shows the decision in force)
        return {"objections": [], "may_lodge": False}
    return holder_objections(context, application)
