"""
A bounded load test on loopback: exporters (create a draft, add its end-user certificate, submit, list their
own) and officials (queue, application detail, determination) at a fixed rate against gunicorn with the
production settings (tests/reliability/harness.py). No request may fail, and every accepted write must be in
the database afterwards.

The rate: the performance issue asks 300 req/s for the determination alone; this machine class (two cores)
serves about 75 req/s of determinations at best (bench/results). This mix costs far more per request: one by one
on this server (the machine shared, load average 8), a submission takes about 440 ms, a draft 200 ms, a certificate 120 ms, a detail 120 ms, the
lists 50-60 ms and a determination 30 ms, about 120 ms per request on average. So the load is offered at
RELIABILITY_LOAD_RATE (default 15 req/s) for RELIABILITY_LOAD_SECONDS (default 60 s). On a machine shared with
other test runs (load average 8-10) the server answered 10-12 req/s of it; the test prints what it measured and
fails below half the offered rate (a stall), on any error, and on any lost write.
"""
import itertools
import json
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.client import Client, percentiles
from tests.factories import application_payload, pdf_bytes

pytestmark = [pytest.mark.integration, pytest.mark.heavy]

RATE = float(os.environ.get("RELIABILITY_LOAD_RATE", "15"))  # requests per second, all kinds together
SECONDS = float(os.environ.get("RELIABILITY_LOAD_SECONDS", "60"))
CLIENT_THREADS = 16  # enough to keep the rate while some requests wait; a bound on what is in flight
# One cycle of ten requests: four by exporters, six by officials.
MIX = ["exporter_write", "official_queue", "determination", "exporter_write", "official_detail", "exporter_list",
       "determination", "exporter_write", "official_queue", "official_detail"]
DETERMINATIONS = [
    {"goods_kind": "military", "movement": "export", "destination": "US", "control_entry": "ML6", "value_eur": "250000"},
    {"goods_kind": "dual_use", "movement": "export", "destination": "CN", "control_entry": "3A001"},
    {"goods_kind": "military", "movement": "export", "destination": "SA", "control_entry": "ML4.b", "value_eur": "2000000", "complete_system": True},
]


def certificate_upload(application_id: int) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nend_user_certificate\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="euc-{application_id}.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode() + pdf_bytes("End-user certificate") + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Exporter:
    """One exporter's next step: create a draft, then add its certificate, then submit it."""

    def __init__(self, client: Client):
        self.client, self.lock = client, threading.Lock()
        self.drafts, self.with_document = [], []

    def write(self, record):
        with self.lock:
            if self.with_document:
                step, app_id = "submit", self.with_document.pop(0)
            elif self.drafts:
                step, app_id = "document", self.drafts.pop(0)
            else:
                step, app_id = "create", None
        if step == "create":
            status, body, elapsed = self.client.request("POST", "/api/v1/applications/", application_payload(title=f"Load {uuid.uuid4().hex[:8]}"), timeout=30)
            record("create", status, 201, elapsed, json.loads(body)["id"] if status == 201 else None)
            if status == 201:
                with self.lock:
                    self.drafts.append(json.loads(body)["id"])
        elif step == "document":
            body, content_type = certificate_upload(app_id)
            status, _, elapsed = self.client.request("POST", f"/api/v1/applications/{app_id}/documents/", body, {"Content-Type": content_type}, timeout=30)
            record("document", status, 201, elapsed, app_id)
            if status == 201:
                with self.lock:
                    self.with_document.append(app_id)
        else:
            status, _, elapsed = self.client.request("POST", f"/api/v1/applications/{app_id}/submit/", timeout=30)
            record("submit", status, 200, elapsed, app_id)


def test_a_minute_of_mixed_load_has_no_errors_and_loses_no_write(throwaway_server):
    server = throwaway_server
    exporters = [Exporter(Client(port=server.port, token=t)) for t in server.users["exporters"]]
    officials = [Client(port=server.port, token=t) for t in server.users["officers"]]
    submitted_ids: list[int] = []
    results, lock = [], threading.Lock()

    def record(kind, status, expected, elapsed, app_id=None):
        with lock:
            results.append((kind, status, expected, elapsed, app_id))
            if kind == "submit" and status == expected:
                submitted_ids.append(app_id)

    def official_get(kind, official, path_of):
        with lock:
            target = submitted_ids[len(results) % len(submitted_ids)] if submitted_ids else None
        path = path_of(target)
        status, _, elapsed = official.request("GET", path, timeout=30)
        record(kind, status, 200, elapsed)

    def one(n: int, due: float) -> None:
        late.append(time.monotonic() - due)  # how long the request waited for a free client thread
        kind = MIX[n % len(MIX)]
        if time.monotonic() > hard_deadline:  # bounded in time even if the server stalls: counted as an error
            record(kind, "not sent: past the time bound", "answer", 0.0)
            return
        official = officials[n % len(officials)]
        try:
            if kind == "exporter_write":
                exporters[n % len(exporters)].write(record)
            elif kind == "exporter_list":
                exporter = exporters[n % len(exporters)].client
                status, _, elapsed = exporter.request("GET", "/api/v1/applications/?page_size=20", timeout=30)
                record(kind, status, 200, elapsed)
            elif kind == "official_queue":
                official_get(kind, official, lambda _: "/api/v1/office/queue/?page_size=50")
            elif kind == "official_detail":
                official_get(kind, official, lambda app_id: f"/api/v1/applications/{app_id}/" if app_id else "/api/v1/office/queue/")
            else:
                status, _, elapsed = official.request("POST", "/api/v1/determinations/", DETERMINATIONS[n % len(DETERMINATIONS)], timeout=30)
                record(kind, status, 200, elapsed)
        except Exception as exc:  # noqa: BLE001 - a refused connection or a timeout is an error of the load test
            record(kind, type(exc).__name__, "answer", 0.0)

    # Open loop at a fixed rate: request n starts at n / RATE seconds, whatever the earlier ones take.
    total = int(RATE * SECONDS)
    late = []
    started = time.monotonic()
    hard_deadline = started + SECONDS + 60
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        for n in itertools.islice(itertools.count(), total):
            due = started + n / RATE
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            pool.submit(one, n, due)
        scheduled = time.monotonic() - started
    wall = time.monotonic() - started  # until the last answer

    by_kind = {}
    for kind, status, expected, elapsed, _ in results:
        entry = by_kind.setdefault(kind, {"n": 0, "errors": 0, "latencies": []})
        entry["n"] += 1
        entry["errors"] += status != expected
        entry["latencies"].append(elapsed)
    summary = {k: {"n": v["n"], "errors": v["errors"], "p95_ms": percentiles(v["latencies"]).get("p95")} for k, v in sorted(by_kind.items())}
    print(f"\n{len(results)} requests started over {scheduled:.1f} s, last answer at {wall:.1f} s: {len(results) / wall:.1f} req/s "
          f"(target {RATE:g}); start lag {percentiles(late)} ms; {json.dumps(summary)}")

    errors = [(kind, status) for kind, status, expected, _, _ in results if status != expected]
    assert not errors, errors[:20]
    assert len(results) == total, f"{total - len(results)} requests never started or ended"
    # Kept up: on a machine of its own the server answers at the offered rate (requests start on time); on a shared
    # one less, but never a stall.
    assert len(results) / wall >= RATE / 2, f"the server stalled: {len(results) / wall:.1f} req/s of {RATE:g} offered"

    # No lost writes: every accepted draft, certificate and submission is in the database.
    created = {app_id for kind, status, expected, _, app_id in results if kind == "create" and status == expected}
    documented = {app_id for kind, status, expected, _, app_id in results if kind == "document" and status == expected}
    stored = dict(server.cluster.psql(f"SELECT id, status FROM applications_application WHERE id IN ({','.join(map(str, created)) or 0})"))
    assert set(stored) == created
    with_document = {row[0] for row in server.cluster.psql("SELECT DISTINCT application_id FROM applications_document")}
    assert documented <= with_document
    assert submitted_ids and all(stored[app_id] != "draft" for app_id in submitted_ids)
    events = {row[0] for row in server.cluster.psql("SELECT target_id FROM audit_event WHERE verb = 'application.submit'")}
    assert {str(app_id) for app_id in submitted_ids} <= events  # one event row per move, none lost
