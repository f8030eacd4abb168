"""
Demo organisations and accounts for local use. Never load into production: every account shares one
published password.
"""
from django.db import transaction

from licensing.accounts.models import Organisation, Role, User

DEMO_PASSWORD = "Exportcontrole-demo-2026"

ORGANISATIONS = [
    {"key": "a", "name": "Noordzee Defence Systems B.V.", "kvk_number": "12345678", "eori_number": "NL123456789", "address": "Havenweg 1, 1781 AA Den Helder"},
    {"key": "b", "name": "Delta Optronics B.V.", "kvk_number": "87654321", "eori_number": "NL987654321", "address": "Laan van Oost 12, 5612 AB Eindhoven"},
]

ACCOUNTS = [
    {"username": "exporter_a", "first_name": "Anna", "last_name": "de Vries", "role": Role.EXPORTER, "org": "a"},
    {"username": "exporter_b", "first_name": "Bram", "last_name": "Jansen", "role": Role.EXPORTER, "org": "b"},
    {"username": "officer1", "first_name": "Olga", "last_name": "Bakker", "role": Role.OFFICER},
    {"username": "officer2", "first_name": "Omar", "last_name": "Visser", "role": Role.OFFICER},
    {"username": "advisor1", "first_name": "Aisha", "last_name": "Smit", "role": Role.ADVISOR},
    {"username": "advisor2", "first_name": "Arjen", "last_name": "Mulder", "role": Role.ADVISOR},
    {"username": "admin", "first_name": "Ada", "last_name": "Admin", "role": Role.ADMINISTRATOR, "superuser": True},
]


@transaction.atomic
def demo_load() -> dict:
    """Create or refresh the demo organisations and accounts (idempotent)."""
    orgs = {}
    for spec in ORGANISATIONS:
        fields = {k: v for k, v in spec.items() if k != "key"}
        orgs[spec["key"]], _ = Organisation.objects.update_or_create(kvk_number=spec["kvk_number"], defaults=fields)
    for spec in ACCOUNTS:
        superuser = spec.get("superuser", False)
        user, _ = User.objects.update_or_create(
            username=spec["username"],
            defaults={
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
                "email": f"{spec['username']}@example.invalid",
                "role": spec["role"],
                "organisation": orgs.get(spec.get("org")),
                "is_staff": superuser,
                "is_superuser": superuser,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"organisations": len(orgs), "users": len(ACCOUNTS)}
