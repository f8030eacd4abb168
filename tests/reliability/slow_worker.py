"""A Celery worker whose long tasks are slow: each table of a report run, and each application of a re-screen chunk
(inside the chunk's transaction, after its hits were written), takes RELIABILITY_SLOW_SECONDS longer, so that a
test can watch the task's progress and kill the worker in the middle of it. Test-only; production code has no
such hook.

    python -m tests.reliability.slow_worker worker --pool=solo -Q QUEUE ...   (the arguments of `celery worker`)
"""
import os
import sys
import time


def slowed(function, delay: float):
    def slow(*args, **kwargs):
        time.sleep(delay)
        return function(*args, **kwargs)

    return slow


def main() -> None:
    import django

    django.setup()
    from config.celery import app
    from licensing.reporting import services as reporting
    from licensing.screening import cases as screening

    delay = float(os.environ["RELIABILITY_SLOW_SECONDS"])
    # Both are looked up in their module at each call: by report_json per table, by applications_screen per application.
    reporting.report_table_json = slowed(reporting.report_table_json, delay)
    screening._circumvention_flags = slowed(screening._circumvention_flags, delay)
    app.worker_main(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
