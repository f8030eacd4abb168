"""
Decisions: the licensing office turns advice (or, for office-alone cases, its own judgement) into a licence,
a denial, an indicative answer (sondage) or a classification ruling. Every decision leaves a Decision record.

licensing.licences owns decisions, and this module records them: the Decision model (models.py) aside, who may
decide (DECIDING), what may block a decision (decision_blockers: the ministry's advice, open consultations,
advice asked of another body and not yet given, unresolved screening hits) and recording one (decision_issue,
decision_deny, decision_answer_sondage, decision_rule, with the parliament fast track's follow-up) are here and
nowhere else. A licence is decided per goods line (issue 18.2: DecideCommand.lines, DecisionLine): one decision may
issue some lines and deny others. The licence's life after
issue is in lifecycle.py, usage reports in usage.py, reads in selectors.py. Assessment
advises and screening says which of its hits stand in the way; both sit a layer below and never import this
app (docs/architecture.md).
"""
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from licensing.applications.choices import GoodsKind, Kind, Purpose
from licensing.applications.models import Application, GoodsLine, Notification, Party
from licensing.applications.notifications import notify_organisation
from licensing.applications.selectors import application_frameworks
from licensing.applications.workflow import KINDS_DECIDED_BY, Action, application_move
from licensing.assessment.advice_requests import open_requests_blocking
from licensing.assessment.models import Advice, AssessmentStatus, ConsultationStatus
from licensing.assessment.services import advice_by_line, final_assessment
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError
from licensing.core.permissions import refuse_unless
from licensing.core.mail import mail_after_commit
from licensing.denials.models import DenialRegisterEntry
from licensing.reference.control_list import InvalidControlEntry, parse_entry
from licensing.reference.frameworks import grounds_of
from licensing.reference.models import StandardTextKind
from licensing.reference.standard_texts import standard_texts_chosen, text_with_standard_texts
from licensing.routing.services import case_ensure_claimant, catch_all_imposed
from licensing.screening.models import FlagKind
from licensing.screening.selectors import decision_blocker, decision_blocking_counts, screening_flags

from .conditions import conditions_attach
from .models import (
    Decision, DecisionDestination, DecisionLine, DecisionProposal, Licence, LicenceKind, LicenceLine, Outcome, ParliamentNotification, ProposalStatus, Registration,
    RegistrationStatus,
)
from .tasks import decision_notify
from .transitions import DECIDING, DECISION_PROPOSAL, ProposalAction, second_officer_only


# The kinds whose goods lines can be issued or denied one by one (issue 18.2): licences.
KINDS_DECIDED_PER_LINE = (Kind.INDIVIDUAL, Kind.GLOBAL)
# Each outcome is the workflow's move of the same name.
ACTION_OF_OUTCOME = {Outcome.ISSUED: Action.ISSUE, Outcome.DENIED: Action.DENY, Outcome.ANSWERED: Action.ANSWER_SONDAGE, Outcome.RULED: Action.RULE}
# What each outcome's service reads of a DecideCommand besides the outcome (_record's dispatch below): a form offers
# the fields of the outcomes it offers and no other (a licence's form asked for a sondage's answer and a ruling's
# control entry). tests/licences/test_decide_fields.py holds _record to it.
FIELDS_OF_OUTCOME: dict[str, tuple[str, ...]] = {
    Outcome.ISSUED: ("reasons", "conditions", "valid_to", "standard_conditions", "lines", "denied_destinations"),
    Outcome.DENIED: ("reasons", "criteria", "standard_reasons", "lines"),
    Outcome.ANSWERED: ("answer", "positive", "criteria"),
    Outcome.RULED: ("entry", "not_listed", "reasons"),
}


@dataclass(frozen=True)
class LineDecision:
    """The decision on one goods line (issue 18.2): `line` is the goods line's id; a denied line cites its grounds."""

    line: int
    outcome: str
    criteria: tuple[int, ...] = ()
    reasons: str = ""


@dataclass(frozen=True)
class DestinationDecision:
    """A destination denied in a decision that issues the licence for the others (issue 18.2): `country` is its code;
    it cites its grounds."""

    country: str
    criteria: tuple[int, ...] = ()
    reasons: str = ""


def _destination_decisions(items) -> tuple[DestinationDecision, ...]:
    return tuple(
        DestinationDecision(country=str(d["country"]).upper(), criteria=tuple(d.get("criteria") or ()), reasons=d.get("reasons") or "") for d in items or ()
    )


@dataclass(frozen=True)
class DecideCommand:
    """One decision as typed input: what the API's serializer and the page's form both produce (each from its own
    wire format), so that `decide` is the one dispatch to the decision services."""

    outcome: str
    reasons: str = ""
    criteria: tuple[int, ...] = ()
    conditions: str = ""
    valid_to: date | None = None
    answer: str = ""
    positive: bool = False
    entry: str = ""
    not_listed: bool = False
    # Per goods line (issue 18.2): none means every line has the decision's outcome (and a denial's grounds).
    lines: tuple[LineDecision, ...] = ()
    # Per destination (issue 18.2): the destinations an issued licence leaves out, each denied on its own grounds.
    denied_destinations: tuple[DestinationDecision, ...] = ()
    # Standard texts (reference.StandardText ids): the licence's conditions (they become its obligations) and a
    # denial's refusal reasons (written into its reasons in the holder's language).
    standard_conditions: tuple[int, ...] = ()
    standard_reasons: tuple[int, ...] = ()

    @classmethod
    def of(cls, data: dict) -> "DecideCommand":
        """From a serializer's or a form's cleaned data (fields it does not have keep their defaults)."""
        known = {f: data[f] for f in cls.__dataclass_fields__ if f in data and data[f] is not None}
        for name in ("criteria", "standard_conditions", "standard_reasons"):
            if name in known:
                known[name] = tuple(getattr(v, "pk", v) for v in known[name])
        if "lines" in known:
            known["lines"] = tuple(
                LineDecision(line=line["line"], outcome=line["outcome"], criteria=tuple(line.get("criteria") or ()), reasons=line.get("reasons") or "")
                for line in known["lines"]
            )
        if "denied_destinations" in known:
            known["denied_destinations"] = _destination_decisions(known["denied_destinations"])
        if known.get("outcome") != Outcome.ANSWERED:
            known.pop("positive", None)  # a sondage's answer alone is positive or negative (the API and the form default apart)
        return cls(**known)

    def as_record(self) -> dict:
        """The command as JSON, kept on a proposed decision until a second officer countersigns it."""
        record = {f: getattr(self, f) for f in self.__dataclass_fields__}
        for name in ("criteria", "standard_conditions", "standard_reasons"):
            record[name] = list(getattr(self, name))
        record["lines"] = [{"line": l.line, "outcome": l.outcome, "criteria": list(l.criteria), "reasons": l.reasons} for l in self.lines]
        record["denied_destinations"] = [{"country": d.country, "criteria": list(d.criteria), "reasons": d.reasons} for d in self.denied_destinations]
        record["valid_to"] = self.valid_to.isoformat() if self.valid_to else None
        return record

    @classmethod
    def of_record(cls, record: dict) -> "DecideCommand":
        """The command kept on a proposed decision (as_record), as it was typed."""
        known = {f: record[f] for f in cls.__dataclass_fields__ if f in record and record[f] is not None}
        for name in ("criteria", "standard_conditions", "standard_reasons"):
            known[name] = tuple(known.get(name, ()))
        known["lines"] = tuple(LineDecision(line=l["line"], outcome=l["outcome"], criteria=tuple(l.get("criteria") or ()), reasons=l.get("reasons") or "") for l in known.get("lines", ()))
        known["denied_destinations"] = _destination_decisions(known.get("denied_destinations", ()))
        if known.get("valid_to"):
            known["valid_to"] = date.fromisoformat(known["valid_to"])
        return cls(**known)


def decide(*, actor, application: Application, command: DecideCommand, on_objection=None) -> "Decision | Licence | Registration | DecisionProposal":
    """
    The one way an officer decides (the API and the page both call it): the decision a command describes, through
    the service of its outcome; or, where four eyes are needed (countersignature_grounds), a proposed decision that
    takes effect once a second officer countersigns it (decision_countersign). While a proposal waits, the case is
    not decided otherwise. `on_objection`: the objection in handling whose well-founded outcome this new decision is
    (licences.objections.objection_decide); it takes effect at once, the objection's handler being the second
    official the law asks for (Awb 7:5: never the author of the decision objected to).
    """
    _decider(actor)
    if on_objection is not None:
        return _record(actor=actor, application=application, command=command, on_objection=on_objection)
    with transaction.atomic():
        # The case's row lock orders a decision, a proposal and a countersignature on one case: one at a time.
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if _open_proposal(locked) is not None:
            raise Conflict(_("A decision on this case awaits a second officer's countersignature; it is countersigned or sent back first."), code="awaiting_countersignature")
        grounds = countersignature_grounds(locked, command)
        if grounds:
            return _propose(actor, locked, command, grounds)
        return _record(actor=actor, application=locked, command=command)


def _record(*, actor, application: Application, command: DecideCommand, on_objection=None):
    """Record the decision through the service of its outcome (at once, on a countersignature, or on objection)."""
    c = command
    if c.lines and c.outcome not in (Outcome.ISSUED, Outcome.DENIED):
        raise DomainError(_("Only a licence can be issued or denied line by line."), fields={"lines": [_("Only a licence can be issued or denied line by line.")]})
    if c.denied_destinations and c.outcome != Outcome.ISSUED:
        raise DomainError(_("Only an issued licence can leave destinations out."), fields={"denied_destinations": [_("Only an issued licence can leave destinations out.")]})
    if c.standard_conditions and c.outcome != Outcome.ISSUED:
        raise DomainError(_("Only an issued licence has conditions."), fields={"standard_conditions": [_("Only an issued licence has conditions.")]})
    if c.standard_reasons and c.outcome != Outcome.DENIED:
        raise DomainError(_("Refusal reasons belong to a denial."), fields={"standard_reasons": [_("Refusal reasons belong to a denial.")]})
    if c.outcome == Outcome.ISSUED:
        return decision_issue(
            actor=actor, application=application, conditions=c.conditions, valid_to=c.valid_to, reasons=c.reasons, lines=c.lines,
            denied_destinations=c.denied_destinations, standard_conditions=c.standard_conditions, on_objection=on_objection,
        )
    if c.outcome == Outcome.DENIED:
        reasons = c.reasons
        if c.standard_reasons:
            texts = standard_texts_chosen(StandardTextKind.REFUSAL, c.standard_reasons, field="standard_reasons")
            reasons = text_with_standard_texts(reasons, texts, language=_letter_language(application))
        return decision_deny(actor=actor, application=application, reasons=reasons, criteria=list(c.criteria), lines=c.lines, on_objection=on_objection)
    if c.outcome == Outcome.ANSWERED:
        return decision_answer_sondage(actor=actor, application=application, answer=c.answer, positive=c.positive, criteria=list(c.criteria), on_objection=on_objection)
    if c.outcome == Outcome.RULED:
        return decision_rule(actor=actor, application=application, entry=c.entry, not_listed=c.not_listed, reasons=c.reasons, on_objection=on_objection)
    raise DomainError(_("Choose the decision."), fields={"outcome": [_("Choose the decision.")]})


def _letter_language(application: Application) -> str:
    from .documents import document_language  # documents imports this module

    return document_language(application.organisation)


# --- four eyes at the office (issue 18.3) ----------------------------------------------------------------------------
def _open_proposal(application: Application) -> DecisionProposal | None:
    return DecisionProposal.objects.filter(application_id=application.pk, status=ProposalStatus.PROPOSED).select_related("proposed_by").first()


def _is_denial(command: DecideCommand) -> bool:
    """A denial, a negative indicative answer or a licence that denies some goods lines or destinations: each is
    entered in our denial register (counted_as_denial, DecisionLine, DecisionDestination)."""
    return (
        command.outcome == Outcome.DENIED or (command.outcome == Outcome.ANSWERED and not command.positive)
        or any(line.outcome == Outcome.DENIED for line in command.lines) or bool(command.denied_destinations)
    )


def _flags(application: Application) -> list[str]:
    """The case's flags that call for a second officer: every screening and circumvention flag (a hit awaiting its
    disposition, a party confirmed on a list, a high-priority item to a high-risk country, ...), and a party in a
    country under an arms embargo or a sanctions ban (the routing's flag)."""
    flags = list(screening_flags([application.pk])[application.pk])
    if (application.determination or {}).get("flagged_countries"):
        flags.append(PARTY_COUNTRY)
    return flags


PARTY_COUNTRY = "party_country"  # the routing's flag (routing.selectors.FLAGS)


def countersignature_grounds(application: Application, command: DecideCommand) -> list[dict]:
    """
    Why this decision takes effect only once a second officer countersigns it (four eyes at the office), or [] when
    one officer may take it alone: a denial (a negative sondage answer too), a licence whose goods are worth more than
    OFFICE_COUNTERSIGN_ABOVE_EUR, and any decision on a flagged case. The one place that says so; grounds_text words it.
    """
    grounds: list[dict] = []
    if _is_denial(command):
        grounds.append({"ground": "denial"})
    if command.outcome == Outcome.ISSUED and application.kind != Kind.GENERAL_REGISTRATION:
        # The licence's value: of the goods lines it issues (all of them unless the command decides per line).
        issued = {line.line for line in command.lines if line.outcome == Outcome.ISSUED} if command.lines else None
        value = sum((line.value_eur or 0 for line in application.goods.all() if issued is None or line.pk in issued), Decimal(0))
        if value > settings.OFFICE_COUNTERSIGN_ABOVE_EUR:
            grounds.append({"ground": "value", "value": str(value), "limit": str(settings.OFFICE_COUNTERSIGN_ABOVE_EUR)})
    flags = _flags(application)
    if flags:
        grounds.append({"ground": "flagged", "flags": flags})
    return grounds


def _flag_label(flag: str) -> str:
    if flag == PARTY_COUNTRY:
        return _("a party in a country under an arms embargo or a sanctions ban")
    return str(FlagKind(flag).label) if flag in FlagKind.values else flag


def grounds_text(grounds: list[dict]) -> list[str]:
    """The grounds of a proposal in the reader's language."""
    texts = []
    for g in grounds:
        if g["ground"] == "denial":
            texts.append(_("A denial (a negative indicative answer too) needs a second officer."))
        elif g["ground"] == "value":
            texts.append(
                _("A licence worth EUR %(value)s is above the office's limit for one officer (EUR %(limit)s).")
                % {"value": number_format(Decimal(g["value"]), 2, force_grouping=True), "limit": number_format(Decimal(g["limit"]), 0, force_grouping=True)}
            )
        elif g["ground"] == "flagged":
            texts.append(_("The case is flagged (%(flags)s): any decision on it needs a second officer.") % {"flags": "; ".join(_flag_label(f) for f in g["flags"])})
    return texts


# Set while a decision that needs four eyes is recorded with them settled: tried out for a proposal (_propose) or
# taking effect on its countersignature (decision_countersign). The decision services refuse such a decision otherwise,
# so that no caller of theirs skips the second officer.
_FOUR_EYES_SETTLED: ContextVar[bool] = ContextVar("four_eyes_settled", default=False)


@contextmanager
def _four_eyes_settled() -> Iterator[None]:
    token = _FOUR_EYES_SETTLED.set(True)
    try:
        yield
    finally:
        _FOUR_EYES_SETTLED.reset(token)


def _refuse_without_second_officer(application: Application, command: DecideCommand, on_objection=None) -> None:
    if on_objection is None and not _FOUR_EYES_SETTLED.get() and countersignature_grounds(application, command):
        raise Conflict(_("This decision takes effect only once a second officer countersigns it; propose it (decide) instead."), code="awaiting_countersignature")


class _TriedOut(Exception):
    """Undoes a decision tried out in a savepoint (_propose)."""


def _propose(actor, application: Application, command: DecideCommand, grounds: list[dict]) -> DecisionProposal:
    """Keep the decision as a proposal for a second officer. It is first taken and undone (a savepoint rolled back,
    its mail and notices with it): the countersigner is asked to agree to a decision that is complete and could be taken
    now, and the same checks run again when it takes effect."""
    try:
        with transaction.atomic(), _four_eyes_settled():
            _record(actor=actor, application=application, command=command)
            raise _TriedOut
    except _TriedOut:
        pass
    try:
        with transaction.atomic():
            proposal = DecisionProposal.objects.create(
                application=application, outcome=command.outcome, command=command.as_record(), grounds=grounds, proposed_by=actor
            )
    except IntegrityError:  # the case's row lock makes this rare: a second proposal in a transaction that did not lock it
        raise Conflict(_("A decision on this case already awaits a second officer's countersignature.")) from None
    event_record(
        actor=actor, verb="decision.proposed", target=application, reason=command.reasons or command.answer,
        payload={"proposal": proposal.pk, "outcome": command.outcome, "grounds": [g["ground"] for g in grounds]},
    )
    return proposal


def decision_countersign(*, actor, application: Application, proposal_id: int | None, agree: bool, reason: str = "") -> DecisionProposal:
    """
    A second officer countersigns the proposed decision on this case, which then takes effect (recorded as the
    author's decision, through the same path as any decision, once), or sends it back with the reason. Never the
    author (403). `proposal_id` is the proposal the countersigner read: another one is a conflict, not a signature.
    Of two countersigners at once, one wins (the case's row lock, then the proposal's compare-and-set).
    """
    _decider(actor)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        proposal = _open_proposal(locked)
        if proposal is None or (proposal_id is not None and proposal.pk != proposal_id):
            raise Conflict(_("No decision on this case awaits countersignature any more (it was countersigned, sent back or replaced); reload the case."))
        second_officer_only(proposal, actor)  # the author is refused before anything else is asked
        if not agree and not reason.strip():
            raise DomainError(_("Say why you send the decision back."), fields={"reason": [_("Say why you send the decision back.")]})
        DECISION_PROPOSAL.move(
            proposal, ProposalAction.COUNTERSIGN if agree else ProposalAction.SEND_BACK, actor, reason=reason.strip(),
            payload={"proposal": proposal.pk, "outcome": proposal.outcome, "proposed_by": proposal.proposed_by.username},
            extra_updates={"countersigned_by": actor} if agree else {"sent_back_reason": reason.strip()},
        )
        if agree:
            with _four_eyes_settled():
                _record(actor=proposal.proposed_by, application=locked, command=DecideCommand.of_record(proposal.command))
            proposal.decision = Decision.objects.get(application_id=locked.pk)
            proposal.save(update_fields=["decision"])
    return proposal


def outcomes_for(kind: str) -> list[str]:
    """The outcomes an application of this kind can have (the workflow's KINDS_DECIDED_BY): what the form offers."""
    return [outcome for outcome, action in ACTION_OF_OUTCOME.items() if kind in KINDS_DECIDED_BY[action]]
LICENCE_VALIDITY_DAYS = 2 * 365  # Reg. 2021/821 Art. 12(3): individual and global licences up to two years
FAST_TRACK_DAYS = 14
# Kept in English in the record (Decision.indicative_answer); the letter translates them (licences.documents).
NO_RIGHTS = gettext_noop("This answer is an indication only: no rights can be derived from it, and a licence application is still needed at delivery.")
POSITIVE_VERDICT = gettext_noop("A licence would likely be granted under unchanged circumstances.")
NEGATIVE_VERDICT = gettext_noop("A licence would likely not be granted.")


def _party(application: Application, role: str) -> str:
    return ", ".join(p.name for p in application.parties.all() if p.role == role)


_UNREAD = object()


@dataclass(frozen=True)
class BlockingReads:
    """What decision_blockers reads of a case, read once (blocking_reads) whether one list is asked for or both."""

    proposal: DecisionProposal | None
    assessment: object  # the final assessment (assessment.services.final_assessment), or None
    consultations: list
    requests: list[str]  # the open requests for advice to other bodies, in words (open_requests_blocking)
    screening: dict  # screening.selectors.decision_blocking_counts


def blocking_reads(
    application: Application, *, proposals: list[DecisionProposal] | None = None, consultations: list | None = None, latest=_UNREAD,
    screening: dict[str, int] | None = None,
) -> BlockingReads:
    """`proposals` (licences.selectors.case_proposals), `consultations` (with their denials), `latest` (the newest
    assessment or None: assessment.selectors.current_assessment) and `screening` (the blocking hits' counts,
    screening.selectors.decision_blocking_counts): the case's, when the caller has read them already, so they are not
    read again (the newest assessment is the final one when final; with none there is no final one)."""
    if latest is _UNREAD or (latest is not None and latest.status != AssessmentStatus.FINAL):
        assessment = final_assessment(application)
    else:
        assessment = latest
    if proposals is None:
        proposal = _open_proposal(application)
    else:
        proposal = next((p for p in proposals if p.status == ProposalStatus.PROPOSED), None)
    return BlockingReads(
        proposal=proposal,
        assessment=assessment,
        consultations=list(application.consultations.select_related("denial")) if consultations is None else consultations,
        requests=open_requests_blocking(application),
        screening=decision_blocking_counts(application) if screening is None else screening,
    )


def case_blockers(application: Application, *, reads: BlockingReads | None = None) -> dict[str, list[str]]:
    """What blocks approving and what blocks denying the case, from one reading of it (the case page, the API)."""
    reads = reads or blocking_reads(application)
    return {"approve": decision_blockers(application, approving=True, reads=reads), "deny": decision_blockers(application, approving=False, reads=reads)}


def decision_blockers(
    application: Application, *, approving: bool, denied_lines: Collection[int] = (), on_objection: bool = False, reads: BlockingReads | None = None
) -> list[str]:
    """What keeps the office from deciding now, in words the officer can act on. `approving`: a licence is issued
    (for some lines at least); `denied_lines`: the goods lines (ids) an issuing decision denies. The ministry's
    advice may differ per goods line (Assessment.line_advice): no line is issued against advice to deny it, none
    denied against advice to approve it.
    `on_objection`: the new decision on a well-founded objection reconsiders the decision objected to in full (Awb
    7:11), the ministry's advice it followed included; that advice does not bind it (else no objection to a
    denial the ministry advised could ever be well-founded). Consultations, requests for advice and embargoes do.
    `reads`: what blocking_reads read of the case, when the caller has it (case_blockers)."""
    reads = reads or blocking_reads(application)
    blockers = []
    proposal = reads.proposal
    if proposal is not None:
        blockers.append(_("A decision proposed by %(author)s awaits a second officer's countersignature.") % {"author": proposal.proposed_by.username})
    assessment = reads.assessment
    if not on_objection and application.handler == "ministry" and application.kind in (Kind.INDIVIDUAL, Kind.GLOBAL, Kind.SONDAGE):
        if assessment is None:
            blockers.append(_("The ministry has not given its final advice."))
        elif assessment.line_advice:
            goods = list(application.goods.all())
            advice = advice_by_line(assessment, [line.pk for line in goods])
            for number, line in enumerate(goods, start=1):
                denied = not approving or line.pk in denied_lines
                if not denied and advice[line.pk] == Advice.DENY:
                    blockers.append(_("The ministry advised to deny goods line %(line)s; the office cannot approve it against its advice.") % {"line": number})
                elif denied and advice[line.pk] != Advice.DENY:
                    blockers.append(_("The ministry advised to approve goods line %(line)s; denying it needs new advice (return the case to the ministry).") % {"line": number})
        elif approving and assessment.advice == Advice.DENY:
            blockers.append(_("The ministry advised to deny; the office cannot approve against its advice."))
        elif (not approving or denied_lines) and assessment.advice != Advice.DENY:
            blockers.append(_("The ministry advised to approve; a denial needs new advice (return the case to the ministry)."))
    if approving:
        open_consultations = [c for c in reads.consultations if c.status not in (ConsultationStatus.ANSWERED, ConsultationStatus.TIMED_OUT)]
        for consultation in open_consultations:
            blockers.append(_("Consultation with %(state)s on denial %(denial)s is not yet answered.") % {"state": consultation.denial.notifying_state_id, "denial": consultation.denial.reference})
    blockers += reads.requests  # advice asked of another body: any decision waits for it
    blocker = decision_blocker(approving=approving, counts=reads.screening)
    if blocker:
        blockers.append(blocker)
    return blockers


def _refuse_if_blocked(application: Application, *, approving: bool, denied_lines: Collection[int] = (), on_objection=None) -> None:
    blockers = decision_blockers(application, approving=approving, denied_lines=denied_lines, on_objection=on_objection is not None)
    if blockers:
        raise DomainError(" ".join(blockers), code="blocked", fields={"decision": blockers})


def _decider(actor) -> None:
    refuse_unless(actor, DECIDING, _("Only the licensing office decides an application."))


def _locked(application: Application, actor, on_objection=None) -> Application:
    """The case locked for the decision, refused when another official holds it (issue 23.12). A decision on objection
    is taken by the objection's handler, whoever claimed the case (the objection's machine says who may)."""
    locked = Application.objects.select_for_update().prefetch_related("destinations", "goods", "parties", "consultations__denial", "advice_requests").get(pk=application.pk)
    if on_objection is None:
        case_ensure_claimant(actor=actor, application=locked)
    return locked


def decision_reference(application: Application, on_objection=None) -> str:
    """The decision's reference: the application's, or for a decision on objection the application's with the
    objection's number (the decision it replaces keeps its own)."""
    return application.reference if on_objection is None else f"{application.reference}-B{on_objection.pk}"


def _goods_kind(application) -> str:
    """The goods kind the decision is counted under: the only one, or military when goods are mixed."""
    kinds = sorted({line.goods_kind for line in application.goods.all()})
    if GoodsKind.MILITARY in kinds or not kinds:
        return GoodsKind.MILITARY if kinds else GoodsKind.UNLISTED
    return kinds[0]


def _decision(application, actor, outcome, on_objection=None, **fields) -> Decision:
    goods = list(application.goods.all())
    decision = Decision.objects.create(
        reference=decision_reference(application, on_objection),
        on_objection=on_objection,
        application=application,
        outcome=outcome,
        decided_on=timezone.localdate(),
        decided_by=actor,
        goods_kind=_goods_kind(application),
        licence_kind=LicenceKind.GLOBAL if application.kind == Kind.GLOBAL else LicenceKind.INDIVIDUAL,
        movement=application.movement,
        # Table 3's catch-all row: the office or the ministry imposed one (a fact of the case), or the goods are unlisted,
        # which need a licence only under a catch-all.
        catch_all=catch_all_imposed(application) or any(line.goods_kind == GoodsKind.UNLISTED for line in goods),
        # The value applied for: a denial's only value (table 3); for a licence that denies no line, the licence's (a
        # denied line's value is its DecisionLine's).
        value_eur=sum((line.value_eur or 0 for line in goods), 0),
        end_use=application.end_use,
        end_use_description=application.end_use_description,
        frameworks=application_frameworks(application),
        **fields,
    )
    mail_after_commit(decision_notify, decision.pk)
    notify_organisation(application=application, kind=Notification.Kind.DECISION, actor=actor)
    return decision


def _ml_category(code: str) -> str:
    try:
        return parse_entry(code).ml_category or ""
    except InvalidControlEntry:
        return ""


def _registration_issue(actor, application: Application, reasons: str, on_objection=None) -> Registration:
    """Accept a registration for a general licence: the exporter may then use it within its terms."""
    general_licence = application.general_licence
    already = Conflict(_("%(organisation)s is already registered for %(licence)s.") % {"organisation": application.organisation.name, "licence": general_licence.code})
    if Registration.objects.filter(organisation_id=application.organisation_id, general_licence=general_licence, status=RegistrationStatus.ACTIVE).exists():
        raise already
    application_move(application=application, action=Action.ISSUE, actor=actor, reason=reasons)
    decision = Decision.objects.create(
        reference=decision_reference(application, on_objection), application=application, on_objection=on_objection, outcome=Outcome.ISSUED, decided_on=timezone.localdate(), decided_by=actor,
        goods_kind=GoodsKind.MILITARY if general_licence.kind == "military" else GoodsKind.DUAL_USE,
        licence_kind=LicenceKind.GENERAL, movement=application.movement, reasons=reasons,
    )
    try:
        # Two registrations of one exporter for one general licence decided at the same moment both pass the check
        # above; the database's one-active-registration constraint lets one in. The other decision is undone whole.
        with transaction.atomic():
            return Registration.objects.create(
                number=f"{general_licence.code}-{decision.reference}", general_licence=general_licence, organisation_id=application.organisation_id,
                decision=decision, registered_on=decision.decided_on,
            )
    except IntegrityError:
        raise already from None


@dataclass(frozen=True)
class _PlannedLine:
    goods: GoodsLine
    number: int  # 1-based, as the exporter numbers the goods lines
    outcome: str
    criteria: list[int]
    frameworks: list[str]
    reasons: str


def _line_plan(application: Application, lines: tuple[LineDecision, ...], *, outcome: str) -> list[_PlannedLine]:
    """
    Every goods line with its outcome: the command's per-line decisions, or the decision's outcome for each line when
    it has none. Refused (one DomainError on `lines`, nothing saved) when a line is not the application's, is decided
    twice or not at all, has no outcome of a licence (issued, denied), a denied line cites no grounds of the frameworks
    the case is assessed against, or the lines contradict the decision (an issue issues a line; a denial denies all).
    """
    goods = list(application.goods.all())
    if not lines:
        return [_PlannedLine(line, n, outcome, [], [], "") for n, line in enumerate(goods, start=1)]
    if application.kind not in KINDS_DECIDED_PER_LINE:
        raise DomainError(_("Only a licence can be issued or denied line by line."), fields={"lines": [_("Only a licence can be issued or denied line by line.")]})
    number = {line.pk: n for n, line in enumerate(goods, start=1)}
    by_id = {line.pk: line for line in goods}
    errors: list[str] = []
    planned: dict[int, _PlannedLine] = {}
    for decided in lines:
        n = number.get(decided.line)
        if n is None:
            errors.append(_("%(line)s is not a goods line of this application.") % {"line": decided.line})
        elif n in {p.number for p in planned.values()}:
            errors.append(_("Goods line %(line)s is decided twice.") % {"line": n})
        elif decided.outcome not in (Outcome.ISSUED, Outcome.DENIED):
            errors.append(_("Goods line %(line)s: choose issued or denied.") % {"line": n})
        elif decided.outcome == Outcome.ISSUED:
            if decided.criteria:
                errors.append(_("Goods line %(line)s is issued: it cites no criteria.") % {"line": n})
            planned[decided.line] = _PlannedLine(by_id[decided.line], n, Outcome.ISSUED, [], [], decided.reasons.strip())
        else:
            cited, cited_frameworks, problem = _grounds(application, decided.criteria)
            if problem:
                errors.append(_("Goods line %(line)s: %(problem)s") % {"line": n, "problem": problem[0]})
            planned[decided.line] = _PlannedLine(by_id[decided.line], n, Outcome.DENIED, cited, cited_frameworks, decided.reasons.strip())
    missing = [str(n) for pk, n in number.items() if pk not in planned]
    if missing and not errors:
        errors.append(_("Decide every goods line; not yet decided: %(lines)s.") % {"lines": ", ".join(missing)})
    issued = [p for p in planned.values() if p.outcome == Outcome.ISSUED]
    if not errors and outcome == Outcome.ISSUED and not issued:
        errors.append(_("Every goods line is denied: record a denial, not a licence."))
    if not errors and outcome == Outcome.DENIED and issued:
        errors.append(_("A denial denies every goods line; to issue some of them, issue the licence and deny the other lines."))
    if errors:
        raise DomainError(_("The decision per goods line is not complete."), fields={"lines": errors})
    return sorted(planned.values(), key=lambda p: p.number)


@dataclass(frozen=True)
class _PlannedDestination:
    country: object  # reference.Country
    criteria: list[int]
    frameworks: list[str]
    reasons: str


def _destination_plan(application: Application, denied: tuple[DestinationDecision, ...]) -> list[_PlannedDestination]:
    """
    The destinations an issued licence leaves out, each with its grounds. Refused (one DomainError on
    `denied_destinations`, nothing saved) when the case is no licence application with several destinations, a country
    is not one of its destinations or is named twice, every destination would be denied (record a denial), or a
    destination cites no grounds of the frameworks the case is assessed against (_grounds).
    """
    if not denied:
        return []
    field = "denied_destinations"
    destinations = {c.code: c for c in application.destinations.all()}
    if application.kind not in KINDS_DECIDED_PER_LINE or len(destinations) < 2:
        message = _("Only a licence for several destinations can deny some of them.")
        raise DomainError(message, fields={field: [message]})
    errors: list[str] = []
    planned: dict[str, _PlannedDestination] = {}
    for decided in denied:
        if decided.country not in destinations:
            errors.append(_("%(country)s is not a destination of this application.") % {"country": decided.country[:10]})
        elif decided.country in planned:
            errors.append(_("Destination %(country)s is denied twice.") % {"country": decided.country})
        else:
            cited, cited_frameworks, problem = _grounds(application, decided.criteria)
            if problem:
                errors.append(_("Destination %(country)s: %(problem)s") % {"country": decided.country, "problem": problem[0]})
            planned[decided.country] = _PlannedDestination(destinations[decided.country], cited, cited_frameworks, decided.reasons.strip())
    if not errors and len(planned) == len(destinations):
        errors.append(_("Every destination is denied: record a denial, not a licence."))
    if errors:
        raise DomainError(_("The decision per destination is not complete."), fields={field: errors})
    return sorted(planned.values(), key=lambda p: p.country.code)


def _decision_lines(decision: Decision, plan: list[_PlannedLine]) -> None:
    DecisionLine.objects.bulk_create(
        DecisionLine(
            decision=decision, goods_line=p.goods, position=p.number - 1, outcome=p.outcome, description=p.goods.description,
            control_entry=p.goods.control_entry, quantity=p.goods.quantity, unit=p.goods.unit, value_eur=p.goods.value_eur,
            criteria=p.criteria, frameworks=p.frameworks, reasons=p.reasons,
        )
        for p in plan
    )


def decision_issue(
    *, actor, application: Application, conditions: str = "", valid_to: date | None = None, reasons: str = "", lines: tuple[LineDecision, ...] = (),
    denied_destinations: tuple[DestinationDecision, ...] = (), standard_conditions: tuple[int, ...] | list[int] = (), on_objection=None,
):
    """Issue the licence: numbered, with its lines, destinations and conditions (the chosen standard conditions become
    its obligations, with their due dates: licences.conditions); fast-track notice where due.
    For a general-licence registration, register the exporter instead (returns the Registration).

    `lines` may deny some goods lines in the same decision (issue 18.2): the licence then covers the issued lines
    only, and each denied line is its own entry in our denial register with its grounds (see _denial_register).
    `denied_destinations` may likewise deny some destinations (_destination_plan): the licence leaves them out, and
    each is its own entry in the register (`{reference}-{country}`) for the issued goods, with its grounds."""
    _decider(actor)
    texts = standard_texts_chosen(StandardTextKind.CONDITION, standard_conditions, field="standard_conditions")
    with transaction.atomic():
        locked = _locked(application, actor, on_objection)
        if lines and locked.kind == Kind.GENERAL_REGISTRATION:
            raise DomainError(_("Only a licence can be issued or denied line by line."), fields={"lines": [_("Only a licence can be issued or denied line by line.")]})
        plan = _line_plan(locked, lines, outcome=Outcome.ISSUED)
        denied = [p for p in plan if p.outcome == Outcome.DENIED]
        places = _destination_plan(locked, tuple(denied_destinations))
        if (denied or places) and not reasons.strip():
            raise DomainError(_("The denial is not complete."), fields={"reasons": [_("Give the reasons the exporter will read.")]})
        _refuse_without_second_officer(locked, DecideCommand(outcome=Outcome.ISSUED, lines=lines, denied_destinations=tuple(denied_destinations)), on_objection)
        _refuse_if_blocked(locked, approving=True, denied_lines={p.goods.pk for p in denied}, on_objection=on_objection)
        if locked.kind == Kind.GENERAL_REGISTRATION:
            if texts:
                raise DomainError(_("A registration for a general licence takes the general licence's conditions."), fields={"standard_conditions": [_("Leave the conditions empty.")]})
            return _registration_issue(actor, locked, reasons, on_objection)
        assessment = final_assessment(locked)
        if assessment and assessment.advice == Advice.APPROVE_WITH_CONDITIONS:
            conditions = "\n".join(filter(None, [assessment.conditions.strip(), conditions.strip()]))
        today = timezone.localdate()
        valid_to = valid_to or today + timedelta(days=LICENCE_VALIDITY_DAYS)
        if valid_to <= today:
            raise DomainError(_("The licence must be valid after today."), fields={"valid_to": [_("Choose a date after today.")]})
        criteria = sorted({c for p in [*denied, *places] for c in p.criteria})
        frameworks = [f for f in application_frameworks(locked) if any(f in p.frameworks for p in [*denied, *places])]
        payload = None
        if denied or places:
            payload = {"denied_lines": [p.number for p in denied], "denied_destinations": [p.country.code for p in places], "criteria": criteria, "frameworks": frameworks}
        application_move(application=locked, action=Action.ISSUE, actor=actor, reason=reasons, payload=payload)
        decision = _decision(locked, actor, Outcome.ISSUED, on_objection, reasons=reasons, criteria=criteria)
        if locked.kind != Kind.GENERAL_REGISTRATION:
            _decision_lines(decision, plan)
        lines = [p.goods for p in plan if p.outcome == Outcome.ISSUED]
        licence = Licence.objects.create(
            number=f"{decision.reference}-V",
            decision=decision,
            holder_id=locked.organisation_id,
            holder_name=locked.organisation.name,
            kind=decision.licence_kind,
            goods_kind=decision.goods_kind,
            movement=locked.movement,
            consignee=_party(locked, Party.Role.CONSIGNEE),
            end_user=_party(locked, Party.Role.END_USER),
            valid_from=today,
            valid_to=valid_to,
            conditions=conditions,
            value_eur=sum((line.value_eur or 0 for line in lines), 0),
            complete_system=any(line.complete_system for line in lines),
            temporary=locked.temporary,
            return_after_repair=locked.purpose == Purpose.REPAIR,
            repaired_goods_from_netherlands=locked.purpose == Purpose.REPAIR and bool(locked.repaired_goods_from_netherlands),
            origin_country_id=locked.origin_country_id,
            brokering_value_eur=locked.brokering_value_eur,
        )
        licence.destinations.set([c for c in locked.destinations.all() if c.code not in {p.country.code for p in places}])
        conditions_attach(licence=licence, texts=texts)
        LicenceLine.objects.bulk_create(
            LicenceLine(
                licence=licence,
                position=i,
                description=line.description,
                control_entry=line.control_entry,
                ml_category=_ml_category(line.control_entry) if line.control_entry else "",
                quantity=line.quantity,
                unit=line.unit,
                value_eur=line.value_eur or 0,
                complete_system=line.complete_system,
            )
            for i, line in enumerate(lines)
        )
        # A denied complete system leaves nothing for parliament to hear of (PROCESS.md 6.3: a licence for a complete system).
        if (locked.determination or {}).get("fast_track_parliament") and not locked.temporary and (licence.complete_system or not denied):
            ParliamentNotification.objects.create(licence=licence, due_on=today + timedelta(days=FAST_TRACK_DAYS))
            event_record(actor=actor, verb="parliament.notification_due", target=locked, payload={"licence": licence.number})
        for p in denied:
            _denial_register(locked, decision, p.criteria, p.frameworks, lines=[p.goods], suffix=f"L{p.number}")
        for place in places:
            DecisionDestination.objects.create(decision=decision, country=place.country, criteria=place.criteria, frameworks=place.frameworks, reasons=place.reasons)
            _denial_register(locked, decision, place.criteria, place.frameworks, lines=lines, destinations=[place.country])
        if denied or places:
            event_record(
                actor=actor, verb="denial.registered", target=locked,
                payload={"criteria": criteria, "frameworks": frameworks, "lines": [p.number for p in denied], "destinations": [p.country.code for p in places]},
            )
    return licence


def _denial_register(
    application: Application, decision: Decision, criteria: list[int], frameworks: list[str], *, lines: list[GoodsLine] | None = None, suffix: str = "",
    destinations: list | None = None,
) -> None:
    """Our denial register's entries for a denial (one per destination), for annex 6 and the EU exchange. A goods
    line denied in a decision that issued the others is its own denial (`lines` that one line, `suffix` its number
    in the reference): its own entries, with its own grounds. A destination denied in such a decision likewise
    (`destinations` that one country, `lines` the goods issued): its entry is `{reference}-{country}`."""
    lines = list(application.goods.all()) if lines is None else lines
    own_destination = destinations is not None
    destinations = list(application.destinations.all()) if destinations is None else destinations
    base = f"{decision.reference}-{suffix}" if suffix else decision.reference  # a decision on objection has its own
    for destination in destinations:
        DenialRegisterEntry.objects.create(
            reference=base if len(destinations) == 1 and not own_destination else f"{base}-{destination.code}",
            own=True,
            notifying_state_id=settings.NOTIFYING_STATE,
            notified_on=decision.decided_on,
            destination=destination,
            goods_description="; ".join(line.description for line in lines)[:2000],
            quantity="; ".join(f"{line.quantity.normalize()} {line.unit}" for line in lines if line.quantity is not None)[:100],
            control_entry="; ".join(dict.fromkeys(line.control_entry for line in lines if line.control_entry))[:60],
            consignee=_party(application, Party.Role.CONSIGNEE)[:300],
            end_user=_party(application, Party.Role.END_USER)[:300],
            criteria=criteria,
            frameworks=frameworks,
            decision=decision,
        )


def _grounds(application: Application, criteria, *, registration: bool = False) -> tuple[list[int], list[str], list[str] | None]:
    """
    The criteria cited (sorted, once each), the frameworks they come from, and the error when one is not a ground of
    the frameworks this case is assessed against or none is cited (a refused registration cites none).
    """
    try:
        cited = sorted({int(c) for c in criteria or []})
    except (TypeError, ValueError):
        cited = [0]
    frameworks = [] if registration else application_frameworks(application)
    allowed = {g.number: g for g in grounds_of(frameworks)}
    if any(c not in allowed for c in cited) or (not cited and not registration):
        return cited, [], [
            _("Cite the criteria the denial rests on, from those this case is assessed against: %(criteria)s.")
            % {"criteria": "; ".join(f"{g.number} ({g.label_en}, {g.framework.act_en})" for g in allowed.values()) or "-"}
        ]
    return cited, [f for f in frameworks if any(allowed[c].framework_id == f for c in cited)], None


def decision_deny(*, actor, application: Application, reasons: str, criteria: list[int], lines: tuple[LineDecision, ...] = (), on_objection=None) -> Decision:
    """Deny: a notice citing the grounds (criteria) of the frameworks the case is assessed against (the Common
    Position's criteria, Article 15 of the Dual-Use Regulation, the anti-torture Regulation), and an entry in our denial
    register for the EU exchange carrying that basis. `lines` may give each goods line its own grounds (all denied):
    the denial then cites them all; the application is denied as one (one register entry per destination, one
    denial in the report, as seed 002 line 446 counts denied applications, "aanvragen ... afgewezen")."""
    _decider(actor)
    plan = _line_plan(application, lines, outcome=Outcome.DENIED)
    if lines:
        criteria = sorted({*(criteria or []), *(c for p in plan for c in p.criteria)})
    errors = {}
    if not reasons.strip():
        errors["reasons"] = [_("Give the reasons the exporter will read.")]
    registration = application.kind == Kind.GENERAL_REGISTRATION  # a refused registration cites no criteria
    criteria, cited_frameworks, problem = _grounds(application, criteria, registration=registration)
    if problem:
        errors["criteria"] = problem
    if errors:
        raise DomainError(_("The denial is not complete."), fields=errors)
    with transaction.atomic():
        locked = _locked(application, actor, on_objection)
        _refuse_without_second_officer(locked, DecideCommand(outcome=Outcome.DENIED), on_objection)
        _refuse_if_blocked(locked, approving=False, on_objection=on_objection)
        application_move(application=locked, action=Action.DENY, actor=actor, reason=reasons, payload={"criteria": criteria, "frameworks": cited_frameworks})
        decision = _decision(locked, actor, Outcome.DENIED, on_objection, reasons=reasons, criteria=criteria)
        if registration:
            return decision  # a refused registration is no export denial: nothing for the EU register
        _decision_lines(decision, [p if lines else _PlannedLine(p.goods, p.number, p.outcome, criteria, cited_frameworks, "") for p in plan])
        _denial_register(locked, decision, criteria, cited_frameworks)
        event_record(actor=actor, verb="denial.registered", target=locked, payload={"criteria": criteria, "frameworks": cited_frameworks})
    return decision


def decision_answer_sondage(*, actor, application: Application, answer: str, positive: bool, criteria: list[int] | None = None, on_objection=None) -> Decision:
    """
    The indicative answer to a sondage. A negative one cites the criteria it rests on and is registered as one of our
    denials: seed 002 line 446 counts "proefaanvragen (sondages)" among the year's denials and annex 6 lists them
    with their criteria ("De afgewezen vergunningaanvragen worden ook met EU-partners uitgewisseld").
    """
    _decider(actor)
    errors = {}
    if not answer.strip():
        errors["answer"] = [_("Write the indicative answer.")]
    cited, cited_frameworks = [], []
    if positive and criteria:
        errors["criteria"] = [_("A positive answer cites no criteria.")]
    elif not positive:
        cited, cited_frameworks, problem = _grounds(application, criteria)
        if problem:
            errors["criteria"] = problem
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    with transaction.atomic():
        locked = _locked(application, actor, on_objection)
        _refuse_without_second_officer(locked, DecideCommand(outcome=Outcome.ANSWERED, positive=positive), on_objection)
        _refuse_if_blocked(locked, approving=positive, on_objection=on_objection)
        application_move(application=locked, action=Action.ANSWER_SONDAGE, actor=actor, payload={"positive": positive, "criteria": cited})
        verdict = POSITIVE_VERDICT if positive else NEGATIVE_VERDICT
        decision = _decision(
            locked, actor, Outcome.ANSWERED, on_objection, indicative_answer=f"{verdict}\n\n{answer.strip()}\n\n{NO_RIGHTS}", reasons=answer,
            negative_answer=not positive, criteria=cited,
        )
        if not positive:
            _denial_register(locked, decision, cited, cited_frameworks)
            event_record(actor=actor, verb="denial.registered", target=locked, payload={"criteria": cited, "frameworks": cited_frameworks, "sondage": True})
        return decision


def decision_rule(*, actor, application: Application, entry: str = "", not_listed: bool = False, reasons: str = "", on_objection=None) -> Decision:
    """Classification ruling: the control entry that applies, or 'not listed'."""
    _decider(actor)
    if not_listed == bool(entry.strip()):
        raise DomainError(_("Name the control entry, or rule that the item is not listed (not both)."), fields={"entry": [_("Give an entry or choose 'not listed'.")]})
    code = ""
    if entry.strip():
        try:
            code = parse_entry(entry).code
        except InvalidControlEntry as exc:
            raise DomainError(str(exc), fields={"entry": [str(exc)]}) from None
    with transaction.atomic():
        locked = _locked(application, actor, on_objection)
        _refuse_without_second_officer(locked, DecideCommand(outcome=Outcome.RULED), on_objection)
        application_move(application=locked, action=Action.RULE, actor=actor, payload={"entry": code or "not listed"})
        return _decision(locked, actor, Outcome.RULED, on_objection, ruling_entry=code, ruling_not_listed=not_listed, reasons=reasons)


def parliament_notification_sent(*, actor, notification: ParliamentNotification) -> ParliamentNotification:
    with transaction.atomic():
        if not ParliamentNotification.objects.filter(pk=notification.pk, sent_on__isnull=True).update(sent_on=timezone.localdate(), sent_by=actor):
            raise Conflict(_("This notification was already recorded as sent."))
        notification.refresh_from_db()
        event_record(actor=actor, verb="parliament.notified", target=notification.licence.decision.application or notification.licence)
    return notification



def application_set_aside(*, actor, application: Application, reason: str = "") -> Application:
    """Set aside an application whose question went unanswered past its date (buiten behandeling stellen, Awb 4:5):
    a move of the workflow (its guard checks the overdue question), and a letter to the holder in its language."""
    _decider(actor)
    from .tasks import set_aside_notify

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        overdue = list(locked.questions.filter(answered_at__isnull=True, due_on__lt=timezone.localdate()).values_list("pk", flat=True))
        application_move(application=locked, action=Action.SET_ASIDE, actor=actor, reason=reason.strip(), payload={"questions": overdue})
        mail_after_commit(set_aside_notify, locked.pk)
    return locked
