"""Quantities said as a person says them: "1 piece", "2 pieces", "1,5 litres" (plurals per language, ngettext)."""
from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import ngettext

register = template.Library()


def _said(unit: str, count: int) -> str:
    forms = {
        "pieces": ngettext("%(n)s piece", "%(n)s pieces", count),
        "sets": ngettext("%(n)s set", "%(n)s sets", count),
        "kg": ngettext("%(n)s kg", "%(n)s kg", count),
        "l": ngettext("%(n)s litre", "%(n)s litres", count),
        "m": ngettext("%(n)s metre", "%(n)s metres", count),
        "licences": ngettext("%(n)s software licence", "%(n)s software licences", count),
    }
    return forms.get(unit) or ngettext("%(n)s unit (other)", "%(n)s units (other)", count)


@register.simple_tag
def quantity(value, unit: str) -> str:
    """The quantity in the page's number format with its unit in the right number; a dash when there is none."""
    if value in (None, ""):
        return "—"
    number = Decimal(value)
    count = 1 if number == 1 else 2  # "1,5 litres" and "0 pieces" take the plural, as in Dutch and English
    return _said(unit, count) % {"n": floatformat(number, "-3g")}
