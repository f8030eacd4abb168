"""
Query counts of the hot reads, in process, with Django's CaptureQueriesContext (not part of the test run).

Queue API for page sizes 10/50/200, the /office/ page, application detail with 1 and with 20 goods lines, the
officer's case page and the timeline API for a case with about 50 timeline entries and one with a few (the
50-entry case is made here once, through the services: questions, answers and notes), and the whole annual
report (time and queries, in process). Prints JSON; bench/benchmarks.py stores it with the results.

    source bench/env.sh && .venv/bin/python bench/query_counts.py
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "127.0.0.1") + ",testserver"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--show-sql", action="store_true", help="print the queries of each request (stderr)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    state = json.loads((ROOT / "bench" / ".state" / f"{connection.settings_dict['NAME']}.json").read_text())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {state['officer_token']}")
    web = Client()
    web.cookies["sessionid"] = state["officer_session"]

    def count(client, path):
        client.get(path)  # warm caches (reference data, the token's user)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        if args.show_sql:
            print(f"--- {path}", file=sys.stderr)
            for q in ctx.captured_queries:
                print(f"  {q['time']}s {q['sql'][:400]}", file=sys.stderr)
        return len(ctx.captured_queries), round(elapsed * 1000, 1), [float(q["time"]) for q in ctx.captured_queries]

    out = {"counts": {"queue_api": {}, "queue_page": {}, "detail_api": {}}, "ms": {}, "slowest_query_ms": {}}
    for size in (10, 50, 200):
        n, ms, times = count(api, f"/api/v1/office/queue/?queue=licensing_office&kind=individual&kind=global&page_size={size}")
        out["counts"]["queue_api"][f"page_size_{size}"] = n
        out["ms"][f"queue_api_{size}"] = ms
        out["slowest_query_ms"][f"queue_api_{size}"] = round(max(times) * 1000, 1)
    n, ms, times = count(web, "/office/?queue=licensing_office")
    out["counts"]["queue_page"]["page_50"] = n
    out["ms"]["queue_page"] = ms
    out["slowest_query_ms"]["queue_page"] = round(max(times) * 1000, 1)
    for label, key in (("goods_1", "detail1"), ("goods_20", "detail20")):
        n, ms, times = count(api, f"/api/v1/applications/{state['bench'][key][0]}/")
        out["counts"]["detail_api"][label] = n
        out["ms"][f"detail_{label}"] = ms

    out["case"] = case_counts(state, api, web, count)

    from licensing.reporting.services import report_json

    report_json(year=args.year - 1)  # warm the reference data
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        report_json(year=args.year)
        elapsed = time.perf_counter() - started
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
    out["annual_report"] = {"year": args.year, "seconds": round(elapsed, 3), "queries": len(ctx.captured_queries),
                            "sql_seconds": round(sum(float(q["time"]) for q in ctx.captured_queries), 3),
                            "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in slow]}
    print(json.dumps(out, indent=1))


CASE_QUESTIONS = 16  # each asked and answered: 32 entries
CASE_NOTES = 16


def case_with_timeline() -> tuple[int, int]:
    """(a case in review with about 50 timeline entries, one with a few of each kind: a question answered, a note).
    Made once through the services (questions asked by a bench officer and answered by the organisation's exporter,
    internal notes) and found again on the next run by their notes."""
    return _case_made("Bench note", CASE_QUESTIONS, CASE_NOTES), _case_made("Bench small note", 1, 1)


def _case_made(marker: str, questions: int, notes: int) -> int:
    from django.contrib.auth import get_user_model

    from licensing.applications import services
    from licensing.applications.models import Application, Note

    made = Note.objects.filter(text__startswith=f"{marker} 1 ").values_list("application_id", flat=True).first()
    if made:
        return made
    users = get_user_model().objects
    application = Application.objects.filter(status="in_review", kind="individual", notes__isnull=True, questions__isnull=True).order_by("pk").first()
    officer = users.filter(role="officer").order_by("pk").first()
    exporter = users.filter(role="exporter", organisation_id=application.organisation_id).order_by("pk").first()
    for i in range(1, questions + 1):
        question = services.question_ask(actor=officer, application=application, text=f"Bench question {i}: please send the end-user statement.")
        services.question_answer(actor=exporter, application=application, answer=f"Answer {i}: attached to our reply.", question_id=question.pk)
    for i in range(1, notes + 1):
        services.note_add(actor=officer, application=application, text=f"{marker} {i} on the end user.")
    return application.pk


def case_counts(state, api, web, count) -> dict:
    from licensing.applications.models import Application
    from licensing.casework.timeline import case_timeline

    big, small = case_with_timeline()
    from rest_framework.authtoken.models import Token

    user = Token.objects.select_related("user").get(key=state["officer_token"]).user
    out = {"ids": {"entries_50": big, "entries_5": small}, "entries": {}, "counts": {"case_page": {}, "timeline_api": {}}, "ms": {}}
    for label, pk in (("entries_50", big), ("entries_5", small)):
        out["entries"][label] = len(case_timeline(Application.objects.get(pk=pk), user))
        n, ms, _ = count(web, f"/office/cases/{pk}/")
        out["counts"]["case_page"][label] = n
        out["ms"][f"case_page_{label}"] = ms
        n, ms, _ = count(api, f"/api/v1/applications/{pk}/timeline/")
        out["counts"]["timeline_api"][label] = n
        out["ms"][f"timeline_api_{label}"] = ms
    return out


if __name__ == "__main__":
    main()
