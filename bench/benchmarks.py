"""
The benchmarks (not part of the test run). Run against a database filled by bench/generate.py, with the
production settings of bench/env.sh: starts gunicorn (and, for the re-screen, a Celery worker) itself,
measures from this separate client process over loopback, computes every figure's SQL floor with psycopg2 in
the same run, and writes bench/results/<date>-<N>.json and .md.

    source bench/env.sh && .venv/bin/python bench/benchmarks.py            (bench/run.sh does all of it)

Options: --only queue,detail,... to run some benchmarks; --quick for fewer requests (CI smoke).
"""
import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.client import Client, multipart, percentiles, run_load  # noqa: E402
from bench.screening_bench import LEGAL_FORMS, TRGM_FLOOR, company, cyrillic, person, variants  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "results"
TARGETS = {
    "queue_api": "p95 <= 50 ms; <= 10 queries; <= 3x floor",
    "queue_page": "p95 <= 50 ms; <= 10 queries; <= 3x floor",
    "detail_api": "p95 <= 50 ms; constant query count",
    "determination_api": ">= 300 req/s sustained, p95 <= 20 ms",
    "submit_100_lines": "<= 300 ms",
    "guided_submit_100_lines": "<= 300 ms (the submit target, through the guided pages)",
    "screening_one_party": "p95 <= 50 ms, recall >= 95%",
    "rescreen_workers": ">= 2,000 parties/s",
    "usage_upload_100k": "<= 15 s, memory bounded",
    "annual_report": "<= 2 s",
    "office_search": "p95 <= 100 ms",
    "case_page": "p95 <= 50 ms (50 timeline entries); constant query count",
    "timeline_api": "p95 <= 50 ms (50 timeline entries); constant query count",
    "customs_write_off": ">= 500/s over 4 clients, p95 <= 30 ms",
    "customs_check": "p95 <= 20 ms",
}


# --- environment ------------------------------------------------------------------------------------
def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next(int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    pg = sql_one("SHOW server_version")
    return {"nproc": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)), "memory_gib": round(mem / 1024 / 1024, 1), "cpu_model": cpu,
            "python": platform.python_version(), "postgresql": pg, "kernel": platform.release()}


def dsn() -> str:
    return os.environ["DATABASE_URL"]


_conn = None


def db():
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg2.connect(dsn())
        _conn.autocommit = True
    return _conn


def sql_one(query, params=None):
    with db().cursor() as c:
        c.execute(query, params)
        return c.fetchone()[0]


def timed_sql(fn, repeat: int) -> dict:
    """Run fn(cursor) `repeat` times on a fresh psycopg2 connection per call: the same cost as a request's
    connection setup is not included (the app keeps none either with CONN_MAX_AGE=0 — see the report)."""
    timings = []
    with db().cursor() as c:
        for _ in range(repeat):
            started = time.perf_counter()
            fn(c)
            timings.append(time.perf_counter() - started)
    return percentiles(timings)


class Server:
    """gunicorn with the production settings, as README's production shape runs it."""

    def __init__(self, port: int, workers: int, worker_class: str = "gthread", threads: int = 4):
        self.port, self.workers, self.worker_class, self.threads = port, workers, worker_class, threads
        self.proc = None

    def __enter__(self):
        log = open(RESULTS / ".gunicorn.log", "a")
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", str(self.workers), "-k", self.worker_class,
             *(["--threads", str(self.threads)] if self.worker_class == "gthread" else []), "-b", f"127.0.0.1:{self.port}", "--timeout", "300",
             "--access-logfile", "-", "--access-logformat", '%(m)s %(U)s %(s)s %(M)sms'],
            cwd=ROOT, stdout=open(RESULTS / ".gunicorn-access.log", "w"), stderr=log, start_new_session=True,
        )
        client = Client(port=self.port)
        for _ in range(100):
            time.sleep(0.2)
            try:
                status, _, _ = client.request("GET", "/health/")
                if status in (200, 503):
                    return self
            except OSError:
                pass
        raise RuntimeError("gunicorn did not start; see bench/results/.gunicorn.log")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)


def load_average() -> float:
    """The 1-minute load average when a benchmark starts: the machine is shared, so the figures say how busy it was."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def rss_kib(pid: int, field="VmRSS") -> int:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


# --- the benchmarks -------------------------------------------------------------------------------------
QUEUE_FILTER = "queue=licensing_office&kind=individual&kind=global"

QUEUE_FLOOR_COUNT = "SELECT count(*) FROM applications_application a WHERE a.status IN ('submitted','in_review','advice_given') {kind}"
KIND_FILTER = "AND a.kind IN ('individual','global')"
QUEUE_FLOOR_PAGE = """
SELECT a.id, a.reference, a.version, a.kind, a.movement, a.status, o.name, u.username, a.handler, a.submitted_at, a.deadline_at,
       a.clock_stopped_at, a.determination,
       (SELECT array_agg(d.country_id ORDER BY d.country_id) FROM applications_application_destinations d WHERE d.application_id = a.id)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id LEFT JOIN accounts_user u ON u.id = a.claimed_by_id
WHERE a.status IN ('submitted','in_review','advice_given') {kind}
ORDER BY a.deadline_at, a.id LIMIT %s
"""


def bench_queue(state, client, session_client, args) -> dict:
    n = 60 if args.quick else 300
    out = {}
    for name, cl, path, kind in [("queue_api", client, f"/api/v1/office/queue/?{QUEUE_FILTER}&page_size=50", KIND_FILTER),
                                 ("queue_page", session_client, "/office/?queue=licensing_office", "")]:
        for _ in range(5):
            status, body, _ = cl.request("GET", path)
        assert status == 200, (status, body[:300])
        seq = run_load(lambda: cl.request("GET", path), threads=1, duration=60, max_requests=n)
        conc = run_load(lambda: cl.request("GET", path), threads=4, duration=20, max_requests=n)
        count_sql, page_sql = QUEUE_FLOOR_COUNT.format(kind=kind), QUEUE_FLOOR_PAGE.format(kind=kind)
        floor = timed_sql(lambda c: (c.execute(count_sql), c.fetchall(), c.execute(page_sql, [50]), c.fetchall()), n // 2)
        out[name] = {"path": path, "sequential": seq, "concurrent_4": conc, "floor_ms": floor, "ratio_p95": round(seq["latency_ms"]["p95"] / floor["p95"], 1)}
    out["queue_api"]["rows_in_queue"] = sql_one(QUEUE_FLOOR_COUNT.format(kind=KIND_FILTER))
    return out


SEARCH_SAMPLE = """
SELECT a.id, a.reference, o.name,
 (SELECT p.name FROM applications_party p WHERE p.application_id = a.id ORDER BY p.position, p.id LIMIT 1),
 (SELECT g.serial_numbers FROM applications_goodsline g WHERE g.application_id = a.id AND g.serial_numbers <> '' ORDER BY g.position LIMIT 1),
 (SELECT g.part_number FROM applications_goodsline g WHERE g.application_id = a.id ORDER BY g.position LIMIT 1)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id
WHERE a.id = ANY(%s) AND a.status <> 'draft'
"""
# The floor: what the API's answer needs, written by hand: the count and the newest 50 with organisation and claimant,
# the matching documents' ids taken first (a materialised CTE: PostgreSQL cannot estimate a prefix search's matches
# and, joined, walks the newest-first index probing every case — seconds at 1,000,000 applications; the app does
# the same in two steps for a query matching few documents, after probing the newest cases' documents, which the floor
# leaves out: licensing.applications.search.matching).
SEARCH_MATCHES = "WITH m AS MATERIALIZED (SELECT s.application_id FROM applications_searchdocument s WHERE s.vector @@ to_tsquery('simple', %s) LIMIT 2001)"
SEARCH_FLOOR_COUNT = SEARCH_MATCHES + """ SELECT count(*) FROM (SELECT a.id FROM applications_application a
 WHERE a.status <> 'draft' AND a.id IN (SELECT application_id FROM m) LIMIT 1001) c"""
SEARCH_FLOOR_PAGE = SEARCH_MATCHES + """ SELECT a.id, a.reference, a.status, a.kind, a.deadline_at, o.name, u.username,
 (SELECT array_agg(d.country_id) FROM applications_application_destinations d WHERE d.application_id = a.id)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id LEFT JOIN accounts_user u ON u.id = a.claimed_by_id
WHERE a.status <> 'draft' AND a.id IN (SELECT application_id FROM m)
ORDER BY a.submitted_at DESC, a.id DESC LIMIT 50"""


def search_queries(rng, n: int) -> list[tuple[str, str, int]]:
    """(kind, query, the application it was taken from) for n random submitted applications: a party's name in
    Cyrillic letters (transliterated back by the search's normaliser), the name as written, a serial number, a
    part number, the reference, the organisation."""
    N = sql_one("SELECT max(id) FROM applications_application")
    with db().cursor() as c:
        c.execute(SEARCH_SAMPLE, [rng.sample(range(1, N + 1), min(N, n * 2))])
        rows = c.fetchall()[:n]
    forms = {f.strip(".").lower() for f in LEGAL_FORMS}
    out = []
    for i, (pk, reference, organisation, party, serials, part) in enumerate(rows):
        words = [w for w in (party or "").split() if w.strip(".").lower() not in forms]
        kinds = [("party_cyrillic", cyrillic(" ".join(words))), ("party", party or ""), ("serial", (serials or "").split("\n")[0]),
                 ("part_number", part or ""), ("reference", reference), ("organisation", organisation)]
        kind, query = kinds[i % len(kinds)]
        if query:
            out.append((kind, query, pk))
    return out


def bench_search(state, client, args) -> dict:
    from urllib.parse import urlencode

    from licensing.applications.search import _tsquery, query_alternatives

    rng = random.Random(17)
    queries = search_queries(rng, 60 if args.quick else 300)
    found, per_kind, sizes = 0, {}, []
    for kind, query, pk in queries:  # recall: the case the query was taken from is on the first page
        status, body, _ = client.request("GET", "/api/v1/office/search/?" + urlencode({"q": query}))
        assert status == 200, (status, body[:300])
        answer = json.loads(body)
        hit = any(row["id"] == pk for row in answer["results"])
        found += hit
        per_kind.setdefault(kind, [0, 0])
        per_kind[kind][0] += hit
        per_kind[kind][1] += 1
        sizes.append(answer["count"])
    cycle = iter(queries * 10)
    seq = run_load(lambda: client.request("GET", "/api/v1/office/search/?" + urlencode({"q": next(cycle)[1]})), threads=1, duration=60, max_requests=len(queries))
    conc = run_load(lambda: client.request("GET", "/api/v1/office/search/?" + urlencode({"q": next(cycle)[1]})), threads=4, duration=20, max_requests=len(queries))
    tsqueries = iter([_tsquery(query_alternatives(q)) for _, q, _ in queries] * 2)

    def floor_fn(c):
        tsquery = next(tsqueries)
        c.execute(SEARCH_FLOOR_COUNT, [tsquery])
        c.fetchall()
        c.execute(SEARCH_FLOOR_PAGE, [tsquery])
        c.fetchall()

    floor = timed_sql(floor_fn, len(queries))
    # Broad words, each matching a large share of all cases: the count stops at COUNT_CAP + 1 (CappedPaginator).
    broad = ["military", "dual use", "ML5", "Bench Manufacturing", "item 1"]
    broad_cycle = iter(broad * 40)
    broad_seq = run_load(lambda: client.request("GET", "/api/v1/office/search/?" + urlencode({"q": next(broad_cycle)})), threads=1, duration=30,
                         max_requests=20 if args.quick else 100)
    sizes.sort()
    return {"office_search": {"path": "/api/v1/office/search/?q=", "queries": len(queries), "sequential": seq, "concurrent_4": conc, "floor_ms": floor,
                              "ratio_p95": round(seq["latency_ms"]["p95"] / floor["p95"], 1), "recall_first_page": round(found / len(queries), 3),
                              "recall_by_kind": {k: round(h / t, 3) for k, (h, t) in per_kind.items()},
                              "matches_median": sizes[len(sizes) // 2], "matches_max": sizes[-1],
                              "broad_words": {"queries": broad, "sequential": broad_seq,
                                              "matches": {q: sql_one("SELECT count(*) FROM applications_searchdocument WHERE vector @@ to_tsquery('simple', %s)", [_tsquery(query_alternatives(q))]) for q in broad}},
                              "documents": sql_one("SELECT count(*) FROM applications_searchdocument")}}


DETAIL_FLOOR = """
SELECT row_to_json(a.*), o.name,
 (SELECT json_agg(g ORDER BY g.position, g.id) FROM applications_goodsline g WHERE g.application_id = a.id),
 (SELECT json_agg(p ORDER BY p.position, p.id) FROM applications_party p WHERE p.application_id = a.id),
 (SELECT json_agg(d.country_id) FROM applications_application_destinations d WHERE d.application_id = a.id),
 (SELECT json_agg(e ORDER BY e.at, e.id) FROM audit_event e WHERE e.target_type = 'applications.application' AND e.target_id = a.id::text)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id WHERE a.id = %s
"""


def bench_detail(state, client, args) -> dict:
    ids = state["bench"]["detail20"]
    n = 60 if args.quick else 300
    rng = random.Random(1)
    status, body, _ = client.request("GET", f"/api/v1/applications/{ids[0]}/")
    assert status == 200, (status, body[:300])
    seq = run_load(lambda: client.request("GET", f"/api/v1/applications/{rng.choice(ids)}/"), threads=1, duration=60, max_requests=n)
    hist = run_load(lambda: client.request("GET", f"/api/v1/applications/{rng.choice(ids)}/history/"), threads=1, duration=30, max_requests=n // 2)
    floor = timed_sql(lambda c: (c.execute(DETAIL_FLOOR, [rng.choice(ids)]), c.fetchall()), n // 2)
    return {"detail_api": {"path": "/api/v1/applications/{id}/ (20 goods lines, 5 parties)", "sequential": seq, "history_sequential": hist, "floor_ms": floor,
                           "ratio_p95": round(seq["latency_ms"]["p95"] / floor["p95"], 1)}}


# The floor of the case page and the timeline: what they need, written by hand — the case with its organisation,
# goods, parties and destinations, its events (and its licences'), its questions with their documents, its notes with
# theirs.
CASE_FLOOR = """
SELECT row_to_json(a.*), o.name,
 (SELECT json_agg(g ORDER BY g.position, g.id) FROM applications_goodsline g WHERE g.application_id = a.id),
 (SELECT json_agg(p ORDER BY p.position, p.id) FROM applications_party p WHERE p.application_id = a.id),
 (SELECT json_agg(d.country_id) FROM applications_application_destinations d WHERE d.application_id = a.id),
 (SELECT json_agg(e ORDER BY e.at, e.id) FROM audit_event e WHERE e.target_type = 'applications.application' AND e.target_id = a.id::text),
 (SELECT json_agg(q ORDER BY q.asked_at, q.id) FROM applications_question q WHERE q.application_id = a.id),
 (SELECT json_agg(d ORDER BY d.id) FROM applications_document d WHERE d.application_id = a.id),
 (SELECT json_agg(n ORDER BY n.created_at, n.id) FROM applications_note n WHERE n.application_id = a.id)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id WHERE a.id = %s
"""


def bench_case(state, api, page, ids: dict, args) -> dict:
    """The officer's case page and the timeline API for the case with about 50 timeline entries (made by
    query_counts.py), sequentially, against CASE_FLOOR for the same case."""
    pk = ids["entries_50"]
    n = 60 if args.quick else 300
    out = {}
    for name, client, path in (("case_page", page, f"/office/cases/{pk}/"), ("timeline_api", api, f"/api/v1/applications/{pk}/timeline/")):
        # Every worker serves the page a few times first (connections are closed, so the kernel spreads them): a
        # worker's first case page compiles its templates (150-230 ms), which five requests left to the timed run
        # when the case page was the server's first page (`--only case`).
        for _ in range(5 * args.workers):
            status, body, _ = client.request("GET", path)
        assert status == 200, (name, status, body[:300])
        seq = run_load(lambda: client.request("GET", path), threads=1, duration=60, max_requests=n)
        out[name] = {"path": path, "sequential": seq}
    floor = timed_sql(lambda c: (c.execute(CASE_FLOOR, [pk]), c.fetchall()), n // 2)
    for name in out:
        out[name] |= {"floor_ms": floor, "ratio_p95": round(out[name]["sequential"]["latency_ms"]["p95"] / floor["p95"], 1)}
    return out


DETERMINATION_BODIES = [
    {"goods_kind": "military", "movement": "export", "destination": "US", "control_entry": "ML6", "value_eur": "250000"},
    {"goods_kind": "dual_use", "movement": "export", "destination": "CN", "control_entry": "3A001"},
    {"goods_kind": "dual_use", "movement": "transfer", "destination": "DE", "control_entry": "5A002"},
    {"goods_kind": "military", "movement": "export", "destination": "SA", "control_entry": "ML4.b", "value_eur": "2000000", "complete_system": True},
    {"goods_kind": "anti_torture", "movement": "export", "destination": "BR", "control_entry": "ANNEX_III"},
    {"goods_kind": "unlisted", "movement": "export", "destination": "RU", "catch_all": True},
]


def bench_determination(state, client, args) -> dict:
    rng = random.Random(2)
    status, body, _ = client.request("POST", "/api/v1/determinations/", DETERMINATION_BODIES[0])
    assert status == 200, (status, body[:300])
    out = {}
    for threads in (1, 4, 8):
        out[f"threads_{threads}"] = run_load(lambda: client.request("POST", "/api/v1/determinations/", rng.choice(DETERMINATION_BODIES)),
                                             threads=threads, duration=5 if args.quick else 15, max_requests=20000)
    best = max(out.values(), key=lambda r: r["rps"])
    # Floor: determination reads no table (reference data is cached in memory); the floor is one SQL round trip.
    floor = timed_sql(lambda c: (c.execute("SELECT 1"), c.fetchall()), 500)
    return {"determination_api": {"runs": out, "best_rps": best["rps"], "p95_at_8": out["threads_8"]["latency_ms"]["p95"],
                                  "floor_ms": floor, "floor_note": "the endpoint runs no SQL; floor = one psycopg2 round trip (SELECT 1)"}}


def _submit_floor(c, spare: list[int]) -> None:
    """What a submit must do in SQL: lock the row, read its 100 lines, parties and documents, flip the status, add an event."""
    c.execute("BEGIN")
    c.execute("SELECT * FROM applications_application WHERE id = %s FOR UPDATE", spare)
    c.execute("SELECT * FROM applications_goodsline WHERE application_id = %s ORDER BY position", spare)
    c.fetchall()
    c.execute("SELECT * FROM applications_party WHERE application_id = %s", spare)
    c.execute("UPDATE applications_application SET status = 'draft', updated_at = now() WHERE id = %s", spare)
    c.execute("INSERT INTO audit_event (at, verb, target_type, target_id, from_state, to_state, reason, payload, hash, prev_hash) VALUES (now(), 'bench', 'bench', '0', '', '', '', '{}', '', '')")
    c.execute("ROLLBACK")


def bench_submit(state, exporter, args) -> dict:
    drafts = list(state["bench"]["drafts"])
    used = set(sql_one("SELECT coalesce(json_agg(id), '[]') FROM applications_application WHERE id = ANY(%s) AND status <> 'draft'", [drafts]))
    drafts = [d for d in drafts if d not in used]
    n = min(len(drafts), 10 if args.quick else 30)
    timings, statuses = [], {}
    for app_id in drafts[:n]:
        status, body, elapsed = exporter.request("POST", f"/api/v1/applications/{app_id}/submit/")
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200:
            print("submit", status, body[:500], file=sys.stderr)
        timings.append(elapsed)
    enqueued = None
    try:
        import redis

        enqueued = redis.Redis.from_url(os.environ["REDIS_URL"]).llen(os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery"))
    except Exception:  # noqa: BLE001
        pass

    spare = drafts[n:n + 1] or drafts[:1]
    floor = timed_sql(lambda c: _submit_floor(c, spare), 30)
    result = percentiles(timings)
    return {"submit_100_lines": {"submitted": n, "statuses": statuses, "latency_ms": result, "routing_tasks_in_broker_queue": enqueued, "floor_ms": floor,
                                 "ratio_p95": round(result["p95"] / floor["p95"], 1) if result else None}}


# The floor of the check-your-answers page: what it shows, by hand — the draft with its organisation, its goods lines,
# parties (with their countries), destinations and documents.
GUIDED_CHECK_FLOOR = """
SELECT row_to_json(a.*), o.name,
 (SELECT json_agg(g ORDER BY g.position, g.id) FROM applications_goodsline g WHERE g.application_id = a.id),
 (SELECT json_agg(json_build_object('p', p, 'country', c.code) ORDER BY p.position, p.id) FROM applications_party p
   LEFT JOIN reference_country c ON c.code = p.country_id WHERE p.application_id = a.id),
 (SELECT json_agg(d.country_id) FROM applications_application_destinations d WHERE d.application_id = a.id),
 (SELECT json_agg(d ORDER BY d.id) FROM applications_document d WHERE d.application_id = a.id)
FROM applications_application a JOIN accounts_organisation o ON o.id = a.organisation_id WHERE a.id = %s
"""
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cookie(headers, name: str) -> str | None:
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return None


def bench_guided(state, args) -> dict:
    """Issue 20: the last steps of the guided application as a browser takes them, on the bench drafts with 100
    goods lines (taken from the end of the list: `submit` takes them from the start): the check-your-answers page
    (GET, with the bench exporter's session cookie), then the declaration and submission (a form POST with the CSRF
    cookie and the page's token: 302 to the confirmation), then the confirmation page. Each timed on its own."""
    from django.conf import settings
    from django.urls import reverse

    session_name, csrf_name = settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME
    drafts = list(reversed(state["bench"]["drafts"]))
    used = set(sql_one("SELECT coalesce(json_agg(id), '[]') FROM applications_application WHERE id = ANY(%s) AND status <> 'draft'", [drafts]))
    drafts = [d for d in drafts if d not in used]
    n = min(len(drafts), 10 if args.quick else 30)
    browser = Client(port=args.port)
    cookies = {session_name: state["exporter_session"]}
    timings = {"check_page": [], "submit_post": [], "confirmation_page": []}
    statuses = {key: {} for key in timings}

    def go(key, method, path, body=None, extra=None):
        conn = http.client.HTTPConnection(browser.host, browser.port, timeout=180)
        headers = browser.headers({"Accept": "text/html", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} | (extra or {}))
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        for name in (session_name, csrf_name):
            cookies[name] = _cookie(response.getheaders(), name) or cookies.get(name)
        timings[key].append(elapsed)
        statuses[key][response.status] = statuses[key].get(response.status, 0) + 1
        return response.status, payload, response.getheader("Location", "")

    for app_id in drafts[:n]:
        check, confirmation = reverse("exporter:guided-check", args=[app_id]), reverse("exporter:guided-confirmation", args=[app_id])
        status, page, _ = go("check_page", "GET", check)
        token = CSRF_FIELD.search(page)
        if status != 200 or not token:
            print("guided check", app_id, status, page[:500], file=sys.stderr)
            continue
        form = urlencode({"csrfmiddlewaretoken": token[1].decode(), "declaration": "on"}).encode()
        status, page, location = go("submit_post", "POST", check, form, {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://127.0.0.1"})
        if status != 302 or location != confirmation:
            print("guided submit", app_id, status, location, page[:500], file=sys.stderr)
            continue
        go("confirmation_page", "GET", location)

    spare = drafts[n:n + 1] or drafts[:1]
    check_floor = timed_sql(lambda c: (c.execute(GUIDED_CHECK_FLOOR, spare), c.fetchall()), 30)
    submit_floor = timed_sql(lambda c: _submit_floor(c, spare), 30)
    out = {key: percentiles(values) for key, values in timings.items()}
    ratio = lambda key, floor: round(out[key]["p95"] / floor["p95"], 1) if out[key] else None  # noqa: E731
    return {"guided_submit_100_lines": {"drafts": n, "statuses": statuses, "latency_ms": out, "floor_ms": {"check_page": check_floor, "submit_post": submit_floor},
                                        "ratio_p95": {"check_page": ratio("check_page", check_floor), "submit_post": ratio("submit_post", submit_floor)}}}


def screening_cases(rng, n):
    rows = db().cursor()
    rows.execute("SELECT id, reference, name, countries->>0 FROM screening_listentry WHERE source_id = 'opensanctions' ORDER BY random() LIMIT %s", [n])
    entries = rows.fetchall()

    class E:
        def __init__(self, name):
            self.name = name

    cases = [(kind, text, ref, country) for _, ref, name, country in entries for kind, text in variants(rng, E(name))]
    unlisted = [company(rng) if rng.random() < 0.65 else person(rng) for _ in range(n)]
    return cases, unlisted


def bench_screening(state, officer, args) -> dict:
    from licensing.screening.matching import name_key  # needs Django settings only for imports: matching is pure

    rng = random.Random(3)
    cases, unlisted = screening_cases(rng, 60 if args.quick else 200)
    timings, found, by_kind = [], 0, {}
    for kind, text, ref, country in cases:
        status, body, elapsed = officer.request("POST", "/api/v1/screening/", {"name": text, "country": country})
        assert status == 200, (status, body[:300])
        timings.append(elapsed)
        hit = any(m["reference"] == ref for m in json.loads(body)["matches"])
        found += hit
        total, ok = by_kind.get(kind, (0, 0))
        by_kind[kind] = (total + 1, ok + hit)
    false_alarms = 0
    for text in unlisted:
        status, body, elapsed = officer.request("POST", "/api/v1/screening/", {"name": text})
        timings.append(elapsed)
        false_alarms += bool(json.loads(body)["matches"])
    keys = [name_key(text).key for _, text, _, _ in cases[:200]]
    floor = timed_sql(lambda c: (c.execute(TRGM_FLOOR, [k := rng.choice(keys), k]), c.fetchall()), len(keys))
    lat = percentiles(timings)
    return {"screening_one_party": {
        "sanctions_entries": sql_one("SELECT count(*) FROM screening_listentry WHERE source_id = 'opensanctions'"),
        "denials_indexed": sql_one("SELECT count(*) FROM screening_listentry WHERE source_id = 'denials'"),
        "indexed_names": sql_one("SELECT count(*) FROM screening_entryname"),
        "test_names": len(cases), "latency_ms": lat, "recall": round(found / len(cases), 4),
        "recall_by_kind": {k: round(ok / t, 4) for k, (t, ok) in sorted(by_kind.items())},
        "unlisted_names_with_a_hit": round(false_alarms / len(unlisted), 4), "floor_ms": floor,
        "floor_note": "the trigram candidate query alone (pg_trgm % on the GIN index, top 60 by similarity)",
        "ratio_p95": round(lat["p95"] / floor["p95"], 1)}}


def bench_rescreen(state, args) -> dict:
    """Start a Celery worker (concurrency = nproc), start a re-screen run of every open application, and count
    parties screened per second for at most `budget` seconds; then stop the worker and drop what is left."""
    import redis

    queue = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
    r = redis.Redis.from_url(os.environ["REDIS_URL"])
    r.delete(queue)
    budget = 30 if args.quick else 90
    worker = subprocess.Popen([str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-Q", queue, "-c", str(os.cpu_count()), "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
                              cwd=ROOT, stdout=open(RESULTS / ".celery.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(6)
        run_id = int(subprocess.run([PY, "-c", "import django; django.setup(); from licensing.screening.rescreen import rescreen_start; print(rescreen_start().pk)"],
                                    cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()[-1])
        started = time.perf_counter()
        samples = []
        total = None
        while time.perf_counter() - started < budget:
            time.sleep(2)
            with db().cursor() as c:
                c.execute("SELECT status, total, done FROM screening_screeningrun WHERE id = %s", [run_id])
                status, total, done = c.fetchone()
                c.execute("SELECT count(*) FROM screening_runitem WHERE run_id = %s", [run_id])
                items = c.fetchone()[0]
            samples.append((time.perf_counter() - started, max(done, items), status))
            if status == "done":
                break
        elapsed, done_apps, status = samples[-1]
        with db().cursor() as c:
            if status == "done":
                # The run's own clock (created when started, finished by its last chunk), not the poll's: polled every
                # 2 s, a run that finished just after a poll was counted up to 2 s long (4 % of a 50 s run).
                c.execute("SELECT EXTRACT(EPOCH FROM finished_at - created_at) FROM screening_screeningrun WHERE id = %s", [run_id])
                elapsed = float(c.fetchone()[0])
                c.execute("""SELECT count(*) FROM applications_party p JOIN applications_application a ON a.id = p.application_id
                             WHERE a.status IN ('submitted','in_review','referred','advice_given')""")
                parties = c.fetchone()[0]
            else:
                c.execute("""SELECT count(*) FROM applications_party p WHERE p.application_id IN (SELECT application_id FROM screening_runitem WHERE run_id = %s)""", [run_id])
                parties = c.fetchone()[0]
            c.execute("SELECT count(*) FROM applications_party p JOIN applications_application a ON a.id = p.application_id WHERE a.status IN ('submitted','in_review','referred','advice_given')")
            all_parties = c.fetchone()[0]
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        r.delete(queue)
        with db().cursor() as c:
            c.execute("UPDATE screening_screeningrun SET status = 'failed', errors = '[\"stopped by the benchmark\"]' WHERE status IN ('pending','screening')")
    # Floor: the trigram candidate query per party, on as many connections as cores.
    with db().cursor() as c:
        c.execute("SELECT name FROM applications_party ORDER BY random() LIMIT 300")
        names = [row[0] for row in c.fetchall()]
    from licensing.screening.matching import name_key

    keys = [name_key(n).key for n in names]
    t0 = time.perf_counter()
    with db().cursor() as c:
        for k in keys:
            c.execute(TRGM_FLOOR, [k, k])
            c.fetchall()
    floor_rate = len(keys) / (time.perf_counter() - t0) * os.cpu_count()
    rate = parties / elapsed if elapsed else 0
    return {"rescreen_workers": {"run_id": run_id, "run_status": status, "open_applications": total, "applications_done": done_apps,
                                 "parties_open": all_parties, "parties_screened": parties, "seconds": round(elapsed, 1), "parties_per_second": round(rate, 1),
                                 "budget_seconds": budget, "worker_concurrency": os.cpu_count(), "progress": samples[-10:],
                                 "floor_parties_per_second": round(floor_rate, 1),
                                 "floor_note": "trigram candidate query per party via psycopg2, one connection, times nproc",
                                 "ratio": round(floor_rate / rate, 1) if rate else None}}


def usage_csv(state, rows: int, nonce: str) -> bytes:
    licences = state["bench"]["usage_licences"]
    rng = random.Random(nonce)
    out = ["licence,exported_on,destination,control_entry,quantity,value_eur,recipient,serial_numbers,lot_numbers"]
    for i in range(rows):
        pos = rng.randint(0, 4)
        out.append(f"{rng.choice(licences)},2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},US,ML{pos + 1},{rng.randint(1, 5)},{rng.randint(100, 9000)}.00,Bench Recipient Inc,SN-{nonce}-{i},")
    return ("\n".join(out) + "\n").encode()


def bench_usage(state, server, exporter, args) -> dict:
    import threading

    rows = 10_000 if args.quick else 100_000
    content = usage_csv(state, rows, nonce=f"{time.time_ns()}")
    body, ctype = multipart("file", "usage.csv", content)
    pids = server.worker_pids()
    base = {p: rss_kib(p) for p in pids}
    peak = dict(base)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            for p in pids:
                peak[p] = max(peak[p], rss_kib(p))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    status, payload, elapsed = exporter.request("POST", "/api/v1/usage-reports/upload/", body, headers={"Content-Type": ctype}, timeout=600)
    stop.set()
    sampler.join()
    handler = max(pids, key=lambda p: peak[p] - base[p])
    # Floor: COPY of the same rows into an unlogged copy of the table (no checks, no ORM).
    lines = content.decode().splitlines()[1:]
    copy_text = "\n".join("\t".join(l.split(",")[:7]) for l in lines) + "\n"

    def floor_fn(c):
        import io

        c.execute("CREATE TEMP TABLE IF NOT EXISTS bench_usage (licence text, exported_on date, destination text, control_entry text, quantity numeric, value_eur numeric, recipient text)")
        c.execute("TRUNCATE bench_usage")
        c.copy_expert("COPY bench_usage FROM STDIN", io.StringIO(copy_text))

    floor = timed_sql(floor_fn, 3)
    return {"usage_upload_100k": {"rows": rows, "bytes": len(content), "status": status, "response": payload[:300].decode(errors="replace"), "seconds": round(elapsed, 2),
                                  "worker_rss_mib_before": round(base[handler] / 1024, 1), "worker_rss_mib_peak": round(peak[handler] / 1024, 1),
                                  "worker_rss_mib_growth": round((peak[handler] - base[handler]) / 1024, 1), "floor_ms": floor,
                                  "ratio": round(elapsed * 1000 / floor["p50"], 1)}}


REPORT_FLOOR = """
SELECT d.goods_kind, d.outcome, ld.country_id, l.ml_category, count(DISTINCT li.id), sum(l.value_eur)
FROM licences_decision d JOIN licences_licence li ON li.decision_id = d.id JOIN licences_licenceline l ON l.licence_id = li.id
JOIN licences_licence_destinations ld ON ld.licence_id = li.id
WHERE d.decided_on >= %s AND d.decided_on < %s AND NOT li.temporary AND NOT li.return_after_repair
GROUP BY 1, 2, 3, 4
"""


def bench_report(state, officer, args, year: int) -> dict:
    from licensing.reporting.services import TABLES

    per_table, total = {}, 0.0
    for rep in range(2 if args.quick else 3):
        total = 0.0
        for name in TABLES:
            status, body, elapsed = officer.request("GET", f"/api/v1/reports/annual/{year}/{name}/")
            assert status == 200, (name, status, body[:300])
            per_table[name] = round(elapsed * 1000, 1)
            total += elapsed
    floor = timed_sql(lambda c: (c.execute(REPORT_FLOOR, [date(year, 1, 1), date(year + 1, 1, 1)]), c.fetchall()), 5)
    floor_den = timed_sql(lambda c: (c.execute("SELECT count(*), destination_id FROM assessment_denialregisterentry WHERE own AND notified_on >= %s AND notified_on < %s GROUP BY 2", [date(year, 1, 1), date(year + 1, 1, 1)]), c.fetchall()), 5)
    floor_use = timed_sql(lambda c: (c.execute("SELECT destination_id, sum(value_eur) FROM licences_usagereport WHERE exported_on >= %s AND exported_on < %s GROUP BY 1", [date(year, 1, 1), date(year + 1, 1, 1)]), c.fetchall()), 5)
    floor_ms = floor["p50"] + floor_den["p50"] + floor_use["p50"]
    return {"annual_report": {"year": year, "decisions_in_year": sql_one("SELECT count(*) FROM licences_decision WHERE decided_on >= %s AND decided_on < %s", [date(year, 1, 1), date(year + 1, 1, 1)]),
                              "seconds_all_tables_http": round(total, 3), "per_table_ms": per_table, "floor_ms": round(floor_ms, 2),
                              "floor_note": "licence value by goods kind/destination/ML category + own denials + usage by destination, one aggregate query each",
                              "ratio": round(total * 1000 / floor_ms, 1)}}


# --- customs (issue 21) ------------------------------------------------------------------------------
CUSTOMS_LICENCES = """
SELECT l.id, l.number, (SELECT min(d.country_id) FROM licences_licence_destinations d WHERE d.licence_id = l.id)
FROM licences_licence l
WHERE l.status = 'active' AND l.valid_from <= current_date AND l.valid_to >= current_date
  AND EXISTS (SELECT 1 FROM licences_licence_destinations d WHERE d.licence_id = l.id)
  AND EXISTS (SELECT 1 FROM licences_licenceline ln WHERE ln.licence_id = l.id AND ln.value_eur >= 1 AND coalesce(ln.quantity, 1) >= 1)
ORDER BY random() LIMIT %s
"""
# What a check must read: the licence with its holder, its destinations, its lines and the write-offs standing per line.
CHECK_FLOOR = """
SELECT l.number, l.status, l.valid_from, l.valid_to, o.eori_number,
 (SELECT array_agg(d.country_id ORDER BY d.country_id) FROM licences_licence_destinations d WHERE d.licence_id = l.id),
 (SELECT json_agg(json_build_object('q', ln.quantity, 'v', ln.value_eur, 'wq', w.q, 'wv', w.v) ORDER BY ln.position, ln.id)
    FROM licences_licenceline ln LEFT JOIN (SELECT line_id, sum(quantity) q, sum(value_eur) v FROM customs_customswriteoff
                                             WHERE licence_id = l.id AND reversed_at IS NULL GROUP BY line_id) w ON w.line_id = ln.id
   WHERE ln.licence_id = l.id)
FROM licences_licence l LEFT JOIN accounts_organisation o ON o.id = l.holder_id WHERE l.number = %s
"""
CHAIN_LOCK = 0x6C6963656E6365  # licensing.audit.chain.CHAIN_LOCK: the audit chain's one writer at a time


def _rows(query, params):
    with db().cursor() as c:
        c.execute(query, params)
        return c.fetchall()


def _customs_token() -> str:
    """A customs account and a fresh machine token for it (the bench's own)."""
    from django.contrib.auth import get_user_model

    from licensing.customs.services import customs_token_issue

    user, _ = get_user_model().objects.get_or_create(username="bench_customs", defaults={"role": "customs", "email": ""})
    return customs_token_issue(actor=None, user=user, name="bench")[1]


def _write_off_floor(licences, threads: int, duration: float, chain_lock: bool = True) -> dict:
    """The SQL a write-off cannot do without, on `threads` connections at once: lock the licence, read its lines, the
    standing write-offs, the retry's row and the destinations, insert the write-off, take the audit chain's lock, read
    the chain's last hash, append an event (to a temporary copy of the event table, so the bench's chain stays whole),
    commit. Its write-offs are deleted afterwards. `chain_lock=False`: the same without the chain's lock, what a
    design that chains the events after their commit could reach (the ceiling the lock sets, measured)."""
    import threading

    from licensing.customs.mrn import check_character

    counter, lock, timings = [0], threading.Lock(), []
    prefix = f"{int(time.time()) % 100000:05d}"
    deadline = time.perf_counter() + duration

    def work():
        conn = psycopg2.connect(dsn())  # one connection per thread (db() is the run's shared one)
        conn.autocommit = True
        c = conn.cursor()
        c.execute("CREATE TEMP TABLE bench_event (LIKE audit_event INCLUDING DEFAULTS INCLUDING IDENTITY)")
        c.execute("SELECT id FROM accounts_user WHERE username = 'bench_customs'")
        user_id = c.fetchone()[0]
        rng = random.Random(threading.get_ident())
        while time.perf_counter() < deadline:
            with lock:
                counter[0] += 1
                n = counter[0]
            body = f"99ZZ{prefix}{n:08d}"
            mrn = body + check_character(body)
            licence_id, _number, destination = rng.choice(licences)
            started = time.perf_counter()
            c.execute("BEGIN")
            c.execute("SELECT id, status, valid_from, valid_to FROM licences_licence WHERE id = %s FOR UPDATE", [licence_id])
            c.execute("SELECT id, quantity, value_eur FROM licences_licenceline WHERE licence_id = %s ORDER BY position, id", [licence_id])
            line_id = c.fetchall()[0][0]
            c.execute("SELECT line_id, sum(quantity), sum(value_eur) FROM customs_customswriteoff WHERE licence_id = %s AND reversed_at IS NULL GROUP BY line_id", [licence_id])
            c.execute("SELECT 1 FROM customs_customswriteoff WHERE declaration = %s AND licence_id = %s AND line_id = %s", [mrn, licence_id, line_id])
            c.execute("SELECT country_id FROM licences_licence_destinations WHERE licence_id = %s", [licence_id])
            c.execute(
                "INSERT INTO customs_customswriteoff (declaration, licence_id, line_id, line_number, quantity, value_eur, destination_id, exported_on, created_by_id, created_at, reversal_reason)"
                " VALUES (%s, %s, %s, 1, 0.001, 0.01, %s, current_date, %s, now(), '')", [mrn, licence_id, line_id, destination, user_id],
            )
            if chain_lock:
                c.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
            c.execute("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1")
            c.execute(
                "INSERT INTO bench_event (at, verb, target_type, target_id, from_state, to_state, reason, payload, hash, prev_hash)"
                " VALUES (now(), 'licence.written_off', 'licences.licence', %s, '', '', '', '{}', '', '')", [str(licence_id)],
            )
            c.execute("COMMIT")
            elapsed = time.perf_counter() - started
            with lock:
                timings.append(elapsed)
        c.execute("DELETE FROM customs_customswriteoff WHERE declaration LIKE %s", [f"99ZZ{prefix}%"])
        conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    return {"threads": threads, "requests": len(timings), "rps": round(len(timings) / wall, 1), "latency_ms": percentiles(timings)}


def bench_customs(state, args) -> dict:
    """Write-offs from 4 clients at once (each a new declaration on a random active licence, a thousandth of a unit and
    a cent) and checks of random licences, with a customs system's machine token; floors in the same run."""
    from itertools import count

    from licensing.customs.mrn import check_character

    licences = [tuple(r) for r in _rows(CUSTOMS_LICENCES, [2000])]
    assert licences, "no active licence in the database"
    client = Client(port=args.port)
    auth = {"Authorization": f"Bearer {_customs_token()}"}
    prefix, serial = f"{int(time.time()) % 100000:05d}", count(1)
    rng = random.Random(21)

    def write_off():
        body = f"26NL{prefix}{next(serial):08d}"
        _id, number, destination = rng.choice(licences)
        return client.request("POST", "/api/v1/customs/write-offs/", {
            "declaration": body + check_character(body), "licence": number, "line": 1, "quantity": "0.001", "value_eur": "0.01",
            "destination": destination, "exported_on": date.today().isoformat(),
        }, headers=auth)

    def check():
        return client.request("GET", f"/api/v1/customs/licences/{rng.choice(licences)[1]}/", headers=auth)

    status, body, _ = write_off()
    assert status == 201, (status, body[:500])
    status, body, _ = check()
    assert status == 200, (status, body[:500])
    duration = 5 if args.quick else 20
    writes = run_load(write_off, threads=4, duration=duration, max_requests=50000)
    checks = run_load(check, threads=1, duration=30, max_requests=100 if args.quick else 500)
    checks_4 = run_load(check, threads=4, duration=duration, max_requests=50000)
    write_floor = _write_off_floor(licences, threads=4, duration=duration)
    unlocked_floor = _write_off_floor(licences, threads=4, duration=duration, chain_lock=False)
    check_floor = timed_sql(lambda c: (c.execute(CHECK_FLOOR, [rng.choice(licences)[1]]), c.fetchall()), 300)
    return {
        "customs_write_off": {"path": "POST /api/v1/customs/write-offs/ (4 client threads, a new declaration each)", "load_4": writes, "floor_4_connections": write_floor,
                              "floor_4_connections_without_chain_lock": unlocked_floor,
                              "licences": len(licences), "ratio_p95": round(writes["latency_ms"]["p95"] / write_floor["latency_ms"]["p95"], 1),
                              "ratio_rps": round(write_floor["rps"] / writes["rps"], 1)},
        "customs_check": {"path": "GET /api/v1/customs/licences/{number}/", "sequential": checks, "concurrent_4": checks_4, "floor_ms": check_floor,
                          "ratio_p95": round(checks["latency_ms"]["p95"] / check_floor["p95"], 1)},
    }


# --- verdicts and output --------------------------------------------------------------------------------
def verdicts(r: dict, qc: dict) -> list[dict]:
    rows = []

    def add(key, measured, floor, met):
        rows.append({"what": key, "target": TARGETS[key], "measured": measured, "floor_ratio": floor, "met": met})

    if "queue_api" in r:
        for key, qkey in (("queue_api", "queue_api"), ("queue_page", "queue_page")):
            q = r[key]
            p95 = q["sequential"]["latency_ms"]["p95"]
            counts = qc.get(qkey, {})
            worst = max(counts.values()) if counts else None
            add(key, f"p95 {p95} ms (p50 {q['sequential']['latency_ms']['p50']}); queries {counts or 'n/a'}", f"{q['ratio_p95']}x",
                p95 <= 50 and (worst is None or worst <= 10) and q["ratio_p95"] <= 3)
    if "detail_api" in r:
        d = r["detail_api"]
        counts = qc.get("detail_api", {})
        add("detail_api", f"p95 {d['sequential']['latency_ms']['p95']} ms; queries {counts or 'n/a'}", f"{d['ratio_p95']}x",
            d["sequential"]["latency_ms"]["p95"] <= 50 and (len(set(counts.values())) <= 1))
    if "determination_api" in r:
        d = r["determination_api"]
        best = max(d["runs"].values(), key=lambda x: x["rps"])
        add("determination_api", f"{best['rps']} req/s at {best['threads']} threads (p95 {best['latency_ms']['p95']} ms); 1 thread p95 {d['runs']['threads_1']['latency_ms']['p95']} ms",
            f"{round(best['latency_ms']['p50'] / d['floor_ms']['p50'], 1)}x (p50 vs SELECT 1)", best["rps"] >= 300 and any(x["rps"] >= 300 and x["latency_ms"]["p95"] <= 20 for x in d["runs"].values()))
    if "submit_100_lines" in r:
        s = r["submit_100_lines"]
        add("submit_100_lines", f"p95 {s['latency_ms'].get('p95')} ms (p50 {s['latency_ms'].get('p50')}), n={s['submitted']}, statuses {s['statuses']}", f"{s['ratio_p95']}x",
            bool(s["latency_ms"]) and s["latency_ms"]["p95"] <= 300 and list(s["statuses"]) == [200])
    if "guided_submit_100_lines" in r:
        g = r["guided_submit_100_lines"]
        lat, ratio = g["latency_ms"], g["ratio_p95"]
        post, check, confirm = lat["submit_post"], lat["check_page"], lat["confirmation_page"]
        add("guided_submit_100_lines", f"submit POST p95 {post.get('p95')} ms (p50 {post.get('p50')}); check page GET p95 {check.get('p95')} ms (p50 {check.get('p50')}); "
            f"confirmation GET p95 {confirm.get('p95')} ms; n={g['drafts']}, statuses {g['statuses']}",
            f"submit {ratio['submit_post']}x, check page {ratio['check_page']}x",
            bool(post) and post["n"] == g["drafts"] and post["p95"] <= 300 and list(g["statuses"]["submit_post"]) == [302])
    if "screening_one_party" in r:
        s = r["screening_one_party"]
        add("screening_one_party", f"p95 {s['latency_ms']['p95']} ms, recall {s['recall']} ({s['test_names']} names)", f"{s['ratio_p95']}x",
            s["latency_ms"]["p95"] <= 50 and s["recall"] >= 0.95)
    if "rescreen_workers" in r:
        s = r["rescreen_workers"]
        add("rescreen_workers", f"{s['parties_per_second']} parties/s ({s['parties_screened']} parties in {s['seconds']} s, run {s['run_status']})",
            f"floor {s['floor_parties_per_second']}/s = {s['ratio']}x", s["parties_per_second"] >= 2000)
    if "usage_upload_100k" in r:
        u = r["usage_upload_100k"]
        add("usage_upload_100k", f"{u['seconds']} s for {u['rows']} rows (HTTP {u['status']}); worker RSS +{u['worker_rss_mib_growth']} MiB (peak {u['worker_rss_mib_peak']} MiB)",
            f"{u['ratio']}x", u["seconds"] <= 15 and u["status"] in (200, 201) and u["worker_rss_mib_growth"] < 200)
    if "office_search" in r:
        o = r["office_search"]
        add("office_search", f"p95 {o['sequential']['latency_ms']['p95']} ms (p50 {o['sequential']['latency_ms']['p50']}), {o['queries']} queries, "
            f"found on the first page {o['recall_first_page']} {o['recall_by_kind']}, matches median {o['matches_median']} max {o['matches_max']}; "
            f"broad words p95 {o['broad_words']['sequential']['latency_ms']['p95']} ms",
            f"{o['ratio_p95']}x", o["sequential"]["latency_ms"]["p95"] <= 100)
    for key in ("case_page", "timeline_api"):
        if key in r:
            c = r[key]
            counts = qc.get(key, {})
            add(key, f"p95 {c['sequential']['latency_ms']['p95']} ms (p50 {c['sequential']['latency_ms']['p50']}); queries {counts or 'n/a'} "
                f"for {qc.get('case_entries', {})} timeline entries", f"{c['ratio_p95']}x",
                c["sequential"]["latency_ms"]["p95"] <= 50 and len(set(counts.values())) == 1)
    if "annual_report" in r:
        a = r["annual_report"]
        inproc = qc.get("annual_report_inprocess", {})
        add("annual_report", f"{a['seconds_all_tables_http']} s over HTTP (10 tables, {a['decisions_in_year']} decisions in {a['year']}); in process {inproc.get('seconds', 'n/a')} s, {inproc.get('queries', 'n/a')} queries",
            f"{a['ratio']}x", a["seconds_all_tables_http"] <= 2)
    if "customs_write_off" in r:
        w = r["customs_write_off"]
        lat = w["load_4"]["latency_ms"]
        add("customs_write_off", f"{w['load_4']['rps']} write-offs/s at 4 clients, p95 {lat['p95']} ms (p50 {lat['p50']}), statuses {w['load_4']['statuses']}",
            f"floor {w['floor_4_connections']['rps']}/s, p95 {w['floor_4_connections']['latency_ms']['p95']} ms = {w['ratio_p95']}x p95, {w['ratio_rps']}x rate"
            + (f"; floor without the chain's lock {u['rps']}/s, p95 {u['latency_ms']['p95']} ms" if (u := w.get("floor_4_connections_without_chain_lock")) else ""),
            w["load_4"]["rps"] >= 500 and lat["p95"] <= 30 and list(w["load_4"]["statuses"]) == [201])
    if "customs_check" in r:
        ch = r["customs_check"]
        add("customs_check", f"p95 {ch['sequential']['latency_ms']['p95']} ms (p50 {ch['sequential']['latency_ms']['p50']}); 4 clients {ch['concurrent_4']['rps']}/s p95 {ch['concurrent_4']['latency_ms']['p95']} ms",
            f"{ch['ratio_p95']}x", ch["sequential"]["latency_ms"]["p95"] <= 20)
    return rows


def markdown(result: dict) -> str:
    m = result["machine"]
    lines = [f"# Benchmark {result['date']} — {result['sizes']['applications']:,} applications", "",
             f"Machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB RAM, PostgreSQL {m['postgresql']}, Python {m['python']}. "
             f"gunicorn {result['gunicorn']}, production settings (DEBUG off, CONN_MAX_AGE {result.get('conn_max_age')}), client on loopback "
             f"in a separate process. Load average (1 min) on the shared machine: {result.get('load', {})}", "",
             "Sizes: " + ", ".join(f"{k} {v:,}" for k, v in result["sizes"].items() if isinstance(v, int)), "",
             "| what | target | measured | vs SQL floor | met |", "|---|---|---|---|---|"]
    for v in result["verdicts"]:
        lines.append(f"| {v['what']} | {v['target']} | {v['measured']} | {v['floor_ratio']} | {'yes' if v['met'] else '**no**'} |")
    lines += ["", "Query counts (in process, CaptureQueriesContext): " + json.dumps(result.get("query_counts", {}).get("counts", {})), ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="queue,detail,case,search,determination,submit,guided,screening,usage,report,customs,rescreen")
    parser.add_argument("--quick", action="store_true", help="fewer requests and 10,000-row upload (CI smoke)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (README's production shape: -w 4)")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"], help="gunicorn worker class (README: gthread)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (README: --threads 4)")
    parser.add_argument("--tag", default="", help="added to the result files' names (e.g. a partial run with --only)")
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    RESULTS.mkdir(exist_ok=True)
    dbname = psycopg2.extensions.parse_dsn(dsn())["dbname"]
    state_file = ROOT / "bench" / ".state" / f"{dbname}.json"
    state = json.loads(state_file.read_text())
    # A session made at generation time has ended since (idle expiry): sign the bench officer and exporter in afresh.
    from django.contrib.auth import get_user_model

    from bench.sessions import signed_in_session  # not bench.generate: importing it points Celery at memory://

    state["officer_session"] = signed_in_session(get_user_model().objects.get(pk=state["officer_id"]))
    state["exporter_session"] = signed_in_session(get_user_model().objects.get(pk=state["exporter_id"]))
    state_file.write_text(json.dumps(state, indent=1))
    only = set(args.only.split(","))
    sizes = {"applications": state["applications"]} | {k: v for k, v in state["counts"].items()}
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "database": dbname, "machine": machine(), "sizes": sizes,
              "generated_seconds": state.get("generated_seconds"), "gunicorn_workers": args.workers,
              "gunicorn": f"-w {args.workers} -k {args.worker_class}" + (f" --threads {args.threads}" if args.worker_class == "gthread" else ""),
              "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"], "only": sorted(only), "quick": args.quick, "load": {}, "results": {}}
    print("query counts ...", file=sys.stderr, flush=True)
    qc = subprocess.run([PY, str(ROOT / "bench" / "query_counts.py"), "--year", str(args.year)], cwd=ROOT, capture_output=True, text=True)
    result["query_counts"] = json.loads(qc.stdout) if qc.returncode == 0 else {"error": qc.stderr[-2000:]}
    officer = Client(port=args.port, token=state["officer_token"])
    exporter = Client(port=args.port, token=state["exporter_token"])
    page = Client(port=args.port, session=state["officer_session"])
    with Server(args.port, args.workers, args.worker_class, args.threads) as server:
        steps = [("queue", lambda: bench_queue(state, officer, page, args)), ("detail", lambda: bench_detail(state, officer, args)),
                 ("case", lambda: bench_case(state, officer, page, result["query_counts"]["case"]["ids"], args)),
                 ("search", lambda: bench_search(state, officer, args)),
                 ("determination", lambda: bench_determination(state, officer, args)), ("screening", lambda: bench_screening(state, officer, args)),
                 ("report", lambda: bench_report(state, officer, args, args.year)), ("submit", lambda: bench_submit(state, exporter, args)),
                 ("guided", lambda: bench_guided(state, args)),
                 ("usage", lambda: bench_usage(state, server, exporter, args)), ("customs", lambda: bench_customs(state, args))]
        for name, fn in steps:
            if name in only:
                print(f"{name} ...", file=sys.stderr, flush=True)
                result["load"][name] = load_average()
                t = time.perf_counter()
                try:
                    result["results"].update(fn())
                except Exception as exc:  # noqa: BLE001 - one failing benchmark does not lose the others
                    result["results"][f"{name}_error"] = repr(exc)[:2000]
                print(f"{name} done in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    if "rescreen" in only:
        print("rescreen ...", file=sys.stderr, flush=True)
        result["load"]["rescreen"] = load_average()
        try:
            result["results"].update(bench_rescreen(state, args))
        except Exception as exc:  # noqa: BLE001
            result["results"]["rescreen_error"] = repr(exc)[:2000]
    case_counts = result["query_counts"].get("case", {})
    result["verdicts"] = verdicts(result["results"], result["query_counts"].get("counts", {}) | case_counts.get("counts", {})
                                  | {"annual_report_inprocess": result["query_counts"].get("annual_report", {}), "case_entries": case_counts.get("entries", {})})
    stem = f"{date.today().isoformat()}-{state['applications']}{'-quick' if args.quick else ''}{'-' + args.tag if args.tag else ''}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str))
    (RESULTS / f"{stem}.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
