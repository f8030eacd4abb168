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


def _word_path_lists():
    from licensing.screening.importers import ParsedEntry
    from licensing.screening.lists import list_replace
    from licensing.screening.models import EntityKind

    # "Kvarnholm" in more names than the per-word path takes (it brings none), "Zelenovsky" in three, "Ostrander" in two.
    names = [f"Kvarnholm Nordic {n:02d}" for n in range(selectors.WORD_CANDIDATES + 1)]
    names += ["Zelenovsky Kvarnholm Optics", "Ostrander Marine Zelenovsky", "Zelenovsky Dynamics", "Ostrander Photonics"]
    list_replace(source="opensanctions", entries=[
        ParsedEntry(reference=f"W{n:03d}", name=name, aliases=(), entity_kind=EntityKind.ORGANISATION, countries=("RU",), programme="TEST")
        for n, name in enumerate(names)
    ])


def test_the_per_word_path_picks_alike_from_memory_and_the_database(db):
    _word_path_lists()
    index = name_index.NameIndex()
    by_key = {(n.normalised, n.entry_id): n.pk for n in EntryName.objects.all()}
    picked = {}
    for query in ("Zelenovsky Kvarnholm", "Ostrander Zelenovsky", "Kvarnholm"):
        key = name_key(query)
        from_database = [n.pk for n in selectors._word_candidates(key)]
        assert from_database == [by_key[(c.key.key, c.entry_id)] for c in index.word_candidates(key)], query
        picked[query] = [EntryName.objects.get(pk=pk).name for pk in from_database]
    assert picked["Zelenovsky Kvarnholm"] == ["Zelenovsky Kvarnholm Optics", "Ostrander Marine Zelenovsky", "Zelenovsky Dynamics"]
    # The longer word first ("zelenovsky" before "ostrander"), then the names in the order they were listed.
    assert picked["Ostrander Zelenovsky"] == ["Zelenovsky Kvarnholm Optics", "Ostrander Marine Zelenovsky", "Zelenovsky Dynamics", "Ostrander Photonics"]
    assert picked["Kvarnholm"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the word indexes are PostgreSQL's (migration 0009)")
def test_the_per_word_path_is_answered_from_the_word_index(db):
    _word_path_lists()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: the planner would rightly scan them
        cursor.execute("EXPLAIN SELECT id FROM screening_entryname WHERE string_to_array(normalised, ' ') @> ARRAY['selenovski']::text[]")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "screening_name_words" in plan
