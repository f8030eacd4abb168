#!/usr/bin/env python
"""
Regenerate fixtures/reference/countries.yaml: every ISO 3166-1 alpha-2 country from pycountry, with its English
name, its Dutch name (pycountry's gettext catalogue 'iso3166-1', language 'nl') and its EU report region, plus
Kosovo (XK, the code the EU uses) added by hand.

The regions come from the `countries:` lists in fixtures/reference/regions.yaml; the script stops when a country
has no region or two, or when a region names a code that is not a country.

    .venv/bin/python scripts/make_countries.py            # writes the file
    .venv/bin/python scripts/make_countries.py --check    # exits 1 when the file is out of date
"""
import argparse
import gettext
import json
import sys
from pathlib import Path

import pycountry
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "reference"

# pycountry's ISO names where a reader would look for the short common name (English, Dutch).
SHORT_NAMES = {
    "BN": ("Brunei", "Brunei"),
    "CD": ("DR Congo", "Democratische Republiek Congo"),
    "FK": ("Falkland Islands", "Falklandeilanden"),
    "FM": ("Micronesia", "Micronesia"),
    "PS": ("Palestine", "Palestina"),
    "RU": ("Russia", "Rusland"),
    "VA": ("Vatican City", "Vaticaanstad"),
    "VG": ("British Virgin Islands", "Britse Maagdeneilanden"),
    "VI": ("US Virgin Islands", "Amerikaanse Maagdeneilanden"),
}
# Not in ISO 3166-1: the user-assigned code the EU and the IMF use.
EXTRA = {"XK": ("Kosovo", "Kosovo")}

HEADER = """\
source: >-
  ISO 3166-1 alpha-2 via pycountry {version} (English names; Dutch names from its gettext catalogue 'iso3166-1',
  language 'nl'; pycountry's common names where it has them, and a few short names set in the script), plus
  Kosovo (XK, user-assigned code used by the EU) added by hand. report_region: regions.yaml.
confidence: high
generated_by: "scripts/make_countries.py - do not edit by hand: change regions.yaml or the script and rerun it"
countries:
"""


class _Loader(yaml.SafeLoader):
    """YAML without YAML 1.1's yes/no booleans: the country code NO is Norway, not False."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _region_of() -> dict[str, str]:
    regions = yaml.load((FIXTURES / "regions.yaml").read_text(encoding="utf-8"), Loader=_Loader)["regions"]
    region_of: dict[str, str] = {}
    for region in regions:
        for code in region.get("countries") or []:
            if code in region_of:
                sys.exit(f"regions.yaml: {code} is in both {region_of[code]} and {region['code']}")
            region_of[code] = region["code"]
    return region_of


def countries() -> list[dict]:
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    names = {}
    for country in pycountry.countries:
        iso_name = getattr(country, "common_name", None) or country.name
        names[country.alpha_2] = (iso_name, dutch.gettext(iso_name))
    names.update(SHORT_NAMES)
    names.update(EXTRA)

    region_of = _region_of()
    unknown = sorted(set(region_of) - set(names))
    missing = sorted(set(names) - set(region_of))
    if unknown or missing:
        sys.exit(f"regions.yaml: codes that are not countries: {unknown}; countries without a region: {missing}")
    return [
        {"code": code, "name_en": en, "name_nl": nl, "report_region": region_of[code]}
        for code, (en, nl) in sorted(names.items())
    ]


def render(rows: list[dict]) -> str:
    def quoted(value: str) -> str:
        # A JSON string is a valid YAML double-quoted scalar; always quoting keeps NO, ON etc. strings.
        return json.dumps(value, ensure_ascii=False)

    lines = [HEADER.format(version=getattr(pycountry, "__version__", "") or "(installed)")]
    for row in rows:
        lines.append(
            f"  - {{code: {quoted(row['code'])}, name_en: {quoted(row['name_en'])}, "
            f"name_nl: {quoted(row['name_nl'])}, report_region: {row['report_region']}}}\n"
        )
    return "".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when the file would change")
    args = parser.parse_args()
    target = FIXTURES / "countries.yaml"
    text = render(countries())
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target.relative_to(ROOT)} is out of date: run scripts/make_countries.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines()) - HEADER.count(chr(10))} countries to {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
