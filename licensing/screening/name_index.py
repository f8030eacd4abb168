"""
The lists in memory for a re-screen run (NameIndex): every listed name with an inverted trigram index and a
per-word index, loaded once per run and worker process instead of one candidate query per party.

It is one of two ways to the same candidates, behind one seam: `selectors.name_matches(name, index=...)` takes
its candidates from here when given an index, and from the database's index (pg_trgm, or NameGram on SQLite)
without one; both choose them alike (the TRIGRAM_THRESHOLD and CANDIDATES of selectors, the per-word path's
WORD_MIN and WORD_CANDIDATES), so a party gets the same matches either way (tests/screening/test_name_index.py).
"""
import gc
import json
import math
import re
from collections import defaultdict

from django.db.models import TextField
from django.db.models.functions import Cast

from .matching import NameKey, idf_weights, trigrams
from .models import EntryName, ListEntry
from .selectors import (
    CANDIDATES,
    TRIGRAM_THRESHOLD,
    WORD_CANDIDATES,
    WORD_MIN,
    _Candidate,
    _distinctive_words,
    _document_frequency,
    _word_order,
    lists_version,
)

# Memory a NameIndex keeps for its gram masks, per compared column. A mask holds a bit per listed name, so every
# distinct gram ever queried would keep ≈14 KB at 110,000 names (≈125 KB at a million): a list in many scripts has
# tens of thousands of grams. Past this budget the least recently used mask goes; common grams stay.
MASK_BYTES = 128 * 1024 * 1024


class NameIndex:
    """Every listed name in memory with an inverted trigram index, for a re-screen run: one load per run instead
    of one candidate query per party. Candidates are chosen as the PostgreSQL path chooses them (pg_trgm
    similarity of the folded name, or of the skeleton for an abjad-script query, at least TRIGRAM_THRESHOLD,
    the best CANDIDATES), so a party gets the same matches either way.
    """

    def __init__(self):
        self.version = lists_version()  # read first: a list changed during the load makes the next call load again
        # The rows as they come: a name becomes a _Candidate only when a query picks it (a few per party), and
        # an entry's countries (JSON) are read then, once per distinct list of countries.
        self.entries: dict[int, tuple] = {
            row[0]: row
            for row in ListEntry.objects.annotate(countries_json=Cast("countries", TextField()))
            .values_list("id", "source_id", "reference", "name", "entity_kind", "countries_json", "content_hash")
            .iterator(chunk_size=5000)
        }
        self.names: list[tuple] = list(
            EntryName.objects.order_by("id").values_list("entry_id", "name", "normalised", "skeleton", "abjad", "weak").iterator(chunk_size=5000)
        )
        self.countries: dict[str, tuple] = {}
        self.words: dict[str, dict[str, list[int]]] = {}  # column -> folded word -> positions (the per-word path)
        self.weigh = idf_weights(*_document_frequency(name[2] for name in self.names))
        # Per compared column ("normalised"; "skeleton" for abjad-script queries, built on the first such query):
        # gram -> positions in self.names, each name's gram count, and of_size[s]: the bit mask of the names with s
        # grams.
        self.postings: dict[str, dict[str, list[int]]] = {}
        self.sizes: dict[str, list[int]] = {}
        self.of_size: dict[str, dict[int, int]] = {}
        self.bounds: dict[tuple[str, int], tuple[list[int], list[int]]] = {}  # (column, query's gram count) -> see _bounds
        self.everyone = (1 << len(self.names)) - 1
        self.masks: dict[str, dict[str, int]] = {"normalised": {}, "skeleton": {}}  # gram -> bit mask of positions, built on use
        self.masks_kept = max(1, MASK_BYTES // max(1, (len(self.names) + 7) // 8))  # per column, least recently used out
        self._column("normalised")

    def _column(self, column: str) -> None:
        if column in self.postings:
            return
        postings: dict[str, list[int]] = defaultdict(list)
        sizes: list[int] = []
        width = (len(self.names) + 7) // 8
        by_size: dict[int, bytearray] = {}
        field = 3 if column == "skeleton" else 2
        for position, name in enumerate(self.names):
            grams = trigrams(name[field])
            sizes.append(len(grams))
            for gram in grams:
                postings[gram].append(position)
            bits = by_size.get(len(grams))
            if bits is None:
                bits = by_size[len(grams)] = bytearray(width)
            bits[position >> 3] |= 1 << (position & 7)
        of_size = {size: int.from_bytes(bits, "little") for size, bits in by_size.items()}
        self.postings[column], self.sizes[column], self.of_size[column] = postings, sizes, of_size
        # Millions of long-lived objects: left to the cyclic garbage collector, each full collection walks them all
        # (about a second, charged to whatever allocates next: the model instances of a chunk). Frozen, they are
        # never scanned; reference counting still frees them when the index is replaced (it holds no cycles).
        gc.freeze()

    def word_candidates(self, key: NameKey) -> list[_Candidate]:
        """The per-word path, as _word_candidates chooses on the database."""
        column = "skeleton" if key.abjad else "normalised"
        if column not in self.words:
            field = 3 if column == "skeleton" else 2
            words: dict[str, list[int]] = defaultdict(list)
            for position, name in enumerate(self.names):
                for word in set(name[field].split()):
                    if len(word) >= WORD_MIN:
                        words[word].append(position)
            self.words[column] = words
        found: dict[int, None] = {}
        chosen = _distinctive_words(key)
        for word in chosen:
            positions = self.words[column].get(word, ())
            if len(positions) <= WORD_CANDIDATES:
                found.update(dict.fromkeys(positions))
        field = 3 if column == "skeleton" else 2
        ordered = sorted(found, key=_word_order(chosen, lambda position: (self.names[position][field], position)))
        return [self._candidate(position) for position in ordered]

    def candidates(self, key: NameKey) -> list[_Candidate]:
        column, value = ("skeleton", key.skeleton) if key.abjad else ("normalised", key.key)
        grams = trigrams(value)
        if not grams:
            return []
        self._column(column)
        n, sizes = len(grams), self.sizes[column]
        # How many of the query's grams each name shares, counted for all names at once: a bit-sliced counter
        # (planes[j] holds bit j of every name's count) over one bit mask per gram, in Python's big integers.
        planes = _bit_sliced_sum([self._mask(column, gram) for gram in grams])
        # similarity >= t  <=>  shared >= t * (n + size) / (1 + t): each name's bound for its own size, compared with
        # its count for all names at once (slightly loose, so that it keeps a superset; the exact test follows).
        passing = _at_least_each(planes, self._bounds(column, n), self.everyone)
        if not passing:
            return []
        width = (len(self.names) + 7) // 8
        plane_bytes = [plane.to_bytes(width, "little") for plane in planes]
        found = passing.to_bytes(width, "little")
        ranked = []
        for hit in NONZERO_BYTE.finditer(found):
            i = hit.start()
            byte = found[i]
            for bit in range(8):
                if byte >> bit & 1:
                    position = i * 8 + bit
                    count = sum(((pb[i] >> bit) & 1) << j for j, pb in enumerate(plane_bytes))
                    similarity = count / (n + sizes[position] - count)
                    if similarity >= TRIGRAM_THRESHOLD:
                        ranked.append((-similarity, position))
        ranked.sort()
        return [self._candidate(position) for _, position in ranked[:CANDIDATES]]

    def _candidate(self, position: int) -> _Candidate:
        entry_id, name, normalised, skeleton, abjad, weak = self.names[position]
        _, source, reference, entry_name, kind, countries_json, digest = self.entries[entry_id]
        countries = self.countries.get(countries_json)
        if countries is None:
            countries = self.countries[countries_json] = tuple(json.loads(countries_json) or ())
        return _Candidate(
            name=name, key=NameKey(key=normalised, skeleton=skeleton, abjad=abjad, name=name), entry_id=entry_id, source=source, reference=reference,
            entry_name=entry_name, entity_kind=kind, countries=countries, content_hash=digest, weak=weak,
        )

    def _bounds(self, column: str, n: int) -> tuple[list[int], list[int]]:
        """How many of a query's n grams each name must share to be a candidate, bit-sliced like the counts: bit
        planes of every name's bound (planes[j] holds bit j), and their complements within the names."""
        key = (column, n)
        if key not in self.bounds:
            planes: list[int] = []
            for size, names in self.of_size[column].items():
                least = max(1, math.ceil(TRIGRAM_THRESHOLD * (n + size) / (1 + TRIGRAM_THRESHOLD) - 1e-6))
                while len(planes) < least.bit_length():
                    planes.append(0)
                for j in range(least.bit_length()):
                    if least >> j & 1:
                        planes[j] |= names
            self.bounds[key] = (planes, [self.everyone ^ plane for plane in planes])
        return self.bounds[key]

    def _mask(self, column: str, gram: str) -> int:
        masks = self.masks[column]
        mask = masks.pop(gram, None)  # put back at the end: the dict's order is the order of last use
        if mask is None:
            bits = bytearray((len(self.names) + 7) // 8)
            for position in self.postings[column].get(gram, ()):
                bits[position >> 3] |= 1 << (position & 7)
            mask = int.from_bytes(bits, "little")
            if len(masks) >= self.masks_kept:
                del masks[next(iter(masks))]
        masks[gram] = mask
        return mask


NONZERO_BYTE = re.compile(rb"[^\x00]")


def _bit_sliced_sum(masks: list[int]) -> list[int]:
    """Per position, how many of the masks have its bit set, as bit planes (least significant first): full adders
    (carry-save) over the masks, about five operations a mask."""
    planes = []
    level = [mask for mask in masks if mask]
    while level:
        carries = []
        while len(level) >= 3:
            a, b, c = level.pop(), level.pop(), level.pop()
            ab = a ^ b
            level.append(ab ^ c)
            carries.append(a & b | ab & c)
        if len(level) == 2:
            a, b = level
            level = [a ^ b]
            carries.append(a & b)
        planes.append(level[0])
        level = carries
    return planes


def _at_least_each(planes: list[int], bounds: tuple[list[int], list[int]], everyone: int) -> int:
    """The bit mask of positions whose bit-sliced count (planes) is at least their own bound (bit-sliced too, with
    its complements): one comparison for all positions, most significant plane first."""
    need, need_not = bounds
    greater, equal = 0, everyone
    for j in reversed(range(max(len(planes), len(need)))):
        have = planes[j] if j < len(planes) else 0
        if j >= len(need):
            greater |= equal & have
            equal ^= equal & have
        else:
            greater |= equal & have & need_not[j]
            equal ^= equal & (have ^ need[j])
    return greater | equal


_index: NameIndex | None = None


def name_index() -> NameIndex:
    """This process's NameIndex, loaded again when a list changed since (checked on every call: one query)."""
    global _index
    if _index is None or _index.version != lists_version():
        _index = None  # let the old one go before the new one is built
        _index = NameIndex()
    return _index
