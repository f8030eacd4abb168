"""
Redis stopped under load (issues 16.5 and 23.10): gunicorn with the production settings and a Celery worker (with
beat) run on a Redis of this test's own, which it stops and starts again (never the machine's Redis: other tests and
CI use that one). While Redis is away the service answers from the database: no read with a token or a session fails,
every accepted write is in the database, and every decision taken meanwhile is e-mailed exactly once after Redis
returns (the outbox's dispatcher; mail goes to files the test reads).

RELIABILITY_REDIS_OUTAGE_SECONDS (default 60) is how long Redis stays stopped; RELIABILITY_OUTAGE_RATE (default 8
requests per second, all kinds together) the load offered before, during and after.
"""
import http.client
import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.client import Client, percentiles
from tests.conftest import skip_unless
from tests.factories import PASSWORD, application_payload

from .harness import LOOPBACK, Cluster, Gunicorn, RedisServer, initdb_path, worker_start
from .test_load import Exporter, certificate_upload

pytestmark = [pytest.mark.integration, pytest.mark.heavy]

OUTAGE = float(os.environ.get("RELIABILITY_REDIS_OUTAGE_SECONDS", "60"))
RATE = float(os.environ.get("RELIABILITY_OUTAGE_RATE", "8"))
BEFORE = AFTER = 10.0  # seconds of load with Redis up, before the outage and after it
READY = 30  # applications routed before the load, for the officials to decide during it
MIX = ["exporter_write", "session_page", "exporter_list", "official_detail", "session_page", "exporter_write", "exporter_list",
       "official_detail", "session_page", "exporter_list"]
DECIDE_EVERY = 20  # one request in this many is a decision, while decision-ready applications last


def session_login(port: int, username: str) -> str:
    """Log in through the login form, as a browser does; returns the session cookie's value."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    conn.request("GET", "/login/", headers={"Host": LOOPBACK})
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 200, f"the login page answered {response.status}"
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    conn.close()
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
    body = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={form_token}"
    conn.request("POST", "/login/", body=body, headers={"Host": LOOPBACK, "Cookie": f"csrftoken={csrf_cookie}", "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 302, f"login of {username} answered {response.status}"
    cookies = ";".join(value for name, value in response.getheaders() if name.lower() == "set-cookie")
    return re.search(r"sessionid=([^;]+)", cookies).group(1)


def submit_one(client: Client) -> int:
    status, body, _ = client.request("POST", "/api/v1/applications/", application_payload(title=f"Outage {uuid.uuid4().hex[:8]}"), timeout=60)
    assert status == 201, body
    app_id = json.loads(body)["id"]
    upload, content_type = certificate_upload(app_id)
    assert client.request("POST", f"/api/v1/applications/{app_id}/documents/", upload, {"Content-Type": content_type}, timeout=60)[0] == 201
    assert client.request("POST", f"/api/v1/applications/{app_id}/submit/", timeout=60)[0] == 200
    return app_id


def mails_about(mail_dir: Path, reference: str) -> int:
    """How many decision e-mails name the application's reference in their subject (each message, each recipient)."""
    return sum(
        1
        for path in mail_dir.glob("*.log")
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("Subject:") and line.rstrip().endswith(f" {reference}")
    )


class Stack:
    def wait_for(self, sql: str, expected, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.cluster.psql(sql) == expected:
                return
            time.sleep(1)
        raise AssertionError(f"{sql} did not become {expected!r} in {seconds:g} s: {self.cluster.psql(sql)!r}")

    def next_ready(self) -> int | None:
        with self.lock:
            return self.ready.pop(0) if self.ready else None


@pytest.fixture(scope="module")
def stack():
    """Redis, PostgreSQL, gunicorn and a worker with beat, all this test's own; applications ready for a decision."""
    skip_unless(shutil.which("redis-server") is not None, "integration test: needs redis-server (package redis-server) to run a Redis it may stop")
    skip_unless(initdb_path() is not None, "integration test: needs PostgreSQL's initdb and pg_ctl (package postgresql) to start a cluster")
    mail_dir = Path(tempfile.mkdtemp(prefix="licensing-mail-"))
    beat_dir = Path(tempfile.mkdtemp(prefix="licensing-beat-"))
    with RedisServer() as redis, Cluster() as cluster:
        users = cluster.prepare()
        cluster.psql("UPDATE accounts_user SET email = username || '@example.test'")  # so that decisions are mailed
        with Gunicorn(cluster, pages=True, env={"REDIS_URL": redis.url}) as server:
            worker = worker_start(
                queue=server.queue, database_url=cluster.url, name=f"outage-{uuid.uuid4().hex[:6]}", beat_schedule=beat_dir / "schedule",
                settings={"REDIS_URL": redis.url, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": mail_dir,
                     "OUTBOX_DISPATCH_SECONDS": 5},
            )
            try:
                s = Stack()
                s.redis, s.cluster, s.server, s.users, s.mail_dir, s.lock = redis, cluster, server, users, mail_dir, threading.Lock()
                exporters = [Client(port=server.port, token=t) for t in users["exporters"]]
                with ThreadPoolExecutor(max_workers=4) as pool:
                    s.ready = list(pool.map(lambda n: submit_one(exporters[n % len(exporters)]), range(READY)))
                ids = ",".join(map(str, s.ready))
                s.wait_for(f"SELECT count(*) FROM applications_application WHERE id IN ({ids}) AND status = 'in_review'", [(READY,)])
                yield s
            finally:
                worker.terminate()
                worker.wait(timeout=30)
    shutil.rmtree(mail_dir, ignore_errors=True)
    shutil.rmtree(beat_dir, ignore_errors=True)


def test_a_decision_taken_while_the_broker_is_stopped_is_mailed_once_when_it_returns(stack):
    officer = Client(port=stack.server.port, token=stack.users["officers"][0])
    app_id = stack.next_ready()
    reference = stack.cluster.psql(f"SELECT reference FROM applications_application WHERE id = {app_id}")[0][0]
    stack.redis.stop()
    try:
        status, body, _ = officer.request("POST", f"/api/v1/office/applications/{app_id}/decision/", {"outcome": "issued"}, timeout=60)
        assert status == 201, body
        time.sleep(5)  # a dispatcher would have had its chance: there is none without the broker
        assert stack.cluster.psql(f"SELECT count(*) FROM core_outboxmessage m JOIN licences_decision d ON d.id = m.object_id "
                                  f"WHERE m.kind = 'licences.decision_notify' AND d.application_id = {app_id} AND m.sent_at IS NULL") == [(1,)]
        assert mails_about(stack.mail_dir, reference) == 0
    finally:
        stack.redis.start()
    stack.wait_for("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL", [(0,)], seconds=120)
    assert mails_about(stack.mail_dir, reference) == 1
    assert stack.cluster.psql(f"SELECT count(*) FROM audit_event WHERE verb = 'decision.notified' AND target_id = '{app_id}'") == [(1,)]


def test_redis_stopped_under_load_fails_no_read_loses_no_write_and_mails_each_decision_once(stack):
    server = stack.server
    exporters = [Exporter(Client(port=server.port, token=t)) for t in stack.users["exporters"]]
    browsers = [Client(port=server.port, session=session_login(server.port, f"load_exporter{n}")) for n in range(len(exporters))]
    officials = [Client(port=server.port, token=t) for t in stack.users["officers"]]
    results, lock = [], threading.Lock()
    written, decided = [], []
    outage = {}

    def record(kind, status, expected, elapsed, during):
        with lock:
            results.append((kind, status, expected, elapsed, during))

    def one(n: int) -> None:
        kind = "decide" if n % DECIDE_EVERY == DECIDE_EVERY - 1 else MIX[n % len(MIX)]
        app_id = stack.next_ready() if kind == "decide" else None
        if kind == "decide" and app_id is None:
            kind = "exporter_list"  # every decision-ready application is decided
        during = "stopped" in outage and "started" not in outage
        try:
            if kind == "exporter_write":  # a draft, its certificate or its submission, in turn

                def written_as(step, status, expected, elapsed, app_id):
                    record(step, status, expected, elapsed, during)
                    if status == expected:
                        with lock:
                            written.append((step, app_id))

                exporters[n % len(exporters)].write(written_as)
            elif kind == "decide":
                status, _, elapsed = officials[n % len(officials)].request("POST", f"/api/v1/office/applications/{app_id}/decision/", {"outcome": "issued"}, timeout=60)
                if status == 201:
                    with lock:
                        decided.append(app_id)
                record(kind, status, 201, elapsed, during)
            elif kind == "session_page":
                status, _, elapsed = browsers[n % len(browsers)].request("GET", "/applications/", timeout=60)
                record(kind, status, 200, elapsed, during)
            elif kind == "exporter_list":
                status, _, elapsed = exporters[n % len(exporters)].client.request("GET", "/api/v1/applications/?page_size=20", timeout=60)
                record(kind, status, 200, elapsed, during)
            else:
                status, _, elapsed = officials[n % len(officials)].request("GET", "/api/v1/office/queue/?page_size=50", timeout=60)
                record(kind, status, 200, elapsed, during)
        except Exception as exc:  # noqa: BLE001 - a refused connection or a timeout is an error of the load test
            record(kind, type(exc).__name__, "answer", 0.0, during)

    def outage_run():
        time.sleep(BEFORE)
        stack.redis.stop()
        outage["stopped"] = time.monotonic()
        time.sleep(OUTAGE)
        stack.redis.start()
        outage["started"] = time.monotonic()

    seconds = BEFORE + OUTAGE + AFTER
    total = int(RATE * seconds)
    fault = threading.Thread(target=outage_run)
    started = time.monotonic()
    fault.start()
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            for n in range(total):
                due = started + n / RATE
                if due > time.monotonic():
                    time.sleep(due - time.monotonic())
                pool.submit(one, n)
    finally:
        fault.join()

    summary = {}
    for kind, status, expected, elapsed, during in results:
        entry = summary.setdefault(f"{kind}{' (Redis down)' if during else ''}", {"n": 0, "errors": 0, "latencies": []})
        entry["n"] += 1
        entry["errors"] += status != expected
        entry["latencies"].append(elapsed)
    print(f"\nRedis stopped {OUTAGE:g} s; " + json.dumps({k: {"n": v["n"], "errors": v["errors"], "p95_ms": percentiles(v["latencies"]).get("p95")} for k, v in sorted(summary.items())}))

    assert sum(1 for *_, during in results if during) > RATE * OUTAGE / 2, "the load did not run through the outage"
    failed = [(kind, status, during) for kind, status, expected, _, during in results if status != expected]
    assert not failed, failed[:20]  # reads with a token or a session and writes alike: no 500, no refusal

    # Every accepted write is in the database.
    created = {app_id for step, app_id in written if step == "create"}
    documented = {app_id for step, app_id in written if step == "document"}
    submitted = {app_id for step, app_id in written if step == "submit"}
    assert created and documented and submitted and decided
    stored = dict(stack.cluster.psql(f"SELECT id, status FROM applications_application WHERE id IN ({','.join(map(str, created))})"))
    assert set(stored) == created
    assert documented <= {row[0] for row in stack.cluster.psql("SELECT DISTINCT application_id FROM applications_document")}
    assert all(stored[app_id] != "draft" for app_id in submitted)
    events = {row[0] for row in stack.cluster.psql("SELECT target_id FROM audit_event WHERE verb = 'application.submit'")}
    assert {str(app_id) for app_id in submitted} <= events
    ids = ",".join(map(str, decided))
    assert stack.cluster.psql(f"SELECT count(*) FROM licences_decision WHERE application_id IN ({ids})") == [(len(decided),)]

    # Every decision is mailed, once, after Redis returned.
    stack.wait_for("SELECT count(*) FROM core_outboxmessage WHERE sent_at IS NULL", [(0,)], seconds=180)
    references = [row[0] for row in stack.cluster.psql(f"SELECT reference FROM applications_application WHERE id IN ({ids})")]
    assert {reference: mails_about(stack.mail_dir, reference) for reference in references} == dict.fromkeys(references, 1)
    assert stack.cluster.psql(f"SELECT count(*) FROM audit_event WHERE verb = 'decision.notified' AND target_id IN ({','.join(repr(str(i)) for i in decided)})") == [(len(decided),)]
