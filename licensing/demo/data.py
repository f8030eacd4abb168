"""
Demo organisations and accounts for local use. Never load into production: every account shares one
published password.
"""
import hashlib
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from licensing.accounts.models import Organisation, Role, User
from licensing.accounts.otp import device_set
from licensing.applications import library, services
from licensing.applications.models import AddressBookEntry, Application
from licensing.casework.tasks import application_route
from licensing.denials.denial_import import denials_import
from licensing.licences.decisions import decision_issue, decision_rule
from licensing.reference.models import StandardText
from licensing.reference.models import Country

DEMO_PASSWORD = "Exportcontrole-demo-2026"


def demo_otp_key(username: str) -> str:
    """The demo account's TOTP secret (hex): fixed and as public as the password; `manage.py demo_otp` shows codes."""
    return hashlib.sha1(f"exportcontrole-demo-otp:{username}".encode()).hexdigest()

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
    {"username": "customs1", "first_name": "Cees", "last_name": "Douane", "role": Role.CUSTOMS},
    {"username": "defence1", "first_name": "Dirk", "last_name": "Defensie", "role": Role.DEFENCE},
    {"username": "ez1", "first_name": "Eva", "last_name": "Economie", "role": Role.ECONOMIC_AFFAIRS},
    {"username": "intel1", "first_name": "Ivo", "last_name": "Inlichtingen", "role": Role.INTELLIGENCE},
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
        if user.needs_second_factor:
            device_set(user=user, key_hex=demo_otp_key(user.username))
    return {"organisations": len(orgs), "users": len(ACCOUNTS)}


def _pdf(text: str):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return SimpleUploadedFile("end-user-certificate.pdf", buffer.getvalue(), content_type="application/pdf")


NORWAY = {
    "kind": "individual", "movement": "export", "destinations": ["NO"], "end_use": "military", "title": "Radar spares for the Norwegian navy",
    "goods": [
        {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "quantity": 4, "value_eur": "120000.00", "serial_numbers": "TX-0001\nTX-0002\nTX-0003\nTX-0004"},
        {"goods_kind": "military", "description": "Wheels for armoured vehicles", "control_entry": "ML6", "quantity": 16, "value_eur": "48000.00"},
    ],
    "parties": [
        {"role": "consignee", "name": "Forsvarsmateriell", "address": "Postboks 800, 2617 Lillehammer", "country": "NO", "party_type": "government"},
        {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
    ],
}
SAUDI = {
    **NORWAY, "destinations": ["SA"], "title": "Surveillance radar for Saudi Arabia",
    "parties": [
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ],
}


def _data(spec: dict) -> dict:
    """The services' input: countries as objects, like the API's serializers give them."""
    countries = {c.code: c for c in Country.objects.all()}
    data = {k: v for k, v in spec.items() if k not in ("goods", "parties", "destinations")}
    data["destinations"] = [countries[c] for c in spec["destinations"]]
    data["goods"] = [{**g, "value_eur": Decimal(g["value_eur"]), "quantity": Decimal(g["quantity"])} for g in spec["goods"]]
    data["parties"] = [{**p, "country": countries[p["country"]]} for p in spec["parties"]]
    return data


def demo_cases_load() -> int:
    """A few cases in different states for exporter_a, so every page has something to show. Skipped when present."""
    exporter = User.objects.get(username="exporter_a")
    officer = User.objects.get(username="officer1")
    if Application.objects.filter(organisation=exporter.organisation).exists():
        return 0
    denials_import((Path(settings.BASE_DIR) / "fixtures" / "demo" / "denials_member_states.csv").read_bytes())

    services.application_create(actor=exporter, data=_data({**NORWAY, "title": "Draft: more radar spares"}))
    cases = []
    for spec in (NORWAY, NORWAY, SAUDI):
        application = services.application_create(actor=exporter, data=_data(spec))
        services.document_add(actor=exporter, application=application, doc_type="end_user_certificate", uploaded_file=_pdf("End-user certificate"))
        services.application_submit(actor=exporter, application=application)
        application_route(application.pk)  # at once, whether or not a worker is running (idempotent)
        cases.append(Application.objects.get(pk=application.pk))
    # One office-alone case decided: a licence the exporter can report usage against, with standard conditions to meet
    # (a delivery verification certificate to return, no re-export without consent; fixtures/reference/standard_texts.yaml).
    if cases[0].status == "in_review":
        conditions = StandardText.objects.filter(code__in=["dvc-return", "no-reexport"], active=True).values_list("pk", flat=True)
        decision_issue(actor=officer, application=cases[0], reasons="Within the work instruction for NATO destinations.", standard_conditions=sorted(conditions))
    return len(cases) + 1


# The demo exporter's address book and goods library (issue 20.1): the parties and products of its demo cases, and a
# thermal camera core the office ruled on in a classification request, so that picking from them can be tried.
ADDRESS_BOOK = [*NORWAY["parties"], *SAUDI["parties"], {"role": "intermediate_consignee", "name": "Kongsberg Logistics AS", "address": "Kirkegårdsveien 45, 3616 Kongsberg", "country": "NO", "party_type": "company"}]
LIBRARY = [
    {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "unit": "pieces", "manufacturer": "Noordzee Defence Systems", "part_number": "NDS-TX-400", "unit_value_eur": "30000.00"},
    {"goods_kind": "military", "description": "Wheels for armoured vehicles", "control_entry": "ML6", "unit": "pieces", "manufacturer": "Noordzee Defence Systems", "part_number": "NDS-WH-16", "unit_value_eur": "3000.00"},
]
RULED_PRODUCT = {"goods_kind": "dual_use", "description": "Thermal camera core, 640 x 512, 30 Hz", "control_entry": "", "unit": "pieces", "manufacturer": "Noordzee Defence Systems", "part_number": "NDS-TC-640"}


def demo_library_load() -> int:
    """The demo exporter's address book and goods library, one item linked to a ruling. Skipped when present."""
    exporter = User.objects.get(username="exporter_a")
    officer = User.objects.get(username="officer1")
    if AddressBookEntry.objects.filter(organisation=exporter.organisation).exists():
        return 0
    countries = {c.code: c for c in Country.objects.all()}
    for party in ADDRESS_BOOK:
        library.address_entry_save(actor=exporter, data={**party, "country": countries[party["country"]]})
    for item in LIBRARY:
        library.library_item_save(actor=exporter, data={**item, "unit_value_eur": Decimal(item["unit_value_eur"])})
    request = services.application_create(actor=exporter, data={"kind": "classification", "movement": "export", "title": "Thermal camera core: which entry?", "goods": [RULED_PRODUCT]})
    services.document_add(actor=exporter, application=request, doc_type="technical_documentation", uploaded_file=_pdf("Technical documentation"))
    services.application_submit(actor=exporter, application=request)
    application_route(request.pk)
    decision_rule(actor=officer, application=Application.objects.get(pk=request.pk), entry="6A003.b.4", reasons="An uncooled focal plane array of the sizes in 6A003.b.4.")
    library.library_item_save(actor=exporter, data={**RULED_PRODUCT, "control_entry": "6A003.b.4", "ruling": request.pk})
    return len(ADDRESS_BOOK) + len(LIBRARY) + 1
