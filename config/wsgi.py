import gc
import itertools
import os

from django.core.signals import request_finished
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _collect_garbage_per_request() -> None:
    """Free each request's garbage within a request or two, and never walk the code the worker has loaded.

    Django and DRF leave a request's objects in reference cycles (request, view and response refer to each other,
    and hold the filter's form and the page's rows): ≈800 objects a queue request that only the cycle collector
    frees. With Python's default thresholds they waited in generation 1 for ten collections and went all at once,
    2–7 ms on about one request in seven; a full collection walked the ≈120,000 objects of the loaded code, 100–600
    ms. Frozen, the loaded code is left out of every collection; with a generation-1 threshold of 1 what survives
    one collection is looked at again in the next (bench/README.md, third round).
    """
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view, serializer and form now, so the freeze covers them
    gc.collect()
    gc.freeze()
    gc.set_threshold(1000, 1, 10)


_collect_garbage_per_request()

# What a worker builds on its first requests and keeps (compiled templates, translation catalogues, the URL resolver's
# reverse map, the forms' widget templates) is frozen too once it has served this many requests: a full collection
# walked those ≈28,000 objects with the request in flight, 9 ms on the officer's case page against 3 ms once they
# are frozen, and one request in seventeen has one (bench/gc_probe.py; bench/README.md, round 8). Again later, for
# the pages a worker first serves after the first freeze; each freeze costs one collection.
FREEZE_AFTER_REQUESTS = frozenset({20, 200, 2000})
_served = itertools.count(1)


def _freeze_what_the_worker_keeps(**kwargs) -> None:
    if next(_served) in FREEZE_AFTER_REQUESTS:
        gc.collect()
        gc.freeze()


request_finished.connect(_freeze_what_the_worker_keeps, dispatch_uid="freeze_what_the_worker_keeps")
