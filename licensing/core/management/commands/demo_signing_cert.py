"""`manage.py demo_signing_cert`: a self-signed demo certificate for sealing documents in development (make setup runs
it). Refuses when DEBUG is off: production seals with the office's own certificate (SIGNING_CERT_PATH)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.exceptions import ImproperlyConfigured

from licensing.core.signing import demo_certificate_write


class Command(BaseCommand):
    help = "Write a self-signed demo signing certificate and key to SIGNING_CERT_PATH / SIGNING_KEY_PATH (development only)."

    def handle(self, *args, **options):
        try:
            written = demo_certificate_write(settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH, debug=settings.DEBUG)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        what = "Wrote a demo signing certificate" if written else "The signing certificate exists"
        self.stdout.write(f"{what}: {settings.SIGNING_CERT_PATH} (key {settings.SIGNING_KEY_PATH}).")
