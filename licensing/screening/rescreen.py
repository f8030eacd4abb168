"""
Runs: an uploaded list's import run (the file kept with the run, parsed and imported by a worker) and the
re-screen of every open application that follows it, handed to the workers in chunks with its progress counted.
"""
import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from licensing.audit.services import event_record
from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import DomainError

from . import selectors
from .cases import applications_screen
from .importers import ListFormatError, list_parse
from .lists import chunks, denials_refresh, list_replace, rescreen_enqueue
from .models import (
    ListSource,
    RunItem,
    RunKind,
    RunStatus,
    ScreeningRun,
)
from .name_index import name_index

RESCREEN_CHUNK = 200  # applications a task: per chunk the same ~18 queries and one commit, so fewer chunks cost less


# --- Import runs and re-screens -------------------------------------------------------------------
def list_import_start(*, actor, source: str, content: bytes, file_name: str = "") -> ScreeningRun:
    """Keep the uploaded file with a new run and queue its import (then the re-screen) for the worker."""
    if source not in (ListSource.EU, ListSource.OPENSANCTIONS):
        raise DomainError(gettext("Unknown list format."), fields={"format": [gettext("Choose eu-xml or ftm.")]})
    if not content:
        raise DomainError(gettext("The file is empty."), fields={"file": [gettext("The file is empty.")]})
    run = ScreeningRun.objects.create(
        kind=RunKind.IMPORT,
        source=source,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        payload=content,
        started_by=actor if getattr(actor, "pk", None) else None,
    )

    from .tasks import import_list

    delay_after_commit(import_list, run.pk)
    return run


def list_import_run(*, run_id: int) -> ScreeningRun | None:
    """Import the run's file; on success re-screen the open applications. Safe to run twice."""
    # A run left `importing` by a worker that died is taken up again: the import itself is one transaction.
    claimed = ScreeningRun.objects.filter(pk=run_id, kind=RunKind.IMPORT, status__in=(RunStatus.PENDING, RunStatus.IMPORTING)).update(
        status=RunStatus.IMPORTING
    )
    if not claimed:
        return None
    run = ScreeningRun.objects.get(pk=run_id)
    try:
        entries = list_parse(run.source, bytes(run.payload))
    except ListFormatError as exc:
        ScreeningRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, errors=exc.errors, payload=b"", finished_at=timezone.now())
        return ScreeningRun.objects.get(pk=run_id)
    with transaction.atomic():
        result = list_replace(source=run.source, entries=entries, fingerprint=run.file_sha256)
        ScreeningRun.objects.filter(pk=run_id).update(
            status=RunStatus.SCREENING,
            payload=b"",
            created=result.created,
            updated=result.updated,
            removed=result.removed,
            unchanged=result.unchanged,
        )
        event_record(
            actor=run.started_by,
            verb="screening.list_imported",
            target=run,
            payload={"source": run.source, "file": run.file_name, "sha256": run.file_sha256, "created": result.created, "updated": result.updated, "removed": result.removed},
        )
        rescreen_enqueue(run_id)
    return ScreeningRun.objects.get(pk=run_id)


def list_import_file(*, source: str, content: bytes, file_name: str = "", actor=None) -> ScreeningRun:
    """Import a file in this process (the management command); the re-screen goes to the worker."""
    run = ScreeningRun.objects.create(
        kind=RunKind.IMPORT, source=source, file_name=file_name[:255], file_sha256=hashlib.sha256(content).hexdigest(), payload=content, started_by=actor
    )
    return list_import_run(run_id=run.pk)


def rescreen_start(*, source: str = "", actor=None) -> ScreeningRun:
    """Re-screen every open application (e.g. after the threshold or the algorithm changed)."""
    run = ScreeningRun.objects.create(kind=RunKind.RESCREEN, source=source, started_by=actor)
    rescreen_enqueue(run.pk)
    return run


def rescreen_fan_out(*, run_id: int) -> int:
    """Count the open applications and hand them to the workers in chunks. Returns how many."""
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.PENDING).update(status=RunStatus.SCREENING)
    run = ScreeningRun.objects.defer("payload").filter(pk=run_id, status=RunStatus.SCREENING).first()
    if run is None:
        return 0
    denials_refresh()  # once for the run; its chunks do not look again
    ids = selectors.open_application_ids()
    ScreeningRun.objects.filter(pk=run_id).update(total=len(ids))
    if not ids:
        _run_progress(run_id)
        return 0
    from .tasks import rescreen_chunk

    for chunk in chunks(ids, RESCREEN_CHUNK):
        rescreen_chunk.delay(run_id, chunk)
    return len(ids)


def rescreen_applications(*, run_id: int, application_ids: list[int]) -> None:
    """Screen a chunk of applications for a run, and move the run's progress on."""
    index = name_index()  # the lists in memory, loaded once per process while they do not change
    # One transaction for the chunk (skipping those closed in the meantime): a worker killed in the middle leaves
    # nothing of it behind, and the next worker redoes it whole.
    applications_screen(application_ids=application_ids, index=index, refresh_denials=False)
    RunItem.objects.bulk_create([RunItem(run_id=run_id, application_id=pk) for pk in application_ids], ignore_conflicts=True)
    _run_progress(run_id)


def _run_progress(run_id: int) -> None:
    done = RunItem.objects.filter(run_id=run_id).count()
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.SCREENING).update(done=done)
    run = ScreeningRun.objects.defer("payload").get(pk=run_id)
    if run.status == RunStatus.SCREENING and done >= run.total:
        # Compare and set: of the chunks finishing last at once, one closes the run.
        if ScreeningRun.objects.filter(pk=run_id, status=RunStatus.SCREENING).update(status=RunStatus.DONE, finished_at=timezone.now()):
            RunItem.objects.filter(run_id=run_id).delete()
