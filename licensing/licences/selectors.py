"""Reads for licences, registrations and usage, scoped to who asks; the office's overdue-report list; the earlier
decisions an advisor sees beside an assessment (decisions are this app's: docs/architecture.md)."""
from datetime import date, timedelta

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils import translation

from licensing.applications.models import Application, Party
from licensing.applications.search import matching
from licensing.applications.workflow import OPEN
from licensing.assessment.consultation import denial_matches
from licensing.core.kept import committed_reads, kept
from licensing.core.names import name_key, names_match
from licensing.denials.models import DenialRegisterEntry
from licensing.reference.frameworks import basis_text
from licensing.screening.selectors import serial_normalise

from .models import (
    Decision,
    DecisionProposal,
    Licence,
    LicenceKind,
    LicenceStatus,
    ParliamentNotification,
    PeriodDeclaration,
    ProposalStatus,
    Registration,
    RegistrationStatus,
    Source,
    UsageReport,
    UsageSerial,
)

REPORT_WITHIN_DAYS = 61  # general licences: the half-yearly report within two months of the period's end


def licences_visible_to(user) -> QuerySet[Licence]:
    queryset = Licence.objects.select_related("decision").prefetch_related("destinations", "lines")
    if user.is_exporter:
        return queryset.filter(holder_id=user.organisation_id)
    return queryset if user.is_official else queryset.none()


def registrations_visible_to(user) -> QuerySet[Registration]:
    queryset = Registration.objects.select_related("general_licence", "organisation")
    if user.is_exporter:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset if user.is_official else queryset.none()


def parliament_notifications(*, due: bool = False) -> QuerySet[ParliamentNotification]:
    """The fast-track list; `due` = still to be sent. Notices of imported decisions are never due: the previous
    system's file does not say whether they were sent, and asking officers now to send them would be wrong."""
    queryset = ParliamentNotification.objects.select_related("licence__decision").order_by(
        F("sent_on").asc(nulls_first=True), "due_on"
    )
    if due:
        queryset = queryset.filter(sent_on__isnull=True, licence__decision__source=Source.SYSTEM)
    return queryset


def usage_visible_to(user) -> QuerySet[UsageReport]:
    queryset = UsageReport.objects.select_related("licence", "registration")
    if user.is_exporter:
        return queryset.filter(organisation_id=user.organisation_id)
    return queryset if user.is_official else queryset.none()


def half_years(start: date, until: date) -> list[tuple[date, date]]:
    """The half-year reporting periods from the one holding `start` up to the one holding `until`."""
    periods = []
    first = date(start.year, 1 if start.month <= 6 else 7, 1)
    while first <= until:
        end = date(first.year, 6, 30) if first.month == 1 else date(first.year, 12, 31)
        periods.append((first, end))
        first = end + timedelta(days=1)
    return periods


def overdue_reports(today: date | None = None) -> list[dict]:
    """Holders who owe a usage report: active registrations and global licences, period ended more than two months ago."""
    today = today or timezone.localdate()
    declared = set(PeriodDeclaration.objects.values_list("licence_id", "registration_id", "period_start"))
    overdue = []
    for registration in Registration.objects.filter(status=RegistrationStatus.ACTIVE).select_related("organisation", "general_licence"):
        for start, end in half_years(registration.registered_on, today):
            if end + timedelta(days=REPORT_WITHIN_DAYS) < today and (None, registration.pk, start) not in declared:
                overdue.append({"holder": registration.organisation.name, "number": registration.number, "kind": "registration", "period_start": start, "period_end": end, "due_on": end + timedelta(days=REPORT_WITHIN_DAYS)})
    for licence in Licence.objects.filter(kind=LicenceKind.GLOBAL, status=LicenceStatus.ACTIVE):
        for start, end in half_years(licence.valid_from, min(today, licence.valid_to)):
            if end + timedelta(days=REPORT_WITHIN_DAYS) < today and (licence.pk, None, start) not in declared:
                overdue.append({"holder": licence.holder_name, "number": licence.number, "kind": "licence", "period_start": start, "period_end": end, "due_on": end + timedelta(days=REPORT_WITHIN_DAYS)})
    return sorted(overdue, key=lambda o: (o["due_on"], o["number"]))


PRIOR_LIMIT = 50
PRIOR_CACHE_SECONDS = 600
# The newest decision and the newest entry of the denial register, two reads of their primary keys' indexes: what
# prior_information's cached answers are keyed on.
PRIOR_WATERMARK = f"SELECT (SELECT max(id) FROM {Decision._meta.db_table}), (SELECT max(id) FROM {DenialRegisterEntry._meta.db_table})"


def prior_information(application: Application) -> dict:
    """_prior_information, kept in the shared cache under everything it reads: the case (its id and submission time),
    the destinations, parties and control entries it compares, the language of the grounds' words, today (the
    look-back of the denial matches) and the newest decision and denial-register entry. A decision or a denial
    recorded anywhere gives every case a new key. Neither is changed in place but by a new decision (an objection's,
    which detaches the old decision and withdraws its denials in the same transaction), so the key holds; an entry
    lives PRIOR_CACHE_SECONDS, the bound on missing a decision committed after a newer one was read. At 1,000,000
    applications the search for a common name took 47 ms of SQL on every view of the case page.

    Inside a transaction it is not cached (core.kept): a reader there may see its own uncommitted decision."""
    if not committed_reads():
        return _prior_information(application)
    with connection.cursor() as cursor:
        cursor.execute(PRIOR_WATERMARK)
        newest_decision, newest_denial = cursor.fetchone()
    read = (
        application.pk, application.submitted_at.isoformat() if application.submitted_at else "",
        sorted(c.code for c in application.destinations.all()),
        sorted((p.role, p.name) for p in application.parties.all()),
        sorted(line.control_entry for line in application.goods.all()),
        translation.get_language(), timezone.localdate().isoformat(), newest_decision, newest_denial,
    )
    return kept("prior", read, lambda: _prior_information(application), PRIOR_CACHE_SECONDS)


def _prior_information(application: Application) -> dict:
    """Earlier decisions for the same destination with the same consignee or end user; denial-register matches.

    The earlier cases are found through the office search's index (a case whose document holds every word of the
    name, as typed or as the screening normaliser folds it; the newest of them), then confirmed by the names' own
    comparison: the newest PRIOR_LIMIT, in a few indexed queries whatever the number of decisions to that destination
    (reading the newest decisions to the destination and comparing their parties read the whole destination's
    decisions at a million applications, and missed every case older than the newest 200)."""
    destinations = [c.code for c in application.destinations.all()]
    names = [p.name for p in application.parties.all() if p.role in (Party.Role.CONSIGNEE, Party.Role.END_USER)]
    same_destination = Application.objects.filter(destinations__code__in=destinations).exclude(pk=application.pk)
    # The newest cases naming each party, as ids: joined into the decisions' query, PostgreSQL walked every decision
    # newest first and took half a second at 1,000,000 applications even when nothing matched.
    candidates: set[int] = set()
    for name in dict.fromkeys(names) if destinations else ():
        candidates.update(matching(same_destination, name).order_by("-submitted_at", "-pk").values_list("pk", flat=True)[: PRIOR_LIMIT * 2])
    earlier = (
        Decision.objects.filter(application_id__in=candidates)
        .select_related("application")
        .prefetch_related(Prefetch("application__parties", queryset=Party.objects.filter(role__in=(Party.Role.CONSIGNEE, Party.Role.END_USER))))
        .order_by("-decided_on", "-id")[: PRIOR_LIMIT * 2]
    ) if candidates else Decision.objects.none()
    decisions = []
    for decision in earlier:
        same = [p.name for p in decision.application.parties.all() if any(names_match(p.name, n) for n in names)]
        if same:
            decisions.append({"reference": decision.reference, "outcome": decision.outcome, "decided_on": decision.decided_on, "criteria": decision.criteria, "legal_basis": decision.legal_basis, "parties": same})
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
                "legal_basis": basis_text(d.criteria, language=translation.get_language()),
            }
            for d in denials_same_party[:PRIOR_LIMIT]
        ],
    }


def shipments_by_serial(q: str, *, limit: int = 200) -> list[dict]:
    """
    Reported shipments carrying that serial or lot number (exact, normalised as the goods lines' numbers): which
    licence or registration, which shipment (date, destination, quantity), which recipient and holder. One query.
    """
    normalised = serial_normalise(q)
    if not normalised:
        return []
    rows = (
        UsageSerial.objects.filter(normalised=normalised)
        .select_related("report__licence", "report__registration", "report__organisation")
        .order_by("report__exported_on", "report_id", "id")[:limit]
    )
    return [
        {
            "report_id": row.report_id,
            "licence_number": row.report.licence.number if row.report.licence else None,
            "registration_number": row.report.registration.number if row.report.registration else None,
            "holder": row.report.organisation.name,
            "exported_on": row.report.exported_on,
            "destination": row.report.destination_id,
            "control_entry": row.report.control_entry,
            "quantity": row.report.quantity,
            "recipient": row.report.recipient,
            "kind": row.kind,
            "value": row.value,
        }
        for row in rows
    ]


def usage_outside_terms(limit: int = 500) -> list[dict]:
    """
    Realisations recorded outside a general licence's terms, newest first, for the office's compliance follow-up
    (seed 002 footnote 45: "Na dat dit uit rapportagedata is gebleken is een onderzoek naar de betreffende exporteur
    gestart"). One query, on the partial index of flagged reports.
    """
    reports = (
        UsageReport.objects.exclude(outside_terms="")
        .select_related("organisation", "registration", "licence")
        .order_by("-exported_on", "-id")[:limit]
    )
    return [
        {
            "report_id": r.pk,
            "holder": r.organisation.name,
            "number": r.registration.number if r.registration else r.licence.number,
            "exported_on": r.exported_on,
            "destination": r.destination_id,
            "movement": r.movement,
            "value_eur": r.value_eur,
            "recipient": r.recipient,
            "outside_terms": r.outside_terms,
        }
        for r in reports
    ]


def proposals_awaiting_countersignature() -> QuerySet[DecisionProposal]:
    """The office's countersignature queue: proposed decisions on open cases, oldest first (a proposal on a case the
    exporter withdrew meanwhile cannot take effect and drops out)."""
    return (
        DecisionProposal.objects.filter(status=ProposalStatus.PROPOSED, application__status__in=OPEN)
        .select_related("application__organisation", "proposed_by")
        .order_by("proposed_at", "id")
    )


def case_proposals(application: Application) -> list[DecisionProposal]:
    """The proposed decisions on one case, newest first: the one awaiting countersignature and those sent back."""
    return list(DecisionProposal.objects.filter(application_id=application.pk).select_related("proposed_by", "countersigned_by").order_by("-proposed_at", "-id"))
