"""Form fields that read what people type in their own language: amounts, dates and countries.

One home for all three: the application pages, the determination page and the usage pages use these fields, so an
amount means the same on every page ("1.250,50" in Dutch, "1,250.50" in English), a date is written day first as
the page's language writes it ("31-12-2026", "31 december 2026"; "31/12/2026", "31 December 2026") and a country is
named in the page's language everywhere.
"""
import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.functional import lazy
from django.utils.translation import gettext
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


# Month names in both languages, whole or shortened (a name may end in a point: "31 dec. 2026").
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")
MONTHS = {name: n for n, names in enumerate(zip(_MONTHS_EN, _MONTHS_NL, strict=True), start=1) for whole in names for name in (whole, whole[:3])}
MONTHS.update(mrt=3, sept=9)


class DateNotRead(ValueError):
    """A typed date that is not read, and why: "year" (two digits), "order" (month first) or "invalid"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_date(text: str) -> datetime.date:
    """
    Read a date written day, month, year, as Dutch and English (European) pages write it, or raise DateNotRead.

    Figures separated by "-", "/" or "." ("31-12-2026", "31/12/2026"), or the month by its name in either language
    ("31 december 2026", "31 Dec 2026"), or the ISO form ("2026-12-31"). Refused rather than guessed: a year of two
    digits (1926 or 2026?) and a month before the day ("12/31/2026", the US order: "03/04/2026" would be read
    wrongly without a word, so a day above 12 in the month's place says what is wrong).
    """
    value = " ".join(text.strip().casefold().replace(",", " ").split())
    if match := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"([0-9]{1,2}) ?[-/.] ?([0-9]{1,2}) ?[-/.] ?([0-9]+)", value):
        day, month, year = (int(g) for g in match.groups())
        if len(match[3]) != 4:
            raise DateNotRead("year")
        if month > 12 >= day:
            raise DateNotRead("order")
    elif (match := re.fullmatch(r"([0-9]{1,2})\.? ?([^\W\d_]+)\.? ([0-9]+)", value)) and match[2] in MONTHS:
        day, month, year = int(match[1]), MONTHS[match[2]], int(match[3])
        if len(match[3]) != 4:
            raise DateNotRead("year")
    else:
        raise DateNotRead("invalid")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateNotRead("invalid") from None


def _date_example() -> str:
    example = datetime.date(timezone.localdate().year, 12, 31)
    return gettext("For example %(short)s or %(long)s.") % {
        "short": format_date(example, get_format("SHORT_DATE_FORMAT")), "long": format_date(example, get_format("DATE_FORMAT"))}


date_example = lazy(_date_example, str)


class DateInput(forms.TextInput):
    """A date as text, shown as the page's language writes it short ("31-12-2026", "31/12/2026"), never `type=date`
    (which a browser shows in its own order, whatever the page's language)."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return format_date(value, get_format("SHORT_DATE_FORMAT"))
        return super().format_value(value)


class DateField(forms.DateField):
    """A date typed in the reader's notation (parse_date), with an example of it as the hint."""

    widget = DateInput
    default_error_messages = {
        "invalid": _("Write the date as day, month and year."),
        "year": _("Write the year in full, with four figures."),
        "order": _("Write the day before the month."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", date_example())
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_date(str(value))
        except DateNotRead as exc:
            raise forms.ValidationError(f"{self.error_messages[exc.code]} {date_example()}", code=exc.code) from None


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


def _plain(text: str) -> str:
    """A name as it is compared: case, accents, punctuation and spacing set aside ("Côte d’Ivoire" is "cote d ivoire")."""
    return " ".join(re.sub(r"[\W_]+", " ", _sort_key(text)).split())


def find_country(text: str, countries: dict):
    """The country `text` names: its code or its name in English or Dutch, whatever the case and accents, or the
    option a datalist offered ("Noorwegen (NO)"); failing those, the one name it begins ("Noorw"). Returns the
    Country, or the list of countries it might be (none: unknown; several: ambiguous)."""
    typed = text.strip()
    code = re.fullmatch(r".*\(\s*([A-Za-z]{2})\s*\)", typed)
    if code and code[1].upper() in countries:
        return countries[code[1].upper()]
    plain = _plain(typed)
    if not plain:
        return []
    if plain.upper() in countries:
        return countries[plain.upper()]
    names = [(c, {_plain(c.name_en), _plain(c.name_nl)}) for c in countries.values()]
    found = [c for c, both in names if plain in both] or [c for c, both in names if any(name.startswith(plain) for name in both)]
    return found[0] if len(found) == 1 else found


class CountryNameField(forms.CharField):
    """One country typed by its name in either language or its code, offered from a <datalist> of the names in the
    page's language: a plain text input that works without JavaScript (the GOV.UK accessible autocomplete's base)."""

    default_error_messages = {
        "unknown": _("There is no country called “%(typed)s”: write its name as in the list, or its two-letter code."),
        "ambiguous": _("“%(typed)s” fits several countries (%(names)s): write the whole name."),
    }

    def __init__(self, *, countries: dict, datalist: str, **kwargs):
        self.countries = countries
        attrs = {"list": datalist, "autocomplete": "off", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        typed = super().to_python(value)
        if not typed:
            return None
        found = find_country(typed, self.countries)
        if isinstance(found, Country):
            return found
        if not found:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"typed": typed})
        names = ", ".join(c.name for c in found[:5]) + (", …" if len(found) > 5 else "")
        raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"typed": typed, "names": names})


class CountriesField(forms.TypedMultipleChoiceField):
    def __init__(self, *, countries: dict, **kwargs):
        choices = [(code, f"{c.name} ({code})") for code, c in countries.items()]
        super().__init__(choices=choices, coerce=lambda code: countries[code], **kwargs)
