"""
Write fixtures/demo/usage_2024.csv: the usage reports (realisaties) of 2024 reconstructed from seed 002's tables 4
and 9-15 (transcribed in tests/reporting/seed_usage_2024.py), for `manage.py import_usage`.

    .venv/bin/python -m tests.reporting.make_demo_usage

- Tables 9-15: one row per country and ML category the table lists, under the demo registration of that general
  licence (DEMO_REGISTRATIONS: exporter A of the demo, KvK 12345678). Each country's value is chosen to the cent so
  that it prints as the report prints it (each cell has its own number of decimals), and so that the table's total
  prints as the report's total; it is split evenly over the ML categories listed. Transit rows name an origin:
  NL007's goods come from an ally (US; DE for the United States), NL008's table is by origin and its rows go to an
  ally (US; DE for goods from the United States). NL008's row from Israel (footnote 45: a breach of the terms the
  report learnt from the usage data) goes to India (the report does not say where; invented) and is flagged. NL009's
  rows to Israel are dated before the court's ruling of 12 February 2024 (footnotes 46 and 47).
- Table 4: the ten destinations under the imported dual-use licences of fixtures/demo/decisions_2024.csv (the
  first licence naming the destination, its control entry), with the holder column; the United States partly under
  the demo registration of EU001 (the report counts general licences in). South Africa is ranked above Norway as
  the report ranks them (both print 137). An eleventh destination (India, EUR 100 million) falls outside the top 10.
"""
import csv
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
django.setup()

from tests.reporting.seed_usage_2024 import MILLION, TABLE_4, TABLES, as_printed, decimals, printed_value  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
OUT = DEMO / "usage_2024.csv"
DECISIONS = DEMO / "decisions_2024.csv"
HOLDER = "12345678"  # the demo's exporter A (licensing.demo.data.ORGANISATIONS)
DEMO_REGISTRATIONS = {code: f"{code}-DEMO" for code in ("NL003", "NL004", "NL005", "NL006", "NL007", "NL008", "NL009", "EU001")}
COLUMNS = "licence,exported_on,destination,control_entry,quantity,value_eur,recipient,serial_numbers,lot_numbers,movement,origin,holder".split(",")
EU = {"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}
CENT = Decimal("0.01")
BREACH_DESTINATION = "IN"  # NL008's transit from Israel (footnote 45): where to, the report does not say


def interval(printed: str) -> tuple[Decimal, Decimal]:
    """The smallest and largest value in euro (to the cent) that prints as `printed` (at least EUR 1)."""
    half = Decimal(5).scaleb(5 - decimals(printed))  # half a unit of the last printed decimal, in euro
    centre = printed_value(printed) * MILLION
    return max(centre - half, Decimal(1)), centre + half - CENT


def cell_values(total: str, cells: dict[str, str]) -> dict[str, Decimal]:
    """Every cell as near its printed value as the printed total allows, each still printing as printed."""
    values = {country: max(printed_value(p) * MILLION, interval(p)[0]) for country, p in cells.items()}
    low, high = interval(total)
    target = min(max(sum(values.values()), low), high)
    missing = target - sum(values.values())
    # The cells with the most room first (a cell printed "1,8" may move EUR 49.999,99, one printed "0,040" EUR 499,99).
    for country in sorted(cells, key=lambda c: interval(cells[c])[1] - interval(cells[c])[0], reverse=True):
        if missing == 0:
            break
        lowest, highest = interval(cells[country])
        step = min(max(missing, lowest - values[country]), highest - values[country])
        values[country] += step
        missing -= step
    assert missing == 0, "the printed cells cannot make the printed total"
    for country, printed in cells.items():
        assert as_printed(values[country], printed) == printed_value(printed), (country, values[country])
    assert as_printed(sum(values.values()), total) == printed_value(total)
    return values


def split(value: Decimal, parts: int) -> list[Decimal]:
    cents = int(value * 100)
    return [Decimal(cents // parts + (1 if i < cents % parts else 0)) / 100 for i in range(parts)]


def _day(index: int) -> date:
    return date(2024, 2, 15) + timedelta(days=(index * 37) % 300)


def general_licence_rows() -> list[list]:
    rows, index = [], 0
    for key, (total, cells) in TABLES.items():
        code = key.split("_")[0]
        transit = key in ("NL007", "NL008", "NL009_transit")
        values = cell_values(total, {country: printed for country, (printed, _) in cells.items()})
        for country, (_, categories) in cells.items():
            for category, value in zip(categories, split(values[country], len(categories))):
                index += 1
                on = date(2024, 1, 15) if country == "IL" and code == "NL009" else _day(index)  # before 12 Feb 2024
                if key == "NL008":  # by origin
                    origin, destination = country, BREACH_DESTINATION if country == "IL" else ("DE" if country == "US" else "US")
                elif key == "NL007":
                    origin, destination = ("DE" if country == "US" else "US"), country
                elif key == "NL009_transit":
                    origin, destination = ("GB" if country == "US" else "US"), country
                else:
                    origin, destination = "", country
                movement = "transit" if transit else ("transfer" if destination in EU else "export")
                rows.append([DEMO_REGISTRATIONS[code], on.isoformat(), destination, f"ML{category}", "1", f"{value:.2f}", f"Recipient in {destination}", "", "", movement, origin, ""])
    return rows


def dual_use_rows() -> list[list]:
    with DECISIONS.open(encoding="utf-8") as f:
        licences = [r for r in csv.DictReader(f) if r["goods_kind"] == "dual_use" and r["decision"] == "issued" and r["licence_kind"] == "individual" and r["movement"] == "export"]
    first = {}
    for licence in licences:
        first.setdefault(licence["destinations"], licence)
    rows = []
    ranking = [*TABLE_4, ("IN", "100")]
    for rank, (country, printed) in enumerate(ranking):
        value = printed_value(printed) * MILLION + (300_000 if country == "ZA" else 0)  # ninth, as the report ranks it
        licence = first[country]
        if country == "US":  # partly under EU001 (general licences count in table 4)
            general = Decimal(338) * MILLION
            rows.append([DEMO_REGISTRATIONS["EU001"], _day(rank + 1).isoformat(), country, "3A001", "1", f"{general:.2f}", f"Recipient in {country}", "", "", "export", "", ""])
            value -= general
        rows.append([licence["reference"], _day(rank).isoformat(), country, licence["control_entry"], "1", f"{value:.2f}", f"Recipient in {country}", f"DU-{country}-0001", f"LOT-{country}", "export", "", HOLDER])
    return rows


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(general_licence_rows())
        writer.writerows(dual_use_rows())
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
