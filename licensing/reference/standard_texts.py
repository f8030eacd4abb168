"""
Standard texts (standaardteksten) in use: which ones the forms offer, and the one way a chosen text joins what the
official wrote (the question to the exporter, the reasons of a denial). Licence conditions become obligations on the
licence instead (licensing.licences.conditions).
"""
from collections.abc import Iterable

from django.utils.translation import gettext as _

from licensing.core.errors import DomainError

from .models import StandardText
from .selectors import cached

MAX_CHOSEN = 20


def standard_texts_offered(kind: str):
    """The active texts of a kind, in their order: the choices of the forms and the API."""
    return StandardText.objects.filter(kind=kind, active=True).order_by("position", "code")


def standard_texts_offered_by_kind() -> dict[str, list[StandardText]]:
    """standard_texts_offered of every kind, for a page with several forms that offer them: from the shared reference
    cache (selectors.cached; one query when it is cold, forgotten when a text is saved or deleted)."""

    def build() -> dict[str, list[StandardText]]:
        offered: dict[str, list[StandardText]] = {}
        for text in StandardText.objects.filter(active=True).order_by("kind", "position", "code"):
            offered.setdefault(text.kind, []).append(text)
        return offered

    return cached("standard_texts", build)


def offer_read(field, texts: list[StandardText]) -> None:
    """Have a form's standard texts field (its queryset standard_texts_offered) render `texts`, read already by
    standard_texts_offered_by_kind, rather than read them again; what is submitted is still checked against its
    queryset."""
    field.choices = [(text.pk, field.label_from_instance(text)) for text in texts]


def standard_texts_chosen(kind: str, ids: Iterable, *, field: str) -> list[StandardText]:
    """The texts chosen by id, in the order given, each once; refused (400 on `field`) when one is unknown, inactive
    or of another kind, so that nothing is recorded with a text the official did not mean."""
    try:
        wanted = list(dict.fromkeys(int(i) for i in ids or ()))
    except (TypeError, ValueError):
        raise DomainError(_("Choose standard texts from the list."), fields={field: [_("Choose standard texts from the list.")]}) from None
    if len(wanted) > MAX_CHOSEN:
        message = _("Choose at most %(n)d standard texts.") % {"n": MAX_CHOSEN}
        raise DomainError(message, fields={field: [message]})
    found = {t.pk: t for t in standard_texts_offered(kind).filter(pk__in=wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        message = _("Not a standard text that can be chosen here: %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)}
        raise DomainError(message, fields={field: [message]})
    return [found[i] for i in wanted]


def text_with_standard_texts(text: str, texts: Iterable[StandardText], *, language: str) -> str:
    """The chosen standard texts in the recipient's language, then what the official wrote, a paragraph each."""
    return "\n\n".join(filter(None, [*(t.text_in(language).strip() for t in texts), (text or "").strip()]))
