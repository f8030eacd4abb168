"""Issue, list and revoke the machine tokens of customs systems (the administrator, at the server)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from licensing.core.errors import DomainError
from licensing.customs.models import CustomsToken
from licensing.customs.services import customs_token_issue, customs_token_revoke


class Command(BaseCommand):
    help = "Customs machine tokens: `issue USERNAME --name SYSTEM` prints a new token once; `list`; `revoke ID`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="Which system uses it, e.g. 'AGS declarations'.")
        sub.add_parser("list")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        try:
            if action == "issue":
                user = get_user_model().objects.filter(username=options["username"]).first()
                if user is None:
                    raise CommandError(f"No user {options['username']}.")
                token, key = customs_token_issue(actor=None, user=user, name=options["name"])
                self.stdout.write(f"Token {token.pk} for {user.username} ({token.name}); it is shown only now:\n{key}")
            elif action == "list":
                for token in CustomsToken.objects.select_related("user"):
                    state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
                    self.stdout.write(f"{token.pk}\t{token.user.username}\t{token.name}\t{token.prefix}…\t{state}\tlast used {token.last_used_on or '-'}")
            else:
                token = CustomsToken.objects.filter(pk=options["id"]).first()
                if token is None:
                    raise CommandError(f"No token {options['id']}.")
                customs_token_revoke(actor=None, token=token)
                self.stdout.write(f"Token {token.pk} revoked.")
        except DomainError as exc:
            raise CommandError(exc.message) from exc
