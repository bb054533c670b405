"""Identity-document numbers checked by the rules of their kind, so that a mistyped number is
refused at the counter rather than printed on a form the customer signs (Art. 8(2): the clerk
checks the documents are genuine and valid). Each check returns what is wrong in words the
clerk can act on, or None; it never repeats the number (PIPL Art. 28, 51).

- Resident identity card: GB 11643-1999, 18 characters — a 6-digit region, the birth date
  (YYYYMMDD), a 3-digit sequence and a check character (ISO 7064 MOD 11-2).
- Hong Kong/Macau/Taiwan residence permit: the same 18-character number, region 810000 (Hong
  Kong), 820000 (Macau) or 830000 (Taiwan).
- Passport: issued under each country's rules; 5 to 17 letters and digits, at least one digit.
- Unified social credit code: GB 32100-2015, 18 characters with a MOD 31 check character."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from kernel.calendar import beijing_today

from .models import IdType
from .pii import normalise_id_number

# An authorised agent is a person: an institution's credit code is never theirs.
PERSONAL_ID_TYPES = (IdType.RESIDENT_ID, IdType.PASSPORT, IdType.HK_MACAU_TAIWAN)

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"
_HMT_REGIONS = ("810000", "820000", "830000")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)

_GB32100_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_GB32100_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")


def gb11643_check_character(first_17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first_17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def resident_id_problem(number: str) -> str | None:
    number = normalise_id_number(number)
    if len(number) == 15 and number.isdigit():
        return _(
            "This is a 15-digit first-generation identity number, no longer valid: ask for "
            "the 18-character card."
        )
    if len(number) != 18:
        return _(
            "A resident identity number has 18 characters (17 digits and a last digit or X); "
            "this one has {n}."
        ).format(n=len(number))
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return _("A resident identity number is 17 digits followed by a digit or X.")
    if number[0] == "0":
        return _(
            "A resident identity number never starts with 0: its first six digits are a region."
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return _(
            "Characters 7 to 14 of the identity number are the birth date: this is no real date."
        )
    if not _EARLIEST_BIRTH <= born <= beijing_today():
        return _(
            "Characters 7 to 14 of the identity number are the birth date: it lies in the "
            "future or before 1900."
        )
    if gb11643_check_character(number[:17]) != number[17]:
        return _(
            "The last character of the identity number is its check digit and it does not "
            "match the other 17 (GB 11643-1999): a character is mistyped."
        )
    return None


def hmt_permit_problem(number: str) -> str | None:
    number = normalise_id_number(number)
    problem = resident_id_problem(number)
    if problem is None and number[:6] not in _HMT_REGIONS:
        return _(
            "A Hong Kong/Macau/Taiwan residence permit number starts with 810000, 820000 or 830000."
        )
    return problem


def passport_problem(number: str) -> str | None:
    number = normalise_id_number(number)
    if not _PASSPORT.fullmatch(number) or not any(c.isdigit() for c in number):
        return _("A passport number is 5 to 17 letters and digits, with at least one digit.")
    return None


def credit_code_problem(number: str) -> str | None:
    number = normalise_id_number(number)
    if len(number) != 18 or any(c not in _GB32100_CHARS for c in number):
        return _(
            "A unified social credit code has 18 characters: digits and capital letters other "
            "than I, O, S, V and Z."
        )
    total = sum(
        _GB32100_CHARS.index(c) * w for c, w in zip(number[:17], _GB32100_WEIGHTS, strict=True)
    )
    if _GB32100_CHARS[(31 - total % 31) % 31] != number[17]:
        return _(
            "The last character of the credit code is its check character and it does not "
            "match the other 17 (GB 32100-2015): a character is mistyped."
        )
    return None


_CHECKS = {
    IdType.RESIDENT_ID: resident_id_problem,
    IdType.HK_MACAU_TAIWAN: hmt_permit_problem,
    IdType.PASSPORT: passport_problem,
    IdType.CREDIT_CODE: credit_code_problem,
}


def id_number_problem(id_type: str, number: str) -> str | None:
    """What is wrong with `number` as a document of `id_type`, or None."""
    if not normalise_id_number(number):
        return _("Enter the identity document number.")
    check = _CHECKS.get(IdType(id_type)) if id_type in IdType.values else None
    if check is None:
        return _("Choose the kind of identity document.")
    return check(number)
