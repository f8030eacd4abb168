"""
Screening against the peer (issue 22): the project's name matcher and OpenSanctions' LogicV2 (nomenklatura) on the
peer's own test cases, same pairs, same run. Not part of the test run; no database.

    python3 -m venv .bench-venv && .bench-venv/bin/pip install nomenklatura      # once (git-ignored)
    .venv/bin/python bench/screening_peer.py                                      # writes bench/results/<date>-screening-peer.{json,md}

The cases are read at run time from ../shared/screening/peer_name_cases.json (or --cases); they are not copied
into the repository. The project's side runs here, in the project's virtualenv; LogicV2 runs in a subprocess
under .bench-venv (--peer-python), fed the same pairs as JSON on stdin.

Sets:
- curated: the peer's hand-curated pairs (all groups but the generated `nb:synth_*` and `putin_names`);
- all: every pair but `putin_names` (incl. the generated, noisily labelled ones), as in issue 22;
- putin_names: 78 spellings of one person (reported alone);
- list: the 683 UN-listed persons queried with altered and unaltered names (recall: the listed person scores at
  or above the threshold) and 2,000 people on no list (flagged: anything on the list scores at or above it).
  Both matchers score the same candidates per query: the CANDIDATES list names with the highest trigram
  similarity of the plainly transliterated names plus every name sharing a word, chosen without either
  matcher (the project's own retrieval is measured by screening_bench.py).
Each matcher is read at its own threshold (the project's SCREENING_THRESHOLD, LogicV2's 0.70 as yente uses it).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = 20
PEER_THRESHOLD = 0.70
CURVE = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)


def find_cases(path: str | None) -> Path:
    tried = [Path(path)] if path else [Path.cwd().parent / "shared/screening/peer_name_cases.json", ROOT.parent / "shared/screening/peer_name_cases.json", ROOT.parent.parent / "shared/screening/peer_name_cases.json"]
    for p in tried:
        if p.exists():
            return p
    sys.exit(f"peer cases not found (tried {', '.join(map(str, tried))}); give --cases")


# --- LogicV2 side (runs under .bench-venv) ---------------------------------------------------------------------
def peer_scores() -> None:
    """Read [[id, schema, query, candidate], ...] on stdin, write {id: score} on stdout."""
    from followthemoney import model
    from nomenklatura.matching.logic_v2.model import LogicV2

    config = LogicV2.default_config()
    out = {}
    for n, (pair_id, schema, query, candidate) in enumerate(json.load(sys.stdin)):
        schema = model.get(schema) or model.get("LegalEntity")
        q = model.make_entity(schema)
        q.id = f"q{n}"  # ids must differ per pair: LogicV2 caches by entity
        q.add("name", query)
        c = model.make_entity(schema)
        c.id = f"c{n}"
        c.add("name", candidate)
        out[pair_id] = LogicV2.compare(q, c, config).score
    json.dump(out, sys.stdout)


# --- Project side ----------------------------------------------------------------------------------------------
def list_pairs(cases: dict) -> tuple[list, dict]:
    """(pairs to score, per query: its candidates) for the list-level cases, chosen without either matcher."""
    from anyascii import anyascii

    from licensing.screening.matching import trigram_similarity

    def plain(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in anyascii(text).lower()).split())

    entries = cases["list_level"]["list"]
    plain_names = [(e["reference"], plain(e["name"]), e["name"], e["schema"]) for e in entries]
    by_word: dict[str, set[int]] = {}
    for i, (_, name, _, _) in enumerate(plain_names):
        for w in name.split():
            by_word.setdefault(w, set()).add(i)
    queries = [(q["id"], q["query"], "Person") for q in cases["list_level"]["positives"]] + [(q["id"], q["query"], "Person") for q in cases["list_level"]["negatives"]]
    pairs, candidates = [], {}
    for qid, text, _ in queries:
        p = plain(text)
        ranked = sorted(range(len(plain_names)), key=lambda i: -trigram_similarity(p, plain_names[i][1]))[:CANDIDATES]
        chosen = set(ranked) | set().union(*(by_word.get(w, set()) for w in p.split() if len(w) > 2))
        candidates[qid] = []
        for i in sorted(chosen):
            pair_id = f"{qid}|{plain_names[i][0]}"
            pairs.append([pair_id, plain_names[i][3], text, plain_names[i][2]])
            candidates[qid].append((plain_names[i][0], pair_id))
    return pairs, candidates


def project_scores(pairs: list, list_names: list[str]) -> tuple[dict, float]:
    """The project's scores (as selectors.name_matches scores a candidate, country aside), and µs per pair."""
    from licensing.core.names import idf_weights, name_key, name_similarity

    del list_names  # the list is smaller than idf_weights' minimum: the built-in weights apply, as in tests
    weigh = idf_weights({}, 0)
    keys = {text: name_key(text) for _, _, q, c in pairs for text in (q, c)}
    started = time.perf_counter()
    scores = {pair_id: name_similarity(keys[q], keys[c], person=schema == "Person", weigh=weigh) for pair_id, schema, q, c in pairs}
    return scores, (time.perf_counter() - started) / max(1, len(pairs)) * 1e6


def rates(rows: list[dict], scores: dict, threshold: float) -> dict:
    pos = [r for r in rows if r["match"]]
    neg = [r for r in rows if not r["match"]]
    return {
        "matches": len(pos),
        "non_matches": len(neg),
        "recall": round(sum(scores[r["id"]] >= threshold for r in pos) / max(1, len(pos)), 3),
        "false_alarm_rate": round(sum(scores[r["id"]] >= threshold for r in neg) / max(1, len(neg)), 3),
    }


def list_rates(cases: dict, candidates: dict, scores: dict, threshold: float) -> dict:
    positives = cases["list_level"]["positives"]
    negatives = cases["list_level"]["negatives"]

    def found(q):
        return any(ref == q["target"] and scores[pid] >= threshold for ref, pid in candidates[q["id"]])

    treated = [q for q in positives if q["treated"]]
    untreated = [q for q in positives if not q["treated"]]
    return {
        "recall_altered": round(sum(map(found, treated)) / max(1, len(treated)), 3),
        "recall_unaltered": round(sum(map(found, untreated)) / max(1, len(untreated)), 3),
        "unlisted_flagged": round(sum(any(scores[pid] >= threshold for _, pid in candidates[q["id"]]) for q in negatives) / len(negatives), 4),
        "unlisted": len(negatives),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases")
    parser.add_argument("--peer-python", default=str(ROOT / ".bench-venv/bin/python"))
    parser.add_argument("--peer-scores", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", default=str(ROOT / "bench/results"))
    args = parser.parse_args()
    if args.peer_scores:
        return peer_scores()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings

    from licensing.screening.matching import ALGORITHM

    cases_path = find_cases(args.cases)
    cases = json.loads(cases_path.read_text(encoding="utf-8"))
    threshold = float(settings.SCREENING_THRESHOLD)
    pairwise = cases["pairwise"]
    pairs = [[r["id"], r["schema"], r["query"], r["candidate"]] for r in pairwise]
    lpairs, candidates = list_pairs(cases)
    ours, us_pair = project_scores(pairs, [])
    ours_list, us_list = project_scores(lpairs, [e["name"] for e in cases["list_level"]["list"]])

    started = time.perf_counter()
    peer = subprocess.run(
        [args.peer_python, __file__, "--peer-scores"], input=json.dumps(pairs + lpairs), capture_output=True, text=True, check=True
    )
    peer_all = json.loads(peer.stdout)
    peer_seconds = time.perf_counter() - started

    sets = {
        "curated": [r for r in pairwise if not r["group"].startswith("nb:synth") and r["group"] != "putin_names"],
        "all": [r for r in pairwise if r["group"] != "putin_names"],
        "putin_names": [r for r in pairwise if r["group"] == "putin_names"],
    }
    result = {
        "date": date.today().isoformat(),
        "cases": str(cases_path),
        "project": {"algorithm": ALGORITHM, "threshold": threshold, "us_per_pair": round(us_pair, 1), "us_per_pair_list": round(us_list, 1)},
        "peer": {"matcher": "nomenklatura LogicV2", "threshold": PEER_THRESHOLD, "seconds": round(peer_seconds, 1)},
        "list_candidates_per_query": round(statistics.mean(len(v) for v in candidates.values()), 1),
        "sets": {
            name: {"project": rates(rows, ours, threshold), "peer": rates(rows, peer_all, PEER_THRESHOLD)} for name, rows in sets.items()
        },
        "list": {"project": list_rates(cases, candidates, ours_list, threshold), "peer": list_rates(cases, candidates, peer_all, PEER_THRESHOLD)},
        # Each matcher at other thresholds: where its recall and false alarms trade (curated, all, unlisted flagged).
        "curves": {
            label: {
                str(t): {
                    "curated": rates(sets["curated"], pair_scores, t),
                    "all": rates(sets["all"], pair_scores, t),
                    "unlisted_flagged": list_rates(cases, candidates, list_scores, t)["unlisted_flagged"],
                }
                for t in CURVE
            }
            for label, pair_scores, list_scores in (("project", ours, ours_list), ("peer", peer_all, peer_all))
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "misses": [
            {"query": r["query"], "candidate": r["candidate"], "match": r["match"], "project": ours[r["id"]], "peer": round(peer_all[r["id"]], 3)}
            for r in sets["curated"]
            if (ours[r["id"]] >= threshold) != r["match"]
        ],
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"{result['date']}-screening-peer"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        f"# Screening vs the peer ({result['date']})",
        "",
        f"Project `{ALGORITHM}` at {threshold}; LogicV2 (nomenklatura) at {PEER_THRESHOLD}. Same pairs, same run. Cases: `{cases_path.name}`.",
        "",
        "| set | project recall / false-alarm rate | LogicV2 recall / false-alarm rate |",
        "|---|---|---|",
    ]
    for name, r in result["sets"].items():
        p, q = r["project"], r["peer"]
        lines.append(f"| {name} ({p['matches']} match / {p['non_matches']} not) | {p['recall']} / {p['false_alarm_rate']} | {q['recall']} / {q['false_alarm_rate']} |")
    lp, lq = result["list"]["project"], result["list"]["peer"]
    lines += [
        f"| UN list, altered names | {lp['recall_altered']} | {lq['recall_altered']} |",
        f"| UN list, unaltered names | {lp['recall_unaltered']} | {lq['recall_unaltered']} |",
        f"| {lp['unlisted']} people on no list, flagged | {lp['unlisted_flagged'] * 100:.2f} % | {lq['unlisted_flagged'] * 100:.2f} % |",
        "",
        "Other thresholds (curated recall / false-alarm rate; all; unlisted flagged):",
        "",
        "| threshold | project | LogicV2 |",
        "|---|---|---|",
    ]
    for t in CURVE:
        cells = []
        for label in ("project", "peer"):
            c = result["curves"][label][str(t)]
            cells.append(
                f"{c['curated']['recall']} / {c['curated']['false_alarm_rate']}; {c['all']['recall']} / {c['all']['false_alarm_rate']}; "
                f"{c['unlisted_flagged'] * 100:.2f} %"
            )
        lines.append(f"| {t} | {cells[0]} | {cells[1]} |")
    lines += [
        "",
        (
            f"Project scorer: {result['project']['us_per_pair']} µs a pair (pairwise), {result['project']['us_per_pair_list']} µs (list); "
            f"{result['list_candidates_per_query']} candidates a list query. Curated pairs the project gets wrong: {len(result['misses'])} (in the JSON)."
        ),
        "",
    ]
    stem.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
