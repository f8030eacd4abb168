"""
Reads for screening: name matching against the lists, what blocks a decision, the flags the queue shows,
an application's hits and flags for the case panel, and the serial-number search.
"""
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Count

from licensing.applications.models import Application, Status

from .matching import ALGORITHM, NameKey, country_adjusted, name_key, name_similarity, trigrams
from .models import (
    KIND_OF_SOURCE,
    ApplicationScreening,
    Disposition,
    EntityKind,
    EntryName,
    NameGram,
    ScreeningFlag,
    ScreeningHit,
    ScreeningRun,
    SerialNumber,
)

OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.REFERRED, Status.ADVICE_GIVEN)
# Names fetched from the index per screened name, best trigram overlap first; rapidfuzz scores only these.
CANDIDATES = 60
# Trigram overlap a name needs to be a candidate at all: well below what a score of 0.85 takes (one typo in
# a short name leaves about 0.5; a person named without a middle name about 0.5).
TRIGRAM_THRESHOLD = 0.4
SKELETON_GRAM = "~"  # marks a skeleton trigram in NameGram (SQLite path)


def threshold() -> float:
    return float(getattr(settings, "SCREENING_THRESHOLD", 0.85))


@dataclass(frozen=True)
class Match:
    source: str
    list_kind: str
    entry_id: int
    reference: str
    name: str
    matched_name: str
    score: float
    entry_hash: str
    algorithm: str = ALGORITHM


def _candidates(key: NameKey) -> list[EntryName]:
    """Names sharing enough trigrams with the query, from an index: never a scan of every entry."""
    # A query in Arabic script has no short vowels: look it up by consonant skeleton.
    column, value = ("skeleton", key.skeleton) if key.abjad else ("normalised", key.key)
    names = EntryName.objects.select_related("entry")
    if connection.vendor == "postgresql":
        query = names.filter(**{f"{column}__trigram_similar": value}).annotate(similarity=TrigramSimilarity(column, value)).order_by("-similarity")
        with transaction.atomic(), connection.cursor() as cursor:
            # `%` is answered from the GIN trigram index. The planner underrates that index on names (it picks
            # a scan of every row, ten times slower at 20,000 entries), so scans are off for this one query.
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [TRIGRAM_THRESHOLD])
            cursor.execute("SET LOCAL enable_seqscan = off")
            candidates = list(query[:CANDIDATES])
            cursor.execute("SET LOCAL enable_seqscan = on")
        return candidates
    grams = trigrams(value)
    if key.abjad:
        grams = {SKELETON_GRAM + g for g in grams}
    if not grams:
        return []
    ranked = (
        NameGram.objects.filter(gram__in=grams).values("name_id").annotate(shared=Count("id")).order_by("-shared", "name_id")[:CANDIDATES]
    )
    ids = [row["name_id"] for row in ranked]
    return list(names.filter(id__in=ids))


def name_matches(name: str, country: str | None = None, *, person: bool | None = None, minimum: float | None = None) -> list[Match]:
    """Entries whose names score at least `minimum` (the threshold by default) against `name`, best first.

    `country` (ISO alpha-2) raises the score when an entry has that country and lowers it when it has others.
    `person`: whether the screened party is a person (None: unknown); a person may be named without a middle name.
    """
    key = name_key(name)
    if not key:
        return []
    minimum = threshold() if minimum is None else minimum
    best: dict[int, Match] = {}
    for candidate in _candidates(key):
        entry = candidate.entry
        stored = NameKey(key=candidate.normalised, skeleton=candidate.skeleton, abjad=candidate.abjad)
        is_person = entry.entity_kind == EntityKind.PERSON and person is not False
        score = country_adjusted(name_similarity(key, stored, person=is_person), country, entry.countries)
        if score < minimum:
            continue
        current = best.get(entry.id)
        if current is None or score > current.score:
            best[entry.id] = Match(
                source=entry.source_id,
                list_kind=KIND_OF_SOURCE.get(entry.source_id, "sanctions"),
                entry_id=entry.id,
                reference=entry.reference,
                name=entry.name,
                matched_name=candidate.name,
                score=score,
                entry_hash=entry.content_hash,
            )
    return sorted(best.values(), key=lambda m: (-m.score, m.reference))


# --- For the decision guard and the queue ----------------------------------------------------------
def decision_blocker(application: Application) -> str | None:
    """Why screening keeps the office from deciding, or None: hits that no officer has disposed of yet."""
    open_hits = ScreeningHit.objects.filter(application_id=application.pk, disposition=Disposition.OPEN).count()
    if not open_hits:
        return None
    if open_hits == 1:
        return "A party matches a sanctions list or the denial register; record whether it is a true match or a false positive first."
    return f"{open_hits} party matches against sanctions lists or the denial register await a disposition (true match or false positive)."


def screening_flags(application_ids) -> dict[int, list[str]]:
    """The screening and circumvention flags of many applications, in one query: {application id: [flag kinds]}."""
    ids = list(application_ids)
    flags: dict[int, list[str]] = {pk: [] for pk in ids}
    if not ids:
        return flags
    rows = ScreeningFlag.objects.filter(application_id__in=ids).values_list("application_id", "kind").distinct().order_by("application_id", "kind")
    for application_id, kind in rows:
        flags[application_id].append(kind)
    return flags


# --- For the case panel and the office API ---------------------------------------------------------
@dataclass
class CaseScreening:
    screened_at: object
    hits: list
    flags: list

    @property
    def open_hits(self) -> list:
        return [h for h in self.hits if h.disposition == Disposition.OPEN]


def application_screening(application_id: int) -> CaseScreening:
    """An application's hits and flags, in three queries."""
    state = ApplicationScreening.objects.filter(application_id=application_id).values_list("screened_at", flat=True).first()
    hits = list(
        ScreeningHit.objects.filter(application_id=application_id).select_related("party", "party__country", "disposed_by").order_by("disposition", "-score", "id")
    )
    # Open hits first, then the disposed ones.
    hits.sort(key=lambda h: (h.disposition != Disposition.OPEN, -h.score, h.id))
    flags = list(ScreeningFlag.objects.filter(application_id=application_id).select_related("goods_line", "party").order_by("kind", "id"))
    return CaseScreening(screened_at=state, hits=hits, flags=flags)


def open_application_ids() -> list[int]:
    return list(Application.objects.filter(status__in=OPEN_STATUSES).order_by("id").values_list("id", flat=True))


# --- Serial and lot numbers -----------------------------------------------------------------------
def serial_normalise(value: str) -> str:
    """Upper case, letters and digits only: "sn-123 " and "SN 123" are one number."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:200]


def serial_search(q: str, *, limit: int = 200) -> list[dict]:
    """Goods lines of any submitted application carrying that serial or lot number (exact, normalised)."""
    normalised = serial_normalise(q)
    if not normalised:
        return []
    rows = (
        SerialNumber.objects.filter(normalised=normalised)
        .select_related("application", "goods_line", "application__decision__licence")
        .order_by("application_id", "goods_line_id", "id")[:limit]
    )
    results = []
    for row in rows:
        decision = getattr(row.application, "decision", None)
        licence = getattr(decision, "licence", None) if decision else None
        results.append(
            {
                "application_id": row.application_id,
                "application_reference": row.application.reference,
                "status": row.application.status,
                "goods_line": {"id": row.goods_line_id, "position": row.goods_line.position, "description": row.goods_line.description},
                "kind": row.kind,
                "value": row.value,
                "licence_number": licence.number if licence else None,
            }
        )
    return results


def runs_recent(limit: int = 50):
    return ScreeningRun.objects.defer("payload").select_related("started_by").order_by("-created_at", "-id")[:limit]


def run_get(run_id: int) -> ScreeningRun | None:
    return ScreeningRun.objects.defer("payload").filter(pk=run_id).first()
