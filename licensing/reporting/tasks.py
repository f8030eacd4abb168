from celery import shared_task
from django.db import DatabaseError


@shared_task(name="reporting.run", bind=True, max_retries=5, default_retry_delay=30, acks_late=True)
def report_run_task(self, run_id: int) -> str:
    """Compute a report run. Idempotent: a finished run is left alone; a run a dead worker left is redone."""
    from .services import report_run_execute

    try:
        run = report_run_execute(run_id=run_id)
    except DatabaseError as exc:
        raise self.retry(exc=exc)
    return run.status if run else "gone"
