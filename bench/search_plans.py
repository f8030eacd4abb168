"""The office search in process, query by query (issue 17): what the search page does for one query (the capped count,
the page of 50, its rows), repeated, with p50/p95 and each statement's time, so the plan chosen for a rare, a
middling and a broad query can be compared (licensing.applications.search.matching). Read-only.

    export BENCH_DB=licensing_bench_1000000 && source bench/env.sh
    PYTHONPATH=. .venv/bin/python bench/search_plans.py 21 "radar" "ivan" "Bench Manufacturing|kind=global"

Each query is `words|filter=value,value|...` (the search form's fields). FEW_MATCHES, SAMPLE and DENSE in the
environment override the module's, to force a path."""
import os
import statistics
import sys
import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from licensing.applications import search  # noqa: E402
from licensing.routing.search import CappedPaginator, cases_found  # noqa: E402
from licensing.routing.selectors import queue_rows, queue_values  # noqa: E402

for name in ("FEW_MATCHES", "SAMPLE", "DENSE"):
    if os.environ.get(name):
        setattr(search, name, int(os.environ[name]))


def main(repeat: int, specs: list[str]) -> None:
    officer = get_user_model().objects.filter(role="officer").order_by("pk").first()
    for spec in specs:
        words, *filters = spec.split("|")
        data = {"q": words, **{k: v.split(",") for k, v in (f.split("=") for f in filters)}}
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                paginator = CappedPaginator(queue_values(cases_found(officer, data)), 50)
                queue_rows(paginator.get_page(1))
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{spec!r:42} count={paginator.count:5} p50={statistics.median(times):.1f} p95={times[int(0.95 * (len(times) - 1))]:.1f} "
              f"max={times[-1]:.1f} ms; statements (last run, ms): {[round(float(q['time']) * 1000) for q in queries.captured_queries]}", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
