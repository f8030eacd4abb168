"""
Control-list entry codes: parse, normalise and validate what an exporter writes on a goods line.

    parse_entry("ml4b")          -> ParsedEntry(code="ML4.b", regime="military", ml_category="ML4", ...)
    parse_entry(" 1c001.A ")     -> ParsedEntry(code="1C001.a", regime="dual_use", du_category="1", du_group="C",
                                               export_regime="wassenaar", annex_iv=True)
    parse_entry("annex iii.2.1") -> ParsedEntry(code="ANNEX_III.2.1", regime="anti_torture", annex="III")

The stored facts it needs (ML categories, anti-torture annexes, Annex IV items, national entries) come from the
ControlEntry table through one cached value (selectors.cached: at most one query per cache fill).
"""
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import ControlEntry, ControlRegime, ExportRegime
from .selectors import cached

ML_MAX = 22
ANNEXES = ("II", "III", "IV")

_ML = re.compile(r"^ML\s*(\d+)(.*)$")
_DUAL_USE = re.compile(r"^([0-9])([A-E])([0-9])([0-9]{2})(.*)$")
_ANNEX = re.compile(r"^ANNEX[\s_-]*([IVX]+|[0-9]+)(.*)$")
_ROMAN = {"2": "II", "3": "III", "4": "IV"}
# Sub-entry parts after an ML category or a dual-use item: ".b", ".a.1", "a1" (run together, as the seed writes).
_PARTS = re.compile(r"^(?:\.?(?:[a-z]{1,2}|\d{1,3}))*$")
_PART = re.compile(r"[a-z]{1,2}|\d{1,3}")
_ANNEX_ITEM = re.compile(r"^(?:\.\d{1,2})+$")

# Third character of a dual-use item code -> the regime that controls it (category 0 is always NSG).
_EXPORT_REGIME_OF_DIGIT = {
    "0": ExportRegime.WASSENAAR.value,
    "1": ExportRegime.MTCR.value,
    "2": ExportRegime.NSG.value,
    "3": ExportRegime.AUSTRALIA_GROUP.value,
    "4": ExportRegime.CWC.value,
    "5": ExportRegime.EU_AUTONOMOUS.value,
}


class InvalidControlEntry(ValueError):
    """The code is not an entry of any control list we know; the message says why, in a sentence.

    The message is lazy (read in the reader's language when shown): routing keeps it with the parsed entries."""


@dataclass(frozen=True)
class ParsedEntry:
    code: str  # normalised: "ML4.b", "3A001.a.3", "ANNEX_III", "ANNEX_III.2.1"
    regime: str  # ControlRegime value
    ml_category: str | None = None  # military: "ML4"
    du_category: str | None = None  # dual-use: "3"
    du_group: str | None = None  # dual-use: "A".."E"
    # Dual-use: ExportRegime value from the third character (category 0: nsg); None for 6-9, which no EU entry uses.
    export_regime: str | None = None
    annex: str | None = None  # anti-torture: "II" | "III" | "IV"
    annex_iv: bool = False  # dual-use: licence needed even for intra-EU transfer (Reg. 2021/821 Annex IV)


# Which control lists an entry may come from, for each kind of listed goods (keys: the values of
# applications.choices.GoodsKind; unlisted goods name no entry). National entries extend the dual-use list. The one
# answer for submission (applications.validation), the determination (routing) and imported decisions (reporting).
LISTS_OF_GOODS_KIND: dict[str, frozenset[str]] = {
    "military": frozenset({ControlRegime.MILITARY.value}),
    "dual_use": frozenset({ControlRegime.DUAL_USE.value, ControlRegime.NATIONAL.value}),
    "anti_torture": frozenset({ControlRegime.ANTI_TORTURE.value}),
}


def entry_fits_goods_kind(entry: ParsedEntry, goods_kind: str) -> bool:
    """Whether a parsed entry is on a list for this kind of listed goods."""
    return entry.regime in LISTS_OF_GOODS_KIND.get(goods_kind, frozenset())


def parse_entry(code: str, *, facts: dict | None = None) -> ParsedEntry:
    """Parse a control-list entry code (case-insensitive, spaces trimmed); raise InvalidControlEntry if unknown.
    `facts`: the stored facts already read (entry_parser), else read from the shared cache now."""
    if not isinstance(code, str) or not code.strip():
        raise InvalidControlEntry(_("Give a control-list entry, e.g. ML4.b, 3A001.a.3 or ANNEX_III."))
    raw = code.strip()
    upper = raw.upper()
    facts = _facts() if facts is None else facts

    national = _national(raw, facts["national"])
    if national:
        return ParsedEntry(code=national, regime=ControlRegime.NATIONAL.value)
    if match := _ML.match(upper):
        return _military(raw, match, facts)
    if match := _DUAL_USE.match(upper):
        return _dual_use(raw, match, facts)
    if match := _ANNEX.match(upper):
        return _anti_torture(raw, match, facts)
    if upper.startswith(("DU-CAT-", "DU-GROUP-")):
        raise InvalidControlEntry(format_lazy(
            _("'{raw}' is a dual-use category or product group, not an entry: give the Annex I item code, e.g. 3A001."), raw=raw
        ))
    raise InvalidControlEntry(format_lazy(_(
        "Unknown control entry '{raw}': use a Military List entry (ML1 to ML22, e.g. ML4.b), a dual-use "
        "Annex I item (e.g. 3A001.a.3), an anti-torture annex (ANNEX_II, ANNEX_III, ANNEX_IV) or a national entry."
    ), raw=raw))


def entry_parser() -> Callable[[str], ParsedEntry]:
    """parse_entry for many codes in one go (an application's goods lines): the stored facts are read from the
    shared cache once, at the first code, not once a code (a cache round trip each: 100 for 100 lines)."""
    facts = None

    def parse(code: str) -> ParsedEntry:
        nonlocal facts
        if facts is None and isinstance(code, str) and code.strip():
            facts = _facts()
        return parse_entry(code, facts=facts)

    return parse


def _military(raw: str, match: re.Match, facts: dict) -> ParsedEntry:
    number, rest = int(match.group(1)), match.group(2).strip().lower()
    if not 1 <= number <= ML_MAX:
        raise InvalidControlEntry(format_lazy(_("Unknown control entry '{raw}': the Military List has ML1 to ML{max}."), raw=raw, max=ML_MAX))
    category = f"ML{number}"
    if category not in facts["ml_categories"]:
        raise InvalidControlEntry(format_lazy(
            _("Unknown control entry '{raw}': {category} is not in the reference data (run load_reference)."), raw=raw, category=category
        ))
    parts = _parts(raw, rest, example="ML4.b or ML7.a.1")
    return ParsedEntry(code=".".join([category, *parts]), regime=ControlRegime.MILITARY.value, ml_category=category)


def _dual_use(raw: str, match: re.Match, facts: dict) -> ParsedEntry:
    category, group, digit, tail, rest = match.groups()
    stem = f"{category}{group}{digit}{tail}"
    rest = rest.strip().lower()
    if rest[:1].isdigit():
        raise InvalidControlEntry(format_lazy(_(
            "Unknown control entry '{raw}': a dual-use item code has one digit, one letter A-E and three digits "
            "(e.g. 3A001), then optional sub-items such as .a.3."
        ), raw=raw))
    parts = _parts(raw, rest, example="3A001.a.3")
    normalised = ".".join([stem, *parts])
    export_regime = ExportRegime.NSG.value if category == "0" else _EXPORT_REGIME_OF_DIGIT.get(digit)
    prefixes = {".".join([stem, *parts[:i]]) for i in range(len(parts) + 1)}
    return ParsedEntry(
        code=normalised,
        regime=ControlRegime.DUAL_USE.value,
        du_category=category,
        du_group=group,
        export_regime=export_regime,
        annex_iv=not prefixes.isdisjoint(facts["annex_iv"]),
    )


def _anti_torture(raw: str, match: re.Match, facts: dict) -> ParsedEntry:
    annex, rest = _ROMAN.get(match.group(1), match.group(1)), match.group(2).strip()
    if annex not in ANNEXES:
        raise InvalidControlEntry(format_lazy(_(
            "Unknown control entry '{raw}': the anti-torture Regulation (EU) 2019/125 lists goods in annexes "
            "II, III and IV (ANNEX_II, ANNEX_III, ANNEX_IV)."
        ), raw=raw))
    if f"ANNEX_{annex}" not in facts["annexes"]:
        raise InvalidControlEntry(format_lazy(
            _("Unknown control entry '{raw}': ANNEX_{annex} is not in the reference data (run load_reference)."), raw=raw, annex=annex
        ))
    if rest and not _ANNEX_ITEM.match(rest):
        raise InvalidControlEntry(format_lazy(
            _("Unknown control entry '{raw}': an annex item is written as its point number, e.g. ANNEX_{annex}.2.1."), raw=raw, annex=annex
        ))
    return ParsedEntry(code=f"ANNEX_{annex}{rest}", regime=ControlRegime.ANTI_TORTURE.value, annex=annex)


def _national(raw: str, national: dict[str, str]) -> str | None:
    """The code of a national entry written as `raw` (any case), or None: a stored entry, or a sub-item of one.

    A national list may reuse the Annex I shape (3B801.f.5 of the Dutch semiconductor regulation); a sub-item of a
    stored entry (3B801.d.1.a) is on the national list too, never an Annex I item of the same name. The sub-item's
    own parts are checked and normalised as the other lists' are."""
    if not national:
        return None
    written = re.sub(r"\s+", "", raw)
    parts = written.split(".")
    for size in range(len(parts), 0, -1):
        stored = national.get(".".join(parts[:size]).upper())
        if stored is None:
            continue
        rest = ".".join(parts[size:]).lower()
        return ".".join([stored, *_parts(raw, rest, example=f"{stored}.a")]) if rest else stored
    return None


def _parts(raw: str, rest: str, *, example: str) -> list[str]:
    if not _PARTS.match(rest) or rest.endswith("."):
        raise InvalidControlEntry(format_lazy(
            _("Unknown control entry '{raw}': sub-entries are letters and numbers separated by dots, e.g. {example}."), raw=raw, example=example
        ))
    return _PART.findall(rest)


def _facts() -> dict:
    def build():
        facts = {"ml_categories": set(), "annexes": set(), "annex_iv": set(), "national": {}}
        rows = ControlEntry.objects.filter(
            Q(parent__isnull=True, regime__in=[ControlRegime.MILITARY, ControlRegime.ANTI_TORTURE])
            | Q(annex_iv=True, regime=ControlRegime.DUAL_USE)
            | Q(regime=ControlRegime.NATIONAL)
        )
        for code, regime, annex_iv in rows.values_list("code", "regime", "annex_iv"):
            if regime == ControlRegime.NATIONAL:
                facts["national"][code.replace(" ", "").upper()] = code
            elif regime == ControlRegime.MILITARY:
                facts["ml_categories"].add(code)
            elif regime == ControlRegime.ANTI_TORTURE:
                facts["annexes"].add(code)
            if annex_iv and regime == ControlRegime.DUAL_USE:
                facts["annex_iv"].add(code)
        return facts

    return cached("control_list", build)
