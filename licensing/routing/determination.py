"""
Licence determination: from the facts of one transaction to whether a licence is needed, whether the
transaction is prohibited, which general licences cover it, who decides and whether parliament is told.

A pure function of the facts and the reference data. The reference data the rules need (country groups,
arms-embargo kinds, general-licence terms, parsed control entries) comes from `reference_data.reference()`, kept
in memory per process, so a determination runs no database query of its own.
Used by the public determination endpoint, by routing on submission and by re-routing after an amendment.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.applications.choices import EndUse, GoodsKind, Handler, Movement, Purpose, RecipientType
from licensing.applications.parties import case_countries
from licensing.core.errors import DomainError
from licensing.reference.control_list import LISTS_OF_GOODS_KIND, entry_fits_goods_kind
from licensing.reference.models import in_language

from .reference_data import REGIME_GROUPS, Reference, parsed_entry, reference
from .rules import RULES_BY_STAGE, BanTerms, Effect, Situation, Stage


class InvalidFacts(DomainError):
    """The facts cannot be determined: unknown country or control entry, or an entry that does not fit the goods."""

    code = "invalid"


@dataclass(frozen=True)
class Facts:
    goods_kind: str
    movement: str
    destination: str  # ISO alpha-2, upper case
    control_entry: str | None = None
    value_eur: Decimal = Decimal("0")
    complete_system: bool = False
    end_use: str = EndUse.CIVIL.value
    recipient_type: str = RecipientType.COMPANY.value
    purpose: str = Purpose.SALE.value
    catch_all: bool = False  # a catch-all decision (ad-hoc licence requirement) applies to this transaction
    temporary: bool = False
    # (role, country) of every party: consignee, end_user, ultimate_end_user, intermediate_consignee, broker, agent
    parties: tuple[tuple[str, str], ...] = ()
    hs_code: str = ""  # the goods' customs code (HS/CN), for bans that list goods by code
    on: datetime.date | None = None  # the day the sanctions bans are read for; today when not given


MAX_PARTIES = 50  # bounds the work an API caller can ask for (each party's country is routed as a destination)


@dataclass(frozen=True)
class Ban:
    """A sanctions ban that prohibits the transaction, as the exporter is told it."""

    code: str
    name: str
    regulation: str
    article: str
    url: str
    countries: tuple[str, ...]  # the touched countries it names

    def as_dict(self) -> dict:
        return dataclasses.asdict(self) | {"countries": list(self.countries)}


@dataclass(frozen=True)
class FiredRule:
    id: str
    text: str


@dataclass(frozen=True)
class Determination:
    licence_required: bool
    prohibited: bool
    handler: str | None  # Handler value, None when no licence is required or the transaction is prohibited
    general_licences: tuple[str, ...]
    fast_track_parliament: bool
    rules: tuple[FiredRule, ...] = field(default=())
    bans: tuple[Ban, ...] = ()  # the sanctions bans that prohibit it, with their legal source
    flagged_countries: tuple[str, ...] = ()  # parties' countries under an arms embargo or a ban (not the destination)

    def as_dict(self) -> dict:
        return {
            "licence_required": self.licence_required,
            "prohibited": self.prohibited,
            "handler": self.handler,
            "general_licences": list(self.general_licences),
            "fast_track_parliament": self.fast_track_parliament,
            "rules": [{"id": r.id, "text": str(r.text)} for r in self.rules],  # rule texts are lazy (translated)
            "bans": [b.as_dict() for b in self.bans],
            "flagged_countries": list(self.flagged_countries),
        }


# --- determination -------------------------------------------------------------------------------------
REGIME_LABELS = {
    "military": gettext_lazy("military"),
    "dual_use": gettext_lazy("dual-use"),
    "anti_torture": gettext_lazy("anti-torture"),
    "national": gettext_lazy("national-list"),
}
CHOICES = {
    "goods_kind": GoodsKind.values,
    "movement": Movement.values,
    "end_use": EndUse.values,
    "recipient_type": RecipientType.values,
    "purpose": Purpose.values,
}


def _validated(facts: Facts, ref: Reference):
    """The parsed entry (or None); raises InvalidFacts naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    for name, allowed in CHOICES.items():
        value = getattr(facts, name)
        if value not in allowed:
            errors[name] = [_("'%(value)s' is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(allowed)}]
    if facts.destination not in ref.countries:
        errors["destination"] = [_("Unknown country code '%(code)s'.") % {"code": facts.destination}]
    if facts.value_eur < 0:
        errors["value_eur"] = [_("The value cannot be negative.")]
    if len(facts.parties) > MAX_PARTIES:
        errors["parties"] = [_("Give at most %(count)d parties.") % {"count": MAX_PARTIES}]
    else:
        for role, country in facts.parties:
            if role not in PARTY_ROLES:
                errors.setdefault("parties", []).append(
                    _("'%(value)s' is not one of: %(allowed)s.") % {"value": role, "allowed": ", ".join(PARTY_ROLES)}
                )
            if country not in ref.countries:
                errors.setdefault("parties", []).append(_("Unknown country code '%(code)s'.") % {"code": country})

    entry = None
    if facts.control_entry is not None:
        parsed = parsed_entry(ref, facts.control_entry)
        if isinstance(parsed, (str, Promise)):
            errors["control_entry"] = [str(parsed)]
        elif facts.goods_kind == GoodsKind.UNLISTED:
            errors["control_entry"] = [
                _(
                    "Unlisted goods have no control-list entry; '%(code)s' is a %(regime)s entry: choose that goods kind "
                    "or leave the entry empty."
                )
                % {"code": parsed.code, "regime": REGIME_LABELS.get(parsed.regime, parsed.regime)}
            ]
        elif facts.goods_kind in LISTS_OF_GOODS_KIND and not entry_fits_goods_kind(parsed, facts.goods_kind):
            errors["control_entry"] = [
                _("'%(code)s' is a %(regime)s entry; it does not fit goods kind '%(kind)s'.")
                % {"code": parsed.code, "regime": REGIME_LABELS.get(parsed.regime, parsed.regime), "kind": facts.goods_kind}
            ]
        else:
            entry = parsed
    elif facts.goods_kind == GoodsKind.ANTI_TORTURE:
        errors["control_entry"] = [
            _(
                "Give the annex of Regulation (EU) 2019/125 (ANNEX_II, ANNEX_III or ANNEX_IV): the annex decides whether "
                "anti-torture goods are prohibited or need a licence."
            )
        ]
    if errors:
        messages = [m for msgs in errors.values() for m in msgs]
        raise InvalidFacts(messages[0] if len(messages) == 1 else _("The facts of the transaction are not valid."), fields=errors)
    return entry


def country_code(value: str | None) -> str:
    """A typed country code as the reference data spells it: trimmed, upper case. Only ASCII is upper-cased:
    str.upper() turns 'ß' into 'SS' (South Sudan) and other letters into look-alikes of real codes; a code with
    other letters stays unknown and is refused."""
    value = (value or "").strip()
    return value.upper() if value.isascii() else value


def _normalised(facts: Facts) -> Facts:
    destination = country_code(facts.destination)
    entry = (facts.control_entry or "").strip() or None
    parties = tuple((str(role or "").strip(), country_code(str(country or ""))) for role, country in facts.parties)
    hs_code = "".join(ch for ch in facts.hs_code or "" if ch in "0123456789")
    value = facts.value_eur
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value if value is not None else 0))
        except InvalidOperation:
            raise InvalidFacts(_("Give the value as a number."), fields={"value_eur": [_("Give the value as a number.")]}) from None
    if (destination, entry, parties, hs_code) == (facts.destination, facts.control_entry, facts.parties, facts.hs_code) and value is facts.value_eur:
        return facts
    return Facts(
        **{**facts.__dict__, "destination": destination, "control_entry": entry, "value_eur": value, "parties": parties, "hs_code": hs_code}
    )


def _about(dest: str, ref: Reference) -> dict:
    """The reference data's answers about one country as a destination."""
    groups = ref.groups
    return dict(
        destination=dest,
        in_eu=dest in groups["eu"],
        in_nato=dest in groups["nato"],
        in_nato_plus=dest in groups["nato_plus"],
        embargo=ref.embargo.get(dest),
        death_penalty=dest in groups["death_penalty"],
        sensitive=dest in groups["sensitive"],
        regimes=frozenset(g for g in REGIME_GROUPS if dest in groups[g]),
    )


def situation(facts: Facts) -> Situation:
    """The facts with the reference data's answers; raises InvalidFacts."""
    facts = _normalised(facts)
    ref = reference()
    entry = _validated(facts, ref)
    dest = facts.destination
    countries = case_countries(destinations=(dest,), parties=facts.parties)
    s = Situation(
        goods_kind=facts.goods_kind,
        movement=facts.movement,
        entry=entry,
        value_eur=facts.value_eur,
        complete_system=facts.complete_system,
        end_use=facts.end_use,
        recipient_type=facts.recipient_type,
        purpose=facts.purpose,
        catch_all=facts.catch_all,
        temporary=facts.temporary,
        **_about(dest, ref),
        general_licences=ref.general_licences,
        embargoes=ref.embargo,
        annex_iv_items=ref.annex_iv_items,
        on=facts.on or datetime.date.today(),
        hs_code=facts.hs_code,
        recipient_countries=countries.recipients,
        party_countries=countries.parties,
        party_embargoes={c: ref.embargo[c] for c in countries.parties if c in ref.embargo},
        bans=ref.bans,
    )
    if not countries.parties - {dest}:
        return s
    # Each other party's country as the destination of the same goods: "who decides" routes the case as that
    # destination would (rule handler.party_country). These carry no parties, so nothing recurses.
    others = tuple(
        dataclasses.replace(s, **_about(c, ref), recipient_countries=frozenset(), party_countries=frozenset(), party_embargoes={})
        for c in sorted(countries.parties - {dest})
    )
    return dataclasses.replace(s, party_situations=others)


PARTY_ROLES = ("consignee", "end_user", "ultimate_end_user", "intermediate_consignee", "broker", "agent")


def _ban(terms: BanTerms, s: Situation) -> Ban:
    return Ban(
        code=terms.code,
        name=in_language(terms.name_en, terms.name_nl),
        regulation=terms.regulation,
        article=terms.article,
        url=terms.url,
        countries=tuple(sorted(terms.destinations & s.touched_countries)),
    )


_FIRED = {r.id: FiredRule(r.id, r.text) for rules in RULES_BY_STAGE.values() for r in rules}


def determine(facts: Facts) -> Determination:
    """The determination for one goods line to one destination. Raises InvalidFacts."""
    s = situation(facts)
    fired = []

    def run(stage: Stage):
        hits = [r for r in RULES_BY_STAGE[stage] if r.applies(s)]
        fired.extend(hits)
        return hits

    required = run(Stage.REQUIREMENT)
    prohibited = any(r.effect is Effect.PROHIBITS for r in run(Stage.PROHIBITION))
    licence_required = prohibited or any(r.effect is Effect.REQUIRES_LICENCE for r in required)
    general_licences: tuple[str, ...] = ()
    handler = None
    if licence_required and not prohibited:
        general_licences = tuple(r.id.rsplit(".", 1)[1] for r in run(Stage.GENERAL_LICENCE) if r.effect is Effect.GENERAL_LICENCE)
        deciding = [r for r in RULES_BY_STAGE[Stage.HANDLER] if r.applies(s)]
        # The ministry wins: any reason to refer is enough, and then only the reasons to refer are listed (the
        # office's rules would read as a second, contradictory answer). No rule at all cannot happen, but would
        # refer too.
        if {r.effect for r in deciding} == {Effect.OFFICE}:
            handler = Handler.LICENSING_OFFICE.value
        else:
            handler = Handler.MINISTRY.value
            deciding = [r for r in deciding if r.effect is Effect.MINISTRY]
        fired.extend(deciding)
    fast_track = bool(run(Stage.PARLIAMENT))
    return Determination(
        licence_required=licence_required,
        prohibited=prohibited,
        handler=handler,
        general_licences=general_licences,
        fast_track_parliament=fast_track,
        rules=tuple(_FIRED[r.id] for r in fired),
        bans=tuple(_ban(b, s) for b in s.bans_applying),
        flagged_countries=s.flagged_party_countries,
    )


def combine(determinations: Iterable[Determination]) -> Determination:
    """One determination for an application with several goods lines and destinations.

    Licence required, prohibited and parliament: any line. Handler: the ministry if any line goes there, else
    the office if any, else None (also None when anything is prohibited). General licences: those covering every
    line that needs a licence. Rules: all, in order, each once.
    """
    items = list(determinations)
    prohibited = any(d.prohibited for d in items)
    handlers = {d.handler for d in items}
    if prohibited:
        handler = None
    elif Handler.MINISTRY.value in handlers:
        handler = Handler.MINISTRY.value
    elif Handler.LICENSING_OFFICE.value in handlers:
        handler = Handler.LICENSING_OFFICE.value
    else:
        handler = None
    needing = [d for d in items if d.licence_required]
    general_licences: tuple[str, ...] = ()
    if needing:
        general_licences = tuple(code for code in needing[0].general_licences if all(code in d.general_licences for d in needing[1:]))
    seen: set[str] = set()
    rules = []
    for d in items:
        for r in d.rules:
            if r.id not in seen:
                seen.add(r.id)
                rules.append(r)
    bans = {b.code: b for d in items for b in d.bans}  # the same ban from several lines: once, its countries merged
    for d in items:
        for b in d.bans:
            if b is not bans[b.code]:
                bans[b.code] = dataclasses.replace(bans[b.code], countries=tuple(sorted({*bans[b.code].countries, *b.countries})))
    return Determination(
        licence_required=bool(needing),
        prohibited=prohibited,
        handler=handler,
        general_licences=general_licences,
        fast_track_parliament=any(d.fast_track_parliament for d in items),
        rules=tuple(rules),
        bans=tuple(bans.values()),
        flagged_countries=tuple(sorted({c for d in items for c in d.flagged_countries})),
    )
