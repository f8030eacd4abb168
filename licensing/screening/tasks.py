"""Celery tasks: they take ids, call a service, are idempotent, acknowledge late and retry on database trouble."""
from celery import shared_task
from django.db import DatabaseError

from . import cases, hooks, lists
from . import rescreen as runs  # the module; `rescreen` is the task below

RETRY = {"bind": True, "acks_late": True, "max_retries": 5, "default_retry_delay": 10, "autoretry_for": (DatabaseError,), "retry_backoff": True}


@shared_task(name="screening.screen_application", **RETRY)
def screen_application(self, application_id: int) -> str:
    """Screen a submitted application's parties and work out its circumvention flags."""
    result = cases.application_screen(application_id=application_id)
    if result is None:
        return "skipped"  # a draft, closed or gone
    return f"{result.hits_open} open hit(s); flags: {','.join(result.flags) or '-'}"


@shared_task(name="screening.import_list", **RETRY)
def import_list(self, run_id: int) -> str:
    """Import an uploaded list (all or nothing), then re-screen the open applications."""
    run = runs.list_import_run(run_id=run_id)
    return run.status if run else "skipped"


@shared_task(name="screening.rescreen", **RETRY)
def rescreen(self, run_id: int) -> int:
    """Hand every open application of a run to the workers in chunks, and tell the layers above that the run started
    (the live licences and registrations are re-screened for the same run)."""
    count = runs.rescreen_fan_out(run_id=run_id)
    hooks.rescreen_announce(run_id)
    return count


@shared_task(name="screening.rescreen_chunk", **RETRY)
def rescreen_chunk(self, run_id: int, application_ids: list[int]) -> int:
    runs.rescreen_applications(run_id=run_id, application_ids=application_ids)
    return len(application_ids)


@shared_task(name="screening.sync_denials", **RETRY)
def sync_denials(self, force: bool = True) -> bool:
    """Re-read the denial register into the screening index (e.g. nightly, or after editing denials in the admin)."""
    return lists.denials_refresh(force=force)
