#!/usr/bin/env bash
# Recreate the bench database, migrate it, load the reference data and generate N applications.
#   bench/setup_db.sh 20000            (database from BENCH_DB, default licensing_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:?number of applications}
shift || true
source bench/env.sh
PSQL="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q"
$PSQL -c "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)"
$PSQL -c "CREATE DATABASE $BENCH_DB"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_reference -v0
.venv/bin/python bench/generate.py --applications "$N" "$@"
