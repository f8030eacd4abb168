# Environment of the benchmarks: production settings (no DEBUG) against a dedicated bench database.
export BENCH_DB=${BENCH_DB:-licensing_bench}
export DATABASE_URL=${DATABASE_URL_BENCH:-postgres://postgres@127.0.0.1:5432/$BENCH_DB}
export REDIS_URL=${REDIS_URL_BENCH:-redis://127.0.0.1:6379/7}
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdefghij}
export AUDIT_HMAC_KEY=${AUDIT_HMAC_KEY:-bench-only-audit-key-not-for-production}
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECURE_SSL_REDIRECT=0
export SECURE_HSTS_SECONDS=0
export DEBUG=0
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export CELERY_TASK_DEFAULT_QUEUE=${CELERY_TASK_DEFAULT_QUEUE:-bench}
export DJANGO_SETTINGS_MODULE=config.settings
export STATIC_ROOT=${STATIC_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.static}
# The seal on licences and letters (production settings refuse to start without one): a bench-only demo certificate.
_BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SIGNING_CERT_PATH=${SIGNING_CERT_PATH:-$_BENCH_DIR/.state/signing/bench-certificate.pem}
export SIGNING_KEY_PATH=${SIGNING_KEY_PATH:-$_BENCH_DIR/.state/signing/bench-key.pem}
[ -f "$SIGNING_CERT_PATH" ] || (cd "$_BENCH_DIR/.." && DEBUG=1 .venv/bin/python manage.py demo_signing_cert >/dev/null)
