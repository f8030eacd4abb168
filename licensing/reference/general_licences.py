"""
Whether a general licence covers a destination on a day: the one rule, and the one source of arms embargoes it
reads.

Two callers ask it. Routing (licensing.routing.rules, `Situation.general_licence_usable`) offers a general licence
in a determination only where it covers the destination; a usage report (licensing.licences.usage) refuses a row
whose destination the registration's general licence does not cover on the export date. They used to answer
apart: routing never offered NL900 (its destinations are not in the reference data), while usage accepted NL900
to every country not under an arms embargo, read from the cached group instead of routing's copy. The seed
(002, line 568) says NL900 lightens exports "naar bepaalde bestemmingen", to certain destinations, so not to
every one: where the reference data does not know a licence's destinations (destination rule `unknown`) it
covers none, for both, until an administrator records them.

A licence covers a destination on a day when it is active, in force that day (`in_force_from`/`in_force_to`;
an empty bound does not limit), the destination is under no arms embargo of a kind that bars the licence (any
kind: full, partial or political, unless the licence names fewer: NL007 only full ones, which it lists as
excluded), the licence does not exclude it, the goods come from where the licence says (NL007: allies, when the
origin is known), and its destination rule lets it in (listed, or all but the excluded), or the goods return to
the country they came from where the licence allows that (NL006 after repair: NATO members; seed 002 table 12). The terms are plain values (`Terms`), built once from the rows (`all_terms`, in the shared reference
cache) so routing keeps them in memory and a usage upload checks 100,000 rows without a query per row.
"""
from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext

from . import selectors
from .models import CountryGroupMembership, DestinationRule, GeneralLicence, GroupCode


class Refusal(enum.Enum):
    """Why a general licence does not cover a destination on a day (first reason that holds, in this order)."""

    INACTIVE = "inactive"
    NOT_IN_FORCE = "not_in_force"
    EMBARGO = "embargo"
    EXCLUDED = "excluded"
    ORIGIN = "origin"
    DESTINATIONS_UNKNOWN = "destinations_unknown"
    NOT_LISTED = "not_listed"


@dataclass(frozen=True)
class Terms:
    """A general licence's terms as values: its movements and its destinations with groups resolved."""

    code: str
    kind: str  # GeneralLicenceKind value
    movements: frozenset[str]
    destination_rule: str  # DestinationRule value
    destinations: frozenset[str]  # listed destinations, groups resolved
    excluded: frozenset[str]
    active: bool
    in_force_from: datetime.date | None = None
    in_force_to: datetime.date | None = None
    # Terms have dates: (destination, first day excluded) for an exclusion that applies only from a day on
    # (GeneralLicence.exclusions_since; NL009: Israel from the court ruling of 12 February 2024).
    excluded_since: tuple[tuple[str, datetime.date], ...] = ()
    # Terms that depend on where the goods come from: destinations covered only for a return to the country the goods
    # came from (NL006, after repair), and the countries goods in transit must come from (NL007; empty: any).
    return_destinations: frozenset[str] = frozenset()
    origins: frozenset[str] = frozenset()
    # The arms-embargo kinds that bar the licence; empty: every kind.
    barring_embargoes: frozenset[str] = frozenset()

    def excludes(self, destination: str, on: datetime.date | None = None) -> bool:
        """The licence excludes the destination on that day (without a day: at all, as today's terms do)."""
        if destination not in self.excluded:
            return False
        since = dict(self.excluded_since).get(destination)
        return since is None or on is None or on >= since

    def names(self, destination: str, on: datetime.date | None = None) -> bool:
        """The licence's destination list lets the destination in (the list alone: no embargo; a dated exclusion only
        from its day, when a day is given)."""
        if self.excludes(destination, on):
            return False
        if self.destination_rule == DestinationRule.LISTED:
            return destination in self.destinations
        return self.destination_rule == DestinationRule.ALL_EXCEPT  # "unknown": the reference data cannot tell

    def returns_to(self, destination: str, origin: str | None = None) -> bool:
        """Goods going back to the country they came from, where the licence allows a return (NL006 after repair). The
        origin is seldom reported for a return (a usage row names one only for transit): then the destination is taken
        to be where they came from, a condition of the licence the report cannot show."""
        return destination in self.return_destinations and (origin is None or origin == destination)

    def barred_by(self, embargo: str | None) -> bool:
        """An arms embargo of this kind on the destination bars the licence."""
        return embargo is not None and (not self.barring_embargoes or embargo in self.barring_embargoes)

    def in_force(self, on: datetime.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= on) and (self.in_force_to is None or on <= self.in_force_to)

    def refusal(self, destination: str, *, on: datetime.date, embargoes: Mapping[str, str], origin: str | None = None) -> Refusal | None:
        """Why the licence does not cover `destination` on `on`, or None when it does. `embargoes` is
        arms_embargoes() (routing passes its in-memory copy of it); `origin` the country the goods come from, where
        known (a transit's)."""
        if not self.active:
            return Refusal.INACTIVE
        if not self.in_force(on):
            return Refusal.NOT_IN_FORCE
        if self.barred_by(embargoes.get(destination)):
            return Refusal.EMBARGO
        if self.excludes(destination, on):
            return Refusal.EXCLUDED
        if origin and self.origins and origin not in self.origins:
            return Refusal.ORIGIN
        if self.destination_rule == DestinationRule.UNKNOWN:
            return Refusal.DESTINATIONS_UNKNOWN
        if not self.names(destination, on) and not self.returns_to(destination, origin):
            return Refusal.NOT_LISTED
        return None

    def covers(self, destination: str, *, on: datetime.date, embargoes: Mapping[str, str], origin: str | None = None) -> bool:
        return self.refusal(destination, on=on, embargoes=embargoes, origin=origin) is None


def refusal_message(refusal: Refusal, *, code: str, destination: str, on: datetime.date, origin: str | None = None) -> str:
    """What the exporter is told, in the active language."""
    values = {"code": code, "destination": destination, "date": on.isoformat(), "origin": origin or ""}
    if refusal is Refusal.INACTIVE:
        return gettext("%(code)s is no longer in force.") % values
    if refusal is Refusal.NOT_IN_FORCE:
        return gettext("%(code)s was not in force on %(date)s.") % values
    if refusal is Refusal.EMBARGO:
        return gettext("%(destination)s is under an arms embargo; %(code)s cannot be used.") % values
    if refusal is Refusal.EXCLUDED:
        return gettext("%(code)s excludes %(destination)s.") % values
    if refusal is Refusal.ORIGIN:
        return gettext("%(code)s covers only goods that come from the countries it names; %(origin)s is not one of them.") % values
    if refusal is Refusal.DESTINATIONS_UNKNOWN:
        return gettext(
            "The destinations of %(code)s are not recorded in the reference data, so it cannot be used for %(destination)s; "
            "ask the licensing office."
        ) % values
    return gettext("%(destination)s is not a destination of %(code)s.") % values


def arms_embargoes() -> dict[str, str]:
    """Every country under an arms embargo, with its kind ('full', 'partial', 'political'; 'unspecified' when the
    membership names none): the one embargo source of the general-licence rule and of routing."""

    def build() -> dict[str, str]:
        rows = CountryGroupMembership.objects.filter(group_id=GroupCode.ARMS_EMBARGO).values_list("country_id", "kind")
        return {country: kind or "unspecified" for country, kind in rows}

    return selectors.cached("arms_embargoes", build)


def terms_of(licence: GeneralLicence) -> Terms:
    """The terms of one row (its destination lists prefetched or read here)."""
    destinations = {c.code for c in licence.destinations.all()}
    for group in licence.destination_groups.all():
        destinations |= selectors.group_members(group.code)
    returning, origins = set(), set()
    for group in licence.return_destination_groups.all():
        returning |= selectors.group_members(group.code)
    for group in licence.origin_groups.all():
        origins |= selectors.group_members(group.code)
    return Terms(
        code=licence.code,
        kind=licence.kind,
        movements=frozenset(m.strip() for m in licence.movements.split(",") if m.strip()),
        destination_rule=licence.destination_rule,
        destinations=frozenset(destinations),
        excluded=frozenset(c.code for c in licence.excluded_destinations.all()),
        active=licence.active,
        in_force_from=licence.in_force_from,
        in_force_to=licence.in_force_to,
        excluded_since=tuple(sorted((code, datetime.date.fromisoformat(day)) for code, day in (licence.exclusions_since or {}).items())),
        return_destinations=frozenset(returning),
        origins=frozenset(origins),
        barring_embargoes=frozenset(k.strip() for k in licence.barring_embargoes.split(",") if k.strip()),
    )


def all_terms() -> dict[str, Terms]:
    """Every general licence's terms, by code (four queries when the shared cache has them not)."""

    def build() -> dict[str, Terms]:
        licences = GeneralLicence.objects.prefetch_related(
            "destinations", "excluded_destinations", "destination_groups", "return_destination_groups", "origin_groups"
        )
        return {licence.code: terms_of(licence) for licence in licences}

    return selectors.cached("general_licences", build)


def refusal(code: str, destination: str, *, on: datetime.date, origin: str | None = None) -> Refusal | None:
    """Why general licence `code` does not cover `destination` on `on` (for goods from `origin`, where known), or None
    when it does; an unknown code covers nothing (Refusal.INACTIVE)."""
    terms = all_terms().get(code)
    if terms is None:
        return Refusal.INACTIVE
    return terms.refusal(destination, on=on, embargoes=arms_embargoes(), origin=origin)


def covers_destination(code: str, destination: str, *, on: datetime.date, origin: str | None = None) -> bool:
    return refusal(code, destination, on=on, origin=origin) is None
