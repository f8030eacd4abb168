"""The lists in memory (re-screen runs) find exactly what the database's trigram index finds."""
from datetime import date

import pytest
from django.db import connection

from licensing.screening import name_index, selectors
from licensing.screening.matching import name_key, trigram_similarity
from licensing.screening.models import EntryName

from .conftest import FTM_SAMPLE

pytestmark = pytest.mark.django_db

QUERIES = [
    "Rosoboronexprot", "АО «Рособоронэкспорт»", "Rosoboron Export", "Alfa Trade Logistica", "ТОО «Альфа Трейд Логистикс»",
    "محمد الحسن", "Mohammed Al-Hassan", "Desert Optics Trading LLC", "Royal Norwegian Navy", "Forsvarsmateriell", "ABC", "Co.",
]


@pytest.fixture
def lists(eu_list, import_list):
    from licensing.denials.models import DenialRegisterEntry

    import_list(FTM_SAMPLE, "ftm")
    DenialRegisterEntry.objects.create(
        reference="FR-2024-3", notifying_state_id="FR", notified_on=date(2024, 5, 1), destination_id="AE",
        goods_description="Night-vision goggles", control_entry="ML15", consignee="Desert Optics Trading", criteria=[7],
    )
    from licensing.screening.lists import denials_refresh

    denials_refresh()


def _typo(name: str) -> str:
    middle = len(name) // 2
    return name[:middle] + name[middle + 1 :]


def _candidates_by_brute_force(key) -> list[int]:
    """pg_trgm's choice, computed over every name: similarity >= the threshold, best first, at most CANDIDATES."""
    column, value = ("skeleton", key.skeleton) if key.abjad else ("normalised", key.key)
    scored = [(trigram_similarity(value, getattr(n, column)), n.pk) for n in EntryName.objects.all()]
    ranked = sorted((-s, pk) for s, pk in scored if s >= selectors.TRIGRAM_THRESHOLD)
    return [pk for _, pk in ranked[: selectors.CANDIDATES]]


def test_the_index_picks_the_candidates_pg_trgm_picks(lists):
    index = name_index.NameIndex()
    names = {(n.normalised, n.skeleton, n.entry_id, n.name): n.pk for n in EntryName.objects.all()}
    queries = QUERIES + [_typo(n) for n in EntryName.objects.values_list("name", flat=True)]
    for query in queries:
        key = name_key(query)
        if not key:
            continue
        found = [names[(c.key.key, c.key.skeleton, c.entry_id, c.name)] for c in index.candidates(key)]
        assert sorted(found) == sorted(_candidates_by_brute_force(key)), query


def test_the_index_keeps_its_gram_masks_within_budget_and_still_picks_the_same(lists, monkeypatch):
    width = (EntryName.objects.count() + 7) // 8
    monkeypatch.setattr(name_index, "MASK_BYTES", 3 * width)  # three masks a column: most queries evict some
    index = name_index.NameIndex()
    names = {(n.normalised, n.skeleton, n.entry_id, n.name): n.pk for n in EntryName.objects.all()}
    for query in QUERIES + [_typo(n) for n in EntryName.objects.values_list("name", flat=True)]:
        key = name_key(query)
        if not key:
            continue
        found = [names[(c.key.key, c.key.skeleton, c.entry_id, c.name)] for c in index.candidates(key)]
        assert sorted(found) == sorted(_candidates_by_brute_force(key)), query
        assert all(len(masks) <= 3 for masks in index.masks.values())


def test_matches_from_memory_equal_the_database_path(lists):
    index = name_index.NameIndex()
    queries = QUERIES + [_typo(n) for n in EntryName.objects.values_list("name", flat=True)]
    found = 0
    for query in queries:
        for country, person in ((None, None), ("RU", True), ("AE", False)):
            from_memory = selectors.name_matches(query, country, person=person, index=index)
            if connection.vendor == "postgresql":  # the SQLite path ranks candidates by shared grams instead
                assert from_memory == selectors.name_matches(query, country, person=person), query
            found += bool(from_memory)
    assert found > len(queries)  # most variants of listed names match


def test_the_process_index_is_loaded_again_when_a_list_changes(eu_list, import_list):
    first = name_index.name_index()
    assert name_index.name_index() is first
    assert not selectors.name_matches("Ocean Whisperr", index=first)
    import_list(FTM_SAMPLE, "ftm")
    second = name_index.name_index()
    assert second is not first and selectors.name_matches("Ocean Whisperr", index=second)
