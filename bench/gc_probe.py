"""
The garbage collector's share of a hot page's time, in process with the production GC settings (config/wsgi.py):
how often each generation is collected, how long a collection takes, and the page's latency with them.

    source bench/env.sh && PYTHONPATH=. .venv/bin/python bench/gc_probe.py [--requests 200] [--threshold2 N]

The page is the officer's case page of the case query_counts.py makes (as `profile_hot.py case_page`). `--threshold2`
tries another generation-2 threshold than config/wsgi.py's.
"""
import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["ALLOWED_HOSTS"] = os.environ.get("ALLOWED_HOSTS", "127.0.0.1") + ",testserver"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threshold2", type=int, default=None)
    args = parser.parse_args()
    import config.wsgi  # noqa: F401 - Django set up, the code frozen and the thresholds set as in production

    if args.threshold2 is not None:
        first, second, _ = gc.get_threshold()
        gc.set_threshold(first, second, args.threshold2)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.profile_hot import case_id
    from bench.sessions import signed_in_session

    state = json.loads((ROOT / "bench" / ".state" / f"{connection.settings_dict['NAME']}.json").read_text())
    page = Client()
    page.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(get_user_model().objects.get(pk=state["officer_id"]))
    path = f"/office/cases/{case_id()}/"
    for _ in range(10):
        page.get(path)
    collections, started = [], [0.0]

    def timed(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            collections.append((info["generation"], (time.perf_counter() - started[0]) * 1000))

    gc.callbacks.append(timed)
    walls = []
    for _ in range(args.requests):
        wall = time.perf_counter()
        page.get(path)
        walls.append((time.perf_counter() - wall) * 1000)
    gc.callbacks.remove(timed)
    walls.sort()
    print(f"thresholds {gc.get_threshold()}; {args.requests} requests: p50 {walls[len(walls) // 2]:.1f} ms, "
          f"p95 {walls[int(len(walls) * 0.95)]:.1f} ms, worst {walls[-1]:.1f} ms")
    for generation in (0, 1, 2):
        times = [ms for g, ms in collections if g == generation]
        if times:
            print(f"generation {generation}: {len(times)} collections ({len(times) / args.requests:.3f} a request), "
                  f"mean {statistics.mean(times):.2f} ms, longest {max(times):.2f} ms")


if __name__ == "__main__":
    main()
