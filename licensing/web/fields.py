"""Form fields that read what people type in their own language: amounts and countries.

One home for both: the application pages, the determination page and the usage pages use these fields, so an
amount means the same on every page ("1.250,50" in Dutch, "1,250.50" in English) and a country is named in the
page's language everywhere.
"""
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from licensing.reference.models import Country

# Spaces people (and spreadsheets) put between groups of thousands: space, no-break space, narrow no-break space.
_GROUP_SPACES = " \u00a0\u202f"


def parse_amount(text: str) -> Decimal:
    """
    Read an amount written as the page's language writes it, or raise ValueError.

    Thousands may be grouped by the language's separator (a point in Dutch, a comma in English) or by spaces,
    in groups of exactly three; the decimal separator is the language's own. Anything else is ambiguous and
    refused rather than guessed: on a Dutch page "1250.50" could be 1,250.50 or 125,050, so it is not read as
    either. Only ASCII digits count (no Arabic-Indic or full-width digits slipped past the eye).
    """
    decimal_sep, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    value = text.strip()
    group = f"[{re.escape(thousands)}{_GROUP_SPACES}]"
    pattern = rf"(?P<int>[0-9]+|[0-9]{{1,3}}(?:{group}[0-9]{{3}})+)(?:{re.escape(decimal_sep)}(?P<frac>[0-9]+))?"
    match = re.fullmatch(pattern, value)
    if not match:
        raise ValueError(value)
    integer = re.sub(group, "", match["int"])
    try:
        return Decimal(f"{integer}.{match['frac']}" if match["frac"] else integer)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ValueError(value) from exc


class AmountField(forms.DecimalField):
    """A decimal typed as text in the reader's notation (never `type=number`, which browsers localise unevenly)."""

    default_error_messages = {
        "invalid": _("Write the amount in figures as in %(example)s: %(decimal)s before the decimals; "
                     "between thousands %(thousands)s, a space or nothing."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except ValueError:
            decimal_sep, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
            example = f"1{thousands}250{decimal_sep}50"
            words = {",": _("a comma"), ".": _("a point")}
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": example, "decimal": words.get(decimal_sep, decimal_sep), "thousands": words.get(thousands, thousands)},
            ) from None

    def widget_attrs(self, widget):
        # DecimalField adds min/step for number inputs; a text input takes neither.
        attrs = super().widget_attrs(widget)
        for key in ("min", "max", "step"):
            attrs.pop(key, None)
        return attrs


def country_map() -> dict:
    """The countries by code, in the order of their names in the page's language (one query)."""
    countries = list(Country.objects.only("code", "name_en", "name_nl"))
    countries.sort(key=lambda c: _sort_key(c.name))
    return {c.code: c for c in countries}


def countries_as_codes(data: dict) -> dict:
    """A line's or an entry's values as a form's initial data: a country by its code (what CountryChoiceField takes)."""
    return {k: (v.code if isinstance(v, Country) else v) for k, v in data.items()}


def _sort_key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(ch))


class CountryChoiceField(forms.TypedChoiceField):
    """A country select whose options are built once per request, not once per form, named in the page's language."""

    def __init__(self, *, countries: dict, **kwargs):
        self.countries = countries
        choices = [("", "—")] + [(code, f"{c.name} ({code})") for code, c in countries.items()]
        super().__init__(choices=choices, coerce=lambda code: countries[code], empty_value=None, **kwargs)


class CountriesField(forms.TypedMultipleChoiceField):
    def __init__(self, *, countries: dict, **kwargs):
        choices = [(code, f"{c.name} ({code})") for code, c in countries.items()]
        super().__init__(choices=choices, coerce=lambda code: countries[code], **kwargs)
