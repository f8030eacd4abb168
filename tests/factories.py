"""Factories for the variants; the personas in conftest use them."""
import factory

from licensing.accounts.models import Organisation, Role, User

PASSWORD = "Correct-horse-battery-9"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exporter {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    eori_number = factory.Sequence(lambda n: f"NL{100000000 + n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.EXPORTER
    organisation = factory.Maybe(factory.LazyAttribute(lambda o: o.role == Role.EXPORTER), factory.SubFactory(OrganisationFactory), None)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def application_payload(**overrides) -> dict:
    """A complete individual licence application for military goods to Norway, as the API takes it."""
    payload = {
        "kind": "individual",
        "movement": "export",
        "title": "Radar spares for the Norwegian navy",
        "destinations": ["NO"],
        "end_use": "military",
        "end_use_description": "Spare parts for coastal surveillance radars.",
        "goods": [
            {
                "goods_kind": "military",
                "description": "Radar transmitter module",
                "control_entry": "ML5",
                "quantity": "4",
                "value_eur": "120000.00",
                "part_number": "TX-400",
                "serial_numbers": "SN-1\nSN-2\nSN-3\nSN-4",
            },
            {"goods_kind": "military", "description": "Armoured vehicle wheels", "control_entry": "ML6", "quantity": "16", "value_eur": "48000.00"},
        ],
        "parties": [
            {"role": "consignee", "name": "Forsvarsmateriell", "address": "Postboks 800, 2617 Lillehammer", "country": "NO", "party_type": "government"},
            {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
            {"role": "broker", "name": "Nordic Defence Agency AS", "address": "Oslo", "country": "NO"},
        ],
    }
    payload.update(overrides)
    return payload


# Military goods to Saudi Arabia: outside EU/NATO/NATO+, so a ministry case.
SAUDI = {
    "destinations": ["SA"],
    "parties": [
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ],
}


def pdf_bytes(text: str = "End-user certificate") -> bytes:
    """A real one-page PDF."""
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "euc.pdf", text: str = "End-user certificate"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")
