"""Django's makemessages, reading only the shipped code: the tests, benchmarks and build output hold no text users see.

`manage.py makemessages -l nl` then gives exactly the catalogue tests/web/test_i18n.py expects (see
scripts/translations.sh for the whole round: extract, fill in the Dutch, compile).
"""
from django.core.management.commands import makemessages

NOT_SHIPPED = ["tests", "bench", "scripts", "fixtures", "docs", "media", "staticfiles", "artifacts", "static"]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *NOT_SHIPPED]
        return super().handle(*args, **options)
