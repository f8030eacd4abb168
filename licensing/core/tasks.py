import socket

from celery import shared_task


@shared_task(name="core.ping")
def ping(value: str = "ping") -> dict:
    """Round trip through the broker: proves a worker is listening and can answer."""
    return {"echo": value, "worker": socket.gethostname()}
