"""Customs' pages: check a licence or registration for a declaration (holder, status, validity, destinations, what
remains per line) with its write-offs. The same reads as the customs API (licensing.customs)."""
from django.shortcuts import render

from licensing.core.errors import NotFound
from licensing.customs import selectors, services
from licensing.licences.models import Registration

from .access import roles_required

WRITE_OFFS_SHOWN = 200


@roles_required(services.CHECKING)
def check(request):
    number = request.GET.get("number", "").strip()[:40]
    destination = request.GET.get("destination", "").strip().upper()[:2]
    context = {"number": number, "destination": destination}
    if number:
        try:
            held = services.holding_for_customs(number)
        except NotFound as exc:
            context["error"] = exc.message
        else:
            registration = isinstance(held, Registration)
            write_offs = selectors.write_offs_of_registration(held) if registration else selectors.write_offs_of_licence(held).select_related("line")
            context.update(
                held=held,
                is_registration=registration,
                balances=[] if registration else selectors.line_balances(held),
                destinations=selectors.general_licence_destinations(held.general_licence) if registration else sorted(c.code for c in held.destinations.all()),
                write_offs=write_offs[:WRITE_OFFS_SHOWN],
                refusal=services.destination_refusal(held, destination) if destination else None,
            )
    return render(request, "customs/check.html", context)
