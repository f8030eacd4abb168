"""
The reference data a determination reads, kept in memory per process: one seam, `reference()`, and the plain
path beside it, `load()`.

The rules need country groups, arms-embargo kinds, general-licence terms, sanctions bans and parsed control
entries hundreds of times a second; reading them from the shared cache per determination was most of its time.
`reference()` keeps one copy per process and checks it against a token in the shared reference cache at most
once per TOKEN_CHECK_SECONDS, so a change made anywhere (load_reference, an admin edit: reference_changed()) is
seen within that second, and at once in the process that made it. Inside a transaction that changed reference
rows it reads the uncommitted rows and keeps nothing that could outlive a rollback. `load()` is the same data
read plainly, kept by no one: the path to compare against, and the one taken everywhere when
settings.ROUTING_REFERENCE_IN_MEMORY is False.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from licensing.reference import general_licences, selectors
from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference.general_licences import Terms as GeneralLicenceTerms
from licensing.reference.models import ControlEntry, Country, SanctionsBan

from .rules import BanTerms, Items

GROUPS = ("eu", "nato", "nato_plus", "wassenaar", "nsg", "australia_group", "mtcr", "death_penalty", "sensitive")
REGIME_GROUPS = ("wassenaar", "nsg", "australia_group", "mtcr")
ENTRY_CACHE_LIMIT = 4096  # bounds the memory an API caller can make us spend on made-up entries
# Our name among the reference selectors' cached values: a random token that reference_changed() forgets
# together with theirs (load_reference, admin edits), so every process sees that its copy is stale.
TOKEN_NAME = "routing_token"
# How long a process trusts its copy before reading the shared token again (bounds the staleness after another
# process changed reference data).
TOKEN_CHECK_SECONDS = 1.0


@dataclass
class Reference:
    """What the rules read of the reference data, as plain values (no query once built)."""

    token: str
    countries: frozenset[str]
    groups: dict[str, frozenset[str]]
    embargo: dict[str, str]  # country -> arms-embargo kind
    general_licences: dict[str, GeneralLicenceTerms]
    annex_iv_items: Items
    bans: tuple[BanTerms, ...] = ()
    entries: dict[str, object] = field(default_factory=dict)  # code -> ParsedEntry or the error message
    checked_at: float = float("-inf")  # time.monotonic() when the shared token last matched
    generation: int = -1  # reference.selectors.local_generation() then


_lock = threading.Lock()
_reference: Reference | None = None


def load(token: str = "") -> Reference:
    """The plain path: the reference data read now (from the shared reference cache and the database), kept by
    no one. `reference()` keeps its result per process."""
    groups = {code: selectors.group_members(code) for code in GROUPS}
    embargo = general_licences.arms_embargoes()
    licences = general_licences.all_terms()
    bans = tuple(
        BanTerms(
            code=ban.code,
            name_en=ban.name_en,
            name_nl=ban.name_nl,
            regulation=ban.regulation,
            article=ban.article,
            url=ban.url,
            destinations=frozenset(c.code for c in ban.destinations.all()),
            goods_kinds=_split(ban.goods_kinds),
            items=Items(_split(ban.items)),
            hs_codes=tuple(sorted(_split(ban.hs_codes))),
            movements=_split(ban.movements),
            in_force_from=ban.in_force_from,
            in_force_to=ban.in_force_to,
            exception_end_uses=_split(ban.exception_end_uses),
        )
        for ban in SanctionsBan.objects.filter(active=True).prefetch_related("destinations").order_by("code")
    )
    return Reference(
        token=token,
        bans=bans,
        countries=frozenset(Country.objects.values_list("code", flat=True)),
        groups=groups,
        embargo=embargo,
        general_licences=licences,
        annex_iv_items=Items(ControlEntry.objects.filter(annex_iv=True).values_list("code", flat=True)),
    )


def _split(values: str) -> frozenset[str]:
    return frozenset(v.strip() for v in values.split(",") if v.strip())


def reference() -> Reference:
    """The seam: the in-memory reference data, rebuilt when the shared token changed (the plain path, `load()`,
    on every call when settings.ROUTING_REFERENCE_IN_MEMORY is False).

    The shared token is read at most once per TOKEN_CHECK_SECONDS per process (a cache read per determination
    was most of a determination's time): another process's change is seen within that second, a change made
    in this process (reference_changed, load_reference, reference_cache_clear) at once.
    """
    global _reference
    if not settings.ROUTING_REFERENCE_IN_MEMORY:
        return load()
    dirty = selectors.changed_in_this_transaction()
    ref = _reference
    if (
        not dirty
        and ref is not None
        and ref.generation == selectors.local_generation()
        and time.monotonic() - ref.checked_at < TOKEN_CHECK_SECONDS
    ):
        return ref
    # Inside a transaction that changed reference rows, cached() builds a new token on every call: we rebuild
    # from the uncommitted rows and never keep a copy that could outlive a rollback.
    generation = selectors.local_generation()
    token = selectors.cached(TOKEN_NAME, lambda: uuid.uuid4().hex)
    if ref is None or ref.token != token:
        with _lock:
            ref = _reference
            if ref is None or ref.token != token:
                ref = _reference = load(token)
    # A copy built from uncommitted rows is checked again on the next call (its token is already unknown).
    ref.checked_at = float("-inf") if dirty else time.monotonic()
    ref.generation = generation
    return ref


def clear() -> None:
    """Forget the in-memory reference data of this process; the next determination reads it again."""
    global _reference
    _reference = None


def parsed_entry(ref: Reference, code: str):
    """ParsedEntry for a valid code, else the error message; remembered with the reference data."""
    key = code.upper()
    result = ref.entries.get(key)
    if result is None:
        try:
            result = parse_entry(code)
        except InvalidControlEntry as exc:
            # The message itself (lazy), not str(exc): the cache outlives the request and its language.
            result = (exc.args[0] if exc.args else "") or format_lazy(gettext_lazy("Unknown control entry '{code}'."), code=code)
        if len(ref.entries) >= ENTRY_CACHE_LIMIT:
            ref.entries.clear()
        ref.entries[key] = result
    return result
