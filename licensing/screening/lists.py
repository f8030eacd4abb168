"""
The lists' contents: an imported list made exactly the entries it holds (all or nothing) with the names the
matcher reads, the denial register's sync into the same index, and the common high-priority items.

An uploaded file's import run and the re-screen that follows it are in rescreen.py.
"""
import hashlib
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import DomainError
from licensing.denials.models import DenialRegisterEntry

from .importers import ParsedEntry, denial_entries
from .matching import name_key, trigrams
from .models import (
    KIND_OF_SOURCE,
    EntryName,
    HighPriorityItem,
    ListEntry,
    ListSource,
    NameGram,
    RunKind,
    ScreeningHit,
    ScreeningList,
    ScreeningRun,
)

BATCH = 2000
HIGH_PRIORITY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "screening" / "high_priority_items.yaml"


# --- Lists ----------------------------------------------------------------------------------------
@dataclass
class ReplaceResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _names_of(entry: ListEntry, parsed: ParsedEntry) -> list[EntryName]:
    rows, seen = [], set()
    for name, weak in [(n, False) for n in parsed.all_names] + [(n, True) for n in parsed.weak_aliases]:
        key = name_key(name)
        if key and (key.key, key.abjad) not in seen:
            seen.add((key.key, key.abjad))
            rows.append(EntryName(entry=entry, name=name[:500], normalised=key.key[:500], skeleton=key.skeleton[:500], abjad=key.abjad, weak=weak))
    return rows


def _names_write(pairs: list[tuple[ListEntry, ParsedEntry]]) -> None:
    names = [n for entry, parsed in pairs for n in _names_of(entry, parsed)]
    EntryName.objects.bulk_create(names, batch_size=BATCH)
    if connection.vendor != "postgresql":
        # Without pg_trgm the trigrams go in a table of their own, indexed by gram.
        grams = []
        for n in names:
            grams.extend(NameGram(gram=g, name_id=n.pk) for g in trigrams(n.normalised))
            grams.extend(NameGram(gram="~" + g, name_id=n.pk) for g in trigrams(n.skeleton))
        NameGram.objects.bulk_create(grams, batch_size=BATCH * 5)


def chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def list_replace(*, source: str, entries: list[ParsedEntry], fingerprint: str = "") -> ReplaceResult:
    """Make the list exactly `entries`: new ones added, changed ones rewritten, vanished ones removed. Atomic."""
    result = ReplaceResult()
    incoming = {e.reference: e for e in entries}
    with transaction.atomic():
        screening_list, _ = ScreeningList.objects.get_or_create(source=source, defaults={"kind": KIND_OF_SOURCE[source]})
        ScreeningList.objects.select_for_update().filter(pk=source).first()  # one import of a list at a time
        existing = {ref: (pk, digest) for pk, ref, digest in ListEntry.objects.filter(source=source).values_list("id", "reference", "content_hash")}
        removed = [pk for ref, (pk, _) in existing.items() if ref not in incoming]
        changed = [(existing[ref][0], e) for ref, e in incoming.items() if ref in existing and existing[ref][1] != e.content_hash]
        created = [e for ref, e in incoming.items() if ref not in existing]
        result.removed, result.updated, result.created = len(removed), len(changed), len(created)
        result.unchanged = len(incoming) - result.updated - result.created

        for ids in chunks(removed + [pk for pk, _ in changed], 500):
            NameGram.objects.filter(name__entry_id__in=ids).delete()
            EntryName.objects.filter(entry_id__in=ids).delete()
        for ids in chunks(removed, 500):
            ScreeningHit.objects.filter(entry_id__in=ids).update(entry=None)
            ListEntry.objects.filter(id__in=ids).delete()
        updated = []
        for pk, parsed in changed:
            entry = ListEntry(pk=pk, source_id=source, reference=parsed.reference)
            _entry_fields(entry, parsed)
            updated.append((entry, parsed))
        ListEntry.objects.bulk_update(
            [e for e, _ in updated], ["name", "entity_kind", "countries", "programme", "details", "content_hash", "updated_at"], batch_size=BATCH
        )
        new = []
        for parsed in created:
            entry = ListEntry(source_id=source, reference=parsed.reference)
            _entry_fields(entry, parsed)
            new.append((entry, parsed))
        ListEntry.objects.bulk_create([e for e, _ in new], batch_size=BATCH)
        _names_write(updated + new)
        ScreeningList.objects.filter(pk=source).update(
            fingerprint=fingerprint or screening_list.fingerprint, entry_count=len(incoming), updated_at=timezone.now()
        )
    return result


def _entry_fields(entry: ListEntry, parsed: ParsedEntry) -> None:
    entry.name = parsed.name[:500]
    entry.entity_kind = parsed.entity_kind
    entry.countries = list(parsed.countries)
    entry.programme = parsed.programme[:300]
    entry.details = parsed.details
    entry.content_hash = parsed.content_hash
    entry.updated_at = timezone.now()


def denials_refresh(*, force: bool = False) -> bool:
    """Bring the denial register's names into the screening index when the register changed. True if it did.

    Denials are added by decisions and by `import_denials` (bulk, without signals); a cheap fingerprint of the
    register (one query) tells whether to re-read it. `force` re-reads it anyway (edits in the admin).
    """
    stats = DenialRegisterEntry.objects.aggregate(n=Count("id"), last=Max("id"), revoked=Count("id", filter=Q(revoked_on__isnull=False)))
    fingerprint = f"{stats['n']}:{stats['last']}:{stats['revoked']}"
    current = ScreeningList.objects.filter(pk=ListSource.DENIALS).values_list("fingerprint", flat=True).first()
    if current == fingerprint and not force:
        return False
    rows = DenialRegisterEntry.objects.filter(revoked_on__isnull=True).values(
        "reference", "notifying_state_id", "destination_id", "consignee", "end_user", "criteria", "notified_on", "control_entry", "own"
    )
    result = list_replace(source=ListSource.DENIALS, entries=denial_entries(rows), fingerprint=fingerprint)
    if result.changed:
        run = ScreeningRun.objects.create(kind=RunKind.RESCREEN, source=ListSource.DENIALS, created=result.created, updated=result.updated, removed=result.removed, unchanged=result.unchanged)
        rescreen_enqueue(run.pk)
    return result.changed


def rescreen_enqueue(run_id: int) -> None:
    """Queue the re-screen of a run once the current transaction (if any) has committed: a list that changed is
    re-screened (the run itself is rescreen.py's)."""
    from .tasks import rescreen

    delay_after_commit(rescreen, run_id)


# Single-name screens (the API) re-read the denial register only when it may have changed: a denial saved or
# deleted anywhere changes a version in the shared cache (signals.py); bulk imports send no signals, so the
# register is also compared at least this often.
DENIALS_CHECK_SECONDS = 60
_denials_seen = {"version": None, "at": float("-inf")}


def denials_version_bump() -> None:
    cache.set(_denials_version_key(), uuid.uuid4().hex, None)


def denials_refresh_if_changed() -> bool:
    """denials_refresh() when a denial changed since this process last looked, or the last look is old. True if it re-read."""
    version = cache.get(_denials_version_key())
    now = time.monotonic()
    if version == _denials_seen["version"] and now - _denials_seen["at"] < DENIALS_CHECK_SECONDS:
        return False
    changed = denials_refresh()
    _denials_seen.update(version=version, at=now)
    return changed


def _denials_version_key() -> str:
    database = str(connection.settings_dict.get("NAME") or "")
    return f"screening:{hashlib.sha1(database.encode()).hexdigest()[:10]}:denials_version"


# --- Reference: the common high-priority items ---------------------------------------------------
def high_priority_items_load(path: Path | None = None) -> int:
    """Load (or update) the HS codes of the common high-priority items list from the fixture."""
    data = yaml.safe_load(Path(path or HIGH_PRIORITY_FIXTURE).read_text(encoding="utf-8"))
    count = 0
    with transaction.atomic():
        for item in data["items"]:
            code = "".join(ch for ch in str(item["hs"]) if ch.isdigit())
            if len(code) != 6:
                raise DomainError(gettext("HS code %(code)r is not six digits.") % {"code": item["hs"]})
            HighPriorityItem.objects.update_or_create(hs_code=code, defaults={"tier": str(item["tier"]), "description": item.get("description", "")})
            count += 1
    return count
