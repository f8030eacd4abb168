"""
The report as a whole: its tables by name, their JSON, and report runs through Celery with progress.

Table names are the API's URL segments: /api/v1/reports/annual/{year}/{name}/ and
/api/v1/reports/monthly/{year}/{month}/{name}/.
"""
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.applications.choices import GoodsKind
from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import NotFound

from . import serializers, tables, usage
from .models import ReportRun, RunStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportTable:
    name: str
    build: Callable[[tables.Period], Any]
    serializer: type
    seed: str  # the seed's table this reproduces


TABLES: dict[str, ReportTable] = {
    t.name: t
    for t in [
        ReportTable("military", tables.military_table, serializers.ReportMilitary, "tables 2, 7 and 8"),
        ReportTable("dual-use", tables.dual_use_table, serializers.ReportDualUse, "table 3"),
        ReportTable("dual-use-destinations", usage.dual_use_top_destinations, serializers.ReportUsage, "table 4"),
        ReportTable("anti-torture", tables.anti_torture_table, serializers.ReportAntiTorture, "table 5"),
        ReportTable("general-licences", usage.general_licence_tables, serializers.ReportGeneralLicences, "tables 9-15"),
        ReportTable("transit", tables.transit_table, serializers.ReportTransit, "table 17"),
        ReportTable("brokering", tables.brokering_table, serializers.ReportBrokering, "table 18 (brokering)"),
        ReportTable("denials", lambda period: tables.denial_table(period, goods_kind=GoodsKind.MILITARY), serializers.ReportDenials, "annex 6 (military denials)"),
        ReportTable("denials-all", tables.denial_table, serializers.ReportDenials, "all our denials (military, dual-use, anti-torture)"),
        ReportTable("parliament", tables.parliament_table, serializers.ReportParliament, "fast-track notifications"),
    ]
}


def report_table(*, name: str, year: int, month: int | None = None):
    """The table `name` for a year or a month, as computed data (dataclasses with Decimals)."""
    if name not in TABLES:
        raise NotFound(_("No report table '%(name)s'. Tables: %(tables)s.") % {"name": name, "tables": ", ".join(TABLES)})
    return TABLES[name].build(tables.Period(year, month))


def report_table_json(*, name: str, year: int, month: int | None = None) -> dict:
    """The table `name` as the API returns it."""
    return TABLES[name].serializer(report_table(name=name, year=year, month=month)).data


def report_json(*, year: int, month: int | None = None, progress: Callable[[int, str], None] | None = None) -> dict:
    """Every table as the API returns it, keyed by name; `progress(percent, name)` is told before each table."""
    result = {}
    for index, name in enumerate(TABLES):
        if progress:
            progress(index * 100 // len(TABLES), name)
        result[name] = report_table_json(name=name, year=year, month=month)
    return result


# --- Report runs -----------------------------------------------------------------------------------------------
def report_run_start(*, actor, year: int, month: int | None = None) -> ReportRun:
    """Queue a run of the whole report; a worker computes it after the commit."""
    from .tasks import report_run_task

    tables.Period(year, month)  # validates
    run = ReportRun.objects.create(year=year, month=month, requested_by=actor)
    delay_after_commit(report_run_task, run.pk)
    return run


def report_run_execute(*, run_id: int) -> ReportRun | None:
    """Compute a queued run (or one a dead worker left running), saving progress after each table. Idempotent."""
    started = ReportRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    if not started:
        return ReportRun.objects.filter(pk=run_id).first()  # done, failed or gone: nothing to do
    run = ReportRun.objects.get(pk=run_id)

    def progress(percent: int, step: str) -> None:
        ReportRun.objects.filter(pk=run_id).update(progress=percent, step=step)

    try:
        result = report_json(year=run.year, month=run.month, progress=progress)
    except DatabaseError:
        raise  # the database is away: the task retries, and the run stays `running` until then
    except Exception as exc:  # a bug in a table: record it on the run (visible to the user) rather than retry
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", finished_at=timezone.now())
        run.refresh_from_db()
        return run
    ReportRun.objects.filter(pk=run_id).update(status=RunStatus.DONE, progress=100, step="", result=result, finished_at=timezone.now())
    run.refresh_from_db()
    return run
