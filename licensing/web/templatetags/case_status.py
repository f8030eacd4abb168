"""Where an application is, said to the exporter in plain words: who holds it, when the decision is due, what next.

No rule ids and no internal words: "the ministry advises, the licensing office decides", not `handler.ministry`.
"""
from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from licensing.applications.choices import Handler
from licensing.applications.models import Status

register = template.Library()


def _where(application) -> str:
    status, ministry = application.status, application.handler == Handler.MINISTRY
    if status == Status.DRAFT:
        return _("Not submitted yet: only your organisation can see this draft.")
    if status == Status.SUBMITTED:
        return _("Received. It is being checked and sent to the right desk; this usually takes minutes.")
    if status == Status.IN_REVIEW and ministry:
        return _("The licensing office (CDIU) is preparing your application for the Ministry of Foreign Affairs, which advises on it. The licensing office decides.")
    if status == Status.IN_REVIEW:
        return _("The licensing office (CDIU) is assessing your application and decides on it.")
    if status == Status.REFERRED:
        return _("The Ministry of Foreign Affairs is assessing your application. The licensing office decides after its advice.")
    if status == Status.ADVICE_GIVEN:
        return _("The Ministry of Foreign Affairs has given its advice; the licensing office (CDIU) now decides.")
    if status in Status.decided():
        return _("Decided: the decision and its document are below.")
    return _("Closed: nothing more will be decided on it.")


@register.inclusion_tag("includes/case_status.html")
def case_status(application):
    days = application.days_left()
    due = None
    if application.deadline_at and application.status not in Status.decided():
        if application.clock_stopped_at:
            due = _("The deadline is paused while a question to you is open; it moves on by the time it stood still.")
        elif days is not None and days < 0:
            due = ngettext("The decision was due %(n)d day ago.", "The decision was due %(n)d days ago.", -days) % {"n": -days}
        elif days is not None:
            due = ngettext("%(n)d day left.", "%(n)d days left.", days) % {"n": days}
    return {"application": application, "where": _where(application), "due": due, "action_needed": any(q.is_open for q in application.questions.all())}
