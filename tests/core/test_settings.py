"""Settings come from the environment with safe defaults; production settings pass `check --deploy`."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'cache': s.CACHES['default']['BACKEND'], 'debug': s.DEBUG, 'mail': s.EMAIL_BACKEND, "
    "'hsts': getattr(s, 'SECURE_HSTS_SECONDS', 0), 'secure_cookie': s.SESSION_COOKIE_SECURE, 'session': s.SESSION_ENGINE, "
    "'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'audit_key': s.AUDIT_HMAC_KEY}))"
)


def clean_env(**extra) -> dict:
    # The tests' signing certificate (config/settings_test.py): production settings refuse to start without one.
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH", "SIGNING_CERT_PATH", "SIGNING_KEY_PATH")}
    return {**keep, "DJANGO_SETTINGS_MODULE": "config.settings", **extra}


def probe(**env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True)


def test_embedded_default_is_sqlite_eager_tasks_and_local_cache():
    result = probe(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["cache"].endswith("LocMemCache")
    assert values["session"] == "django.contrib.sessions.backends.db"  # a per-process cache must not hold sessions
    assert values["mail"].endswith("console.EmailBackend")


def test_redis_url_switches_to_real_broker_and_redis_cache():
    values = json.loads(probe(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0").stdout)
    assert values["eager"] is False
    assert values["cache"].endswith("RedisCache")
    assert values["session"] == "django.contrib.sessions.backends.cached_db"


def test_database_url_selects_postgresql():
    values = json.loads(probe(DEBUG="1", DATABASE_URL="postgres://u@db.example:5432/x").stdout)
    assert values["db"] == "django.db.backends.postgresql"


def test_missing_secret_key_is_refused_outside_debug():
    result = probe()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_missing_audit_key_is_refused_outside_debug():
    result = probe(SECRET_KEY="s" * 60)
    assert result.returncode != 0
    assert "AUDIT_HMAC_KEY must be set" in result.stderr


def test_missing_signing_certificate_is_refused_outside_debug():
    """Issue 18.7: licences and letters are never issued unsealed, so production does not start without the office's
    certificate and key (development falls back to the demo certificate `manage.py demo_signing_cert` writes)."""
    result = probe(SECRET_KEY="s" * 60, AUDIT_HMAC_KEY="a" * 60, SIGNING_CERT_PATH="")
    assert result.returncode != 0
    assert "SIGNING_CERT_PATH and SIGNING_KEY_PATH must name the office's signing certificate and key" in result.stderr
    assert probe(DEBUG="1", SIGNING_CERT_PATH="", SIGNING_KEY_PATH="").returncode == 0


def test_secret_key_and_audit_key_can_come_from_files(tmp_path):
    secret, audit = tmp_path / "key", tmp_path / "audit"
    secret.write_text("k" * 60)
    audit.write_text("a" * 60 + "\n")
    result = probe(SECRET_KEY_FILE=str(secret), AUDIT_HMAC_KEY_FILE=str(audit), ALLOWED_HOSTS="licensing.example")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False and values["hsts"] > 0 and values["secure_cookie"] is True
    assert values["audit_key"] == "a" * 60


def test_x_forwarded_proto_is_believed_only_behind_a_declared_proxy():
    """Issue 23, point 12: outside DEBUG, a client's own `X-Forwarded-Proto: https` made a plain-HTTP request secure."""
    assert json.loads(probe(SECRET_KEY="s" * 60, AUDIT_HMAC_KEY="a" * 60).stdout)["proxy_header"] is None
    behind = json.loads(probe(SECRET_KEY="s" * 60, AUDIT_HMAC_KEY="a" * 60, USE_X_FORWARDED_PROTO="1").stdout)
    assert behind["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_check_deploy_passes_with_production_environment():
    env = clean_env(
        SECRET_KEY="x7#Qz!v9" * 8,
        AUDIT_HMAC_KEY="q" * 60,
        ALLOWED_HOSTS="licensing.example",
        DATABASE_URL="sqlite:////tmp/deploy-check.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("0", False), ("", False)])
def test_debug_flag_parsing(value, expected):
    values = json.loads(probe(DEBUG=value, SECRET_KEY="s" * 60, AUDIT_HMAC_KEY="a" * 60).stdout)
    assert values["debug"] is expected
