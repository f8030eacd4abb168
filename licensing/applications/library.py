"""The organisation's address book (parties) and goods library (products), to pick an application's parties and
goods lines from (issue 20.1). The organisation's people read them; its administrators and preparers keep them
(accounts.models.ORG_ACTIONS["keep_library"]). An agent reads and keeps those of the organisation it acts for in
the request (accounts.agents), never another's: every read and write is scoped by `user.organisation_id`.

An entry holds exactly a party's fields (models.PartyDetails) and an item a goods line's product fields
(models.Product): the forms and serializers that check them are the party's and the line's, and picking copies the
fields into the party or line form, which the exporter then saves through the same checks as a typed one. The
copy is the application's own: a later change to the book changes no application.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from licensing.audit.services import event_record
from licensing.core.errors import DomainError, NotAllowed, NotFound

from .choices import Kind
from .models import PARTY_DETAILS, PRODUCT_FIELDS, AddressBookEntry, Application, LibraryItem, Status

ITEM_FIELDS = (*PRODUCT_FIELDS, "unit_value_eur", "ruling")


# --- reading ----------------------------------------------------------------------------------------------------
def address_book(user):
    """The address book of the organisation the user is (or acts for) in this request; officials have none."""
    if not user.is_exporter:
        return AddressBookEntry.objects.none()
    return AddressBookEntry.objects.filter(organisation_id=user.organisation_id).select_related("country")


def goods_library(user):
    """The goods library of the user's organisation, each item with its ruling (the classification request and its
    decision) joined."""
    if not user.is_exporter:
        return LibraryItem.objects.none()
    return LibraryItem.objects.filter(organisation_id=user.organisation_id).select_related("ruling", "ruling__decision")


def rulings_of(user):
    """The organisation's classification requests that ended in a ruling: what a library item may link to."""
    if not user.is_exporter:
        return Application.objects.none()
    return Application.objects.filter(organisation_id=user.organisation_id, kind=Kind.CLASSIFICATION, status=Status.RULED).select_related("decision").order_by("-decided_at", "-pk")


def entry_of(user, pk) -> AddressBookEntry:
    entry = address_book(user).filter(pk=pk).first()
    if entry is None:  # another organisation's entry is not there at all
        raise NotFound(_("No such entry in your address book."))
    return entry


def item_of(user, pk) -> LibraryItem:
    item = goods_library(user).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("No such item in your goods library."))
    return item


def may_keep(user) -> bool:
    return user.is_exporter and user.may_in_organisation("keep_library")


def party_details(party) -> dict:
    """The fields of a party or an address-book entry: what picking copies into a new party, and saving to the book
    out of one."""
    return {name: getattr(party, name) for name in PARTY_DETAILS}


def product_details(product) -> dict:
    """The product fields of a library item or a goods line: what picking copies into a new line (the shipment's
    quantity and value are the exporter's to give; the item's usual unit value is shown, not filled in), and saving
    to the library out of one."""
    return {name: getattr(product, name) for name in PRODUCT_FIELDS}


# --- keeping ----------------------------------------------------------------------------------------------------
def _refuse_unless_keeper(actor) -> None:
    if not may_keep(actor):
        raise NotAllowed(
            _("Your role in your organisation (%(role)s) reads the address book and the goods library; a preparer or your organisation's administrator changes them.")
            % {"role": actor.get_org_role_display() if actor.is_exporter else actor.get_role_display()}
        )


def _ruling_checked(actor, ruling) -> Application | None:
    """The ruling a library item links to: one of the organisation's own classification requests that was ruled on."""
    if ruling is None:
        return None
    ruling_id = getattr(ruling, "pk", ruling)
    found = rulings_of(actor).filter(pk=ruling_id).first()
    if found is None:
        message = _("Choose one of your organisation's classification requests that received a ruling.")
        raise DomainError(message, fields={"ruling": [message]})
    return found


@transaction.atomic
def address_entry_save(*, actor, data: dict, entry: AddressBookEntry | None = None) -> AddressBookEntry:
    """Add (`entry` None) or change an entry of the actor's organisation's address book with a party's fields."""
    _refuse_unless_keeper(actor)
    if entry is None:
        entry = AddressBookEntry(organisation_id=actor.organisation_id)
    elif entry.organisation_id != actor.organisation_id:
        raise NotFound(_("No such entry in your address book."))
    for name in PARTY_DETAILS:
        if name in data:
            setattr(entry, name, data[name])
    entry.save()
    event_record(actor=actor, verb="address_book.saved", target=entry, payload={"name": entry.name})
    return entry


@transaction.atomic
def address_entry_remove(*, actor, entry: AddressBookEntry) -> None:
    """Remove an entry; the applications that picked it keep their copy."""
    if entry.organisation_id != actor.organisation_id:
        raise NotFound(_("No such entry in your address book."))
    _refuse_unless_keeper(actor)
    event_record(actor=actor, verb="address_book.removed", target=entry, payload={"name": entry.name})
    entry.delete()


@transaction.atomic
def library_item_save(*, actor, data: dict, item: LibraryItem | None = None) -> LibraryItem:
    """Add (`item` None) or change an item of the actor's organisation's goods library with a goods line's product
    fields, its usual unit value and the ruling on it, if any."""
    _refuse_unless_keeper(actor)
    if item is None:
        item = LibraryItem(organisation_id=actor.organisation_id)
    elif item.organisation_id != actor.organisation_id:
        raise NotFound(_("No such item in your goods library."))
    if "ruling" in data:
        data = {**data, "ruling": _ruling_checked(actor, data["ruling"])}
    for name in ITEM_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    item.save()
    event_record(actor=actor, verb="goods_library.saved", target=item, payload={"description": item.description[:200], "part_number": item.part_number})
    return item


@transaction.atomic
def library_item_remove(*, actor, item: LibraryItem) -> None:
    if item.organisation_id != actor.organisation_id:
        raise NotFound(_("No such item in your goods library."))
    _refuse_unless_keeper(actor)
    event_record(actor=actor, verb="goods_library.removed", target=item, payload={"description": item.description[:200], "part_number": item.part_number})
    item.delete()


# --- saving from an application ------------------------------------------------------------------------------------
def _line_of(actor, application: Application, name: str, position: int):
    if not actor.is_exporter or application.organisation_id != actor.organisation_id:
        raise NotFound(_("No such application."))
    _refuse_unless_keeper(actor)
    related = ("country",) if name == "parties" else ()
    lines = list(getattr(application, name).select_related(*related).order_by("position", "pk"))
    if not 0 <= position < len(lines):
        raise NotFound(_("No such line."))
    return lines[position]


def address_entry_from_party(*, actor, application: Application, position: int) -> tuple[AddressBookEntry, bool]:
    """Keep party `position` (from 0) of one of the organisation's applications in its address book; an entry with
    the very same fields is not made twice (returned with False)."""
    fields = party_details(_line_of(actor, application, "parties", position))
    same = address_book(actor).filter(**fields).first()
    if same is not None:
        return same, False
    return address_entry_save(actor=actor, data=fields), True


def library_item_from_line(*, actor, application: Application, position: int) -> tuple[LibraryItem, bool]:
    """Keep the product of goods line `position` (from 0) of one of the organisation's applications in its goods
    library; a classification request that was ruled on becomes the item's ruling. An item with the very same
    product fields is not made twice (returned with False)."""
    line = _line_of(actor, application, "goods", position)
    fields = product_details(line)
    same = goods_library(actor).filter(**fields).first()
    if same is not None:
        return same, False
    ruled = application.kind == Kind.CLASSIFICATION and application.status == Status.RULED
    return library_item_save(actor=actor, data={**fields, "ruling": application if ruled else None}), True
