"""What applications tells the layers above it, without importing them."""
from django.dispatch import Signal

# Sent once a submission is committed, with `application_id`. licensing.casework queues the routing on it; a
# receiver must not raise (the exporter's submission already succeeded): the sweep is the fallback.
application_submitted = Signal()
