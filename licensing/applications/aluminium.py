"""
Aluminium goods and their smelt and cast declaration (seed 000, questions 5, 8 and 9).

Seed 000, question 8 asks for reporting requirements on aluminium products naming "het land van de eerste en tweede
belangrijkste smeltstap en het land waar de laatste gietstap heeft plaatsgevonden": the countries of the most and
second most important smelt (by share of the metal, not by the order of the steps) and of the last cast. The goods
line keeps them as first_smelt_country (the most important), second_smelt_country and last_cast_country.

The one home of two answers: which goods lines are aluminium (HS chapter 76, "aluminium and articles thereof", or the
exporter says so), and which of them lack a declaration. What follows from a missing declaration is a flag for the
office, not a refusal (screening.cases), see `declaration_missing`.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HS_CHAPTER = "76"  # aluminium and articles thereof
# Field -> what the exporter and the official read: ranked by share of the metal, not by the order of the steps.
ORIGIN_LABELS = {
    "first_smelt_country": gettext_lazy("Country of the most important smelt"),
    "second_smelt_country": gettext_lazy("Country of the second most important smelt"),
    "last_cast_country": gettext_lazy("Country of the last cast"),
}
ORIGIN_FIELDS = tuple(ORIGIN_LABELS)
# The parts of a declaration without which it says nothing about where the metal comes from.
REQUIRED = ("first_smelt_country", "last_cast_country")


def hs_heading(hs_code: str) -> str:
    """The HS heading (4 digits: 7604 bars and profiles) of an HS code as written ("7604.21", "760421"), or ''."""
    digits = "".join(ch for ch in hs_code or "" if ch.isdigit())
    return digits[:4] if len(digits) >= 4 else ""


def is_aluminium(*, marked: bool, hs_code: str) -> bool:
    """Aluminium goods: the exporter marked the line as aluminium, or its HS code lies in chapter 76."""
    return bool(marked) or hs_heading(hs_code).startswith(HS_CHAPTER)


def declaration_missing(line) -> list[str]:
    """Which required parts of the smelt and cast declaration an aluminium goods line lacks (field names; [] when
    complete or not aluminium).

    Not a reason to refuse submission: seed 000 question 8 asks whether the cabinet will argue for "verplichte
    rapportagevereisten bij import van aluminiumproducten" - the declaration is not yet an obligation - and
    question 11 asks to spare "bonafide Nederlandse en Europese bedrijven ... extra administratieve lasten". The
    office sees the gap as a screening flag and may ask."""
    if not is_aluminium(marked=line.is_aluminium, hs_code=line.hs_code):
        return []
    return [name for name in REQUIRED if not getattr(line, f"{name}_id")]


def origin_input_errors(lines: list[dict]) -> dict[str, list[str]]:
    """Errors in the smelt and cast countries as an exporter gives them (API or page), keyed `goods[i].field`:
    they are taken only for aluminium goods, and a second smelt needs the most important one."""
    errors: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        given = [name for name in ORIGIN_FIELDS if line.get(name)]
        if not given:
            continue
        if not is_aluminium(marked=line.get("is_aluminium", False), hs_code=line.get("hs_code", "")):
            for name in given:
                errors[f"goods[{index}].{name}"] = [
                    _("Smelt and cast countries are asked for aluminium goods only: mark the line as aluminium or give an HS code of chapter 76.")
                ]
        elif line.get("second_smelt_country") and not line.get("first_smelt_country"):
            errors[f"goods[{index}].first_smelt_country"] = [
                _("Give the country of the most important smelt before the second most important one.")
            ]
    return errors
