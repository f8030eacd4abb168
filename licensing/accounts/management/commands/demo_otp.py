from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from licensing.accounts.otp import code_next, confirmed_device, secret_base32


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo official (local use only, like the demo accounts)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="e.g. officer1, advisor1, admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to show two-factor codes with DEBUG off.")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}; run `manage.py load_demo` first.")
        device = confirmed_device(user)
        if device is None:
            raise CommandError(f"{username} has no authenticator app set up (exporters need none).")
        self.stdout.write(code_next(device))
        if options["verbosity"] > 1:
            self.stdout.write(f"key for an authenticator app: {secret_base32(device)}")
