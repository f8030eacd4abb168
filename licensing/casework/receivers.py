import logging

from . import tasks

logger = logging.getLogger(__name__)


def routing_enqueue(sender, *, application_id: int, **kwargs) -> None:
    """Hand the routing of a just-submitted application to a worker. The submission is already committed: if the
    broker is down the application waits in SUBMITTED and the sweep (tasks.route_pending) routes it later."""
    try:
        tasks.application_route.delay(application_id)
    except Exception:  # noqa: BLE001 - any broker failure: the sweep is the fallback, the exporter sees no error
        logger.warning("broker unavailable; application %s will be routed by the sweep", application_id, exc_info=True)
