from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from licensing.accounts.services import enrolment_link_issue


class Command(BaseCommand):
    help = (
        "Issue a one-time link with which an official sets up an authenticator app, and print it. For the first "
        "administrator of a new install (who cannot reach the admin without an app); afterwards administrators issue "
        "links in the admin. The link is printed once: hand it to that person only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--base-url", default="", help="e.g. https://licensing.example, to print a whole address")

    def handle(self, *args, username, base_url, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not user.is_official:
            raise CommandError(f"{username} is not an official and needs no authenticator app.")
        secret = enrolment_link_issue(user=user, issued_by=None)
        self.stdout.write(f"{base_url.rstrip('/')}{reverse('otp')}?{urlencode({'enrol': secret})}")
        self.stderr.write(f"Valid once, for {username}, after logging in with the password, for {settings.OTP_ENROLMENT_LINK_HOURS} hours.")
