"""Writes for a person's saved searches (SavedSearch): saved under a name, replaced under the same name, deleted."""
from django.db import transaction
from django.utils.translation import gettext as _

from licensing.core.errors import DomainError, NotFound

from .models import SavedSearch, User

MAX_SAVED = 50  # per person: a list of searches to pick from, not a store


def saved_search_save(*, owner, name: str, query: str) -> SavedSearch:
    """Keep `query` under `name` for `owner`; a search saved under that name before is replaced."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Give the search a name."), fields={"name": [_("Give the search a name.")]})
    if len(name) > SavedSearch._meta.get_field("name").max_length:
        raise DomainError(_("The name is too long."), fields={"name": [_("The name is too long.")]})
    if len(query) > SavedSearch._meta.get_field("query").max_length:
        raise DomainError(_("This search is too long to save."), fields={"query": [_("This search is too long to save.")]})
    with transaction.atomic():
        # The owner's row locked: two saves at once count each other.
        User.objects.select_for_update().filter(pk=owner.pk).first()
        existing = SavedSearch.objects.filter(owner=owner, name=name).first()
        if existing is None and SavedSearch.objects.filter(owner=owner).count() >= MAX_SAVED:
            raise DomainError(_("You have %(count)d saved searches; delete one first.") % {"count": MAX_SAVED}, code="limit")
        saved, _created = SavedSearch.objects.update_or_create(owner=owner, name=name, defaults={"query": query})
    return saved


def saved_search_delete(*, owner, saved_id: int) -> None:
    """Delete one of `owner`'s saved searches; someone else's is not found (404), as if it did not exist."""
    deleted, _rows = SavedSearch.objects.filter(owner=owner, pk=saved_id).delete()
    if not deleted:
        raise NotFound(_("No such saved search."))
