"""
Write fixtures/demo/decisions_2024.csv: a year of decisions reconstructed from the Dutch annual report 2024
(seed 002), for `manage.py import_decisions`.

    .venv/bin/python -m tests.reporting.make_demo_decisions /work/shared/seeds/002_59b26b953b962573.txt

- Military (tables 2, 7, 8; seed lines 894-2625): one licence per non-empty cell of table 8 (destination x ML
  category). The report prints cells, row totals and column totals in EUR million rounded to two decimals, so
  the cells cannot simply be multiplied out: every cell is chosen to the euro so that it still prints as the
  report prints it, and every row total, column total and the grand total (1.867,95) print as the report prints
  them too (a small bounded-flow problem, solved below). "0,00" cells become a few thousand euro.
  Collective rows become licences with several destinations: "EU/NAVO+" -> DE;NO;US, "EUROPESE UNIE" ->
  BE;DE;FR, "DIVERSE" -> AU;SA;US. A few extra rows show the counting rules without changing the totals:
  a temporary export, a return after repair, a renewal at the same value and a replacement with a higher value.
- Transit (table 17, seed lines 3290-3347), brokering (table 18, lines 3359-3493; the brokering service's
  value), anti-torture (table 5, lines 583-604), military denials (annex 6, lines 3495-3583) and dual-use
  licences (table 3, lines 466-497; destinations and entries invented, counts and values the report's).
- Catch-all (table 3's "Catch All" row: 5 licences, EUR 7 million, none denied) goes to
  fixtures/demo/decisions_2024_catch_all.csv with the optional `catch_all` column: unlisted goods, no entry
  (destinations invented).
What the import columns cannot carry is left out and listed in the README section (criteria, ...).
"""
import csv
import sys
from collections import deque
from datetime import date, timedelta
from decimal import Decimal as D
import os
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
django.setup()

from tests.reference.test_regions import TABLE_8  # noqa: E402  (the names and codes of table 8, checked there)

OUT = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "decisions_2024.csv"
OUT_CATCH_ALL = OUT.with_name("decisions_2024_catch_all.csv")
COLUMNS = "reference,decided_on,decision,goods_kind,licence_kind,movement,destinations,control_entry,value_eur,complete_system,temporary,return_after_repair,replaces".split(",")
MILLION = 1_000_000
SMALLEST = 500  # a cell printed as 0,00 is a licence of at least this many euro
HALF = 5000  # a value prints as x,xx million when it is within [x,xx - 0,005; x,xx + 0,005) million
EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
COLLECTIVE = {"EU/NAVO+": "DE;NO;US", "EUROPESE UNIE": "BE;DE;FR", "DIVERSE": "AU;SA;US"}
CODES = {name: code for name, code, _, _ in TABLE_8}
REGION = {code: region for _, code, region, _ in TABLE_8}
# Where the rounding slack goes (the rows add up to 1.867,93, the total is 1.867,95): first the rows of the two
# regions table 2 does not reconcile anyway, then at most EUR 2.500 into one row of a few other regions, so
# that every region still prints its table-2 value. (row, at most euro)
SLACK_ROWS = [
    ("DIVERSE", 4900), ("VERENIGDE STATEN", 2000), ("CANADA", 2000), ("OEKRAINE", 2500), ("DUITSLAND", 2500), ("PAKISTAN", 2500),
    ("SINGAPORE", 2500), ("QATAR", 2500),
]


def number(text: str) -> D | None:
    text = text.strip()
    return D(text.replace(".", "").replace(",", ".")) if text else None


def blocks(lines: list[str], first: int, last: int) -> list[list[str]]:
    """Rows of a table in the text extraction: one cell per tab-indented line, rows separated by blank lines."""
    rows, current = [], []
    for line in lines[first - 1 : last]:
        if not line.strip() and not line.startswith("\t"):
            if current:
                rows.append(current)
                current = []
        else:
            current.append(line.strip())
    if current:
        rows.append(current)
    return rows


def table_8(lines):
    first, second = blocks(lines, 895, 1833), blocks(lines, 1835, 2625)
    categories = first[0][1:] + second[0][1:-1]
    cells, row_totals = {}, {}
    for a, b in zip(first[1:-1], second[1:-1]):
        assert a[0] == b[0], (a[0], b[0])
        cells[a[0]] = [number(x) for x in a[1:]] + [number(x) for x in b[1:-1]]
        row_totals[a[0]] = number(b[-1])
    column_totals = [number(x) for x in first[-1][1:]] + [number(x) for x in second[-1][1:-1]]
    return categories, cells, row_totals, column_totals, number(second[-1][-1])


def max_flow(capacity: dict, source, sink) -> dict:
    """Edmonds-Karp on a dict-of-dicts graph; returns the flow on each edge."""
    flow = {u: {v: 0 for v in edges} for u, edges in capacity.items()}
    for u, edges in capacity.items():
        for v in edges:
            flow.setdefault(v, {}).setdefault(u, 0)
            capacity.setdefault(v, {}).setdefault(u, 0)
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, cap in capacity[u].items():
                if v not in parent and cap - flow[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            return flow
        path, v = [], sink
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(capacity[u][v] - flow[u][v] for u, v in path)
        for u, v in path:
            flow[u][v] += push
            flow[v][u] -= push


def bounded_flow(edges: dict[tuple, tuple[int, int]]) -> dict[tuple, int] | None:
    """A circulation with a flow between (lower, upper) on every edge, or None (lower bounds by excess demands)."""
    capacity: dict = {"S*": {}, "T*": {}}
    excess: dict = {}
    for (u, v), (lower, upper) in edges.items():
        capacity.setdefault(u, {})[v] = upper - lower
        capacity.setdefault(v, {})
        excess[v] = excess.get(v, 0) + lower
        excess[u] = excess.get(u, 0) - lower
    for node, amount in excess.items():
        if amount > 0:
            capacity["S*"][node] = amount
        elif amount < 0:
            capacity[node]["T*"] = -amount
    flow = max_flow(capacity, "S*", "T*")
    if sum(flow["S*"].values()) != sum(a for a in excess.values() if a > 0):
        return None
    return {(u, v): lower + flow[u][v] for (u, v), (lower, _) in edges.items()}


def reconstruct(categories, cells, row_totals, column_totals, grand_total) -> dict[tuple[str, str], int]:
    """
    Euro values for every non-empty cell that print as the report prints cells, rows, columns and the total:
    each cell is a flow from its row to its column, between its smallest and largest printable value.
    """
    grand = int(grand_total * MILLION)
    # value = low + flow, flow in [0, high - low]; rows and columns must receive exactly their target.
    low, high = {}, {}
    for name, values in cells.items():
        for j, printed in enumerate(values):
            if printed is None:
                continue
            centre = int(printed * MILLION)
            low[name, j] = max(SMALLEST, centre - HALF)
            high[name, j] = centre + HALF - 1
    # Each row total as near its printed value as its cells allow (a row of rounded cells may not reach it).
    row_target = {}
    for name, printed in row_totals.items():
        lowest = max(int(printed * MILLION) - HALF, sum(low[k] for k in low if k[0] == name))
        highest = min(int(printed * MILLION) + HALF - 1, sum(high[k] for k in high if k[0] == name))
        assert lowest <= highest, name
        row_target[name] = min(max(int(printed * MILLION), lowest), highest)
    missing = grand - sum(row_target.values())
    for name, most in SLACK_ROWS:
        share = min(missing, most, int(row_totals[name] * MILLION) + HALF - 1 - row_target[name])
        row_target[name] += share
        missing -= share
    assert missing == 0, "not enough slack rows"

    edges = {("sink", "source"): (0, grand)}
    for name in cells:
        fixed = row_target[name] - sum(low[k] for k in low if k[0] == name)
        edges["source", ("row", name)] = (fixed, fixed)
        for j in range(len(categories)):
            if (name, j) in low:
                edges[("row", name), ("column", j)] = (0, high[name, j] - low[name, j])
    for j in range(len(categories)):  # a column may take anything that still prints as its printed total
        base = sum(low[k] for k in low if k[1] == j)
        centre = int(column_totals[j] * MILLION)
        edges[("column", j), "sink"] = (max(0, centre - HALF - base), centre + HALF - 1 - base)
    flow = bounded_flow(edges)
    assert flow is not None, "no reconstruction fits every printed total"
    values = {(name, categories[j]): low[name, j] + flow[("row", name), ("column", j)] for (name, j) in low}
    # Check what the report prints.
    for (name, category), value in values.items():
        assert _prints(value) == cells[name][categories.index(category)], (name, category, value)
    for name in cells:
        assert sum(v for (n, _), v in values.items() if n == name) == row_target[name]
    for j, category in enumerate(categories):
        assert _prints(sum(v for (_, c), v in values.items() if c == category)) == column_totals[j]
    assert _prints(sum(values.values())) == grand_total
    return values


def _prints(euros: int) -> D:
    return (D(euros) / MILLION).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def _day(index: int) -> date:
    return date(2024, 1, 2) + timedelta(days=(index * 37) % 363)


def _row(reference, decided_on, decision, goods_kind, licence_kind, movement, destinations, entry, value, complete=False, temporary=False, repair=False, replaces=""):
    flag = lambda b: "true" if b else "false"  # noqa: E731
    return [reference, decided_on.isoformat(), decision, goods_kind, licence_kind, movement, destinations, entry, f"{D(value):.2f}", flag(complete), flag(temporary), flag(repair), replaces]


def military_rows(values: dict) -> list[list]:
    rows = []
    fast_track = {"EGYPTE", "SINGAPORE", "MALEISIE"}  # seed line 436: complete systems over EUR 2 million
    biggest = {name: max((v, c) for (n, c), v in values.items() if n == name) for name in fast_track}
    for index, ((name, category), value) in enumerate(sorted(values.items(), key=lambda kv: (kv[0][0], int(kv[0][1][2:])))):
        reference = f"NL24-ML-{index + 1:04d}"
        if name in COLLECTIVE:
            destinations, kind, movement = COLLECTIVE[name], "global", "export"
        else:
            code = CODES[name]
            destinations, kind, movement = code, "individual", "transfer" if code in EU else "export"
        complete = name in fast_track and biggest[name] == (value, category) and value > 2 * MILLION
        if name == "OEKRAINE" and category == "ML6":
            # A replacement with a higher value: the first licence and the extra count, not both in full.
            rows.append(_row(reference, date(2024, 2, 1), "issued", "military", kind, movement, destinations, category, value - 5 * MILLION))
            rows.append(_row(f"{reference}-V", date(2024, 6, 3), "issued", "military", kind, movement, destinations, category, value, replaces=reference))
            continue
        if name == "VERENIGDE STATEN" and category == "ML10":
            # A renewal at the same value: counted once.
            rows.append(_row(reference, date(2024, 3, 4), "issued", "military", kind, movement, destinations, category, value))
            rows.append(_row(f"{reference}-R", date(2024, 9, 2), "issued", "military", kind, movement, destinations, category, value, replaces=reference))
            continue
        rows.append(_row(reference, _day(index), "issued", "military", kind, movement, destinations, category, value, complete=complete))
    # Not counted: a temporary export (demonstration) and a return after repair.
    rows.append(_row("NL24-ML-T001", date(2024, 4, 15), "issued", "military", "individual", "transfer", "DE", "ML6", 1_500_000, temporary=True))
    rows.append(_row("NL24-ML-R001", date(2024, 5, 6), "issued", "military", "individual", "export", "US", "ML10", 2_000_000, repair=True))
    return rows


# Table 17 (seed lines 3290-3347), to the euro so that cells, rows and columns print as the report prints them.
TRANSIT = [
    ("EE", "ML6", 315_000), ("EE", "ML17", 315_000), ("GT", "ML1", 79_000), ("UA", "ML2", 84_000), ("UA", "ML3", 7_576_000),
    ("UA", "ML6", 42_246_000), ("AT", "ML1", 500), ("AT", "ML2", 500), ("SI", "ML6", 910_000), ("AE", "ML6", 598_000),
]
# Table 18, brokering (seed lines 3359-3493): destination(s), first ML entry, value of the brokering service.
BROKERING = [
    ("UA", "ML3a", 1_260_000), ("UA", "ML9a1", 6_336_000), ("UA", "ML4a", 2_177_335), ("GB", "ML18a", 1_550_979), ("ES", "ML11a", 15_723),
    ("UA", "ML2a", 41_490_900), ("UA", "ML3a", 4_850_000), ("AT", "ML10a", 769_800_000), ("MX", "ML11a", 35_365), ("UA", "ML10c", 25_612_646),
    ("UA", "ML9a1", 5_773_273), ("UA", "ML2a", 6_501_720), ("DE;NO;US", "ML2a", 0), ("UA", "ML1d5", 61_537_274), ("UA", "ML2a", 17_752_500),
    ("PT", "ML10a", 127_651_924), ("US", "ML11a", 92_876), ("UA", "ML10c", 15_037_535),
]
# Annex 6, military denials (seed lines 3495-3583): destination, entry, date. "Congo" read as the Republic (CG).
DENIALS = [
    ("IL", "ML3", date(2024, 5, 15)), ("GN", "ML6", date(2024, 5, 16)), ("IL", "ML13", date(2024, 6, 13)), ("IL", "ML13", date(2024, 6, 13)),
    ("IL", "ML15", date(2024, 6, 13)), ("IL", "ML15", date(2024, 6, 13)), ("CG", "ML10", date(2024, 8, 27)), ("IL", "ML15", date(2024, 10, 9)),
    ("IL", "ML10", date(2024, 12, 5)),
]
# Table 5 (seed lines 583-604): (annex, licences, value in euro, destinations).
ANTI_TORTURE = [
    ("ANNEX_III", 7, 11_217, ["AW", "BQ", "CW", "SX"]),
    ("ANNEX_IV", 17, 1_663_736, ["AW", "BQ", "CA", "CW", "LB", "PS", "DJ", "HK", "LR", "MY", "SX", "MA", "SO", "GB"]),
]
# Table 3 (seed lines 466-497): (kind, movement, licences, value, denied, denied value, destinations, entries).
# Catch-all (5 licences, EUR 7 million): CATCH_ALL below, in a file of its own with the catch_all column. Denied values: the
# table prints 9 (individual) and 95 (global) million but a total of 14, and the text above it (line 464) gives
# 14,03 million; we read the global "95" as 4,95 (9,08 + 4,95 = 14,03, each printing as the table does).
# Issued values: the table prints 352, 32.776, 1.144 and 7 (whole millions) and a total of 34.280, which whole
# millions would make 34.279; each row is EUR 0,2 / 0,2 / 0,1 million above its printed value (still printing as it),
# so that the total is 34.279,5 million and prints 34.280 as well.
DUAL_USE = [
    ("individual", "export", 611, 352 * MILLION + 200_000, 12, 9_080_000, ["KR", "US", "TW", "GB", "CH", "CN", "TR", "JP", "ZA", "NO", "IN", "IL"], ["3B001", "2B001", "5A002", "1C010", "6A003"]),
    ("global", "export", 186, 32_776 * MILLION + 200_000, 1, 4_950_000, ["KR", "US", "TW", "CN", "JP"], ["3B001", "3B993"]),
    ("individual", "transfer", 53, 1_144 * MILLION + 100_000, 0, 0, ["DE", "FR", "BE", "IE", "AT"], ["0B001", "0C002", "1C239"]),
]


# Table 3's "Catch All" row (seed 002 lines 491-495): licences, value, denied; destinations invented.
CATCH_ALL = (5, 7 * MILLION, 0, ["PK", "IN", "AE", "TR", "EG"])


def catch_all_rows() -> list[list]:
    licences, total, _denied, destinations = CATCH_ALL
    return [
        [*_row(f"NL24-CA-{k + 1:03d}", _day(40 + k * 60), "issued", "unlisted", "individual", "export", destinations[k], "", D(value) / 100), "true"]
        for k, value in enumerate(split(total * 100, licences))
    ]


def write_catch_all() -> None:
    with OUT_CATCH_ALL.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*COLUMNS, "catch_all"])
        writer.writerows(catch_all_rows())
    print(f"wrote {OUT_CATCH_ALL}")


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def other_rows() -> list[list]:
    rows = []
    for i, (destination, entry, value) in enumerate(TRANSIT, start=1):
        rows.append(_row(f"NL24-TR-{i:03d}", _day(i * 5), "issued", "military", "individual", "transit", destination, entry, value))
    for i, (destinations, entry, value) in enumerate(BROKERING, start=1):
        kind = "global" if ";" in destinations else "individual"
        rows.append(_row(f"NL24-BR-{i:03d}", _day(i * 3), "issued", "military", kind, "brokering", destinations, entry, value))
    for i, (destination, entry, day) in enumerate(DENIALS, start=1):
        rows.append(_row(f"NL24-AF-{i:03d}", day, "denied", "military", "individual", "export", destination, entry, 0))
    number = 0
    for annex, licences, total, destinations in ANTI_TORTURE:
        for k, value in enumerate(split(total * 100, licences)):
            number += 1
            rows.append(_row(f"NL24-AT-{number:03d}", _day(number * 11), "issued", "anti_torture", "individual", "export", destinations[k % len(destinations)], annex, D(value) / 100))
    number = 0
    for kind, movement, licences, total, denied, denied_total, destinations, entries in DUAL_USE:
        for k, value in enumerate(split(total * 100, licences)):
            number += 1
            many = ";".join(destinations[k % len(destinations) : k % len(destinations) + 3]) if kind == "global" else destinations[k % len(destinations)]
            rows.append(_row(f"NL24-DU-{number:04d}", _day(number), "issued", "dual_use", kind, movement, many or destinations[0], entries[k % len(entries)], D(value) / 100))
        for k, value in enumerate(split(denied_total, denied)):
            number += 1
            rows.append(_row(f"NL24-DU-{number:04d}", _day(number), "denied", "dual_use", kind, movement, destinations[k % len(destinations)], entries[k % len(entries)], value))
    return rows


def main(seed: str) -> None:
    lines = Path(seed).read_text(encoding="utf-8").split("\n")
    values = reconstruct(*table_8(lines))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(military_rows(values))
        writer.writerows(other_rows())
    print(f"wrote {OUT}")
    write_catch_all()


if __name__ == "__main__":
    main(sys.argv[1])
