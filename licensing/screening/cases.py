"""
Screening of a case: an application's parties against the lists (hits, the review band's possible matches), its
circumvention flags and serial numbers, and an officer's disposition of a hit and the escalation of a true match.

The applications code calls `application_screen_after_commit(application_id)` from `application_submit`'s
on_commit; the screening itself runs in a Celery task (tasks.py). A re-screen run (rescreen.py) screens many
applications at once through `applications_screen`.
"""
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext

from licensing.accounts.models import Role
from licensing.applications.aluminium import declaration_missing, is_aluminium
from licensing.applications.models import Application, GoodsLine, Party
from licensing.applications.parties import INTERMEDIARY_ROLES, case_countries
from licensing.audit.services import EventDraft, event_record, events_record
from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from licensing.core.permissions import refuse_unless
from licensing.reference.models import Country, GroupCode
from licensing.reference.selectors import group_members

from . import selectors
from .lists import BATCH, denials_refresh
from .matching import ALGORITHM, name_key
from .models import (
    COMPUTED_FLAGS,
    ApplicationScreening,
    Disposition,
    FlagKind,
    HighPriorityItem,
    HitKind,
    ListKind,
    ScreeningFlag,
    ScreeningHit,
    SerialKind,
    SerialNumber,
)
from .name_index import NameIndex

SCREENED_ROLES = tuple(Party.Role.values)  # every party: consignee, end users, intermediaries, brokers, agents
SMELT_AND_CAST_BANNED = ("RU", "BY")  # primary aluminium from Russia (and Belarus) under the EU sanctions


# --- Screening one application ---------------------------------------------------------------------
def application_screen_after_commit(application_id: int) -> None:
    """Queue the screening of a submitted application once the current transaction has committed."""

    from .tasks import screen_application

    delay_after_commit(screen_application, application_id)


def party_key(name: str, country: str | None) -> str:
    """The party as the false-positive memory knows it: folded name and country, across applications."""
    return hashlib.sha256(f"{name_key(name).key}|{(country or '').upper()}".encode()).hexdigest()


@dataclass
class ScreenResult:
    hits_open: int
    hits_raised: int
    flags: list[str]


def application_screen(*, application_id: int, index: NameIndex | None = None, refresh_denials: bool = True) -> ScreenResult | None:
    """Screen every party of an open application and work out its circumvention flags. Idempotent.

    Returns None when the application is not open (a draft, decided, withdrawn or gone). The screening of a
    submitted application is a re-screen chunk of one.
    """
    return applications_screen(application_ids=[application_id], index=index, refresh_denials=refresh_denials).get(application_id)


@dataclass
class _Case:
    """What one application's screening reads before the write transaction."""

    application: Application
    parties: list[Party]
    matches: dict
    keys: dict
    goods: list[GoodsLine]
    destinations: list[str]


def applications_screen(*, application_ids: list[int], index: NameIndex | None = None, refresh_denials: bool = True) -> dict[int, ScreenResult]:
    """Screen the open ones of `application_ids` (a re-screen chunk) in one transaction. Idempotent.

    Returns a result per open application; those not open (drafts, decided, withdrawn, gone) are skipped. A
    re-screen run passes the lists in memory (`index`) and brings the denial register in once for the whole run.
    Every write is one statement for the whole chunk, so a chunk costs about as many queries as one application.
    """
    applications = list(
        Application.objects.filter(pk__in=application_ids, status__in=selectors.OPEN_STATUSES)
        .order_by("pk")
        .prefetch_related("parties", "goods", "destinations")
    )
    if not applications:
        return {}
    if refresh_denials:
        denials_refresh()
    cases = []
    for application in applications:
        parties = list(application.parties.all())
        # Matching reads only the lists: done before the write transaction, which stays short.
        matches = {
            party.pk: selectors.name_matches(
                party.name, party.country_id, person=party.party_type == Party.PartyType.INDIVIDUAL, minimum=selectors.review_threshold(), index=index
            )
            for party in parties
            if party.role in SCREENED_ROLES
        }
        keys = {party.pk: party_key(party.name, party.country_id) for party in parties}
        destinations = [c.code for c in application.destinations.all()]
        cases.append(_Case(application, parties, matches, keys, list(application.goods.all()), destinations))
    ids = [case.application.pk for case in cases]
    context = _FlagContext.load(cases)

    with transaction.atomic():
        # One screening of an application at a time (its submit and a re-screen may overlap); rows locked in id
        # order, so two chunks never wait on each other in a circle.
        ApplicationScreening.objects.bulk_create(
            [ApplicationScreening(application_id=pk, screened_at=timezone.now(), algorithm=ALGORITHM) for pk in ids], ignore_conflicts=True
        )
        list(ApplicationScreening.objects.select_for_update().filter(application_id__in=ids).order_by("application_id"))
        raised = _hits_sync(cases)
        open_hits = dict(
            ScreeningHit.objects.filter(application_id__in=ids, disposition=Disposition.OPEN, kind=HitKind.MATCH)
            .order_by()
            .values("application_id")
            .annotate(n=Count("id"))
            .values_list("application_id", "n")
        )
        flags, results = [], {}
        for case in cases:
            pk = case.application.pk
            own = _circumvention_flags(case.application, case.goods, case.parties, case.destinations, context)
            if open_hits.get(pk):
                own.append(
                    ScreeningFlag(application=case.application, kind=FlagKind.SCREENING_HIT, reason=f"{open_hits[pk]} screening hit(s) await a disposition.")
                )
            flags.extend(own)
            results[pk] = ScreenResult(hits_open=open_hits.get(pk, 0), hits_raised=len(raised.get(pk, ())), flags=sorted({f.kind for f in own}))
        ScreeningFlag.objects.filter(application_id__in=ids, kind__in=COMPUTED_FLAGS).delete()
        ScreeningFlag.objects.bulk_create(flags, batch_size=BATCH)
        _serials_sync([(case.application, case.goods) for case in cases])
        # The rows exist and are locked: an upsert writes each its own values in one plain statement (bulk_update's
        # CASE per row and field took longer to build than the rest of the chunk's writes).
        screened_at = timezone.now()
        ApplicationScreening.objects.bulk_create(
            [ApplicationScreening(application_id=c.application.pk, screened_at=screened_at, algorithm=ALGORITHM, parties=len(c.parties)) for c in cases],
            update_conflicts=True,
            unique_fields=["application"],
            update_fields=["screened_at", "algorithm", "parties"],
        )
        # Last, so the chain lock (held until commit) is held for as short a time as possible.
        events_record(
            drafts=[
                EventDraft(
                    actor=None,
                    verb="screening.hits_raised",
                    target=case.application,
                    payload={"hits": [{"list": h.source, "reference": h.entry_reference, "score": h.score, "kind": h.kind} for h in raised[case.application.pk]]},
                )
                for case in cases
                if raised.get(case.application.pk)
            ]
        )
    return results


def _hits_sync(cases: list[_Case]) -> dict[int, list[ScreeningHit]]:
    """Make the applications' open hits those the lists give now; disposed hits stay as the record. Returns the
    hits raised, per application."""
    existing: dict[int, dict[tuple, ScreeningHit]] = {case.application.pk: {} for case in cases}
    for h in ScreeningHit.objects.filter(application_id__in=list(existing)).order_by():
        existing[h.application_id][(h.party_id, h.source, h.entry_reference, h.entry_hash)] = h
    # False positives recorded for the same party (same folded name and country) on any application, against
    # the same version of the same entry: not raised again until the entry changes.
    dismissed = set(
        ScreeningHit.objects.filter(
            party_key__in={key for case in cases for key in case.keys.values()}, disposition=Disposition.FALSE_POSITIVE
        ).values_list("party_key", "source", "entry_reference", "entry_hash")
    )
    raised, changed, stale = {}, [], []
    for case in cases:
        application, hits = case.application, existing[case.application.pk]
        # A confirmed match stays confirmed when the entry is later edited: it is not raised again.
        confirmed = {identity[:3] for identity, h in hits.items() if h.disposition == Disposition.TRUE_MATCH}
        wanted: set[tuple] = set()
        new = []
        for party in case.parties:
            for match in case.matches.get(party.pk, []):
                identity = (party.pk, match.source, match.reference, match.entry_hash)
                if (case.keys[party.pk], match.source, match.reference, match.entry_hash) in dismissed or identity[:3] in confirmed:
                    continue
                wanted.add(identity)
                hit = hits.get(identity)
                if hit is None:
                    new.append(
                        ScreeningHit(
                            application=application,
                            party=party,
                            party_key=case.keys[party.pk],
                            source=match.source,
                            list_kind=match.list_kind,
                            entry_id=match.entry_id,
                            entry_reference=match.reference,
                            entry_name=match.name[:500],
                            entry_hash=match.entry_hash,
                            matched_name=match.matched_name[:500],
                            score=match.score,
                            kind=selectors.hit_kind(match.score),
                            algorithm=match.algorithm,
                        )
                    )
                elif hit.disposition == Disposition.OPEN and (hit.score, hit.kind, hit.matched_name, hit.algorithm, hit.entry_id) != (
                    match.score, selectors.hit_kind(match.score), match.matched_name, match.algorithm, match.entry_id
                ):
                    hit.score, hit.kind, hit.matched_name, hit.algorithm = match.score, selectors.hit_kind(match.score), match.matched_name, match.algorithm
                    hit.entry_id = match.entry_id
                    changed.append(hit)
        stale.extend(h.pk for identity, h in hits.items() if identity not in wanted and h.disposition == Disposition.OPEN)
        if new:
            raised[application.pk] = new
    if stale:
        ScreeningHit.objects.filter(pk__in=stale).delete()
    if changed:
        ScreeningHit.objects.bulk_update(changed, ["score", "kind", "matched_name", "algorithm", "entry"], batch_size=BATCH)
    ScreeningHit.objects.bulk_create([h for new in raised.values() for h in new], batch_size=BATCH)
    return raised


def _country_names(codes) -> dict[str, str]:
    return dict(Country.objects.filter(code__in=set(codes)).values_list("code", "name_en")) if codes else {}


def _hs6(code: str) -> str:
    digits = "".join(ch for ch in code or "" if ch.isdigit())
    return digits[:6] if len(digits) >= 6 else ""


@dataclass
class _FlagContext:
    """What the circumvention flags of a chunk read, once for the chunk and before the write transaction: the
    high-risk countries, the common high-priority items among its goods, and the names of the countries."""

    risk: frozenset[str]
    high_priority: dict[str, str]
    names: dict[str, str]

    @classmethod
    def load(cls, cases: list["_Case"]) -> "_FlagContext":
        risk = group_members(GroupCode.CIRCUMVENTION_RISK)
        codes = {_hs6(line.hs_code) for case in cases for line in case.goods} - {""}
        high_priority = dict(HighPriorityItem.objects.filter(hs_code__in=codes).values_list("hs_code", "tier")) if codes else {}
        named = {c for case in cases for c in case.destinations} | {p.country_id for case in cases for p in case.parties if p.country_id}
        smelt_cast = {c for case in cases for line in case.goods for c in _smelt_cast(line).values()}
        return cls(risk=risk, high_priority=high_priority, names=_country_names((named & risk) | smelt_cast))


def _circumvention_flags(
    application: Application, goods: list[GoodsLine], parties: list[Party], destinations: list[str], context: _FlagContext
) -> list[ScreeningFlag]:
    """Signals of circumvention (seeds 000 and 001): battlefield items to high-risk countries, intermediaries
    there, aluminium smelted or cast in Russia or Belarus, and aluminium without a smelt and cast declaration."""
    risk, names = context.risk, context.names
    touched = case_countries(destinations=destinations, parties=[(p.role, p.country_id) for p in parties])
    risky_destinations = sorted(touched.receiving & risk)
    intermediaries = [p for p in parties if p.role in INTERMEDIARY_ROLES and p.country_id in touched.intermediaries & risk]
    codes = {_hs6(line.hs_code) for line in goods} - {""}
    high_priority = {code: tier for code, tier in context.high_priority.items() if code in codes}  # this application's only

    def named(code):
        return f"{names.get(code, code)} ({code})"

    flags = []
    for line in goods:
        hs6 = _hs6(line.hs_code)
        if hs6 in high_priority and risky_destinations:
            flags.append(
                ScreeningFlag(
                    application=application,
                    goods_line=line,
                    kind=FlagKind.HIGH_PRIORITY_DESTINATION,
                    reason=(
                        f"Goods line {line.position + 1}: HS {hs6[:4]}.{hs6[4:]} is a tier {high_priority[hs6]} common high-priority item, "
                        f"going to {', '.join(named(c) for c in risky_destinations)}: a high-risk transit or re-export country."
                    ),
                )
            )
        if missing := declaration_missing(line):
            flags.append(
                ScreeningFlag(
                    application=application,
                    goods_line=line,
                    kind=FlagKind.ALUMINIUM_UNDECLARED,
                    reason=f"Goods line {line.position + 1}: aluminium without the country of the {' or the '.join(DECLARATION_PARTS[m] for m in missing)}.",
                )
            )
        if is_aluminium(marked=line.is_aluminium, hs_code=line.hs_code):
            banned = {role: code for role, code in _smelt_cast(line).items() if code in SMELT_AND_CAST_BANNED}
            if banned:
                places = ", ".join(f"{role} in {named(code)}" for role, code in banned.items())
                flags.append(
                    ScreeningFlag(
                        application=application,
                        goods_line=line,
                        kind=FlagKind.RUSSIAN_ALUMINIUM,
                        reason=f"Goods line {line.position + 1}: aluminium with {places}.",
                    )
                )
    for party in intermediaries:
        carries = " It carries common high-priority items." if high_priority else ""
        flags.append(
            ScreeningFlag(
                application=application,
                party=party,
                kind=FlagKind.INTERMEDIARY_RISK_COUNTRY,
                reason=f"{party.get_role_display()} {party.name} sits in {named(party.country_id)}, a high-risk transit or re-export country.{carries}",
            )
        )
    return flags


# The declaration's parts as the flags' reasons name them (ranked by share of the metal, seed 000 question 8).
DECLARATION_PARTS = {"first_smelt_country": "most important smelt", "second_smelt_country": "second most important smelt", "last_cast_country": "last cast"}


def _smelt_cast(line: GoodsLine) -> dict[str, str]:
    found = {part: getattr(line, f"{name}_id") for name, part in DECLARATION_PARTS.items()}
    return {role: code for role, code in found.items() if code}


def serials_index(application: Application, goods: list[GoodsLine] | None = None) -> int:
    """Make the application's rows in the serial-number index its goods lines' serial and lot numbers (how many)."""
    return _serials_sync([(application, list(application.goods.all()) if goods is None else goods)])


def _serial_values(goods: list[GoodsLine]):
    """(goods line, kind, value, normalised) of every serial and lot number of the goods lines, once each."""
    for line in goods:
        for kind, text in ((SerialKind.SERIAL, line.serial_numbers), (SerialKind.LOT, line.lot_numbers)):
            seen = set()
            for value in (text or "").splitlines():
                normalised = selectors.serial_normalise(value)
                if normalised and normalised not in seen:
                    seen.add(normalised)
                    yield line, kind, value.strip()[:200], normalised


def _serials_sync(applications: list[tuple[Application, list[GoodsLine]]]) -> int:
    """Make the applications' rows in the serial-number index those their goods lines give; how many that is.
    Rows already there are left alone: a re-screen finds the goods of an open application unchanged, and rewriting
    every row was most of a chunk's writes."""
    wanted = {}
    for application, goods in applications:
        for line, kind, value, normalised in _serial_values(goods):
            wanted[(application.pk, line.pk, kind, value, normalised)] = (application, line)
    indexed = len(wanted)
    stale = []
    rows = SerialNumber.objects.filter(application_id__in=[application.pk for application, _ in applications]).order_by("id")
    for pk, *identity in rows.values_list("id", "application_id", "goods_line_id", "kind", "value", "normalised"):
        if wanted.pop(tuple(identity), None) is None:
            stale.append(pk)  # no longer on its goods line, or a second copy
    if stale:
        SerialNumber.objects.filter(pk__in=stale).delete()
    if wanted:
        SerialNumber.objects.bulk_create(
            [
                SerialNumber(application=application, goods_line=line, kind=kind, value=value, normalised=normalised)
                for (_, _, kind, value, normalised), (application, line) in wanted.items()
            ],
            batch_size=BATCH,
        )
    return indexed


# --- An officer's disposition of a hit ------------------------------------------------------------
# Who disposes of a hit and decides an escalation: the licensing office.
DISPOSING = (Role.OFFICER, Role.ADMINISTRATOR)


def hit_dispose(*, actor, application: Application, hit_id: int, disposition: str, reason: str = "") -> ScreeningHit:
    """Record a true match (the case is escalated) or a false positive (with the reason, remembered)."""
    refuse_unless(actor, DISPOSING, gettext("Only a licensing officer records a screening disposition."))
    if disposition not in (Disposition.TRUE_MATCH, Disposition.FALSE_POSITIVE):
        raise DomainError(gettext("Choose true_match or false_positive."), fields={"disposition": [gettext("Choose true_match or false_positive.")]})
    reason = (reason or "").strip()
    if disposition == Disposition.FALSE_POSITIVE and not reason:
        raise DomainError(gettext("Say why this is not the listed party."), fields={"reason": [gettext("Say why this is not the listed party.")]})
    with transaction.atomic():
        hit = ScreeningHit.objects.select_for_update().filter(pk=hit_id, application_id=application.pk).select_related("party").first()
        if hit is None:
            raise NotFound(gettext("No such screening hit on this application."))
        # Compare and set: of two officers disposing at once, one wins and the other is told.
        if not ScreeningHit.objects.filter(pk=hit.pk, disposition=Disposition.OPEN).update(
            disposition=disposition, reason=reason, disposed_by=actor, disposed_at=timezone.now()
        ):
            raise Conflict(gettext("This hit has already been disposed of."))
        hit.refresh_from_db()
        payload = {"hit": hit.pk, "list": hit.source, "reference": hit.entry_reference, "party": hit.party.name, "score": hit.score}
        if disposition == Disposition.TRUE_MATCH:
            ScreeningFlag.objects.create(
                application_id=application.pk,
                kind=FlagKind.SANCTIONS_MATCH,
                party=hit.party,
                reason=f"{hit.party.get_role_display()} {hit.party.name} is {hit.entry_name} ({hit.get_source_display()}, {hit.entry_reference}).",
            )
            event_record(actor=actor, verb="screening.true_match", target=application, reason=reason, payload=payload)
        else:
            event_record(actor=actor, verb="screening.false_positive", target=application, reason=reason, payload=payload)
        remaining = ScreeningHit.objects.filter(application_id=application.pk, disposition=Disposition.OPEN, kind=HitKind.MATCH).count()
        ScreeningFlag.objects.filter(application_id=application.pk, kind=FlagKind.SCREENING_HIT).delete()
        if remaining:
            ScreeningFlag.objects.create(
                application_id=application.pk, kind=FlagKind.SCREENING_HIT, reason=f"{remaining} screening hit(s) await a disposition."
            )
    return hit


def hit_escalation_decide(*, actor, application: Application, hit_id: int, reason: str) -> ScreeningHit:
    """Decide the escalation of a confirmed match so that the case may be approved (a sanctions derogation, say):
    by an official other than the one who confirmed the match, always with the reason on record. Until then a
    true match blocks every approval; it never blocks a denial."""
    refuse_unless(actor, DISPOSING, gettext("Only a licensing officer or an administrator decides an escalation."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(gettext("Say why the case may be approved despite the match."), fields={"reason": [gettext("Say why the case may be approved despite the match.")]})
    with transaction.atomic():
        hit = ScreeningHit.objects.select_for_update().filter(pk=hit_id, application_id=application.pk).select_related("party").first()
        if hit is None:
            raise NotFound(gettext("No such screening hit on this application."))
        if hit.disposition != Disposition.TRUE_MATCH or hit.list_kind != ListKind.SANCTIONS:
            raise Conflict(gettext("Only a confirmed sanctions match is escalated."))
        if hit.disposed_by_id == actor.pk:
            raise NotAllowed(gettext("The escalation is decided by another official than the one who confirmed the match."))
        if not ScreeningHit.objects.filter(pk=hit.pk, escalation_decided_at__isnull=True).update(
            escalation_decided_by=actor, escalation_decided_at=timezone.now(), escalation_reason=reason
        ):
            raise Conflict(gettext("This escalation has already been decided."))
        hit.refresh_from_db()
        event_record(
            actor=actor,
            verb="screening.escalation_decided",
            target=application,
            reason=reason,
            payload={"hit": hit.pk, "list": hit.source, "reference": hit.entry_reference, "party": hit.party.name, "confirmed_by": hit.disposed_by_id},
        )
    return hit
