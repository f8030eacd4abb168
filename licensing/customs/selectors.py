"""What Customs reads: a licence by its number, and what remains of each of its lines."""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from licensing.licences.models import Licence, LicenceLine, Registration
from licensing.reference import general_licences

from .models import CustomsWriteOff


@dataclass(frozen=True)
class LineBalance:
    number: int  # 1 = the licence's first line
    line: LicenceLine
    written_off_quantity: Decimal
    written_off_value_eur: Decimal

    @property
    def remaining_quantity(self) -> Decimal | None:
        return None if self.line.quantity is None else self.line.quantity - self.written_off_quantity

    @property
    def remaining_value_eur(self) -> Decimal:
        return self.line.value_eur - self.written_off_value_eur

    @property
    def used_up(self) -> bool:
        quantity = self.remaining_quantity
        return self.remaining_value_eur <= 0 or (quantity is not None and quantity <= 0)


def holding_for_customs(number: str, *, for_update: bool = False) -> Licence | Registration | None:
    """The licence with this number, or else the general-licence registration (with what its check shows).
    `for_update`: locked until the transaction ends (its row only, not the holder's), as a write-off needs it."""
    licences = Licence.objects.filter(number=number).select_related("holder").prefetch_related("destinations")
    registrations = (
        Registration.objects.filter(number=number)
        .select_related("organisation", "general_licence")
        .prefetch_related("general_licence__destinations", "general_licence__excluded_destinations", "general_licence__destination_groups")
    )
    if for_update:
        licences, registrations = licences.select_for_update(of=("self",)), registrations.select_for_update(of=("self",))
    return licences.first() or registrations.first()


def line_balances(licence: Licence) -> list[LineBalance]:
    """Each line with the write-offs that stand against it (reversed ones do not), in the licence's order; one query."""
    standing = Q(customs_write_offs__reversed_at__isnull=True)
    lines = (
        LicenceLine.objects.filter(licence=licence)
        .annotate(written_off_quantity=Sum("customs_write_offs__quantity", filter=standing), written_off_value=Sum("customs_write_offs__value_eur", filter=standing))
        .order_by("position", "id")
    )
    zero = Decimal(0)
    return [
        LineBalance(number=i, line=line, written_off_quantity=line.written_off_quantity or zero, written_off_value_eur=line.written_off_value or zero)
        for i, line in enumerate(lines, start=1)
    ]


def write_offs_of_licence(licence: Licence):
    return CustomsWriteOff.objects.filter(licence=licence).select_related("destination").order_by("-exported_on", "-id")


def write_offs_of_declaration(declaration: str):
    return CustomsWriteOff.objects.filter(declaration=declaration).select_related("licence", "registration", "destination").order_by("id")


def write_offs_of_registration(registration: Registration):
    return CustomsWriteOff.objects.filter(registration=registration).select_related("destination").order_by("-exported_on", "-id")


def general_licence_destinations(general_licence) -> list[str]:
    """The destinations a general licence names, with the members of its groups (for 'all_except', none): its terms
    as the one general-licence rule reads them (licensing.reference.general_licences)."""
    terms = general_licences.all_terms().get(general_licence.code)
    return sorted(terms.destinations) if terms else []
