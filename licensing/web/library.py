"""The organisation's address book and goods library in the pages (issue 20.1): everyone of the organisation reads
them, its administrators and preparers keep them. The rules are licensing.applications.library's; the forms are the
party's and the goods line's (web.forms), so an entry is checked as a typed party or line is. Picking from them
into the guided application is licensing.web.guided's."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from licensing.applications import library
from licensing.applications.models import Status
from licensing.core.errors import DomainError, NotAllowed, NotFound

from .confirm import confirmation_page, confirmed
from .errors import error_items, form_error_items
from .exporter import exporter_required
from .fields import countries_as_codes, country_map
from .forms import LibraryItemForm, PartyForm


def _found(lookup, user, pk):
    try:
        return lookup(user, pk)
    except NotFound:
        raise Http404 from None


def _keeper_only(request) -> None:
    """Signatories and viewers read the book and the library; the pages that change them refuse them (403)."""
    if not library.may_keep(request.user):
        raise PermissionDenied


def _service_errors(form, exc: DomainError) -> list[dict]:
    for name, found in exc.fields.items():
        if name in form.fields:
            form.add_error(name, found)
    return form_error_items(form) or error_items({"": [exc.message]}, words=lambda path: "", anchor=lambda path: "main")


def _entry_page(request, form, *, save, said, list_url: str, context: dict):
    """The page of one entry or item (entry.html): on a valid POST, `save(cleaned_data)` and back to the list with
    `said(saved)`; else the form with what is wrong, the service's refusals on their fields."""
    errors = []
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except DomainError as exc:
                errors = _service_errors(form, exc)
            else:
                messages.success(request, said(saved))
                return redirect(list_url)
        else:
            errors = form_error_items(form)
    return render(request, "exporter/library/entry.html", {"form": form, "errors": errors, **context})


def _remove_page(request, *, title: str, consequence: str, list_url: str, remove):
    """Asks first (confirm.confirmation_page), then `remove()` and back to the list."""
    if not confirmed(request):
        return confirmation_page(request, title=title, consequence=consequence, button=_("Yes, remove it"), cancel_url=reverse(list_url))
    remove()
    messages.success(request, _("Removed."))
    return redirect(list_url)


# --- the address book --------------------------------------------------------------------------------------------
@require_GET
@exporter_required
def address_book(request):
    return render(request, "exporter/library/address_book.html", {"entries": library.address_book(request.user).order_by("name", "pk"), "may_keep": library.may_keep(request.user)})


@exporter_required
def address_entry(request, entry_id=None):
    """Add (no `entry_id`) or change an entry, with the party's form."""
    entry = _found(library.entry_of, request.user, entry_id) if entry_id is not None else None
    _keeper_only(request)
    initial = countries_as_codes(library.party_details(entry)) if entry else {}
    form = PartyForm(request.POST if request.method == "POST" else None, initial=initial, countries=country_map())
    return _entry_page(
        request, form, save=lambda data: library.address_entry_save(actor=request.user, data=data, entry=entry),
        said=lambda saved: _("%(name)s is saved in your address book.") % {"name": saved.name}, list_url="organisation-address-book",
        context={"entry": entry, "kind": "party"},
    )


@require_POST
@exporter_required
def address_entry_remove(request, entry_id):
    entry = _found(library.entry_of, request.user, entry_id)
    _keeper_only(request)
    return _remove_page(
        request, title=_("Remove %(name)s from your address book?") % {"name": entry.name},
        consequence=_("Applications that took this party keep it as it was."), list_url="organisation-address-book",
        remove=lambda: library.address_entry_remove(actor=request.user, entry=entry),
    )


# --- the goods library -------------------------------------------------------------------------------------------
@require_GET
@exporter_required
def goods_library(request):
    return render(request, "exporter/library/goods_library.html", {"items": library.goods_library(request.user).order_by("description", "pk"), "may_keep": library.may_keep(request.user)})


@exporter_required
def library_item(request, item_id=None):
    """Add (no `item_id`) or change an item, with the goods line's product fields."""
    item = _found(library.item_of, request.user, item_id) if item_id is not None else None
    _keeper_only(request)
    initial = {**library.product_details(item), "unit_value_eur": item.unit_value_eur, "ruling": item.ruling_id} if item else {}
    form = LibraryItemForm(request.POST if request.method == "POST" else None, initial=initial, rulings=library.rulings_of(request.user))
    return _entry_page(
        request, form, save=lambda data: library.library_item_save(actor=request.user, data=data, item=item),
        said=lambda saved: _("%(description)s is saved in your goods library.") % {"description": saved.description[:80]},
        list_url="organisation-goods-library", context={"entry": item, "kind": "item"},
    )


@require_POST
@exporter_required
def library_item_remove(request, item_id):
    item = _found(library.item_of, request.user, item_id)
    _keeper_only(request)
    return _remove_page(
        request, title=_("Remove %(description)s from your goods library?") % {"description": item.description[:80]},
        consequence=_("Applications that took this product keep their goods lines as they were."), list_url="organisation-goods-library",
        remove=lambda: library.library_item_remove(actor=request.user, item=item),
    )


# --- saving an application's party or goods line --------------------------------------------------------------------
def save_from_application(request, application, name: str, n: int):
    """Keep party or goods line `n` (from 1) of the organisation's application in the book or the library; back to
    where the button was (the draft's list, or the application's page)."""
    save = library.address_entry_from_party if name == "parties" else library.library_item_from_line
    try:
        kept, made = save(actor=request.user, application=application, position=n - 1)
    except NotFound:
        raise Http404 from None
    except NotAllowed:
        raise PermissionDenied from None
    if name == "parties":
        text = _("%(name)s is saved in your address book.") if made else _("%(name)s is in your address book already.")
        messages.success(request, text % {"name": kept.name})
    else:
        text = _("%(description)s is saved in your goods library.") if made else _("%(description)s is in your goods library already.")
        messages.success(request, text % {"description": kept.description[:80]})
    if application.status == Status.DRAFT:
        return redirect("exporter:guided-parties" if name == "parties" else "exporter:guided-goods", pk=application.pk)
    return redirect("exporter:detail", pk=application.pk)
