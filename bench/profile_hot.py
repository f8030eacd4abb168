"""
cProfile of one hot request, in process (not part of the test run): shows where the time goes.

    source bench/env.sh && .venv/bin/python bench/profile_hot.py usage --rows 5000
    source bench/env.sh && .venv/bin/python bench/profile_hot.py case_page --repeat 50   (then 50 requests timed, no profiler)
    ... determination | queue | queue_page | detail | submit | case_page | timeline   (the case made by query_counts.py)
    ... guided_check | guided_submit   (the guided pages' check-your-answers GET and its submitting POST, on a bench draft)
    ... write_off | customs_check   (a customs system's machine token; a new declaration on a random active licence)
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "127.0.0.1") + ",testserver"


def case_id() -> int:
    from bench.query_counts import case_with_timeline

    return case_with_timeline()[0]


def customs_call(what: str):
    """One write-off (a new declaration each call, a thousandth of a unit and a cent) or one check, as bench_customs
    sends them, with the bench's customs token."""
    import random
    from datetime import date
    from itertools import count

    from django.db import connection
    from rest_framework.test import APIClient

    from bench.benchmarks import CUSTOMS_LICENCES, _customs_token
    from licensing.customs.mrn import check_character

    with connection.cursor() as c:
        c.execute(CUSTOMS_LICENCES, [200])
        licences = c.fetchall()
    customs, rng, serial, prefix = APIClient(), random.Random(21), count(1), f"{time.time_ns() % 100000:05d}"
    customs.credentials(HTTP_AUTHORIZATION=f"Bearer {_customs_token()}")

    def write_off():
        body = f"26PR{prefix}{next(serial):08d}"
        _id, number, destination = rng.choice(licences)
        return customs.post("/api/v1/customs/write-offs/", {
            "declaration": body + check_character(body), "licence": number, "line": 1, "quantity": "0.001", "value_eur": "0.01",
            "destination": destination, "exported_on": date.today().isoformat(),
        }, format="json")

    return write_off if what == "write_off" else lambda: customs.get(f"/api/v1/customs/licences/{rng.choice(licences)[1]}/")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "what",
        choices=["usage", "determination", "queue", "queue_page", "detail", "submit", "case_page", "timeline", "guided_check", "guided_submit", "write_off", "customs_check"],
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--queries", action="store_true", help="also print each query's time and its first characters")
    parser.add_argument("--repeat", type=int, default=0, help="then time N more requests without the profiler: p50/p95 wall and CPU (process time) in ms")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from bench.benchmarks import DETERMINATION_BODIES, usage_csv

    state = json.loads((ROOT / "bench" / ".state" / f"{connection.settings_dict['NAME']}.json").read_text())
    officer, exporter = APIClient(), APIClient()
    officer.credentials(HTTP_AUTHORIZATION=f"Token {state['officer_token']}")
    exporter.credentials(HTTP_AUTHORIZATION=f"Token {state['exporter_token']}")
    if args.what == "usage":
        content = usage_csv(state, args.rows, nonce=f"{time.time_ns()}")
        call = lambda: exporter.post("/api/v1/usage-reports/upload/", {"file": SimpleUploadedFile("u.csv", content, "text/csv")}, format="multipart")  # noqa: E731
    elif args.what == "determination":
        officer.post("/api/v1/determinations/", DETERMINATION_BODIES[0], format="json")
        call = lambda: [officer.post("/api/v1/determinations/", b, format="json") for b in DETERMINATION_BODIES * 50][-1]  # noqa: E731
    elif args.what == "queue":
        call = lambda: officer.get("/api/v1/office/queue/?queue=licensing_office&kind=individual&kind=global&page_size=50")  # noqa: E731
    elif args.what in ("queue_page", "case_page"):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client

        from bench.sessions import signed_in_session

        page = Client()
        page.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(get_user_model().objects.get(pk=state["officer_id"]))
        path = f"/office/cases/{case_id()}/" if args.what == "case_page" else "/office/?queue=licensing_office"
        call = lambda: page.get(path)  # noqa: E731
    elif args.what in ("guided_check", "guided_submit"):
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import reverse

        from bench.sessions import signed_in_session
        from licensing.applications.models import Application

        page = Client()
        page.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(get_user_model().objects.get(pk=state["exporter_id"]))
        draft = Application.objects.filter(pk__in=state["bench"]["drafts"], status="draft").values_list("pk", flat=True).last()
        path = reverse("exporter:guided-check", args=[draft])
        call = (lambda: page.get(path)) if args.what == "guided_check" else (lambda: page.post(path, {"declaration": "on"}))  # noqa: E731
    elif args.what == "timeline":
        call = lambda: officer.get(f"/api/v1/applications/{case_id()}/timeline/")  # noqa: E731
    elif args.what == "detail":
        call = lambda: officer.get(f"/api/v1/applications/{state['bench']['detail20'][0]}/")  # noqa: E731
    elif args.what in ("write_off", "customs_check"):
        call = customs_call(args.what)
    else:
        from licensing.applications.models import Application

        draft = Application.objects.filter(pk__in=state["bench"]["drafts"], status="draft").values_list("pk", flat=True).first()
        call = lambda: exporter.post(f"/api/v1/applications/{draft}/submit/")  # noqa: E731
    if args.what in ("queue", "queue_page", "detail", "case_page", "timeline", "guided_check", "write_off", "customs_check"):
        call()
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        profiler.enable()
        response = call()
        profiler.disable()
        elapsed = time.perf_counter() - started
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
    sql = sum(float(q["time"]) for q in ctx.captured_queries)
    print(f"{args.what}: HTTP {response.status_code} in {elapsed * 1000:.0f} ms; {len(ctx.captured_queries)} queries, {sql * 1000:.0f} ms in SQL")
    if args.queries:
        for q in ctx.captured_queries:
            print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][: int(os.environ.get('PROFILE_SQL_CHARS', 110))]}")
    print(out.getvalue()[: int(os.environ.get("PROFILE_CHARS", 8000))])
    if args.repeat:
        import statistics

        walls, cpus = [], []
        for _ in range(args.repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            call()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        p95 = max(1, round(len(walls) * 0.95)) - 1
        print(f"{args.what} x{args.repeat} in process: wall p50 {statistics.median(walls):.1f} ms, p95 {sorted(walls)[p95]:.1f} ms; "
              f"CPU p50 {statistics.median(cpus):.1f} ms, p95 {sorted(cpus)[p95]:.1f} ms")


if __name__ == "__main__":
    main()
