"""Which countries a case touches: the one answer routing and screening both read (it lives with the application, below both).

A transaction reaches its destination, and through its parties other countries too: the consignee's and the end
users' (where the goods are used) and the intermediaries' (an intermediate consignee, a broker or an agent, through
whom the goods or the deal pass). The EU sanctions acts prohibit sales "directly or indirectly" to a person in a
banned country or for use there, and circumvention runs through intermediaries (seeds 000 and 001), so every
party's country counts.
"""
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Party

RECIPIENT_ROLES = (Party.Role.CONSIGNEE, Party.Role.END_USER, Party.Role.ULTIMATE_END_USER)
INTERMEDIARY_ROLES = (Party.Role.INTERMEDIATE_CONSIGNEE, Party.Role.BROKER, Party.Role.AGENT)


@dataclass(frozen=True)
class CaseCountries:
    destinations: frozenset[str]
    recipients: frozenset[str]  # the consignee's and the end users' countries
    intermediaries: frozenset[str]  # the intermediate consignee's, brokers' and agents' countries

    @property
    def parties(self) -> frozenset[str]:
        return self.recipients | self.intermediaries

    @property
    def receiving(self) -> frozenset[str]:
        """Where the goods end up: the destinations and the recipients' countries."""
        return self.destinations | self.recipients

    @property
    def all(self) -> frozenset[str]:
        return self.destinations | self.parties


def case_countries(*, destinations: Iterable[str], parties: Iterable[tuple[str, str | None]]) -> CaseCountries:
    """The countries of a case from its destinations and its parties as (role, country code) pairs; parties
    without a country are left out."""
    recipients, intermediaries = set(), set()
    for role, country in parties:
        if not country:
            continue
        (recipients if role in RECIPIENT_ROLES else intermediaries).add(country)
    return CaseCountries(frozenset(destinations), frozenset(recipients), frozenset(intermediaries))
