"""The after-submission work as Celery tasks (see the package docstring). Task names unchanged from when they
lived in licensing.applications: queued messages and the beat schedule name them."""
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from licensing.applications.choices import Handler
from licensing.applications.models import Application, Status
from licensing.applications.workflow import Action, application_move
from licensing.assessment.consultation import consultations_flag
from licensing.core.errors import Conflict
from licensing.routing.services import application_determination
from licensing.screening.cases import application_screen


def _in_english(make):
    with translation.override("en"):
        return make()


@shared_task(name="applications.route", acks_late=True)
def application_route(application_id: int) -> str:
    """Determine a submitted application, screen its parties, flag look-alike denials, and place it in the
    licensing office's queue. One task, so one enqueue (and the sweep) covers all of it. Idempotent."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None or application.status != Status.SUBMITTED:
        return "skipped"  # already routed, withdrawn or gone: nothing to do
    determination = application_determination(application)
    consultations_flag(application)
    application_screen(application_id=application_id)
    try:
        with transaction.atomic():
            application_move(
                application=application,
                action=Action.ROUTE,
                actor=None,
                payload={"handler": determination.handler, "rules": [r.id for r in determination.rules]},
                # The record keeps the rule texts in English; pages and the API show them in the reader's language.
                extra_updates={"determination": _in_english(determination.as_dict), "handler": determination.handler or ""},
            )
    except Conflict:
        return "skipped"  # someone moved it in the meantime (e.g. withdrawn)
    if determination.handler == Handler.MINISTRY and settings.REFER_MINISTRY_CASES_DIRECTLY:
        try:
            application_move(application=application, action=Action.REFER, actor=None, reason="Referred directly under the work instruction.")
        except Conflict:
            pass  # an officer acted first; the case stays where they put it
    return determination.handler or "none"


SWEEP_AFTER = timedelta(minutes=2)


@shared_task(name="applications.route_pending", acks_late=True)
def route_pending() -> int:
    """The outbox sweep: route applications left in SUBMITTED (broker down at submission, worker lost)."""
    cutoff = timezone.now() - SWEEP_AFTER
    pending = list(Application.objects.filter(status=Status.SUBMITTED, submitted_at__lt=cutoff).values_list("pk", flat=True)[:1000])
    for pk in pending:
        application_route(pk)
    return len(pending)
