"""The Movement Reference Number (MRN) of a customs declaration, as the EU customs data model defines it (an18):

- 2 digits: the year the declaration was accepted;
- 2 letters: the country of the customs office that accepted it (ISO 3166-1 alpha-2);
- 14 alphanumerics: the national identifier, whose last character is a check character computed as for
  ISO 6346 container numbers: each preceding character's value (digits as themselves; letters A=10 onwards,
  skipping the multiples of 11) weighted by 2 to the power of its position, the sum modulo 11, and a remainder
  of 10 written as 0.
"""
import re

from django.utils.translation import gettext as _

from licensing.core.errors import DomainError

MRN_FORMAT = re.compile(r"[0-9]{2}[A-Z]{2}[0-9A-Z]{14}")


def _letter_values() -> dict[str, int]:
    values, value = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


VALUES = {**{str(d): d for d in range(10)}, **_letter_values()}


def check_character(first_17: str) -> str:
    total = sum(VALUES[c] << position for position, c in enumerate(first_17))
    return str(total % 11 % 10)


def mrn_clean(value: str) -> str:
    """The MRN in its canonical form (upper case, no surrounding spaces), or DomainError saying what is wrong."""
    text = str(value or "").strip()
    # ASCII first: upper-casing would turn look-alikes such as the dotless 'ı' into a plain 'I'.
    if not text.isascii() or not MRN_FORMAT.fullmatch(text.upper()):
        raise DomainError(
            _("A declaration number (MRN) is 18 characters: 2 digits of the year, 2 letters of the country and 14 letters or digits."),
            code="invalid_mrn", fields={"declaration": [_("Not an MRN.")]},
        )
    text = text.upper()
    if check_character(text[:17]) != text[17]:
        raise DomainError(
            _("The declaration number (MRN) %(mrn)s has a wrong check character: a typing error?") % {"mrn": text},
            code="invalid_mrn", fields={"declaration": [_("The check character does not match.")]},
        )
    return text
