"""
Read helpers for reference data on hot paths (routing determinations, validation: hundreds a second).

Values live in Django's cache: Redis in production, so every web and worker process shares them and one
invalidation reaches all; local memory on the embedded default. `reference_changed()` forgets them; the loader
calls it after `load_reference`, and signals.py calls it when an admin saves or deletes a reference row.

While the current transaction has changed reference rows, reads bypass the cache (they neither use nor fill it):
a value read there could be rolled back, and must not outlive the transaction in a shared cache.
"""
import hashlib
import threading
from collections.abc import Callable
from contextlib import contextmanager
from typing import TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")

# Bounds how long a value read concurrently with a change (and cached after the change cleared it) stays stale.
CACHE_TIMEOUT = 600
# "routing_token": the version token licensing.routing's in-process copy is checked against; "arms_embargoes" and
# "general_licences": licensing.reference.general_licences.
# Every value `cached` keeps: what reference_cache_clear forgets when a reference row changes (cached refuses a name
# not listed, so a value cannot be kept that a change would leave stale: "grounds_index" was).
CACHE_NAMES = ("groups", "countries", "control_list", "routing_token", "arms_embargoes", "general_licences", "grounds_index", "grounds", "standard_texts")

_state = threading.local()


def group_members(code: str) -> frozenset[str]:
    """Country codes in the group `code` (a GroupCode value); empty for an unknown group."""
    return _groups().get(str(getattr(code, "value", code)), frozenset())


def country_exists(code: str) -> bool:
    return isinstance(code, str) and code.strip().upper() in _countries()


def region_of(country_code: str) -> str | None:
    """The EU report region code of a country, or None for an unknown country (or one without a region)."""
    if not isinstance(country_code, str):
        return None
    return _countries().get(country_code.strip().upper())


def country_regions() -> dict[str, str | None]:
    """Every country's report region code (None without one), by country code: region_of for a whole table in one cache read."""
    return dict(_countries())


def _groups() -> dict[str, frozenset[str]]:
    def build():
        from .models import CountryGroup, CountryGroupMembership

        groups: dict[str, set[str]] = {code: set() for code in CountryGroup.objects.values_list("code", flat=True)}
        for group_id, country_id in CountryGroupMembership.objects.values_list("group_id", "country_id"):
            groups.setdefault(group_id, set()).add(country_id)
        return {code: frozenset(members) for code, members in groups.items()}

    return cached("groups", build)


def _countries() -> dict[str, str | None]:
    def build():
        from .models import Country

        return dict(Country.objects.values_list("code", "report_region_id"))

    return cached("countries", build)


# --- The cache itself.


def cached(name: str, build: Callable[[], T]) -> T:
    """The cached value `name` (one of CACHE_NAMES), built by `build()` (one or two queries) when missing. Values are
    never None."""
    if name not in CACHE_NAMES:
        raise ValueError(f"{name!r} is not in CACHE_NAMES: a change to the reference data would not forget it")
    if _changed_in_this_transaction():
        return build()
    key = _key(name)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_TIMEOUT)
    return value


def reference_changed(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Reference rows changed: forget every cached value, now and again when the transaction commits."""
    if getattr(_state, "paused", False):
        return
    connection = connections[using]
    if connection.in_atomic_block and connection.atomic_blocks:
        _dirty_blocks()[using] = connection.atomic_blocks[0]
    _forget()
    # A reader in another process may cache the old committed rows between now and our commit.
    transaction.on_commit(_forget, using=using)


@contextmanager
def reference_changes_batched():
    """Within the block, saves do not invalidate one by one; the caller calls reference_changed() once."""
    previous = getattr(_state, "paused", False)
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = previous


def reference_cache_clear() -> None:
    """Forget the cached values (they are rebuilt on the next read). Use reference_changed() after writing rows."""
    global _generation
    _generation += 1
    cache.delete_many([_key(name) for name in CACHE_NAMES])


# Counts this process's invalidations: an in-process copy kept beside the shared cache (routing's, checked
# against the shared token at most once a second) is stale at once when it was taken under an older generation.
_generation = 0


def local_generation() -> int:
    return _generation


def changed_in_this_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the current transaction has changed reference rows (reads then bypass every cache)."""
    return _changed_in_this_transaction(using)


_forget = reference_cache_clear


def _changed_in_this_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    block = _dirty_blocks().get(using)
    if block is None:
        return False
    connection = connections[using]
    if connection.in_atomic_block and connection.atomic_blocks and connection.atomic_blocks[0] is block:
        return True
    _dirty_blocks().pop(using, None)  # that transaction is over (committed or rolled back)
    return False


def _dirty_blocks() -> dict:
    if not hasattr(_state, "dirty_blocks"):
        _state.dirty_blocks = {}
    return _state.dirty_blocks


def _key(name: str) -> str:
    # The database name keeps a test run and a development server apart when they share one Redis.
    database = str(connections[DEFAULT_DB_ALIAS].settings_dict.get("NAME") or "")
    return f"reference:{hashlib.sha1(database.encode()).hexdigest()[:10]}:{name}"
