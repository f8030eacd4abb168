"""
The determination rules, one small named object each.

A rule has an `id` (stable, used in events and tests), a `text` the exporter and the officer read (written in
English, read in their language: locale/nl holds the Dutch),
an `effect` and a predicate over the `Situation`: the facts of one transaction (one goods line to one
destination) plus what the reference data says about the destination and the control entry.
`licensing.routing.determination.determine` evaluates the rules stage by stage (licence requirement,
prohibition, general licences, handler, parliament) and lists every rule that fired.

Sources: the 2024 annual report (seed 002, "Procedures"), Regulation (EU) 2021/821 Annex II (EU001-EU008),
Regulation (EU) 2019/125, and the Dutch general licences NL003-NL009 (see shared/domain/reference.yaml).
Which movements and destinations a general licence allows comes from the reference data (GeneralLicence rows);
the goods, purpose and recipient conditions are here, in code, because they need the parsed entry.

Not decided from the facts, so never offered automatically:
- EU007 (intra-group software and technology): needs a parent/subsidiary relationship the facts do not carry.
- NL009 (F-35): needs a DDTC-approved TAA/MLA/WDA agreement the facts do not carry.
- NL900 (national semiconductor/quantum/additive-manufacturing items): its destinations are not in the
  reference data ("unknown" destination rule), so it covers none (licensing.reference.general_licences, the
  same rule usage reports are checked by).
- Parts of item lists that depend on technical characteristics rather than the entry (EU005 5B001/5D001,
  EU008 5A002.b/5D002/5E002 variants, NL003-NL006 ML21/ML22 "related" software and technology): not offered.
- Conditions the exporter must meet and the facts cannot show (origin of goods in transit for NL007, the
  original export authorisation for EU003, re-import within 120 days for EU004, published cryptographic
  standards for EU008, no cluster munitions or anti-personnel mines for NL008, no MANPADS for NL003-NL005):
  the licence is offered and the condition is stated in the rule text.
"""
from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from licensing.applications.choices import EndUse, GoodsKind, Handler, Movement, Purpose, RecipientType
from licensing.reference.general_licences import Terms

if TYPE_CHECKING:  # pragma: no cover
    from licensing.reference.control_list import ParsedEntry


class Effect(enum.Enum):
    REQUIRES_LICENCE = "requires_licence"
    NO_LICENCE = "no_licence"  # explains why no licence is needed
    PROHIBITS = "prohibits"
    NOTE = "note"  # an assumption or a caveat, changes nothing by itself
    OFFICE = Handler.LICENSING_OFFICE.value
    MINISTRY = Handler.MINISTRY.value
    GENERAL_LICENCE = "general_licence"
    PARLIAMENT = "parliament"


class Stage(enum.IntEnum):
    """Evaluation order; later stages only run when they can matter (see determination.determine)."""

    REQUIREMENT = 1
    PROHIBITION = 2
    GENERAL_LICENCE = 3  # only when a licence is required and the transaction is not prohibited
    HANDLER = 4  # idem
    PARLIAMENT = 5


FULL_EMBARGO = "full"
ANNEX_I_ITEM = re.compile(r"^[0-9][A-E][0-9]{3}(\.|$)")
PARLIAMENT_THRESHOLD_EUR = Decimal("2000000")
# The controlling regimes whose participants the licensing office may decide for alone.
REGIMES = ("wassenaar", "nsg", "australia_group", "mtcr")


def prefixes(code: str) -> frozenset[str]:
    """The code and every entry it lies inside: 3A001.A.3 -> {3A001, 3A001.A, 3A001.A.3}."""
    parts = code.split(".")
    return frozenset(".".join(parts[: i + 1]) for i in range(len(parts)))


class Items:
    """A list of control-list items (upper case), answering 'inside' and 'may overlap' in constant time."""

    def __init__(self, codes):
        self.codes = frozenset(c.upper() for c in codes)
        self.parents = frozenset(p for c in self.codes for p in prefixes(c)) - self.codes

    def __eq__(self, other) -> bool:  # a value: the same codes are the same items (the terms holding it compare)
        return isinstance(other, Items) and self.codes == other.codes

    def __hash__(self) -> int:
        return hash(self.codes)

    def cover(self, entry_prefixes: frozenset[str]) -> bool:
        """The entry lies inside one of the items (the same code or a sub-item of it)."""
        return not entry_prefixes.isdisjoint(self.codes)

    def overlap(self, entry_prefixes: frozenset[str], code: str) -> bool:
        """The entry lies inside an item or contains one: the entry alone cannot rule the item out."""
        return code in self.parents or self.cover(entry_prefixes)


NO_ITEMS = Items(())


@dataclass(frozen=True)
class BanTerms:
    """A sanctions ban (reference.SanctionsBan), resolved from the reference data once per process."""

    code: str
    name_en: str
    name_nl: str
    regulation: str
    article: str
    url: str
    destinations: frozenset[str]
    goods_kinds: frozenset[str]
    items: Items  # empty (no codes) together with no hs_codes: every item of the goods kinds
    hs_codes: tuple[str, ...]
    movements: frozenset[str]
    in_force_from: datetime.date | None
    in_force_to: datetime.date | None
    exception_end_uses: frozenset[str]

    def in_force(self, day: datetime.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (self.in_force_to is None or day <= self.in_force_to)

    def reaches(self, s: "Situation") -> bool:
        """The ban covers this transaction: its goods, movement, date and end use, whatever the countries."""
        if s.goods_kind not in self.goods_kinds or s.movement not in self.movements or not self.in_force(s.on):
            return False
        if s.end_use in self.exception_end_uses:
            return False
        if not self.items.codes and not self.hs_codes:
            return True
        # A ban on listed items reaches a line without an entry: the entry could be one of them (ask the exporter).
        by_item = bool(self.items.codes) and (not s.code or s.overlaps(self.items))
        by_hs = bool(s.hs_code) and any(s.hs_code.startswith(code) for code in self.hs_codes)
        return by_item or by_hs


@dataclass(frozen=True)
class Situation:
    """The facts of one transaction with the reference data's answers about them, all in memory.

    The destination's answers (in_eu, embargo, regimes, ...) are about the destination alone; the countries of the
    parties (consignee, end users, intermediaries, brokers, agents) come in through `party_countries`,
    `party_embargoes`, `bans` and `party_situations` (the same goods with a party's country as destination, which
    "who decides" reads: a party's country routes the case as it would as a destination).
    """

    goods_kind: str
    movement: str
    destination: str
    entry: ParsedEntry | None
    value_eur: Decimal
    complete_system: bool
    end_use: str
    recipient_type: str
    purpose: str
    catch_all: bool
    temporary: bool
    in_eu: bool
    in_nato: bool
    in_nato_plus: bool
    embargo: str | None  # arms-embargo kind: "full", "partial", "political", or None
    death_penalty: bool
    sensitive: bool
    regimes: frozenset[str]  # the export-control regimes the destination participates in
    general_licences: Mapping[str, Terms]  # reference.general_licences.all_terms()
    # Every country's arms-embargo kind (reference.general_licences.arms_embargoes): what the general-licence rule
    # reads, the same source `embargo` and `party_embargoes` are taken from.
    embargoes: Mapping[str, str]
    annex_iv_items: Items = NO_ITEMS  # the stored Annex IV items
    on: datetime.date = field(default_factory=datetime.date.today)  # the day the bans are read for
    hs_code: str = ""  # digits only
    recipient_countries: frozenset[str] = frozenset()  # the consignee's and end users' countries (not the destination)
    party_countries: frozenset[str] = frozenset()  # every party's country, recipients and intermediaries
    party_embargoes: Mapping[str, str] = field(default_factory=dict)  # party country -> arms-embargo kind
    bans: tuple[BanTerms, ...] = ()  # every active ban; `bans_applying` picks this transaction's
    party_situations: tuple["Situation", ...] = ()

    # --- what the entry says ---------------------------------------------------------------------------
    @cached_property
    def code(self) -> str:
        """The entry code in upper case ('ML4.B', '3A001.A.3'), or '' when none was given."""
        return self.entry.code.upper() if self.entry else ""

    @cached_property
    def prefixes(self) -> frozenset[str]:
        return prefixes(self.code) if self.code else frozenset()

    def covered_by(self, items: Items) -> bool:
        return bool(self.code) and items.cover(self.prefixes)

    def overlaps(self, items: Items) -> bool:
        return bool(self.code) and items.overlap(self.prefixes, self.code)

    @cached_property
    def annex_i_item(self) -> bool:
        """A specific Annex I item (e.g. 3A001, 3A001.a.3), not a whole category or product group."""
        return bool(self.entry and self.entry.regime == "dual_use" and ANNEX_I_ITEM.match(self.code))

    @cached_property
    def annex_iv(self) -> bool:
        """The item is, or may be, in Annex IV: the entry lies inside an Annex IV item or contains one (5A004)."""
        e = self.entry
        return bool(e and e.regime == "dual_use" and (e.annex_iv or self.overlaps(self.annex_iv_items)))

    @property
    def ally(self) -> bool:
        return self.in_eu or self.in_nato or self.in_nato_plus

    @property
    def military(self) -> bool:
        return self.goods_kind == GoodsKind.MILITARY

    @property
    def dual_use(self) -> bool:
        return self.goods_kind == GoodsKind.DUAL_USE

    @property
    def anti_torture(self) -> bool:
        return self.goods_kind == GoodsKind.ANTI_TORTURE

    @property
    def catch_all_goods(self) -> bool:
        """Goods a catch-all can reach: dual-use items and unlisted items (Art. 4 of Regulation (EU) 2021/821)."""
        return self.goods_kind in (GoodsKind.DUAL_USE, GoodsKind.UNLISTED)

    @property
    def general_licences_barred(self) -> bool:
        """No general licence may be used for WMD or repression, under a catch-all, or when a party's country other
        than the destination is under an arms embargo. The destination's own embargo is one of each licence's terms
        (licensing.reference.general_licences: every kind bars a licence unless it names fewer, as NL007 does)."""
        others_embargoed = any(c != self.destination for c in self.party_embargoes)
        return self.end_use in (EndUse.WMD, EndUse.REPRESSION) or self.catch_all or others_embargoed

    @property
    def destination_embargo_bars_every_licence(self) -> bool:
        """The destination is under an arms embargo that bars every general licence for this movement."""
        if self.embargo is None:
            return False
        return all(t.barred_by(self.embargo) for t in self.general_licences.values() if self.movement in t.movements)

    @property
    def touched_countries(self) -> frozenset[str]:
        """The destination and every party's country (see licensing.applications.parties.case_countries)."""
        return self.party_countries | {self.destination}

    @cached_property
    def bans_applying(self) -> tuple[BanTerms, ...]:
        """The bans that reach these goods and name the destination or a party's country."""
        touched = self.touched_countries
        return tuple(b for b in self.bans if not b.destinations.isdisjoint(touched) and b.reaches(self))

    @cached_property
    def flagged_party_countries(self) -> tuple[str, ...]:
        """Parties' countries, other than the destination, under an arms embargo or named by a ban in force."""
        others = self.party_countries - {self.destination}
        if not others:
            return ()
        banned = {c for b in self.bans if b.in_force(self.on) for c in b.destinations}
        return tuple(sorted(c for c in others if c in self.party_embargoes or c in banned))

    def general_licence_usable(self, code: str, kind: str) -> bool:
        """The reference data's terms of licence `code` allow this movement, and the licence covers this destination
        on this day (licensing.reference.general_licences: the rule usage reports are checked by too)."""
        terms = self.general_licences.get(code)
        return bool(
            terms
            and terms.kind == kind
            and self.movement in terms.movements
            and terms.covers(self.destination, on=self.on, embargoes=self.embargoes)
            and not self.general_licences_barred
        )


@dataclass(frozen=True)
class Rule:
    id: str
    text: str  # lazy: read in the reader's language (str() it, or let the template or the API renderer do it)
    stage: Stage
    effect: Effect
    applies: Callable[[Situation], bool]
    # Shown to officials only: the rule would tell the exporter what the office keeps to itself (which destinations
    # the administrators hold politically sensitive). Its effect still counts.
    internal: bool = False


RULES: list[Rule] = []


def rule(id: str, stage: Stage, effect: Effect, text, *, internal: bool = False):
    """Register the decorated predicate as a rule (registration order is the order rules are listed in)."""

    def register(predicate: Callable[[Situation], bool]) -> Callable[[Situation], bool]:
        if any(r.id == id for r in RULES):
            raise ValueError(f"duplicate rule id {id}")
        RULES.append(Rule(id=id, text=text, stage=stage, effect=effect, applies=predicate, internal=internal))
        return predicate

    return register




# =========================================================================================================
# 1. Licence requirement
# =========================================================================================================
@rule("military.licence_required", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Military goods (EU Common Military List, ML1-ML22) need a licence for every export, transfer within "
    "the EU, transit through the Netherlands and brokering. A general licence may cover the transaction."
))
def _military_licence(s: Situation) -> bool:
    return s.military


@rule("military.no_control_entry", Stage.REQUIREMENT, Effect.NOTE, _(
    "No control entry was given for the military goods: a licence is required all the same, but general "
    "licences whose goods lists depend on the ML entry (NL003-NL007) are not offered. Give the entry "
    "(e.g. ML6) for a complete answer."
))
def _military_no_entry(s: Situation) -> bool:
    return s.military and s.entry is None


# Brokering of dual-use items is not an export: Art. 6 of Regulation (EU) 2021/821 asks a licence only after a
# notice (dual_use.brokering_notice below), so the export rules leave it out.
NOT_EXPORTED = (Movement.TRANSIT, Movement.BROKERING)


@rule("dual_use.leaves_eu", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Listed dual-use items (Annex I of Regulation (EU) 2021/821, or the national list) need a licence to "
    "leave the EU."
))
def _dual_use_leaves_eu(s: Situation) -> bool:
    return s.dual_use and s.movement not in NOT_EXPORTED and not s.in_eu


@rule("dual_use.annex_iv_within_eu", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Annex IV dual-use items need a licence even for a transfer within the EU (Art. 11 of Regulation (EU) "
    "2021/821). An entry that contains Annex IV sub-items (e.g. 5A004 with 5A004.a) counts as Annex IV "
    "unless the sub-item is given."
))
def _dual_use_annex_iv(s: Situation) -> bool:
    return s.dual_use and s.movement not in NOT_EXPORTED and s.in_eu and s.annex_iv


@rule("dual_use.no_control_entry", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "No control entry was given for the dual-use goods. The entry decides whether the item is in Annex "
    "IV, which regime controls it and which general licences apply, so a licence is assumed required "
    "(also within the EU; transit only under a catch-all), the licensing office decides only for "
    "destinations that take part in all four regimes (Wassenaar, NSG, Australia Group, MTCR), and no "
    "general licence is offered."
))
def _dual_use_no_entry(s: Situation) -> bool:
    return s.dual_use and s.entry is None and s.movement not in NOT_EXPORTED


@rule("dual_use.free_within_eu", Stage.REQUIREMENT, Effect.NO_LICENCE, _(
    "Dual-use items that are not in Annex IV move freely within the EU: no licence is needed for a "
    "transfer to another member state."
))
def _dual_use_free_within_eu(s: Situation) -> bool:
    return (
        s.dual_use and s.movement not in NOT_EXPORTED and s.in_eu and s.entry is not None
        and not s.annex_iv and not any_catch_all(s)
    )


@rule("dual_use.transit_free", Stage.REQUIREMENT, Effect.NO_LICENCE, _(
    "Transit of dual-use items through the Netherlands needs no licence, unless an ad-hoc licence "
    "requirement (catch-all) applies: weapons of mass destruction, or a military end use in an "
    "arms-embargoed country."
))
def _dual_use_transit_free(s: Situation) -> bool:
    return s.dual_use and s.movement == Movement.TRANSIT and not any_catch_all(s)


@rule("dual_use.brokering_notice", Stage.REQUIREMENT, Effect.NO_LICENCE, _(
    "Brokering of listed dual-use items needs a licence only when the ministry has informed the broker that "
    "the items are or may be intended for weapons of mass destruction or their delivery (Art. 6(1) of "
    "Regulation (EU) 2021/821); a broker who is aware of such an end use must notify the ministry, which "
    "decides whether a licence is needed (Art. 6(2))."
))
def _dual_use_brokering(s: Situation) -> bool:
    return s.dual_use and s.movement == Movement.BROKERING and not any_catch_all(s)


# Regulation (EU) 2019/125 controls trade with third countries ("in-, uit- of doorgevoerd ... van en naar derde
# landen", seed 002): a transfer to another member state is not an export. Transit through the Netherlands to a
# member state brings goods in from a third country, which the regulation does reach (Art. 4 for Annex II).
def _third_country_trade(s: Situation) -> bool:
    return not s.in_eu or s.movement == Movement.TRANSIT


@rule("anti_torture.within_eu", Stage.REQUIREMENT, Effect.NO_LICENCE, _(
    "Regulation (EU) 2019/125 controls trade in anti-torture goods with countries outside the EU: moving "
    "them to another EU member state needs no licence under it."
))
def _anti_torture_within_eu(s: Situation) -> bool:
    return s.anti_torture and not _third_country_trade(s)


@rule("anti_torture.annex_ii_prohibited", Stage.PROHIBITION, Effect.PROHIBITS, _(
    "Trade in Annex II goods of Regulation (EU) 2019/125 (goods with no practical use other than capital "
    "punishment or torture) is prohibited: no export, transit or brokering. The only exception is proven "
    "public display in a museum."
))
def _annex_ii_prohibited(s: Situation) -> bool:
    return (
        s.anti_torture and _third_country_trade(s) and s.entry is not None and s.entry.annex == "II"
        and s.end_use != EndUse.MUSEUM
    )


@rule("anti_torture.annex_ii_museum", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Annex II goods of Regulation (EU) 2019/125 for public display in a museum (historic significance): a "
    "licence may be granted by way of exception."
))
def _annex_ii_museum(s: Situation) -> bool:
    return (
        s.anti_torture and _third_country_trade(s) and s.entry is not None and s.entry.annex == "II"
        and s.end_use == EndUse.MUSEUM
    )


@rule("anti_torture.licence_required", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Annex III goods (e.g. restraints, electric-shock devices, irritant sprays) and Annex IV goods "
    "(medicines usable for executions, e.g. pentobarbital, thiopental) of Regulation (EU) 2019/125 need a "
    "licence for trade with countries outside the EU."
))
def _anti_torture_licence(s: Situation) -> bool:
    return s.anti_torture and _third_country_trade(s) and s.entry is not None and s.entry.annex in ("III", "IV")


# --- catch-all: an ad-hoc licence requirement for dual-use and unlisted goods -----------------------------
@rule("catch_all.decision", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "A catch-all decision (an ad-hoc licence requirement imposed by the licensing office or the ministry) applies "
    "to this transaction: a licence is required even for unlisted goods, and no general licence may be used."
))
def _catch_all_decision(s: Situation) -> bool:
    return s.catch_all_goods and s.catch_all


@rule("catch_all.wmd", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Catch-all (Art. 4(1)(a) of Regulation (EU) 2021/821): goods that are or may be meant for weapons of "
    "mass destruction or their delivery need a licence even when unlisted, also in transit."
))
def _catch_all_wmd(s: Situation) -> bool:
    return s.catch_all_goods and s.end_use == EndUse.WMD


@rule("catch_all.military_embargo", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Catch-all (Art. 4(1)(b) of Regulation (EU) 2021/821): goods for a military end use in a country "
    "under an arms embargo (any embargo in the reference data: full, partial or political; the destination "
    "or the country of the consignee or an end user) need a licence even when unlisted, also in transit. "
    "Not for brokering (Art. 6 of the regulation)."
))
def _catch_all_military_embargo(s: Situation) -> bool:
    embargoed = s.embargo is not None or any(c in s.party_embargoes for c in s.recipient_countries)
    return s.catch_all_goods and s.end_use == EndUse.MILITARY and embargoed and s.movement != Movement.BROKERING


@rule("catch_all.repression", Stage.REQUIREMENT, Effect.REQUIRES_LICENCE, _(
    "Catch-all: goods for internal repression or serious violations of human rights or international "
    "humanitarian law need a licence even when unlisted. Not in transit: for transit the seed names only "
    "WMD and a military end use in an embargoed country; nor for brokering (Art. 6 of Regulation (EU) "
    "2021/821)."
))
def _catch_all_repression(s: Situation) -> bool:
    return s.catch_all_goods and s.end_use == EndUse.REPRESSION and s.movement not in NOT_EXPORTED


CATCH_ALL_PREDICATES = (_catch_all_decision, _catch_all_wmd, _catch_all_military_embargo, _catch_all_repression)


def any_catch_all(s: Situation) -> bool:
    return any(p(s) for p in CATCH_ALL_PREDICATES)


@rule("unlisted.no_licence", Stage.REQUIREMENT, Effect.NO_LICENCE, _(
    "Unlisted goods need no licence unless a catch-all applies: weapons of mass destruction, military end "
    "use in an arms-embargoed country, internal repression (not in transit), or a catch-all decision by "
    "the ministry. When in doubt whether the goods are listed, file a classification request."
))
def _unlisted_free(s: Situation) -> bool:
    return s.goods_kind == GoodsKind.UNLISTED and not any_catch_all(s)


# =========================================================================================================
# 2. Prohibition (anti_torture.annex_ii_prohibited above is the other one)
# =========================================================================================================
@rule("sanctions.ban", Stage.PROHIBITION, Effect.PROHIBITS, _(
    "A sanctions ban applies: trade in these goods with the destination or with a party's country (consignee, "
    "end user, ultimate end user, intermediate consignee, broker or agent) is prohibited, directly or "
    "indirectly, and no licence can allow it. The ban and its legal source are named with this answer. Full "
    "arms embargoes are such bans for military goods; partial and political embargoes do not prohibit, but "
    "send the application to the ministry."
))
def _sanctions_ban(s: Situation) -> bool:
    return bool(s.bans_applying)


@rule("party.embargoed_country", Stage.PROHIBITION, Effect.NOTE, _(
    "A party other than the destination (consignee, end user, ultimate end user, intermediate consignee, "
    "broker or agent) sits in a country under an arms embargo or a sanctions ban: the case is flagged for "
    "the officer, and the party's country counts for the prohibition and for who decides as the destination "
    "would."
))
def _party_embargoed(s: Situation) -> bool:
    return bool(s.flagged_party_countries)


# =========================================================================================================
# 3. General licences (only when a licence is required and the transaction is not prohibited)
# =========================================================================================================
@rule("general_licence.excluded", Stage.GENERAL_LICENCE, Effect.NOTE, _(
    "No general licence may be used: the end use is weapons of mass destruction or internal repression, a "
    "catch-all decision applies, or the destination or a party's country is under an arms embargo. An "
    "individual licence is needed."
))
def _general_licence_excluded(s: Situation) -> bool:
    return s.goods_kind in (GoodsKind.MILITARY, GoodsKind.DUAL_USE) and (s.general_licences_barred or s.destination_embargo_bars_every_licence)


# Regulation (EU) 2021/821 Annex II Section I: excluded from EU001, EU003, EU004 and EU007 (with Annex IV items).
SECTION_I = Items((
    "0C001", "0C002", "0D001", "0E001",  # 0D001/0E001 only as far as they relate to 0C001/0C002: the entry cannot tell
    "1A102", "1C351", "1C353", "1C354", "1C450.A.1", "1C450.A.2", "7E104", "9A009.A", "9A117",
))
EU002_ITEMS = Items((
    "1A001", "1A003", "1A004", "1C003.B", "1C003.C", "1C004", "1C005", "1C006", "1C008", "1C009", "2B008",
    "3A001.A.3", "3A001.A.6", "3A001.A.7", "3A001.A.9", "3A001.A.10", "3A001.A.11", "3A001.A.12",
    "3A002.C", "3A002.D", "3A002.E", "3A002.F", "3C001", "3C002", "3C003", "3C004", "3C005", "3C006",
))
EU003_EXCLUDED = Items((
    "1A002.A", "1C012.A", "1C227", "1C228", "1C229", "1C230", "1C231", "1C236", "1C237", "1C240", "1C350", "1C450",
    "5A001.B.5", "5A002.C", "5A002.D", "5A002.E", "5A003.A", "5A003.B", "6A001.A.2.A.1", "6A001.A.2.A.5",
    "6A002.A.1.C", "8A001.B", "8A001.C.1", "9A011",
))
EU004_EXCLUDED = Items((
    "1A002.A", "1C002.B.4", "1C010", "1C012.A", "1C227", "1C228", "1C229", "1C230", "1C231", "1C236", "1C237",
    "1C240", "1C350", "1C450", "5A001.B.5", "5A002.C", "5A002.D", "5A002.E", "5A003.A", "5A003.B", "6A001",
    "6A002.A", "8A001.B", "8A001.C.1", "9A011",
))
# 5B001/5D001 are covered only as far as they relate to the listed 5A001 items: the entry cannot tell.
EU005_ITEMS = Items(("5A001.B.2", "5A001.C", "5A001.D", "5E001.A"))
EU006_ITEMS = Items(
    [f"1C350.{n}" for n in (1, 2, 3, *range(5, 23), *range(24, 29), *range(30, 66))]
    + [f"1C450.A.{n}" for n in (4, 5, 6, 7)]
    + [f"1C450.B.{n}" for n in (1, 2, 3, 4, 5, 6, 8)]
)
# The 5A002.b, 5D002 and 5E002 parts of EU008 are limited to activation tokens and related software, which
# the entry cannot tell.
EU008_ITEMS = Items(("5A002.A.2", "5A002.A.3"))
SOFTWARE_OR_TECHNOLOGY = ("D", "E")
DUAL_USE_EU = "dual_use_eu"


def _union_item(s: Situation, code: str) -> bool:
    """A specific Annex I item, and the terms of Union general export authorisation `code` allow the export."""
    return s.dual_use and s.annex_i_item and s.general_licence_usable(code, DUAL_USE_EU)


def _not_in_section_i(s: Situation) -> bool:
    return not s.annex_iv and not s.overlaps(SECTION_I)


@rule("general_licence.EU001", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU001 covers the export of Annex I dual-use items (except Annex "
    "IV and Annex II Section I items) to Australia, Canada, Iceland, Japan, New Zealand, Norway, "
    "Switzerland incl. Liechtenstein, the United Kingdom and the United States: no individual licence is "
    "needed. Notify first use and declare EU001 in the customs declaration."
))
def _eu001(s: Situation) -> bool:
    return _union_item(s, "EU001") and _not_in_section_i(s)


@rule("general_licence.EU002", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU002 covers the export of certain dual-use items (e.g. 1A001, "
    "1C004, 2B008, 3A001.a.3, 3C001-3C006) to Argentina, South Africa, South Korea and Turkey: no "
    "individual licence is needed."
))
def _eu002(s: Situation) -> bool:
    return _union_item(s, "EU002") and s.covered_by(EU002_ITEMS)


@rule("general_licence.EU003", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU003 covers the export after repair or replacement of Annex I "
    "items (not software or technology, not Section I and the listed exclusions) back to the original end "
    "user in the country of consignment, within 5 years of the original export authorisation, unchanged: "
    "no individual licence is needed if those conditions hold."
))
def _eu003(s: Situation) -> bool:
    return (
        s.purpose == Purpose.REPAIR and _union_item(s, "EU003") and s.entry.du_group not in SOFTWARE_OR_TECHNOLOGY
        and _not_in_section_i(s) and not s.overlaps(EU003_EXCLUDED)
    )


@rule("general_licence.EU004", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU004 covers the temporary export of Annex I items (not software "
    "or technology, not Section I and the listed exclusions) for an exhibition or fair, re-imported "
    "complete and unmodified within 120 days; not for sales or private demonstrations: no individual "
    "licence is needed if those conditions hold."
))
def _eu004(s: Situation) -> bool:
    return (
        s.purpose == Purpose.EXHIBITION and s.temporary and _union_item(s, "EU004")
        and s.entry.du_group not in SOFTWARE_OR_TECHNOLOGY and _not_in_section_i(s) and not s.overlaps(EU004_EXCLUDED)
    )


@rule("general_licence.EU005", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU005 covers telecommunications items 5A001.b.2, 5A001.c, 5A001.d "
    "(and 5E001.a technology for their installation, operation, maintenance or repair) to Argentina, "
    "China incl. Hong Kong and Macao, India, South Africa, South Korea, Turkey and Ukraine, not for "
    "interception or monitoring that violates human rights: no individual licence is needed."
))
def _eu005(s: Situation) -> bool:
    return _union_item(s, "EU005") and s.covered_by(EU005_ITEMS)


@rule("general_licence.EU006", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU006 covers the listed chemicals of 1C350 and 1C450.a/.b to "
    "Argentina, South Korea, Turkey and Ukraine: no individual licence is needed."
))
def _eu006(s: Situation) -> bool:
    return _union_item(s, "EU006") and s.covered_by(EU006_ITEMS)


@rule("general_licence.EU008", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "Union general export authorisation EU008 covers encryption items 5A002.a.2 and 5A002.a.3 that use "
    "only published or commercial cryptographic standards, to all destinations except EU001 destinations, "
    "the listed exclusions and embargoed countries, and not for government armed forces, police, "
    "intelligence or security end users: no individual licence is needed if those conditions hold. "
    "Register before first use."
))
def _eu008(s: Situation) -> bool:
    eu001 = s.general_licences.get("EU001")
    return (
        _union_item(s, "EU008") and s.covered_by(EU008_ITEMS)
        and s.recipient_type not in (RecipientType.ARMED_FORCES, RecipientType.GOVERNMENT)
        and s.end_use != EndUse.MILITARY
        and not (eu001 and eu001.names(s.destination))
    )


# Dutch military general licences. NL003-NL005: ML4.b (excl. MANPADS), ML5, ML6 (excl. complete vehicles),
# ML7.d/f/g/h/i, ML9 (excl. complete vessels), ML10 (excl. complete aircraft), ML11, ML13-ML18, ML20, related
# ML21/ML22 (not offered: "related" cannot be read from the entry). NL006 adds ML3.
MILITARY = "military"
_NL003_GOODS = (
    "ML4.B", "ML5", "ML6", "ML7.D", "ML7.F", "ML7.G", "ML7.H", "ML7.I", "ML9", "ML10", "ML11",
    "ML13", "ML14", "ML15", "ML16", "ML17", "ML18", "ML20",
)
NL003_GOODS = Items(_NL003_GOODS)
NL006_GOODS = Items((*_NL003_GOODS, "ML3"))
NL007_EXCLUDED = Items(("ML1", "ML2", "ML3", "ML4.A"))
NL007_EXCLUDED_COMPLETE = Items(("ML6", "ML9", "ML10", "ML12", "ML19"))


def _military_licence(s: Situation, code: str) -> bool:
    return s.military and s.general_licence_usable(code, MILITARY)


def _transfer_goods(s: Situation, goods: Items) -> bool:
    return not s.complete_system and s.covered_by(goods)


@rule("general_licence.NL003", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General licence NL003 covers deliveries to the armed forces of another EU member state (or of "
    "Norway, Iceland, the United Kingdom; or a defence contracting authority for their exclusive use) of "
    "ML4.b (not MANPADS), ML5, ML6, ML7.d/f/g/h/i, ML9, ML10, ML11, ML13-ML18 and ML20 goods, not "
    "complete vehicles, vessels or aircraft and not ML1-ML3: no individual licence is needed. Register at "
    "least two weeks before first use."
))
def _nl003(s: Situation) -> bool:
    return (
        s.recipient_type == RecipientType.ARMED_FORCES and _military_licence(s, "NL003")
        and _transfer_goods(s, NL003_GOODS)
    )


@rule("general_licence.NL004", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General licence NL004 covers deliveries to a certified company (Directive 2009/43/EC) in another EU "
    "member state (or Norway, Iceland, the United Kingdom) of the NL003 goods (not complete systems, not "
    "ML1-ML3): no individual licence is needed. Show the recipient's certificate number on the shipping "
    "documents."
))
def _nl004(s: Situation) -> bool:
    return (
        s.recipient_type == RecipientType.CERTIFIED_COMPANY and _military_licence(s, "NL004")
        and _transfer_goods(s, NL003_GOODS)
    )


@rule("general_licence.NL005", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General licence NL005 covers deliveries to another EU member state (or Norway, Iceland, the United "
    "Kingdom) for demonstration, evaluation or exhibition of the NL003 goods (not complete systems, not "
    "ML1-ML3), re-imported within one year: no individual licence is needed."
))
def _nl005(s: Situation) -> bool:
    return (
        s.purpose in (Purpose.DEMONSTRATION, Purpose.EXHIBITION) and _military_licence(s, "NL005")
        and _transfer_goods(s, NL003_GOODS)
    )


@rule("general_licence.NL006", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General licence NL006 covers deliveries for repair, maintenance or overhaul of the NL003 goods plus "
    "ML3 (not cluster submunitions, guided munitions or propellants; not complete systems), returning to "
    "the EU member state (or Norway, Iceland, the United Kingdom) they came from: no individual licence "
    "is needed."
))
def _nl006(s: Situation) -> bool:
    return s.purpose == Purpose.REPAIR and _military_licence(s, "NL006") and _transfer_goods(s, NL006_GOODS)


@rule("general_licence.NL007", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General transit licence NL007 covers the transit of military goods that originate in the EU, NATO, "
    "Australia, Japan, New Zealand or Switzerland (with a valid export licence of that country) to a "
    "final destination outside that group, except Yemen, Saudi Arabia, the UAE, Egypt, Turkey and Ukraine "
    "and embargoed destinations; not ML1-ML3, ML4.a, or complete ML6/ML9/ML10/ML12/ML19 systems: no "
    "individual licence is needed if the goods come from such a country."
))
def _nl007(s: Situation) -> bool:
    return (
        not s.ally and _military_licence(s, "NL007") and s.entry is not None and not s.overlaps(NL007_EXCLUDED)
        and not (s.complete_system and s.covered_by(NL007_EXCLUDED_COMPLETE))
    )


@rule("general_licence.NL008", Stage.GENERAL_LICENCE, Effect.GENERAL_LICENCE, _(
    "General transit licence NL008 covers the transit of military goods whose final destination is an EU "
    "member state, a NATO member (except Turkey), Australia, Japan, New Zealand or Switzerland; not "
    "cluster munitions or anti-personnel mines: no individual licence is needed."
))
def _nl008(s: Situation) -> bool:
    return s.ally and _military_licence(s, "NL008")


# =========================================================================================================
# 4. Who decides (only when a licence is required and the transaction is not prohibited)
# =========================================================================================================
CYPRUS_TURKEY = frozenset({"CY", "TR"})


@rule("handler.military.eu_nato_plus", Stage.HANDLER, Effect.OFFICE, _(
    "Military goods to an EU member state, a NATO member or a NATO+ country (Australia, Japan, New "
    "Zealand, Switzerland): the licensing office (CDIU) decides under the ministry's work instruction."
))
def _handler_military_allies(s: Situation) -> bool:
    return s.military and s.ally and s.destination not in CYPRUS_TURKEY


@rule("handler.military.cyprus_turkey", Stage.HANDLER, Effect.MINISTRY, _(
    "Military goods to Cyprus or Turkey: the exception to the EU/NATO rule; the ministry of Foreign "
    "Affairs decides."
))
def _handler_military_cy_tr(s: Situation) -> bool:
    return s.military and s.destination in CYPRUS_TURKEY


@rule("handler.military.other_destination", Stage.HANDLER, Effect.MINISTRY, _(
    "Military goods to a destination outside the EU, NATO and NATO+: the ministry of Foreign Affairs "
    "decides after its assessment against the eight criteria."
))
def _handler_military_other(s: Situation) -> bool:
    return s.military and not s.ally


REGIME_NAMES = {
    "wassenaar": _("the Wassenaar Arrangement"),
    "nsg": _("the Nuclear Suppliers Group"),
    "australia_group": _("the Australia Group"),
    "mtcr": _("the Missile Technology Control Regime"),
}
# Items whose controlling regime has no list of participating states of its own: the nearest regime stands in.
NEAREST_REGIME = {
    "cwc": ("wassenaar", _(
        "Chemical Weapons Convention item: the CWC is a treaty, not a regime of participating states, so the "
        "Wassenaar Arrangement is used as the nearest regime"
    )),
    "eu": ("wassenaar", _(
        "EU-autonomous control: no multilateral regime controls the item, so the Wassenaar Arrangement is used as "
        "the nearest regime"
    )),
    "national": ("wassenaar", _(
        "National-list item: no multilateral regime controls it, so the Wassenaar Arrangement is used as the "
        "nearest regime"
    )),
}


def controlling_regime(s: Situation) -> str:
    """The key of the regime that controls the dual-use item: one of REGIMES, NEAREST_REGIME, or 'unknown'."""
    if s.entry is None:
        return "unknown"
    regime = s.entry.export_regime or ""
    if regime in REGIMES or regime in NEAREST_REGIME:
        return regime
    return "national" if s.entry.regime == "national" else "eu"


def _member_of_controlling_regime(s: Situation, key: str) -> bool:
    if key == "unknown":
        return all(r in s.regimes for r in REGIMES)
    return NEAREST_REGIME.get(key, (key,))[0] in s.regimes


def _regime_rules(key: str, member_text, non_member_text) -> None:
    @rule(f"handler.dual_use.member.{key}", Stage.HANDLER, Effect.OFFICE, member_text)
    def _member(s: Situation) -> bool:
        return s.dual_use and controlling_regime(s) == key and _member_of_controlling_regime(s, key)

    @rule(f"handler.dual_use.non_member.{key}", Stage.HANDLER, Effect.MINISTRY, non_member_text)
    def _non_member(s: Situation) -> bool:
        return s.dual_use and controlling_regime(s) == key and not _member_of_controlling_regime(s, key)


for _key, _name in REGIME_NAMES.items():
    _regime_rules(
        _key,
        format_lazy(_(
            "Dual-use item controlled by {regime}; the destination takes part in it: the licensing office (CDIU) "
            "handles individual and global applications."
        ), regime=_name),
        format_lazy(_(
            "Dual-use item controlled by {regime}; the destination does not take part in it: the ministry of "
            "Foreign Affairs decides."
        ), regime=_name),
    )
for _key, (_nearest, _why) in NEAREST_REGIME.items():
    _regime_rules(
        _key,
        format_lazy(_("{reason}; the destination takes part in it: the licensing office (CDIU) handles the application."), reason=_why),
        format_lazy(_("{reason}; the destination does not take part in it: the ministry of Foreign Affairs decides."), reason=_why),
    )
_regime_rules(
    "unknown",
    _(
        "No control entry, so the controlling regime is unknown; the destination takes part in all four regimes "
        "(Wassenaar, NSG, Australia Group, MTCR): the licensing office (CDIU) handles the application."
    ),
    _(
        "No control entry, so the controlling regime is unknown, and the destination does not take part in all "
        "four regimes (Wassenaar, NSG, Australia Group, MTCR): the ministry of Foreign Affairs decides."
    ),
)


@rule("handler.dual_use.military_end_use", Stage.HANDLER, Effect.MINISTRY, _(
    "Dual-use goods with a military end use are assessed against the eight criteria of Common Position "
    "2008/944/CFSP: the ministry of Foreign Affairs decides."
))
def _handler_dual_use_military(s: Situation) -> bool:
    return s.dual_use and s.end_use == EndUse.MILITARY


@rule("handler.catch_all", Stage.HANDLER, Effect.MINISTRY, _(
    "A catch-all applies (ad-hoc licence requirement): the ministry of Foreign Affairs decides."
))
def _handler_catch_all(s: Situation) -> bool:
    return any_catch_all(s)


@rule("handler.anti_torture.death_penalty", Stage.HANDLER, Effect.MINISTRY, _(
    "Anti-torture goods to a destination that retains or carries out the death penalty: the licensing "
    "office always refers the application to the ministry of Foreign Affairs."
))
def _handler_anti_torture_death_penalty(s: Situation) -> bool:
    return s.anti_torture and s.death_penalty


@rule("handler.anti_torture.abolitionist", Stage.HANDLER, Effect.OFFICE, _(
    "Anti-torture goods to a destination that has abolished the death penalty: the licensing office "
    "(CDIU) decides alone."
))
def _handler_anti_torture_abolitionist(s: Situation) -> bool:
    return s.anti_torture and not s.death_penalty


@rule("handler.arms_embargo", Stage.HANDLER, Effect.MINISTRY, _(
    "The destination is under an arms embargo (partial or political, or a full one for goods other than "
    "military goods): the ministry of Foreign Affairs decides."
))
def _handler_embargo(s: Situation) -> bool:
    return s.embargo is not None


@rule("handler.sensitive", Stage.HANDLER, Effect.MINISTRY, _(
    "The destination is politically sensitive: applications always go to the ministry of Foreign Affairs."
), internal=True)
def _handler_sensitive(s: Situation) -> bool:
    return s.sensitive


def handler_effect(s: Situation) -> Effect:
    """Who decides for these facts: the office only when every handler rule that fires says so."""
    effects = {r.effect for r in RULES_BY_STAGE[Stage.HANDLER] if r.applies(s)}
    return Effect.OFFICE if effects == {Effect.OFFICE} else Effect.MINISTRY


@rule("handler.party_country", Stage.HANDLER, Effect.MINISTRY, _(
    "A party's country (consignee, end user, ultimate end user, intermediate consignee, broker or agent) "
    "would send the application to the ministry if it were the destination: the ministry of Foreign Affairs "
    "decides."
))
def _handler_party_country(s: Situation) -> bool:
    # The party situations carry no parties of their own, so this rule never recurses.
    return any(handler_effect(p) is Effect.MINISTRY for p in s.party_situations)


# =========================================================================================================
# 5. Parliament
# =========================================================================================================
@rule("fast_track.parliament", Stage.PARLIAMENT, Effect.PARLIAMENT, _(
    "Definitive export of a complete military system worth more than EUR 2 million to a destination other "
    "than Australia, Japan, New Zealand, Switzerland or an EU or NATO member: the Tweede Kamer is "
    "informed within two weeks of the decision (parliament fast track)."
))
def _fast_track(s: Situation) -> bool:
    return (
        s.military and s.movement == Movement.EXPORT and s.complete_system and not s.temporary
        and s.value_eur > PARLIAMENT_THRESHOLD_EUR and not s.ally and s.embargo != FULL_EMBARGO
    )


RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


def rule_text(rule_id: str, stored: str = "") -> str:
    """The text of a rule that fired, in the reader's language; `stored` (the text saved with an application's
    routing) for an id that is no longer a rule. Routing stores ids with texts; pages and the API show these."""
    from .services import OFFICE_KINDS  # the rules for kinds the office always handles (no determination)

    found = RULES_BY_ID.get(rule_id) or next((r for r in OFFICE_KINDS.values() if r.id == rule_id), None)
    return str(found.text) if found else stored
RULES_BY_STAGE: dict[Stage, tuple[Rule, ...]] = {stage: tuple(r for r in RULES if r.stage == stage) for stage in Stage}
