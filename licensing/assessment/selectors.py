"""What an advisor or officer sees beside an assessment: prior decisions and denials for the same parties."""
from django.db.models import Q

from licensing.applications.models import Application, Party
from licensing.core.names import name_key, names_match
from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision

from .consultation import denial_matches
from .models import Assessment

PRIOR_LIMIT = 50


def prior_information(application: Application) -> dict:
    """Earlier decisions for the same destination with the same consignee or end user; denial-register matches."""
    destinations = [c.code for c in application.destinations.all()]
    names = [p.name for p in application.parties.all() if p.role in (Party.Role.CONSIGNEE, Party.Role.END_USER)]
    earlier = (
        Decision.objects.filter(application__destinations__code__in=destinations)
        .exclude(application=application)
        .select_related("application")
        .prefetch_related("application__parties")
        .distinct()
        .order_by("-decided_on")[: PRIOR_LIMIT * 4]
    )
    decisions = []
    for decision in earlier:
        same = [p.name for p in decision.application.parties.all() if any(names_match(p.name, n) for n in names)]
        if same:
            decisions.append({"reference": decision.reference, "outcome": decision.outcome, "decided_on": decision.decided_on, "criteria": decision.criteria, "parties": same})
    keys = [name_key(n) for n in names if name_key(n)]
    denials_same_party = DenialRegisterEntry.objects.filter(destination_id__in=destinations).filter(
        Q(consignee__in=names) | Q(end_user__in=names) | Q(pk__in=[d.pk for d, _ in denial_matches(application)])
    ) if keys else DenialRegisterEntry.objects.none()
    return {
        "decisions": decisions[:PRIOR_LIMIT],
        "denials": [
            {
                "reference": d.reference,
                "notifying_state": d.notifying_state_id,
                "own": d.own,
                "notified_on": d.notified_on,
                "destination": d.destination_id,
                "control_entry": d.control_entry,
                "consignee": d.consignee,
                "end_user": d.end_user,
                "criteria": d.criteria,
            }
            for d in denials_same_party[:PRIOR_LIMIT]
        ],
    }


def current_assessment(application: Application) -> Assessment | None:
    return application.assessments.prefetch_related("findings").select_related("advisor", "countersigned_by").order_by("-id").first()
