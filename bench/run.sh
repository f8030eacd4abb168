#!/usr/bin/env bash
# The whole benchmark suite: recreate the bench database, generate N applications, run every benchmark.
#   bench/run.sh --applications 1000000        (full size)
#   bench/run.sh --applications 20000 --quick  (smoke: a few minutes)
#   bench/run.sh --applications 20000 --no-generate   (re-run the benchmarks on the existing database)
set -euo pipefail
cd "$(dirname "$0")/.."
N=20000; QUICK=""; GENERATE=1; EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --applications) N=$2; shift 2;;
    --quick) QUICK=--quick; shift;;
    --no-generate) GENERATE=""; shift;;
    *) EXTRA+=("$1"); shift;;
  esac
done
export BENCH_DB=${BENCH_DB:-licensing_bench_$N}
source bench/env.sh
.venv/bin/python manage.py collectstatic --noinput -v0   # into bench/.static (STATIC_ROOT from env.sh)
if [ -n "$GENERATE" ]; then bench/setup_db.sh "$N"; fi
.venv/bin/python bench/benchmarks.py $QUICK "${EXTRA[@]}"
