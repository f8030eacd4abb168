"""
Screening benchmark (not part of the test run).

Builds a throwaway test database, fills it with N generated sanctions entries (with aliases, some in Cyrillic)
and D denials, then screens a test set of altered names (typos, legal forms, word order, Cyrillic
transliteration) and of unlisted names, and prints JSON: import time, p50/p95/max latency of screening one
party, recall at the threshold, and the share of unlisted names that hit anything.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/licensing .venv/bin/python bench/screening_bench.py --entries 20000

Without DATABASE_URL it runs on SQLite (the NameGram path). The database it uses is created and dropped here;
with --reuse (PostgreSQL) it is DATABASE_URL's own database, kept, and filled only when it does not hold this
run's lists yet (same --entries, --denials and --seed): the next run screens at once.

Beside latency it reports the SQL floor (the pg_trgm candidate query alone, TRGM_FLOOR, for each test name, on
the same connection) and, on the re-screen path, the candidates scored per test name and the scorer's µs per
scored pair (name_similarity alone, keys made beforehand), and the database path's two candidate queries (the
trigram path and the per-word path) timed apart, each test name once.
"""
import argparse
import cProfile
import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

CONSONANTS = "bdfgklmnprstvz"
VOWELS = "aeiou"
LEGAL_FORMS = ["LLC", "Ltd", "JSC", "OOO", "GmbH", "B.V.", "Limited", "Co.", "PJSC", "FZE", "S.A."]
FIRST_NAMES = ["Ivan", "Sergei", "Dmitri", "Alexei", "Yuri", "Mikhail", "Oleg", "Pavel", "Nikolai", "Viktor", "Andrei", "Boris"]
COUNTRIES = ["RU", "BY", "IR", "KP", "SY", "AE", "TR", "KZ", "CN", "HK", "AM", "GE"]
TO_CYRILLIC = [
    ("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("ya", "я"), ("yu", "ю"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"),
    ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("x", "кс"), ("c", "к"), ("w", "в"), ("h", "х"), ("j", "дж"), ("q", "к"),
]


def word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(syllables)) + rng.choice(["", "n", "r", "v", "k"])


def company(rng):
    return f"{word(rng, rng.randint(2, 4)).title()} {word(rng, rng.randint(2, 3)).title()} {rng.choice(LEGAL_FORMS)}"


def person(rng):
    return f"{rng.choice(FIRST_NAMES)} {word(rng, 2).title()}ovich {word(rng, 3).title()}ov"


def cyrillic(name: str) -> str:
    out, text = [], name.lower()
    i = 0
    while i < len(text):
        for latin, cyr in TO_CYRILLIC:
            if text.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out).title()


def typo(rng, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(letters[1:-1] or letters)
    kind = rng.choice(["swap", "drop", "replace", "double"])
    if kind == "swap" and i + 1 < len(name):
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "drop":
        return name[:i] + name[i + 1 :]
    if kind == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeiouklmnrst") + name[i + 1 :]


def variants(rng, entry) -> list[tuple[str, str]]:
    name = entry.name
    words = [w for w in name.split() if w.strip(".") not in {f.strip(".") for f in LEGAL_FORMS}]
    return [
        ("typo", typo(rng, name)),
        ("legal_form", " ".join(words) + " " + rng.choice(LEGAL_FORMS)),
        ("word_order", " ".join(reversed(words))),
        ("cyrillic", cyrillic(" ".join(words))),
        ("typo_and_form", typo(rng, " ".join(words)) + " Limited"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--denials", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300, help="listed entries to alter into test names")
    parser.add_argument("--seed", type=int, default=20260610)
    parser.add_argument("--profile", metavar="FILE", help="cProfile the one-party screening into FILE (pstats)")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: screen in DATABASE_URL's database, kept; load the lists only when absent")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # A name of its own, so that a test run on the same server keeps its database.
    if args.reuse and connection.vendor != "postgresql":
        sys.exit("--reuse needs a PostgreSQL DATABASE_URL")
    if connection.vendor == "postgresql":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = old_name if args.reuse else f"bench_screening_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse, serialize=False)
    try:
        call_command("load_reference", verbosity=0)
        result = run(args, connection)
        result.update(database=connection.vendor, threshold=float(getattr(settings, "SCREENING_THRESHOLD", 0.85)))
        print(json.dumps(result, indent=2))
    finally:
        if not args.reuse:
            connection.creation.destroy_test_db(old_name, verbosity=0)


# The floor: the trigram candidate query alone (pg_trgm `%` on the GIN index, top 60 by similarity); also
# benchmarks.py's.
TRGM_FLOOR = """
SELECT n.id, n.name, e.reference, similarity(n.normalised, %s) AS s FROM screening_entryname n JOIN screening_listentry e ON e.id = n.entry_id
WHERE n.normalised %% %s ORDER BY s DESC LIMIT 60
"""


def loaded_for(args) -> str:
    """What a --reuse database records about the lists it holds (ScreeningList.fingerprint is the list's own)."""
    return f"bench entries={args.entries} denials={args.denials} seed={args.seed}"


def run(args, connection) -> dict:
    from licensing.denials.models import DenialRegisterEntry
    from licensing.screening import name_index, selectors
    from licensing.screening.importers import ParsedEntry
    from licensing.screening.models import EntityKind, EntryName, ListEntry
    from licensing.screening.lists import denials_refresh, list_replace
    from django.db import transaction

    rng = random.Random(args.seed)
    entries, seen = [], set()
    for n in range(args.entries):
        is_person = rng.random() < 0.35
        name = person(rng) if is_person else company(rng)
        if name in seen:
            continue
        seen.add(name)
        aliases = [cyrillic(name)] if rng.random() < 0.3 else []
        if not is_person and rng.random() < 0.3:
            aliases.append(" ".join(name.split()[:-1]))
        entries.append(
            ParsedEntry(
                reference=f"B{n:07d}", name=name, aliases=tuple(aliases), entity_kind=EntityKind.PERSON if is_person else EntityKind.ORGANISATION,
                countries=(rng.choice(COUNTRIES),), programme="BENCH",
            )
        )
    loaded = args.reuse and _reuse_marker(connection) == loaded_for(args)
    started = time.perf_counter()
    if not loaded:
        list_replace(source="opensanctions", entries=entries)
    import_seconds = time.perf_counter() - started

    denials = [
        DenialRegisterEntry(
            reference=f"D{n:06d}", own=False, notifying_state_id="DE", notified_on=date(2025, 1, 1), destination_id=rng.choice(COUNTRIES),
            goods_description="Bench goods", control_entry="ML1", consignee=company(rng), end_user=company(rng), criteria=[7],
        )
        for n in range(args.denials)
    ]
    started = time.perf_counter()
    if not loaded:
        DenialRegisterEntry.objects.all().delete()
        DenialRegisterEntry.objects.bulk_create(denials, batch_size=2000)
        denials_refresh(force=True)
    denials_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql" and not loaded:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE screening_entryname")
            if args.reuse:
                cursor.execute("CREATE TABLE IF NOT EXISTS bench_screening_loaded (what text)")
                cursor.execute("DELETE FROM bench_screening_loaded")
                cursor.execute("INSERT INTO bench_screening_loaded VALUES (%s)", [loaded_for(args)])

    sample = rng.sample(entries, min(args.queries, len(entries)))
    cases = [(kind, text, e) for e in sample for kind, text in variants(rng, e)]
    unlisted = [(company(rng) if rng.random() < 0.65 else person(rng)) for _ in range(args.queries)]
    unlisted = [u for u in unlisted if u not in seen]
    references = dict(ListEntry.objects.filter(reference__in=[e.reference for e in sample]).values_list("reference", "id"))

    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    timings, cpu, found, by_kind = [], [], 0, {}
    for kind, text, entry in cases:
        started, started_cpu = time.perf_counter(), time.process_time()
        matches = selectors.name_matches(text, entry.countries[0])
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        hit = any(m.entry_id == references[entry.reference] for m in matches)
        found += hit
        total, ok = by_kind.get(kind, (0, 0))
        by_kind[kind] = (total + 1, ok + hit)
    false_alarms = 0
    for text in unlisted:
        started, started_cpu = time.perf_counter(), time.process_time()
        false_alarms += bool(selectors.name_matches(text, rng.choice(COUNTRIES)))
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)

    # The re-screen path: the lists in memory (NameIndex, loaded once per run and worker), every test name again.
    started = time.perf_counter()
    index = name_index.NameIndex()
    index_seconds = time.perf_counter() - started
    names = [(text, entry.countries[0]) for _, text, entry in cases] + [(text, None) for text in unlisted]
    started = time.perf_counter()
    for text, country in names:
        selectors.name_matches(text, country, index=index)
    rescreen_rate = len(names) / (time.perf_counter() - started)

    # What the scorer is given: the candidates of each test name (the same either path) and the scorer's time a pair.
    weigh, pairs = index.weigh, []
    for text, _ in names:
        key = selectors.name_key(text)
        if key:
            pairs.extend((key, c.key, c.entity_kind == EntityKind.PERSON) for c in index.candidates(key) + index.word_candidates(key))
    started = time.process_time()
    for key, listed, is_person in pairs:
        selectors.name_similarity(key, listed, person=is_person, weigh=weigh)
    scoring_us = (time.process_time() - started) / max(1, len(pairs)) * 1e6

    # The database path's two candidate queries, each name once: the trigram path and the per-word path.
    phase_ms: dict[str, list[float]] = {"trigram_path": [], "word_path": []}
    for text, _ in names:
        key = selectors.name_key(text)
        if key:
            for phase, fetch in (("trigram_path", selectors._candidates), ("word_path", selectors._word_candidates)):
                started = time.perf_counter()
                fetch(key)
                phase_ms[phase].append((time.perf_counter() - started) * 1000)

    floor_ms = []
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # The settings the application's candidate query runs with (selectors._candidates).
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [selectors.TRIGRAM_THRESHOLD])
            cursor.execute("SET LOCAL enable_seqscan = off")
            for text, _ in names:
                key = selectors.name_key(text)
                started = time.perf_counter()
                cursor.execute(TRGM_FLOOR, [key.key, key.key])
                cursor.fetchall()
                floor_ms.append((time.perf_counter() - started) * 1000)
    floor_ms.sort()

    timings.sort()
    ms = [t * 1000 for t in timings]
    cpu_ms = sorted(t * 1000 for t in cpu)
    return {
        "sanctions_entries": len(entries),
        "denials": args.denials,
        "indexed_names": EntryName.objects.count(),
        "import_seconds": round(import_seconds, 1),
        "denials_sync_seconds": round(denials_seconds, 1),
        "queries": len(ms),
        "latency_ms": {"p50": round(statistics.median(ms), 2), "p95": round(ms[int(0.95 * (len(ms) - 1))], 2), "max": round(ms[-1], 2)},
        "cpu_ms": {"p50": round(statistics.median(cpu_ms), 2), "p95": round(cpu_ms[int(0.95 * (len(cpu_ms) - 1))], 2), "note": "this process's CPU time"},
        "recall": round(found / len(cases), 4),
        "recall_by_kind": {k: round(ok / total, 4) for k, (total, ok) in sorted(by_kind.items())},
        "unlisted_names_with_a_hit": round(false_alarms / max(1, len(unlisted)), 4),
        "rescreen_index_load_seconds": round(index_seconds, 1),
        "rescreen_parties_per_second_one_process": round(rescreen_rate, 1),
        "candidates_per_name": {"mean": round(len(pairs) / len(names), 1)},
        "candidate_queries_ms": {
            phase: {"p50": round(statistics.median(t), 2), "p95": round(sorted(t)[int(0.95 * (len(t) - 1))], 2), "mean": round(statistics.mean(t), 2)}
            for phase, t in phase_ms.items()
        },
        "scorer_cpu_us_per_pair": round(scoring_us, 1),
        "lists_reused": loaded,
        **(
            {"floor_ms": {"p50": round(statistics.median(floor_ms), 2), "p95": round(floor_ms[int(0.95 * (len(floor_ms) - 1))], 2)},
             "floor_note": "the trigram candidate query alone (TRGM_FLOOR), each test name once",
             "ratio_p95": round(ms[int(0.95 * (len(ms) - 1))] / floor_ms[int(0.95 * (len(floor_ms) - 1))], 2)}
            if floor_ms else {}
        ),
    }


def _reuse_marker(connection) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_screening_loaded') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("SELECT what FROM bench_screening_loaded")
        row = cursor.fetchone()
    return row[0] if row else None


if __name__ == "__main__":
    main()
