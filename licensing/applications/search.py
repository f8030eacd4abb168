"""
The office's search document: what a submitted application can be found by, as lower-case words, and the query
that finds it. One box finds a case by its reference, its organisation, a party's name, a goods description, a
control entry, a part, serial or lot number.

Names are found however they are spelled: besides the words as typed, a party's and the organisation's names are
stored as the screening normaliser folds them (licensing.core.names.name_key: Cyrillic transliterated,
look-alike letters and legal forms folded, romanisations met), and the query's words are folded the same way, so
"Рособоронэкспорт", "Rosoboronexport" and "Rosoboroneksport" find one another. The query matches when all its
words begin words of the document as typed, or all its folded words begin folded words.

PostgreSQL: `SearchDocument.vector` is `to_tsvector('simple', words)`, written with the row, under a GIN index
(migration 0005), queried with `to_tsquery` prefixes. Elsewhere (SQLite, the tests' default) the same words are
looked up with LIKE on `words`, which holds them between spaces: the same rule, without the index.
"""
import re
import unicodedata

from anyascii import anyascii
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from licensing.core.names import name_key

from .models import Application, SearchDocument, Status

WORD = re.compile(r"[a-z0-9]+")
MAX_WORD = 60  # a longer "word" is no one's query; PostgreSQL refuses lexemes over 2 kB
MAX_QUERY_WORDS = 12  # more words than a reference, a name and a serial number is not a search, and each costs a scan
PREFIX_FROM = 3  # shorter words must match whole words: "a:*" would read most of the index


def words_of(text: str) -> list[str]:
    """The words of `text` as typed: any script transliterated (anyascii), lower case, split at what is not a letter
    or a digit ("NL-2026-000123" -> nl, 2026, 000123; "3A001.a.3" -> 3a001, a, 3)."""
    folded = anyascii(unicodedata.normalize("NFKC", text or "")).lower()
    return [w[:MAX_WORD] for w in WORD.findall(folded)]


def name_words(name: str) -> list[str]:
    """A name's words as the screening normaliser folds them, without its legal form: "ООО" and "LLC" are one
    form to the normaliser but not one word, and the words as typed keep the form anyway."""
    return [w[:MAX_WORD] for w in name_key(name or "").words if WORD.fullmatch(w)]


GOODS_WORD_FIELDS = ("description", "control_entry", "part_number", "manufacturer", "serial_numbers", "lot_numbers")


def document_words(*, reference: str, organisation: str, parties: list[str], goods: list[dict]) -> str:
    """The document of one application, from plain values (the migration's backfill passes its historical rows')."""
    words: dict[str, None] = {}
    for name in (organisation, *parties):
        words.update(dict.fromkeys(words_of(name)))
        words.update(dict.fromkeys(name_words(name)))
    words.update(dict.fromkeys(words_of(reference)))
    for line in goods:
        for field in GOODS_WORD_FIELDS:
            words.update(dict.fromkeys(words_of(line.get(field) or "")))
    return " " + " ".join(words) + " "


def search_document_refresh(*, application_ids: list[int]) -> int:
    """Write (or rewrite) the search documents of these applications in a few statements, whatever their number.
    Drafts get none: officials never see them. Returns how many were written."""
    applications = list(
        Application.objects.filter(pk__in=application_ids)
        .exclude(status=Status.DRAFT)
        .select_related("organisation")
        .prefetch_related("parties", "goods")
        .only("id", "reference", "organisation__name")
    )
    documents = [
        SearchDocument(
            application_id=a.pk,
            words=document_words(
                reference=a.reference,
                organisation=a.organisation.name,
                parties=[p.name for p in a.parties.all()],
                goods=[{f: getattr(g, f) for f in GOODS_WORD_FIELDS} for g in a.goods.all()],
            ),
        )
        for a in applications
    ]
    SearchDocument.objects.bulk_create(documents, update_conflicts=True, unique_fields=["application"], update_fields=["words"], batch_size=1000)
    vector_refresh([d.application_id for d in documents])
    return len(documents)


def vector_refresh(application_ids: list[int]) -> None:
    """PostgreSQL's tsvector from the stored words (no vector elsewhere: the LIKE path reads `words`)."""
    if connection.vendor == "postgresql" and application_ids:
        SearchDocument.objects.filter(pk__in=application_ids).update(vector=SearchVector("words", config="simple"))


def _terms(words: list[str]) -> list[str]:
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def query_alternatives(text: str) -> list[list[str]]:
    """The query's words as typed and as folded (each alternative: all its words must match); empty when nothing
    in `text` can be searched for."""
    typed = _terms(words_of(text))
    folded = _terms(name_words(text))
    return [alt for alt in (typed, folded if folded != typed else []) if alt]


def _tsquery(alternatives: list[list[str]]) -> str:
    # Words are [a-z0-9]+ (WORD), so nothing in them is tsquery syntax.
    def term(word):
        return f"{word}:*" if len(word) >= PREFIX_FROM else word

    return " | ".join("(" + " & ".join(term(w) for w in words) + ")" for words in alternatives)


def _like(alternatives: list[list[str]]) -> Q:
    condition = Q(pk__in=[])
    for words in alternatives:
        every = Q()
        for word in words:
            every &= Q(words__contains=f" {word}" if len(word) >= PREFIX_FROM else f" {word} ")
        condition |= every
    return condition


# The plan depends on how many cases match, which PostgreSQL cannot estimate for prefix terms (it guessed 18,942
# documents for "radar:*", which matched a few hundred of 1,000,000, and 775 for "bench:* & manufacturing:*", which
# matched 931,379), so the search finds out first, in steps whose cost is bounded whatever the answer:
# - the documents of the SAMPLE newest submitted cases are probed (by primary key; whatever the caller's filters,
#   whose newest cases can be costly to find: prior_information's join to destinations took 0.1 s): when at least
#   DENSE of them match, the query is broad and walks (_walking), finding a page in about 50 * SAMPLE / DENSE probes
#   and the capped count (routing.search.COUNT_CAP) in 20 times that, without touching the GIN index;
# - otherwise the matching documents' ids are read from the GIN index, up to FEW_MATCHES + 1: at most FEW_MATCHES
#   and they are handed to the caller's query as a list (the page is read by primary key);
# - more than that (a word matching between about 1 in 250 and 1 in 50 cases, or many older cases and few recent
#   ones) walks too: the slowest case, a few hundred ms at 1,000,000 applications, most of it the capped count.
# The GIN index read for a broad query costs its terms' whole posting lists (0.4 s for "bench:* & manufacturing:*"
# at 1,000,000 applications before the first row); a walk for a rare word probes every case (9 s); the ids of 4,000
# matches cost about as much as a walk at 1 match in 50. bench/README.md, "Office search: the plan by the number of
# matches", has the measurements.
SAMPLE = 500
DENSE = 10
FEW_MATCHES = 4000


def _walking(queryset: QuerySet[Application], query: SearchQuery) -> QuerySet[Application]:
    """`queryset`'s cases whose document matches, each probed by a correlated scalar subquery, which PostgreSQL
    cannot turn into a join (as it does `IN` or `EXISTS`) and so cannot answer from the GIN index: it walks the
    caller's order (application_newest_submitted) and stops at the page's end."""
    found = SearchDocument.objects.filter(application_id=OuterRef("pk")).values(found=ExpressionWrapper(Q(vector=query), output_field=BooleanField()))
    return queryset.filter(Subquery(found, output_field=BooleanField()))


def matching(queryset: QuerySet[Application], text: str) -> QuerySet[Application]:
    """The applications of `queryset` whose search document matches `text` (none for a query with no words). On
    PostgreSQL one or two queries of its own (above), then the caller's; elsewhere one (the matching documents' ids,
    up to FEW_MATCHES + 1), then the caller's."""
    alternatives = query_alternatives(text)
    if not alternatives:
        return queryset.none()
    if connection.vendor != "postgresql":
        documents = SearchDocument.objects.filter(_like(alternatives))
        ids = list(documents.values_list("application_id", flat=True)[: FEW_MATCHES + 1])
        if len(ids) <= FEW_MATCHES:
            return queryset.filter(pk__in=ids)
        return queryset.filter(pk__in=documents.values("application_id"))
    query = SearchQuery(_tsquery(alternatives), config="simple", search_type="raw")
    # Only a submitted case has a document: saying so lets a walk of the newest-first index (the page's, on either
    # path, when PostgreSQL prefers it) start past the drafts, which it holds first (NULL submitted_at; a walk passed
    # 30,000 of them at 1,000,000 applications before its first match).
    queryset = queryset.filter(submitted_at__isnull=False)
    walk = _walking(queryset, query)
    newest = Application.objects.filter(submitted_at__isnull=False).order_by("-submitted_at", "-id").values("pk")[:SAMPLE]
    if _walking(Application.objects.filter(pk__in=newest), query).order_by().values("pk")[:DENSE].count() >= DENSE:
        return walk
    ids = list(SearchDocument.objects.filter(vector=query).values_list("application_id", flat=True)[: FEW_MATCHES + 1])
    if len(ids) <= FEW_MATCHES:
        return queryset.filter(pk__in=ids)
    return walk
