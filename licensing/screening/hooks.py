"""What screening tells the layers above it, without knowing them.

`rescreen_started` is sent (with `run_id`) when a re-screen run is handed to the workers: after a list import, a
change of the denial register or a re-screen on demand. The open applications are screened here; the live licences
and registrations are screened by whoever listens (licensing.licences.live_screening), for the same run.
"""
from django.dispatch import Signal

rescreen_started = Signal()


def rescreen_announce(run_id: int) -> None:
    rescreen_started.send(sender=rescreen_announce, run_id=run_id)
