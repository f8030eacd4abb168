"""
Writes for screening: screening an application (hits, circumvention flags, serial numbers), an officer's
disposition of a hit, importing a list (all or nothing) and re-screening the open applications after it.

The applications code calls `application_screen_after_commit(application_id)` from `application_submit`'s
on_commit; everything else runs in Celery tasks (tasks.py) that take ids and call these functions.
"""
import hashlib
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from licensing.accounts.models import Role
from licensing.applications.models import Application, GoodsLine, Party
from licensing.audit.services import EventDraft, event_record, events_record
from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from licensing.core.permissions import refuse_unless
from licensing.denials.models import DenialRegisterEntry
from licensing.reference.models import Country, GroupCode
from licensing.reference.selectors import group_members
from licensing.applications.parties import INTERMEDIARY_ROLES, case_countries

from . import selectors
from .importers import ListFormatError, ParsedEntry, denial_entries, list_parse
from .matching import ALGORITHM, name_key, trigrams
from .models import (
    COMPUTED_FLAGS,
    KIND_OF_SOURCE,
    ApplicationScreening,
    Disposition,
    EntryName,
    FlagKind,
    HighPriorityItem,
    HitKind,
    ListEntry,
    ListKind,
    ListSource,
    NameGram,
    RunItem,
    RunKind,
    RunStatus,
    ScreeningFlag,
    ScreeningHit,
    ScreeningList,
    ScreeningRun,
    SerialKind,
    SerialNumber,
)

SCREENED_ROLES = tuple(Party.Role.values)  # every party: consignee, end users, intermediaries, brokers, agents
SMELT_AND_CAST_BANNED = ("RU", "BY")  # primary aluminium from Russia (and Belarus) under the EU sanctions
RESCREEN_CHUNK = 200  # applications a task: per chunk the same ~18 queries and one commit, so fewer chunks cost less
BATCH = 2000
HIGH_PRIORITY_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "screening" / "high_priority_items.yaml"


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


def application_screen(*, application_id: int, index: selectors.NameIndex | None = None, refresh_denials: bool = True) -> ScreenResult | None:
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


def applications_screen(*, application_ids: list[int], index: selectors.NameIndex | None = None, refresh_denials: bool = True) -> dict[int, ScreenResult]:
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


def _is_aluminium(line: GoodsLine) -> bool:
    return line.is_aluminium or _hs6(line.hs_code).startswith("76")  # HS chapter 76: aluminium and articles thereof


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
    there, and aluminium smelted or cast in Russia or Belarus."""
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
        if _is_aluminium(line):
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


def _smelt_cast(line: GoodsLine) -> dict[str, str]:
    found = {"first smelt": line.first_smelt_country_id, "second smelt": line.second_smelt_country_id, "last cast": line.last_cast_country_id}
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


# --- Lists ----------------------------------------------------------------------------------------
@dataclass
class ReplaceResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def _names_of(entry: ListEntry, parsed: ParsedEntry) -> list[EntryName]:
    rows, seen = [], set()
    for name, weak in [(n, False) for n in parsed.all_names] + [(n, True) for n in parsed.weak_aliases]:
        key = name_key(name)
        if key and (key.key, key.abjad) not in seen:
            seen.add((key.key, key.abjad))
            rows.append(EntryName(entry=entry, name=name[:500], normalised=key.key[:500], skeleton=key.skeleton[:500], abjad=key.abjad, weak=weak))
    return rows


def _names_write(pairs: list[tuple[ListEntry, ParsedEntry]]) -> None:
    names = [n for entry, parsed in pairs for n in _names_of(entry, parsed)]
    EntryName.objects.bulk_create(names, batch_size=BATCH)
    if connection.vendor != "postgresql":
        # Without pg_trgm the trigrams go in a table of their own, indexed by gram.
        grams = []
        for n in names:
            grams.extend(NameGram(gram=g, name_id=n.pk) for g in trigrams(n.normalised))
            grams.extend(NameGram(gram="~" + g, name_id=n.pk) for g in trigrams(n.skeleton))
        NameGram.objects.bulk_create(grams, batch_size=BATCH * 5)


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def list_replace(*, source: str, entries: list[ParsedEntry], fingerprint: str = "") -> ReplaceResult:
    """Make the list exactly `entries`: new ones added, changed ones rewritten, vanished ones removed. Atomic."""
    result = ReplaceResult()
    incoming = {e.reference: e for e in entries}
    with transaction.atomic():
        screening_list, _ = ScreeningList.objects.get_or_create(source=source, defaults={"kind": KIND_OF_SOURCE[source]})
        ScreeningList.objects.select_for_update().filter(pk=source).first()  # one import of a list at a time
        existing = {ref: (pk, digest) for pk, ref, digest in ListEntry.objects.filter(source=source).values_list("id", "reference", "content_hash")}
        removed = [pk for ref, (pk, _) in existing.items() if ref not in incoming]
        changed = [(existing[ref][0], e) for ref, e in incoming.items() if ref in existing and existing[ref][1] != e.content_hash]
        created = [e for ref, e in incoming.items() if ref not in existing]
        result.removed, result.updated, result.created = len(removed), len(changed), len(created)
        result.unchanged = len(incoming) - result.updated - result.created

        for ids in _chunks(removed + [pk for pk, _ in changed], 500):
            NameGram.objects.filter(name__entry_id__in=ids).delete()
            EntryName.objects.filter(entry_id__in=ids).delete()
        for ids in _chunks(removed, 500):
            ScreeningHit.objects.filter(entry_id__in=ids).update(entry=None)
            ListEntry.objects.filter(id__in=ids).delete()
        updated = []
        for pk, parsed in changed:
            entry = ListEntry(pk=pk, source_id=source, reference=parsed.reference)
            _entry_fields(entry, parsed)
            updated.append((entry, parsed))
        ListEntry.objects.bulk_update(
            [e for e, _ in updated], ["name", "entity_kind", "countries", "programme", "details", "content_hash", "updated_at"], batch_size=BATCH
        )
        new = []
        for parsed in created:
            entry = ListEntry(source_id=source, reference=parsed.reference)
            _entry_fields(entry, parsed)
            new.append((entry, parsed))
        ListEntry.objects.bulk_create([e for e, _ in new], batch_size=BATCH)
        _names_write(updated + new)
        ScreeningList.objects.filter(pk=source).update(
            fingerprint=fingerprint or screening_list.fingerprint, entry_count=len(incoming), updated_at=timezone.now()
        )
    return result


def _entry_fields(entry: ListEntry, parsed: ParsedEntry) -> None:
    entry.name = parsed.name[:500]
    entry.entity_kind = parsed.entity_kind
    entry.countries = list(parsed.countries)
    entry.programme = parsed.programme[:300]
    entry.details = parsed.details
    entry.content_hash = parsed.content_hash
    entry.updated_at = timezone.now()


def denials_refresh(*, force: bool = False) -> bool:
    """Bring the denial register's names into the screening index when the register changed. True if it did.

    Denials are added by decisions and by `import_denials` (bulk, without signals); a cheap fingerprint of the
    register (one query) tells whether to re-read it. `force` re-reads it anyway (edits in the admin).
    """
    stats = DenialRegisterEntry.objects.aggregate(n=Count("id"), last=Max("id"), revoked=Count("id", filter=Q(revoked_on__isnull=False)))
    fingerprint = f"{stats['n']}:{stats['last']}:{stats['revoked']}"
    current = ScreeningList.objects.filter(pk=ListSource.DENIALS).values_list("fingerprint", flat=True).first()
    if current == fingerprint and not force:
        return False
    rows = DenialRegisterEntry.objects.filter(revoked_on__isnull=True).values(
        "reference", "notifying_state_id", "destination_id", "consignee", "end_user", "criteria", "notified_on", "control_entry", "own"
    )
    result = list_replace(source=ListSource.DENIALS, entries=denial_entries(rows), fingerprint=fingerprint)
    if result.changed:
        run = ScreeningRun.objects.create(kind=RunKind.RESCREEN, source=ListSource.DENIALS, created=result.created, updated=result.updated, removed=result.removed, unchanged=result.unchanged)
        rescreen_enqueue(run.pk)
    return result.changed


# Single-name screens (the API) re-read the denial register only when it may have changed: a denial saved or
# deleted anywhere changes a version in the shared cache (signals.py); bulk imports send no signals, so the
# register is also compared at least this often.
DENIALS_CHECK_SECONDS = 60
_denials_seen = {"version": None, "at": float("-inf")}


def denials_version_bump() -> None:
    cache.set(_denials_version_key(), uuid.uuid4().hex, None)


def denials_refresh_if_changed() -> bool:
    """denials_refresh() when a denial changed since this process last looked, or the last look is old. True if it re-read."""
    version = cache.get(_denials_version_key())
    now = time.monotonic()
    if version == _denials_seen["version"] and now - _denials_seen["at"] < DENIALS_CHECK_SECONDS:
        return False
    changed = denials_refresh()
    _denials_seen.update(version=version, at=now)
    return changed


def _denials_version_key() -> str:
    database = str(connection.settings_dict.get("NAME") or "")
    return f"screening:{hashlib.sha1(database.encode()).hexdigest()[:10]}:denials_version"


# --- Import runs and re-screens -------------------------------------------------------------------
def list_import_start(*, actor, source: str, content: bytes, file_name: str = "") -> ScreeningRun:
    """Keep the uploaded file with a new run and queue its import (then the re-screen) for the worker."""
    if source not in (ListSource.EU, ListSource.OPENSANCTIONS):
        raise DomainError(gettext("Unknown list format."), fields={"format": [gettext("Choose eu-xml or ftm.")]})
    if not content:
        raise DomainError(gettext("The file is empty."), fields={"file": [gettext("The file is empty.")]})
    run = ScreeningRun.objects.create(
        kind=RunKind.IMPORT,
        source=source,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        payload=content,
        started_by=actor if getattr(actor, "pk", None) else None,
    )

    from .tasks import import_list

    delay_after_commit(import_list, run.pk)
    return run


def list_import_run(*, run_id: int) -> ScreeningRun | None:
    """Import the run's file; on success re-screen the open applications. Safe to run twice."""
    # A run left `importing` by a worker that died is taken up again: the import itself is one transaction.
    claimed = ScreeningRun.objects.filter(pk=run_id, kind=RunKind.IMPORT, status__in=(RunStatus.PENDING, RunStatus.IMPORTING)).update(
        status=RunStatus.IMPORTING
    )
    if not claimed:
        return None
    run = ScreeningRun.objects.get(pk=run_id)
    try:
        entries = list_parse(run.source, bytes(run.payload))
    except ListFormatError as exc:
        ScreeningRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, errors=exc.errors, payload=b"", finished_at=timezone.now())
        return ScreeningRun.objects.get(pk=run_id)
    with transaction.atomic():
        result = list_replace(source=run.source, entries=entries, fingerprint=run.file_sha256)
        ScreeningRun.objects.filter(pk=run_id).update(
            status=RunStatus.SCREENING,
            payload=b"",
            created=result.created,
            updated=result.updated,
            removed=result.removed,
            unchanged=result.unchanged,
        )
        event_record(
            actor=run.started_by,
            verb="screening.list_imported",
            target=run,
            payload={"source": run.source, "file": run.file_name, "sha256": run.file_sha256, "created": result.created, "updated": result.updated, "removed": result.removed},
        )
        rescreen_enqueue(run_id)
    return ScreeningRun.objects.get(pk=run_id)


def list_import_file(*, source: str, content: bytes, file_name: str = "", actor=None) -> ScreeningRun:
    """Import a file in this process (the management command); the re-screen goes to the worker."""
    run = ScreeningRun.objects.create(
        kind=RunKind.IMPORT, source=source, file_name=file_name[:255], file_sha256=hashlib.sha256(content).hexdigest(), payload=content, started_by=actor
    )
    return list_import_run(run_id=run.pk)


def rescreen_start(*, source: str = "", actor=None) -> ScreeningRun:
    """Re-screen every open application (e.g. after the threshold or the algorithm changed)."""
    run = ScreeningRun.objects.create(kind=RunKind.RESCREEN, source=source, started_by=actor)
    rescreen_enqueue(run.pk)
    return run


def rescreen_enqueue(run_id: int) -> None:
    """Queue the re-screen of a run once the current transaction (if any) has committed."""
    from .tasks import rescreen

    delay_after_commit(rescreen, run_id)


def rescreen_fan_out(*, run_id: int) -> int:
    """Count the open applications and hand them to the workers in chunks. Returns how many."""
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.PENDING).update(status=RunStatus.SCREENING)
    run = ScreeningRun.objects.defer("payload").filter(pk=run_id, status=RunStatus.SCREENING).first()
    if run is None:
        return 0
    denials_refresh()  # once for the run; its chunks do not look again
    ids = selectors.open_application_ids()
    ScreeningRun.objects.filter(pk=run_id).update(total=len(ids))
    if not ids:
        _run_progress(run_id)
        return 0
    from .tasks import rescreen_chunk

    for chunk in _chunks(ids, RESCREEN_CHUNK):
        rescreen_chunk.delay(run_id, chunk)
    return len(ids)


def rescreen_applications(*, run_id: int, application_ids: list[int]) -> None:
    """Screen a chunk of applications for a run, and move the run's progress on."""
    index = selectors.name_index()  # the lists in memory, loaded once per process while they do not change
    # One transaction for the chunk (skipping those closed in the meantime): a worker killed in the middle leaves
    # nothing of it behind, and the next worker redoes it whole.
    applications_screen(application_ids=application_ids, index=index, refresh_denials=False)
    RunItem.objects.bulk_create([RunItem(run_id=run_id, application_id=pk) for pk in application_ids], ignore_conflicts=True)
    _run_progress(run_id)


def _run_progress(run_id: int) -> None:
    done = RunItem.objects.filter(run_id=run_id).count()
    ScreeningRun.objects.filter(pk=run_id, status=RunStatus.SCREENING).update(done=done)
    run = ScreeningRun.objects.defer("payload").get(pk=run_id)
    if run.status == RunStatus.SCREENING and done >= run.total:
        # Compare and set: of the chunks finishing last at once, one closes the run.
        if ScreeningRun.objects.filter(pk=run_id, status=RunStatus.SCREENING).update(status=RunStatus.DONE, finished_at=timezone.now()):
            RunItem.objects.filter(run_id=run_id).delete()


# --- Reference: the common high-priority items ---------------------------------------------------
def high_priority_items_load(path: Path | None = None) -> int:
    """Load (or update) the HS codes of the common high-priority items list from the fixture."""
    data = yaml.safe_load(Path(path or HIGH_PRIORITY_FIXTURE).read_text(encoding="utf-8"))
    count = 0
    with transaction.atomic():
        for item in data["items"]:
            code = "".join(ch for ch in str(item["hs"]) if ch.isdigit())
            if len(code) != 6:
                raise DomainError(gettext("HS code %(code)r is not six digits.") % {"code": item["hs"]})
            HighPriorityItem.objects.update_or_create(hs_code=code, defaults={"tier": str(item["tier"]), "description": item.get("description", "")})
            count += 1
    return count
