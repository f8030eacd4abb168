"""Organisations that run themselves: a company registers itself, the office vets it, its administrator invites
colleagues with a role and lets them go. Who may do what within an organisation is `models.ORG_ACTIONS`.

Every change is an event in the audit log. E-mails (the vetting's outcome, an invitation) go through the outbox, so
a broker outage loses none.
"""
import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from licensing.core.mail import mail_after_commit
from licensing.core.permissions import actor_may

from .models import Invitation, Organisation, OrganisationStatus, OrgRole, Role
from .tasks import invitation_send, vetting_notify
from .transitions import ORGANISATION, VETTING, OrganisationAction

INVITATION_DAYS = 7
INVITATION_SALT = "licensing.accounts.invitation"

KVK = re.compile(r"[0-9]{8}")
# EORI: the member state's two letters and up to 15 letters or digits (Reg. (EU) 2015/2447, art. 1(18)); a Dutch
# EORI is NL and the nine digits of the RSIN.
EORI = re.compile(r"[A-Z]{2}[0-9A-Z]{1,15}")
EORI_NL = re.compile(r"NL[0-9]{9}")


def kvk_errors(value: str) -> list[str]:
    return [] if KVK.fullmatch(value) else [_("A KvK number has eight digits, e.g. 12345678.")]


def eori_errors(value: str) -> list[str]:
    if not EORI.fullmatch(value):
        return [_("An EORI number is the country's two letters followed by up to 15 letters or digits, e.g. NL123456789.")]
    if value.startswith("NL") and not EORI_NL.fullmatch(value):
        return [_("A Dutch EORI number is NL followed by nine digits.")]
    return []


@transaction.atomic
def organisation_register(*, name: str, kvk_number: str, eori_number: str, address: str, country, language: str,
                          username: str, password: str, email: str, first_name: str = "", last_name: str = ""):
    """A company registers itself with its first administrator. It may prepare drafts at once and files once vetted."""
    kvk_number, eori_number = kvk_number.strip(), eori_number.strip().upper()
    errors = {}
    if kvk_errors(kvk_number):
        errors["kvk_number"] = kvk_errors(kvk_number)
    if eori_errors(eori_number):
        errors["eori_number"] = eori_errors(eori_number)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken; choose another.")]
    if Organisation.objects.filter(kvk_number=kvk_number).exists():
        errors["kvk_number"] = [_("An organisation with this KvK number is already registered; ask its administrator to invite you.")]
    if eori_number and Organisation.objects.filter(eori_number=eori_number).exists():
        errors["eori_number"] = [_("An organisation with this EORI number is already registered.")]
    try:
        validate_password(password, User(username=username, email=email, first_name=first_name, last_name=last_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise DomainError(_("The registration is not complete; nothing was saved."), fields=errors)
    try:
        organisation = Organisation.objects.create(
            name=name.strip(), kvk_number=kvk_number, eori_number=eori_number, address=address.strip(), country=country,
            language=language, status=OrganisationStatus.PENDING,
        )
        user = User.objects.create_user(
            username=username, password=password, email=email, first_name=first_name, last_name=last_name,
            role=Role.EXPORTER, organisation=organisation, org_role=OrgRole.ADMINISTRATOR,
        )
    except IntegrityError:  # two registrations of the same KvK number or username at once: the database decides
        raise Conflict(_("This organisation or username was registered a moment ago; nothing was saved.")) from None
    event_record(actor=user, verb="organisation.registered", target=organisation, to_state=OrganisationStatus.PENDING)
    return organisation, user


def organisation_vet(*, actor, organisation: Organisation, accept: bool, reason: str = "") -> Organisation:
    """The office accepts a registered organisation (it may then file) or refuses it with a reason (sent to it)."""
    reason = reason.strip()
    if not accept and not reason and actor_may(actor, VETTING):
        raise DomainError(_("Say why the organisation is refused: the reason is sent to it."), fields={"reason": [_("Give a reason.")]})
    with transaction.atomic():
        ORGANISATION.move(
            organisation, OrganisationAction.ACCEPT if accept else OrganisationAction.REFUSE, actor, reason=reason,
            extra_updates={"vetted_by_id": actor.pk, "refusal_reason": "" if accept else reason},
        )
        mail_after_commit(vetting_notify, organisation.pk)
    return organisation


def _refuse_unless_manager(actor) -> None:
    if not (actor.is_exporter and actor.may_in_organisation("manage")):
        raise NotAllowed(_("Only your organisation's administrator manages its people."))


def invitation_issue(*, actor, email: str, org_role: str) -> Invitation:
    """Invite a colleague by e-mail with a role; the link reaches them through the outbox."""
    _refuse_unless_manager(actor)
    if org_role not in OrgRole.values:
        raise DomainError(_("Choose a role."), fields={"org_role": [_("Choose a role.")]})
    email = email.strip()
    if get_user_model().objects.filter(email__iexact=email, organisation_id=actor.organisation_id, is_active=True).exists():
        raise Conflict(_("%(email)s already works for your organisation here.") % {"email": email})
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation_id=actor.organisation_id, email=email, org_role=org_role, invited_by=actor,
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        event_record(actor=actor, verb="organisation.invited", target=invitation.organisation, payload={"email": email, "org_role": org_role})
        mail_after_commit(invitation_send, invitation.pk)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_open(token: str) -> Invitation:
    """The invitation a link stands for, if it is genuine, unused and not expired; else NotFound."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS))["i"]
    except (signing.BadSignature, KeyError, TypeError):
        raise NotFound(_("This invitation link is not valid; ask for a new one.")) from None
    invitation = Invitation.objects.select_related("organisation").filter(pk=pk, accepted_at__isnull=True, expires_at__gt=timezone.now()).first()
    if invitation is None:
        raise NotFound(_("This invitation was used already or has expired; ask for a new one."))
    return invitation


def invitation_accept(*, token: str, username: str, password: str, first_name: str = "", last_name: str = ""):
    """The invited colleague chooses a username and password; the account belongs to the inviting organisation."""
    invitation = invitation_open(token)
    User = get_user_model()
    errors = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken; choose another.")]
    try:
        validate_password(password, User(username=username, email=invitation.email, first_name=first_name, last_name=last_name))
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise DomainError(_("The account was not made; correct the fields below."), fields=errors)
    with transaction.atomic():
        used = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(accepted_at=timezone.now())
        if used != 1:
            raise Conflict(_("This invitation was used a moment ago."))
        try:
            user = User.objects.create_user(
                username=username, password=password, email=invitation.email, first_name=first_name, last_name=last_name,
                role=Role.EXPORTER, organisation=invitation.organisation, org_role=invitation.org_role,
            )
        except IntegrityError:
            raise Conflict(_("This username was taken a moment ago; choose another.")) from None
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        event_record(actor=user, verb="organisation.joined", target=invitation.organisation, payload={"org_role": invitation.org_role})
    return user


def member_change(*, actor, member, org_role: str | None = None, leave: bool = False):
    """The organisation's administrator changes a colleague's role or lets them go. What they drafted stays with
    the organisation (applications belong to it, not to the person); an organisation keeps one administrator."""
    _refuse_unless_manager(actor)
    if member.organisation_id != actor.organisation_id or not member.is_exporter:
        raise NotFound(_("No such colleague."))
    if org_role is not None and org_role not in OrgRole.values:
        raise DomainError(_("Choose a role."), fields={"org_role": [_("Choose a role.")]})
    with transaction.atomic():
        # Lock the organisation's people so that two administrators demoting each other cannot leave none.
        people = list(get_user_model().objects.select_for_update().filter(organisation_id=actor.organisation_id, is_active=True))
        administrators = {p.pk for p in people if p.org_role == OrgRole.ADMINISTRATOR}
        loses_admin = member.pk in administrators and (leave or (org_role and org_role != OrgRole.ADMINISTRATOR))
        if loses_admin and administrators == {member.pk}:
            raise Conflict(_("Your organisation needs at least one administrator: make someone else administrator first."))
        locked = next(p for p in people if p.pk == member.pk) if member.is_active else member
        if org_role is not None:
            locked.org_role = org_role
        if leave:
            locked.is_active = False  # saved (not updated) so that the API tokens die with the account's activity
        locked.save(update_fields=["org_role", "is_active"])
        event_record(actor=actor, verb="organisation.member_left" if leave else "organisation.member_role", target=actor.organisation,
                     payload={"member": member.username, **({"org_role": org_role} if org_role else {})})
    member.refresh_from_db()
    return member


def may_file(user) -> bool:
    """An exporter's organisation files only once the office has vetted it."""
    return bool(user.organisation_id) and user.organisation.status == OrganisationStatus.ACTIVE
