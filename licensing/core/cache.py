"""Redis as a cache that may be away (issue 23.10).

Django's RedisCache raises whenever Redis cannot be reached, so a Redis outage turned every page that reads the cache
(sessions, reference data, the token cache) into a 500. `DegradingRedisCache` answers as an empty cache instead: a read
misses (the caller then reads the database, as on any miss), a write is skipped, and the error is logged once per
outage rather than raised. After a failure the process leaves Redis alone for RETRY_SECONDS, so a Redis that does not
answer at all (no refusal, only timeouts) costs one timeout per process and window, not one per cache call.

A skipped write or delete leaves Redis holding a value the database no longer agrees with (a session logged out, a
token revoked, a session changed). Redis may come back with those values (a network fault, a restart from a
snapshot), so every key whose write failed is remembered and deleted as soon as Redis answers again, before anything
else is done with it.

What must not be approximated uses `cache.strict`, the same cache that raises (login lockout counts: a lost count
would be an unlimited guess; it counts in the database instead, licensing.accounts.lockout), and so does the health
check, which must see the outage.
"""
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
SUSPECTS_MAX = 100_000  # keys whose write failed, remembered for deletion; past this the oldest are dropped (logged)

_MISSING = object()


class DegradingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._suspects: dict[str, None] = {}  # ordered: the oldest dropped first if it ever overflows
        self._lock = threading.Lock()

    def _degrade(self, operation, default, keys, *args):
        """Run the client's operation; on a Redis error (or inside the back-off window) answer `default`. For a write,
        `keys` are the keys it would have changed: they become suspects."""
        if time.monotonic() < self._down_until or not self._suspects_purged():
            self._suspect(keys)
            return default
        try:
            return getattr(super(), operation)(*args)
        except RedisError as exc:
            self._went_down(exc)
            self._suspect(keys)
            return default

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            was_up = time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + RETRY_SECONDS
        if was_up:
            logger.warning("Redis cache unreachable (%s: %s); answering from the database for now", type(exc).__name__, exc)

    def _suspect(self, keys) -> None:
        if not keys:
            return
        with self._lock:
            for key in keys:
                self._suspects[key] = None
            overflow = len(self._suspects) - SUSPECTS_MAX
            if overflow > 0:
                for key in list(self._suspects)[:overflow]:
                    del self._suspects[key]
        if overflow > 0:
            logger.error("Redis cache: %s keys whose write failed can no longer be remembered; they may be stale when Redis returns", overflow)

    def _suspects_purged(self) -> bool:
        """Delete the keys whose write failed; whether Redis answered (and none is left)."""
        if not self._suspects:
            return True
        with self._lock:
            keys = list(self._suspects)
        try:
            super().delete_many(keys)
        except RedisError as exc:
            self._went_down(exc)
            return False
        with self._lock:
            for key in keys:
                self._suspects.pop(key, None)
        logger.warning("Redis cache reachable again; deleted %s keys written while it was not", len(keys))
        return True

    # Reads: a miss.
    def get(self, key, default):
        return self._degrade("get", default, (), key, default)

    def get_many(self, keys):
        return self._degrade("get_many", {}, (), keys)

    def has_key(self, key):
        return self._degrade("has_key", False, (), key)

    # Writes: skipped, their keys remembered.
    def add(self, key, value, timeout):
        return self._degrade("add", False, (key,), key, value, timeout)

    def set(self, key, value, timeout):
        return self._degrade("set", None, (key,), key, value, timeout)

    def touch(self, key, timeout):
        return self._degrade("touch", False, (key,), key, timeout)

    def delete(self, key):
        return self._degrade("delete", False, (key,), key)

    def incr(self, key, delta):
        # A count that must hold reads `cache.strict`: here a count restarts, as if the key had expired.
        return self._degrade("incr", delta, (key,), key, delta)

    def set_many(self, data, timeout):
        return self._degrade("set_many", None, list(data), data, timeout)

    def delete_many(self, keys):
        return self._degrade("delete_many", None, list(keys), keys)

    def clear(self):
        return self._degrade("clear", False, (), )


class DegradingRedisCache(RedisCache):
    """settings.CACHES backend: RedisCache that answers as an empty cache while Redis cannot be reached."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = DegradingRedisCacheClient
        self._server, self._params = server, params

    @cached_property
    def strict(self) -> RedisCache:
        """The same cache, raising when Redis cannot be reached (for callers with a fallback of their own)."""
        return RedisCache(self._server, self._params)
