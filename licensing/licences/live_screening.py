"""Live licences follow the lists: when a re-screen run starts (a sanctions list imported, the denial register
changed; licensing.screening.hooks), the parties of every active licence and registration are screened against the
lists in the same run, and what they hit is kept as a LiveHit for the office: a list of the licences affected with
the hit, from which it suspends them in bulk (the suspend moves of lifecycle.py, licences' and registrations', whose letter to the holder goes
through the outbox) or dismisses a hit as a false alarm.

The parties screened are those of the application the licence was issued on (every role screening screens, with
their countries), the consignee and end user written on a licence imported without one, and the holder; for a
registration, its holder. Matching is screening's own (screening.selectors.name_matches, with the run's lists in
memory), at screening's threshold.
"""
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from licensing.applications.models import Party
from licensing.core.enqueue import delay_after_commit
from licensing.core.errors import DomainError, NotFound
from licensing.core.permissions import refuse_unless
from licensing.screening import selectors as screening
from licensing.screening.cases import SCREENED_ROLES, party_key
from licensing.screening.name_index import name_index

from .lifecycle import licence_move, registration_move
from .models import Licence, LicenceStatus, LiveHit, LiveHitStatus, Registration, RegistrationStatus
from .transitions import HANDLING_HITS, LIVE_HIT, LiveHitAction

CHUNK = 500  # licences (or registrations) a task
BULK_MAX = 500  # licences one bulk suspension may name
HANDLING = HANDLING_HITS  # who suspends from the list or dismisses a hit: whoever may suspend (the hit machine's allow-list)


@dataclass(frozen=True)
class ScreenedParty:
    role: str
    name: str
    country: str | None
    person: bool | None


def on_rescreen_started(sender, run_id: int, **kwargs) -> None:
    """screening.hooks.rescreen_started: queue the live licences' and registrations' re-screen for the run."""
    from .tasks import rescreen_live

    delay_after_commit(rescreen_live, run_id)


def rescreen_live_fan_out(*, run_id: int | None) -> int:
    """Hand the active licences and registrations to the workers in chunks. Returns how many."""
    from .tasks import rescreen_live_chunk

    licence_ids = list(Licence.objects.filter(status=LicenceStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    registration_ids = list(Registration.objects.filter(status=RegistrationStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(licence_ids), CHUNK):
        rescreen_live_chunk.delay(run_id, licence_ids[start:start + CHUNK], [])
    for start in range(0, len(registration_ids), CHUNK):
        rescreen_live_chunk.delay(run_id, [], registration_ids[start:start + CHUNK])
    return len(licence_ids) + len(registration_ids)


def rescreen_live(*, run_id: int | None, licence_ids: list[int] = (), registration_ids: list[int] = ()) -> int:
    """Screen the parties of these licences and registrations (those still active); keep the new hits. Idempotent:
    a party hitting the same entry again (same content) is the hit already kept. Returns the new hits."""
    index = name_index()
    cache: dict[tuple, list] = {}
    hits = []
    licences = Licence.objects.filter(pk__in=licence_ids, status=LicenceStatus.ACTIVE).select_related("holder", "decision").order_by("pk")
    parties_by_application = _application_parties([l.decision.application_id for l in licences if l.decision.application_id])
    for licence in licences:
        for party in _licence_parties(licence, parties_by_application):
            hits += _hits(party, cache, index, run_id=run_id, licence=licence)
    for registration in Registration.objects.filter(pk__in=registration_ids, status=RegistrationStatus.ACTIVE).select_related("organisation").order_by("pk"):
        holder = registration.organisation
        hits += _hits(ScreenedParty("holder", holder.name, holder.country_id, False), cache, index, run_id=run_id, registration=registration)
    if not hits:
        return 0
    before = LiveHit.objects.count()
    LiveHit.objects.bulk_create(hits, ignore_conflicts=True)
    return LiveHit.objects.count() - before


def _application_parties(application_ids: list[int]) -> dict[int, list[ScreenedParty]]:
    parties: dict[int, list[ScreenedParty]] = {}
    rows = Party.objects.filter(application_id__in=application_ids, role__in=SCREENED_ROLES).order_by("application_id", "position", "pk")
    for party in rows.values("application_id", "role", "name", "country_id", "party_type"):
        person = party["party_type"] == Party.PartyType.INDIVIDUAL
        parties.setdefault(party["application_id"], []).append(ScreenedParty(party["role"], party["name"], party["country_id"], person))
    return parties


def _licence_parties(licence: Licence, by_application: dict[int, list[ScreenedParty]]) -> list[ScreenedParty]:
    parties = list(by_application.get(licence.decision.application_id, []))
    if not parties:  # imported without an application: the names the licence carries
        parties = [ScreenedParty(role, name, None, None) for role, name in (("consignee", licence.consignee), ("end_user", licence.end_user)) if name.strip()]
    if licence.holder_id:
        parties.append(ScreenedParty("holder", licence.holder.name, licence.holder.country_id, False))
    return parties


def _hits(party: ScreenedParty, cache: dict, index, *, run_id, licence=None, registration=None) -> list[LiveHit]:
    key = (party.name, party.country, party.person)
    if key not in cache:
        cache[key] = screening.name_matches(party.name, party.country, person=party.person, index=index)
    return [
        LiveHit(
            run_id=run_id, licence=licence, registration=registration, party_role=party.role, party_name=party.name[:300], party_country=party.country or "",
            party_key=party_key(party.name, party.country), source=m.source, list_kind=m.list_kind, entry_reference=m.reference[:200], entry_name=m.name[:500],
            matched_name=m.matched_name[:500], score=m.score, entry_hash=m.entry_hash,
        )
        for m in cache[key]
    ]


def open_hits():
    """The office's list: open hits of licences and registrations still active, newest first."""
    return (
        LiveHit.objects.filter(status=LiveHitStatus.OPEN)
        .exclude(licence__isnull=False, licence__status__in=[s for s in LicenceStatus.values if s != LicenceStatus.ACTIVE])
        .exclude(registration__isnull=False, registration__status__in=[s for s in RegistrationStatus.values if s != RegistrationStatus.ACTIVE])
        .select_related("licence", "registration__organisation")
        .order_by("-found_at", "-id")
    )


@dataclass
class BulkSuspension:
    suspended: list[Licence | Registration] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (licence or registration number, why)


def licences_suspend_for_hits(*, actor, licence_ids: list[int], reason: str, registration_ids: list[int] = ()) -> BulkSuspension:
    """Suspend the licences and registrations named (each with an open hit) by their suspend move, each in its own
    transaction: the move records its event and owes the holder its letter (outbox). One that cannot be suspended
    (no open hit, no longer active) is reported and the others go ahead; their hits close as 'suspended' with the
    reason."""
    refuse_unless(actor, HANDLING, _("Only the licensing office suspends licences."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason."), fields={"reason": [_("Give the reason.")]})
    licence_ids, registration_ids = sorted(set(licence_ids)), sorted(set(registration_ids))
    if not licence_ids and not registration_ids:
        raise DomainError(_("Choose the licences to suspend."), fields={"licences": [_("Choose at least one licence.")]})
    if len(licence_ids) + len(registration_ids) > BULK_MAX:
        raise DomainError(_("Suspend at most %(max)s licences at once.") % {"max": BULK_MAX}, fields={"licences": [_("Too many.")]})
    result = BulkSuspension()
    _suspend_each(actor, reason, result, Licence, "licence", licence_ids, lambda licence: licence_move(actor=actor, licence=licence, move="suspend", reason=reason))
    _suspend_each(actor, reason, result, Registration, "registration", registration_ids,
                  lambda registration: registration_move(actor=actor, registration=registration, move="suspend", reason=reason))
    return result


def _suspend_each(actor, reason: str, result: BulkSuspension, model, hit_field: str, ids: list[int], suspend) -> None:
    with_hits = set(LiveHit.objects.filter(**{f"{hit_field}_id__in": ids, "status": LiveHitStatus.OPEN}).values_list(f"{hit_field}_id", flat=True))
    held = model.objects.in_bulk(ids)
    for pk in ids:
        obj = held.get(pk)
        if obj is None:
            result.refused.append((str(pk), _("No such licence.")))
            continue
        if obj.pk not in with_hits:
            result.refused.append((obj.number, _("No open hit on this licence.")))
            continue
        try:
            with transaction.atomic():
                suspend(obj)
                for hit in LiveHit.objects.filter(**{hit_field: obj, "status": LiveHitStatus.OPEN}).select_related("licence", "registration"):
                    LIVE_HIT.move(hit, LiveHitAction.SUSPEND, actor, reason=reason, payload=_hit_payload(hit), extra_updates={"handled_by_id": actor.pk, "note": reason})
        except DomainError as exc:
            result.refused.append((obj.number, exc.message))
            continue
        result.suspended.append(obj)


def hit_dismiss(*, actor, hit: LiveHit, note: str) -> LiveHit:
    """A false alarm: the hit closes with the officer's note (the same party and entry are not listed again)."""
    refuse_unless(actor, HANDLING, _("Only the licensing office dismisses a hit."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Give the reason."), fields={"note": [_("Give the reason.")]})
    with transaction.atomic():
        LIVE_HIT.move(hit, LiveHitAction.DISMISS, actor, reason=note, payload=_hit_payload(hit), extra_updates={"handled_by_id": actor.pk, "note": note})
    return hit


def _hit_payload(hit: LiveHit) -> dict:
    return {"hit": hit.pk, "entry": hit.entry_reference, "party": hit.party_name}


def hit_get(hit_id: int) -> LiveHit:
    hit = LiveHit.objects.select_related("licence", "registration").filter(pk=hit_id).first()
    if hit is None:
        raise NotFound(_("No such hit."))
    return hit
