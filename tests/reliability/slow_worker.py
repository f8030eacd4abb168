"""A Celery worker whose report runs are slow: each table takes RELIABILITY_TABLE_SECONDS longer, so that a test
can watch a run's progress and kill the worker in the middle of it. Test-only; production code has no such hook.

    python -m tests.reliability.slow_worker worker --pool=solo -Q QUEUE ...   (the arguments of `celery worker`)
"""
import os
import sys
import time


def main() -> None:
    import django

    django.setup()
    from config.celery import app
    from licensing.reporting import services

    delay = float(os.environ["RELIABILITY_TABLE_SECONDS"])
    table_json = services.report_table_json

    def slow_table_json(**kwargs):
        time.sleep(delay)
        return table_json(**kwargs)

    services.report_table_json = slow_table_json  # report_json looks it up at each table
    app.worker_main(argv=sys.argv[1:])


if __name__ == "__main__":
    main()
