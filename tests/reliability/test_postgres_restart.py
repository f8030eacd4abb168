"""
A PostgreSQL restart under load fails only the requests in flight, and the service recovers by itself: gunicorn
keeps its workers (no restart), and their persistent connections (CONN_MAX_AGE=60) are checked before reuse
(CONN_HEALTH_CHECKS) and opened again. The restarted cluster is the test's own (tests/reliability/harness.py).
"""
import json
import threading
import time

import pytest

from bench.client import Client
from tests.factories import application_payload

pytestmark = [pytest.mark.integration, pytest.mark.heavy]

THREADS = 3
PAUSE = 0.02  # between one thread's requests: a steady load, not a flood of a shared two-core machine
MAX_REQUESTS = 5000
WARM = 20  # requests answered before the restart


def test_a_database_restart_fails_only_requests_in_flight_and_the_service_recovers(throwaway_server):
    server, cluster = throwaway_server, throwaway_server.cluster
    officer = Client(port=server.port, token=server.users["officers"][0])
    exporter = Client(port=server.port, token=server.users["exporters"][0])
    determination = {"goods_kind": "military", "movement": "export", "destination": "US", "control_entry": "ML6", "value_eur": "250000"}
    calls = [
        ("queue", lambda: officer.request("GET", "/api/v1/office/queue/", timeout=30)),
        ("own list", lambda: exporter.request("GET", "/api/v1/applications/", timeout=30)),
        ("create", lambda: exporter.request("POST", "/api/v1/applications/", application_payload(), timeout=30)),
        ("determination", lambda: officer.request("POST", "/api/v1/determinations/", determination, timeout=30)),
    ]
    log, lock, stop = [], threading.Lock(), threading.Event()

    def load(offset: int) -> None:
        n = offset
        while not stop.is_set() and len(log) < MAX_REQUESTS:
            name, call = calls[n % len(calls)]
            n += 1
            started = time.monotonic()
            try:
                status, body, _ = call()
            except OSError as exc:  # a refused or reset connection: counted as a failure, never ignored
                status, body = type(exc).__name__, b""
            with lock:
                log.append((started, time.monotonic(), name, status, body))
            time.sleep(PAUSE)

    workers_before = server.worker_pids()
    threads = [threading.Thread(target=load, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    # Warm: the gunicorn workers have served requests and hold persistent connections to the database.
    deadline = time.monotonic() + 60
    while len(log) < WARM and time.monotonic() < deadline:
        time.sleep(0.1)
    restart_began = time.monotonic()
    cluster.restart()
    restart_done = time.monotonic()
    time.sleep(4)
    stop.set()
    for t in threads:
        t.join(timeout=60)

    before = [e for e in log if e[1] < restart_began]
    during = [e for e in log if e[1] >= restart_began and e[0] <= restart_done]
    after = [e for e in log if e[0] > restart_done]
    ok = lambda e: isinstance(e[3], int) and 200 <= e[3] < 300  # noqa: E731
    failed_during = [(name, status) for _, _, name, status, _ in during if not ok((0, 0, name, status))]
    print(f"restart took {restart_done - restart_began:.2f} s; requests before {len(before)}, during {len(during)} "
          f"({len(failed_during)} failed: {sorted(set(failed_during))}), after {len(after)}")

    assert len(before) >= WARM and all(ok(e) for e in before), [e[2:4] for e in before if not ok(e)]
    # In flight during the restart: an error answer (500, or 503 from the health check) at worst, never a hang.
    assert all(isinstance(status, int) and status >= 500 for _, status in failed_during), failed_during
    assert len(after) >= 20, "too few requests after the restart to show recovery"
    assert all(ok(e) for e in after), [(e[2], e[3], e[4][:200]) for e in after if not ok(e)]
    assert server.proc.poll() is None and server.worker_pids() == workers_before  # recovered without a restart
    assert Client(port=server.port).request("GET", "/health/")[0] == 200
    created = {json.loads(body)["id"] for _, _, name, status, body in log if name == "create" and status == 201}
    stored = {row[0] for row in cluster.psql("SELECT id FROM applications_application")}
    assert created <= stored  # every accepted write survived the restart
