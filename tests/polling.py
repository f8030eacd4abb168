"""Waiting for work another process does (a live Celery worker, a browser's script): one polling helper."""
import time


def wait_for(condition, *, timeout: float = 60, interval: float = 0.2, what: str = "the worker"):
    """Poll until condition() is truthy and return its value; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
