"""
Reads for screening: name matching against the lists, what blocks a decision, the flags the queue shows,
an application's hits and flags for the case panel, and the serial-number search.
"""
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from licensing.applications.models import Application
from licensing.applications.workflow import OPEN

from .matching import (
    ALGORITHM,
    GENERIC,
    NameKey,
    Weight,
    country_adjusted,
    idf_weights,
    name_key,
    name_similarity,
    trigrams,
)
from .models import (
    KIND_OF_SOURCE,
    ApplicationScreening,
    Disposition,
    EntityKind,
    EntryName,
    HitKind,
    ListKind,
    NameGram,
    ScreeningFlag,
    ScreeningHit,
    ScreeningList,
    ScreeningRun,
    SerialNumber,
)

if TYPE_CHECKING:  # name_index builds on this module; name_matches only receives one
    from .name_index import NameIndex

OPEN_STATUSES = tuple(sorted(OPEN))  # the workflow's open statuses: submitted and not yet decided
# Names fetched from the index per screened name, best trigram overlap first; rapidfuzz scores only these.
CANDIDATES = 60
# Trigram overlap a name needs to be a candidate at all: well below what a score of 0.85 takes (one typo in
# a short name leaves about 0.5; a person named without a middle name about 0.5).
TRIGRAM_THRESHOLD = 0.4
SKELETON_GRAM = "~"  # marks a skeleton trigram in NameGram (SQLite path)


def threshold() -> float:
    return float(getattr(settings, "SCREENING_THRESHOLD", 0.85))


# How far below the threshold the review band reaches: a name scoring in [threshold - REVIEW_BAND, threshold) is a
# possible match (HitKind.POSSIBLE), shown to the officer, blocking nothing. With names-v4 at 0.75 the peer's curated
# pairs are recalled 0.863 instead of 0.858 for a false-alarm rate of 0.068 instead of 0.060 (all pairs 0.848 / 0.068
# instead of 0.836 / 0.045), and 0.15 % of 2,000 people on no list are shown instead of 0.10 %
# (bench/results/2026-12-04-screening-peer.md).
REVIEW_BAND = 0.10


def review_threshold() -> float:
    """The lowest score recorded as a possible match (SCREENING_REVIEW_THRESHOLD, or REVIEW_BAND below the threshold)."""
    floor = getattr(settings, "SCREENING_REVIEW_THRESHOLD", None)
    return min(threshold(), float(floor) if floor is not None else threshold() - REVIEW_BAND)


def hit_kind(score: float) -> str:
    return HitKind.MATCH if score >= threshold() else HitKind.POSSIBLE


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
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s; SET LOCAL enable_seqscan = off", [TRIGRAM_THRESHOLD])  # one round trip
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


# The per-word path beside trigrams: a short name or a name with words added shares too few trigrams with the
# listed name ("R. A. Kadyrov", "Rosoboronexport General Trading International") to pass TRIGRAM_THRESHOLD. Each
# distinctive word of the query (at least WORD_MIN letters, not generic, the WORD_QUERIES longest) brings every
# listed name that has it as a word, if at most WORD_CANDIDATES names have it (a word in more says little).
WORD_MIN = 4
WORD_QUERIES = 3
WORD_CANDIDATES = 20


def _distinctive_words(key: NameKey) -> list[str]:
    words = key.skeleton.split() if key.abjad else key.key.split()
    return sorted({w for w in words if len(w) >= WORD_MIN and not w.isdigit() and w not in GENERIC}, key=lambda w: (-len(w), w))[:WORD_QUERIES]


def _word_order(words: list[str], folded_and_id):
    """The order of the per-word path's names on either path (NameIndex too): by the first of the query's words a
    name has, then by id. `folded_and_id` gives a name's compared column and its id (or position, in id order)."""
    rank = {w: i for i, w in enumerate(words)}

    def order(name) -> tuple[int, int]:
        folded, pk = folded_and_id(name)
        return min((rank[w] for w in folded.split() if w in rank), default=len(words)), pk

    return order


def _word_candidates(key: NameKey) -> list[EntryName]:
    """Listed names with one of the query's distinctive words as a word of their own (see WORD_MIN)."""
    column = "skeleton" if key.abjad else "normalised"
    words = _distinctive_words(key)
    if not words:
        return []
    names = EntryName.objects.select_related("entry")
    if connection.vendor == "postgresql":
        # Every word in one statement, each answered from the word index (migration 0009), at most
        # WORD_CANDIDATES + 1 names a word; the names of the words that say enough, in one round trip.
        one = f"(SELECT %s AS word, id FROM screening_entryname WHERE string_to_array({column}, ' ') @> ARRAY[%s]::text[] ORDER BY id LIMIT {WORD_CANDIDATES + 1})"
        chosen = f"SELECT id FROM (SELECT id, count(*) OVER (PARTITION BY word) AS n FROM ({' UNION ALL '.join([one] * len(words))}) AS w) AS c WHERE n <= {WORD_CANDIDATES}"
        rows = list(names.filter(id__in=RawSQL(chosen, [p for w in words for p in (w, w)])))
        return sorted(rows, key=_word_order(words, lambda n: (getattr(n, column), n.pk)))
    found: dict[int, EntryName] = {}
    for word in words:
        grams = {(SKELETON_GRAM + g if key.abjad else g) for g in trigrams(word)}
        ids = NameGram.objects.filter(gram__in=grams).values("name_id").annotate(shared=Count("id")).filter(shared=len(grams)).values_list("name_id", flat=True)
        rows = [n for n in names.filter(id__in=ids).order_by("id") if word in getattr(n, column).split()][: WORD_CANDIDATES + 1]
        if len(rows) <= WORD_CANDIDATES:
            found.update((n.pk, n) for n in rows)
    return sorted(found.values(), key=_word_order(words, lambda n: (getattr(n, column), n.pk)))


class _Candidate(NamedTuple):
    """A listed name (or alias) with what a Match reports about its entry."""

    name: str
    key: NameKey
    entry_id: int
    source: str
    reference: str
    entry_name: str
    entity_kind: str
    countries: tuple
    content_hash: str
    weak: bool = False


def _candidate(name: EntryName) -> _Candidate:
    entry = name.entry
    return _Candidate(
        name=name.name, key=NameKey(key=name.normalised, skeleton=name.skeleton, abjad=name.abjad, name=name.name), entry_id=entry.id, source=entry.source_id,
        reference=entry.reference, entry_name=entry.name, entity_kind=entry.entity_kind, countries=tuple(entry.countries or ()),
        content_hash=entry.content_hash, weak=name.weak,
    )


def name_matches(
    name: str, country: str | None = None, *, person: bool | None = None, minimum: float | None = None, index: "NameIndex | None" = None
) -> list[Match]:
    """Entries whose names score at least `minimum` (the threshold by default) against `name`, best first.

    `country` (ISO alpha-2) raises the score when an entry has that country and lowers it when it has others.
    `person`: whether the screened party is a person (None: unknown); a person may be named without a middle name.
    `index`: the lists in memory (a re-screen run, name_index.NameIndex); without it the candidates come from the
    database's index. This is the one seam between the two: both choose candidates alike.
    """
    key = name_key(name)
    if not key:
        return []
    minimum = threshold() if minimum is None else minimum
    if index is not None:
        candidates = index.candidates(key) + index.word_candidates(key)
    else:
        rows = {n.pk: n for n in _candidates(key)}
        rows.update((n.pk, n) for n in _word_candidates(key) if n.pk not in rows)
        candidates = [_candidate(n) for n in rows.values()]
    weigh = index.weigh if index is not None else list_weights()
    words = set(key.key.split())
    best: dict[int, Match] = {}
    for candidate in candidates:
        if candidate.weak and (candidate.key.key != key.key or candidate.key.abjad != key.abjad):
            continue  # a weak alias matches only exactly
        is_person = candidate.entity_kind == EntityKind.PERSON and person is not False
        score = name_similarity(key, candidate.key, person=is_person, weigh=weigh)
        if not words.issuperset(candidate.key.key.split()):
            # A listed name carried whole in the query ("Rosoboronexport Kazakhstan") is a branch or a disguise
            # abroad: another country is no reason to doubt it.
            score = country_adjusted(score, country, candidate.countries)
        if score < minimum:
            continue
        current = best.get(candidate.entry_id)
        if current is None or score > current.score:
            best[candidate.entry_id] = Match(
                source=candidate.source,
                list_kind=KIND_OF_SOURCE.get(candidate.source, "sanctions"),
                entry_id=candidate.entry_id,
                reference=candidate.reference,
                name=candidate.entry_name,
                matched_name=candidate.name,
                score=score,
                entry_hash=candidate.content_hash,
            )
    return sorted(best.values(), key=lambda m: (-m.score, m.reference))


def _document_frequency(keys) -> tuple[dict[str, int], int]:
    """In how many listed names each folded word occurs, and how many names there are."""
    frequency: dict[str, int] = defaultdict(int)
    count = 0
    for key in keys:
        count += 1
        for word in set(key.split()):
            frequency[word] += 1
    return dict(frequency), count


# How distinctive each word is, from the lists' own frequencies: computed once per list version and process, the
# version looked at again at most every WEIGHTS_RECHECK seconds (stale weights for a minute after an import only
# shift scores a little; a version query per screened party would not be free).
WEIGHTS_RECHECK = 60.0
_weights: dict = {"version": None, "checked": 0.0, "weigh": None}


def list_weights() -> Weight:
    now = time.monotonic()
    if _weights["weigh"] is not None and now - _weights["checked"] < WEIGHTS_RECHECK:
        return _weights["weigh"]
    version = lists_version()
    if version != _weights["version"] or _weights["weigh"] is None:
        frequency, count = _document_frequency(EntryName.objects.values_list("normalised", flat=True).iterator(chunk_size=5000))
        _weights.update(version=version, weigh=idf_weights(frequency, count))
    _weights["checked"] = now
    return _weights["weigh"]


def lists_version() -> tuple:
    """Changes whenever a list is imported or the denial register re-read (one small query)."""
    return tuple(ScreeningList.objects.order_by("source").values_list("source", "updated_at", "entry_count", "fingerprint"))


# --- For the decision guard and the queue ----------------------------------------------------------
def decision_blocking_counts(application: Application) -> dict[str, int]:
    """The hits that keep the office from deciding, counted by disposition (one query): hits no officer has disposed
    of yet and confirmed sanctions matches whose escalation no second official has decided."""
    hits = ScreeningHit.objects.filter(application_id=application.pk, escalation_decided_at__isnull=True).filter(
        Q(disposition=Disposition.OPEN, kind=HitKind.MATCH) | Q(disposition=Disposition.TRUE_MATCH, list_kind=ListKind.SANCTIONS)
    )
    return dict(hits.values_list("disposition").annotate(n=Count("id")).order_by())


def decision_blocker(application: Application | None = None, *, approving: bool, counts: dict[str, int] | None = None) -> str | None:
    """Why screening keeps the office from deciding, or None: hits that no officer has disposed of yet and, for an
    approval, confirmed sanctions matches whose escalation no second official has decided. `counts`: the
    application's decision_blocking_counts, when the caller has read them (for both an approval and a denial)."""
    if counts is None:
        counts = decision_blocking_counts(application)
    reasons = []
    open_hits = counts.get(Disposition.OPEN, 0)
    if open_hits == 1:
        reasons.append(gettext("A party matches a sanctions list or the denial register; record whether it is a true match or a false positive first."))
    elif open_hits:
        reasons.append(
            gettext("%(count)d party matches against sanctions lists or the denial register await a disposition (true match or false positive).")
            % {"count": open_hits}
        )
    if approving and counts.get(Disposition.TRUE_MATCH):
        reasons.append(
            gettext(
                "A party is confirmed on a sanctions list: the case is escalated. It cannot be approved unless another "
                "official decides the escalation with a recorded reason."
            )
        )
    return " ".join(reasons) or None


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
        """Matches awaiting a disposition (they block the decision)."""
        return [h for h in self.hits if h.disposition == Disposition.OPEN and h.kind == HitKind.MATCH]

    @property
    def open_possible(self) -> list:
        """Possible matches (the review band) awaiting a disposition: shown, blocking nothing."""
        return [h for h in self.hits if h.disposition == Disposition.OPEN and h.kind == HitKind.POSSIBLE]

    @property
    def blocking_hits(self) -> list:
        """Hits that keep the case from being approved: open ones, and confirmed matches not yet decided on."""
        return [h for h in self.hits if h.blocks_approval]

    @property
    def blocking_counts(self) -> dict[str, int]:
        """decision_blocking_counts from the hits read (the case page reads them once for the panel and the decision's
        blockers); a test holds the two to the same counts."""
        counts: dict[str, int] = {}
        for hit in self.blocking_hits:
            if hit.escalation_decided_at is None:
                counts[hit.disposition] = counts.get(hit.disposition, 0) + 1
        return counts


def application_screening(application_id: int) -> CaseScreening:
    """An application's hits and flags, in three queries."""
    state = ApplicationScreening.objects.filter(application_id=application_id).values_list("screened_at", flat=True).first()
    hits = list(
        ScreeningHit.objects.filter(application_id=application_id).select_related("party", "party__country", "disposed_by", "escalation_decided_by").order_by("disposition", "-score", "id")
    )
    # Open hits first (matches before possible matches), then the disposed ones.
    hits.sort(key=lambda h: (h.disposition != Disposition.OPEN, h.kind != HitKind.MATCH, -h.score, h.id))
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
