"""Health of the parts the service needs: database, cache and broker."""
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    # The cache that raises: the site's own degrades to the database while Redis is away, which the check must see.
    strict = getattr(cache, "strict", cache)
    key = f"health:{uuid.uuid4().hex}"
    strict.set(key, "1", timeout=5)
    if strict.get(key) != "1":
        raise RuntimeError("value written was not read back")
    strict.delete(key)
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


logger = logging.getLogger(__name__)

CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


def health_report() -> tuple[bool, dict]:
    """Run every check; a failing part is reported with its error, never raised."""
    components = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            components[name] = {"status": check()}
        except Exception as exc:  # noqa: BLE001 - any failure of a part is reported, not raised
            healthy = False
            # The full error goes to the log; the public answer names only its kind.
            logger.warning("health check %s failed: %s", name, exc)
            components[name] = {"status": "down", "error": type(exc).__name__}
    return healthy, components
