"""A small HTTP load client on loopback (http.client + threads): bounded in requests and in time."""
import http.client
import json
import statistics
import threading
import time
import uuid


class Client:
    def __init__(self, host="127.0.0.1", port=8000, token=None, session=None):
        self.host, self.port, self.token, self.session = host, port, token, session

    def headers(self, extra=None):
        h = {"Host": "127.0.0.1", "Accept": "application/json", "Connection": "close"}
        if self.token:
            h["Authorization"] = f"Token {self.token}"
        if self.session:
            h["Cookie"] = f"sessionid={self.session}"
        h.update(extra or {})
        return h

    def request(self, method, path, body=None, headers=None, timeout=180):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        data = body
        h = self.headers(headers)
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        started = time.perf_counter()
        conn.request(method, path, body=data, headers=h)
        response = conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, payload, elapsed


def multipart(field: str, filename: str, content: bytes, content_type="text/csv") -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def percentiles(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    if not ms:
        return {}
    pick = lambda q: ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]  # noqa: E731
    return {"n": len(ms), "p50": round(pick(0.5), 2), "p95": round(pick(0.95), 2), "p99": round(pick(0.99), 2), "max": round(ms[-1], 2), "mean": round(statistics.fmean(ms), 2)}


def run_load(make_request, *, threads: int, duration: float, max_requests: int) -> dict:
    """Call make_request() from `threads` threads until `duration` seconds or `max_requests` in total."""
    lock = threading.Lock()
    timings, errors, statuses = [], [0], {}
    count = [0]
    deadline = time.perf_counter() + duration

    def worker():
        while time.perf_counter() < deadline:
            with lock:
                if count[0] >= max_requests:
                    return
                count[0] += 1
            try:
                status, _, elapsed = make_request()
            except Exception:  # noqa: BLE001 - counted, the load goes on
                with lock:
                    errors[0] += 1
                continue
            with lock:
                timings.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    return {"threads": threads, "seconds": round(wall, 2), "requests": len(timings), "errors": errors[0], "statuses": statuses,
            "rps": round(len(timings) / wall, 1), "latency_ms": percentiles(timings)}
