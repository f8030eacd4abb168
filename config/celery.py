"""Celery application. Without REDIS_URL tasks run eagerly in process (the embedded default)."""
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("licensing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def database_connections_tidy(sender=None, **kwargs) -> None:
    """Around a task in a worker, what Django does around a request: close a database connection that is broken,
    older than CONN_MAX_AGE or left outside autocommit, and keep the others (Celery itself would close every
    connection before and after each task, CELERY_DB_REUSE_MAX). Not for a task run eagerly: that one runs inside
    its caller's request or transaction."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
