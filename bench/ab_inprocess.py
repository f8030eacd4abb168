"""
A/B of one change in one process, interleaved rounds (not part of the test run): on a shared, loaded machine the
two variants see the same load, which separate HTTP runs minutes apart do not.

    source bench/env.sh && .venv/bin/python bench/ab_inprocess.py token     # DRF TokenAuthentication vs the cached one
    source bench/env.sh && .venv/bin/python bench/ab_inprocess.py detail    # the 8-table with_details join vs the split
    source bench/env.sh && .venv/bin/python bench/ab_inprocess.py validation  # a 100-line draft's validation: control list read per line vs once
"""
import argparse
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


def joined_details(queryset):
    """with_details before issue 10's split: every one-to-one in one join (kept here only to compare)."""
    from django.db.models import Prefetch

    from licensing.applications.models import Question

    return queryset.select_related("organisation", "previous", "general_licence", "amendment", "claimed_by", "decision__licence").prefetch_related(
        "destinations", "goods", "parties", "documents", Prefetch("questions", queryset=Question.objects.order_by("asked_at", "id"))
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["token", "detail", "validation"])
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from rest_framework.authentication import SessionAuthentication, TokenAuthentication
    from rest_framework.test import APIClient
    from rest_framework.views import APIView

    from bench.benchmarks import DETERMINATION_BODIES
    from licensing.api.authentication import CachedTokenAuthentication
    from licensing.applications import selectors

    state = json.loads((ROOT / "bench" / ".state" / f"{connection.settings_dict['NAME']}.json").read_text())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {state['officer_token']}")
    if args.what == "token":
        split = selectors.with_details
        variants = {
            "drf_token": lambda: setattr(APIView, "authentication_classes", [TokenAuthentication, SessionAuthentication]),
            "cached_token": lambda: setattr(APIView, "authentication_classes", [CachedTokenAuthentication, SessionAuthentication]),
        }
        requests = [("post", "/api/v1/determinations/", body) for body in DETERMINATION_BODIES * 25]
    else:
        split = selectors.with_details
        variants = {"joined": lambda: setattr(selectors, "with_details", joined_details), "split": lambda: setattr(selectors, "with_details", split)}
        requests = [("get", f"/api/v1/applications/{pk}/", None) for pk in state["bench"]["detail20"][:30]]
    if args.what == "validation":
        return ab_validation(state, args.rounds)
    times = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, use in variants.items():
            use()
            method, path, body = requests[0]
            getattr(client, method)(path, body, format="json")  # warm
            started = time.perf_counter()
            for method, path, body in requests:
                assert getattr(client, method)(path, body, format="json").status_code == 200
            times[name].append((time.perf_counter() - started) / len(requests) * 1000)
    for name, values in times.items():
        print(f"{args.what} {name}: ms a request, median {statistics.median(values):.2f}, min {min(values):.2f}; rounds {[round(v, 2) for v in values]}")
    print(f"load average {os.getloadavg()[0]:.2f}")


def ab_validation(state, rounds: int) -> None:
    """applications.validation.application_errors on a bench draft with 100 goods lines (what the submit and the
    guided check page run): the control list's facts read from the shared cache once a line (parse_entry) or once
    (entry_parser)."""
    from licensing.applications import validation
    from licensing.applications.models import Application
    from licensing.reference.control_list import entry_parser, parse_entry

    draft = Application.objects.filter(pk__in=state["bench"]["drafts"]).prefetch_related("goods", "parties", "destinations", "documents").first()
    variants = {"per_line": lambda: parse_entry, "once": entry_parser}
    times = {name: [] for name in variants}
    for _ in range(rounds):
        for name, parser in variants.items():
            validation.entry_parser = parser
            assert not validation.application_errors(draft)  # warm
            started = time.perf_counter()
            for _ in range(20):
                validation.application_errors(draft)
            times[name].append((time.perf_counter() - started) / 20 * 1000)
    validation.entry_parser = entry_parser
    for name, values in times.items():
        print(f"validation {name}: ms a 100-line application, median {statistics.median(values):.2f}, min {min(values):.2f}; rounds {[round(v, 2) for v in values]}")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
