"""
Values kept in the shared cache under a description of everything they are computed from (`read`): a change to any
of it is another key, so nothing stale is served while it lasts. What a value depends on that is not in `read` is
said where the value is built (prior information, the case file's fragments, an unbound form's fields).

A value read from the database is computed afresh inside a transaction (`committed_reads`): a reader there may see
its own rows, not yet committed, and a key must never be filled from what may be rolled back.
"""
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

T = TypeVar("T")


def kept_key(namespace: str, read) -> str:
    """The cache key of what was computed from `read` (a repr-able description, in a fixed order)."""
    return f"{namespace}:" + hashlib.sha256(repr(read).encode()).hexdigest()


def committed_reads() -> bool:
    """Whether what the database answers now may be kept: not inside a transaction."""
    return not connection.in_atomic_block


def kept(namespace: str, read, build: Callable[[], T], timeout: int, *, from_database: bool = True) -> T:
    """The value kept under `read`, else `build()` kept for `timeout` seconds (never None). `from_database`: `build`
    reads the database, so inside a transaction it is built and not kept."""
    if from_database and not committed_reads():
        return build()
    key = kept_key(namespace, read)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value
