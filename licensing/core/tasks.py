import socket

from celery import shared_task


@shared_task(name="core.ping", ignore_result=False)  # its answer is read: the round trip is the point
def ping(value: str = "ping") -> dict:
    """Round trip through the broker: proves a worker is listening and can answer."""
    return {"echo": value, "worker": socket.gethostname()}


@shared_task(name="core.outbox_send", acks_late=True)
def outbox_send(message_id: int) -> bool:
    """Right after a commit: perform the outbox message now (the dispatcher would, a little later)."""
    from .outbox import outbox_send as send

    return send(message_id=message_id)


@shared_task(name="core.outbox_dispatch", acks_late=True)
def outbox_dispatch() -> int:
    """Beat: perform every outbox message that is due (the sweep that survives a broker outage)."""
    from .outbox import outbox_dispatch as dispatch

    return dispatch()
