"""The holder's declaration that its usage report for a half-year is complete (issue 16.6: out of licences.usage)."""
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed

from .models import Licence, PeriodDeclaration, Registration


def period_declare(*, actor, number: str, period_start: date, nothing_to_report: bool = False) -> PeriodDeclaration:
    """The holder says its report for the half-year starting `period_start` is complete."""
    if not actor.is_exporter:
        raise NotAllowed(gettext("Only the holder declares its reports."))
    starts = {date(period_start.year, 1, 1), date(period_start.year, 7, 1)}
    if period_start not in starts:
        raise DomainError(gettext("A reporting period starts on 1 January or 1 July."), fields={"period_start": [gettext("Use 1 January or 1 July.")]})
    licence = Licence.objects.filter(number=number, holder_id=actor.organisation_id).first()
    registration = None if licence else Registration.objects.filter(number=number, organisation_id=actor.organisation_id).first()
    if licence is None and registration is None:
        raise DomainError(gettext("You hold no licence or registration '%(number)s'.") % {"number": number}, fields={"licence": [gettext("Not one of yours.")]})
    end = date(period_start.year, 6, 30) if period_start.month == 1 else date(period_start.year, 12, 31)
    if end >= timezone.localdate():
        raise DomainError(gettext("A period can be declared once it has ended."), fields={"period_start": [gettext("This period has not ended yet.")]})
    try:
        with transaction.atomic():
            declaration = PeriodDeclaration.objects.create(
                organisation_id=actor.organisation_id, licence=licence, registration=registration, period_start=period_start, period_end=end, nothing_to_report=nothing_to_report
            )
            event_record(actor=actor, verb="usage.period_declared", target=licence or registration, payload={"period_start": period_start.isoformat(), "nothing_to_report": nothing_to_report})
    except IntegrityError:
        raise Conflict(gettext("This period was already declared.")) from None
    return declaration
