"""Identity-document numbers by the rules of their kind (accounts/validators.py): a number
that cannot be real is refused with what is wrong, and the number itself is never repeated."""

import pytest
from django.utils import translation

from accounts.models import IdType
from accounts.validators import gb11643_check_character, id_number_problem

GOOD_RESIDENT = "11010519491231002X"  # GB 11643-1999's own example


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        (IdType.RESIDENT_ID, GOOD_RESIDENT),
        (IdType.RESIDENT_ID, "11010519491231002x"),  # a lower-case x is the same X
        (IdType.RESIDENT_ID, " 110105 19491231 002X "),  # spaces as read off the card
        (IdType.RESIDENT_ID, "31010119800101123X"),
        (IdType.HK_MACAU_TAIWAN, "810000199001011230"),
        (IdType.PASSPORT, "E12345678"),
        (IdType.PASSPORT, "123456789"),
        (IdType.CREDIT_CODE, "91350100M000100Y43"),
        (IdType.CREDIT_CODE, "91110000600037341L"),
    ],
)
def test_real_numbers_pass(id_type, number):
    assert id_number_problem(id_type, number) is None


@pytest.mark.parametrize(
    ("id_type", "number", "says"),
    [
        (IdType.RESIDENT_ID, "12345", "18 characters"),
        (IdType.RESIDENT_ID, "110105491231002", "15-digit first-generation"),
        (IdType.RESIDENT_ID, "1101051949123100AX", "17 digits followed by a digit or X"),
        (IdType.RESIDENT_ID, "01010519491231002X", "never starts with 0"),
        # Art. 8(2): a check digit that does not match is a mistyped or invented number.
        (IdType.RESIDENT_ID, "110105194912310021", "check digit"),
        (IdType.RESIDENT_ID, "110105194913310020", "no real date"),  # month 13
        (IdType.RESIDENT_ID, "110105194902300022", "no real date"),  # 30 February
        (IdType.RESIDENT_ID, "110105203001010025", "in the future"),
        (IdType.RESIDENT_ID, "110105189901010023", "before 1900"),
        (IdType.HK_MACAU_TAIWAN, GOOD_RESIDENT, "810000, 820000 or 830000"),
        (IdType.HK_MACAU_TAIWAN, "810000199001011231", "check digit"),
        (IdType.PASSPORT, "E12", "5 to 17 letters and digits"),
        (IdType.PASSPORT, "ABCDEFG", "at least one digit"),
        (IdType.PASSPORT, "E1234-5678", "5 to 17 letters and digits"),
        (IdType.CREDIT_CODE, "91350100M000100Y44", "check character"),
        (IdType.CREDIT_CODE, "91350100M000100O43", "other than I, O, S, V and Z"),
        (IdType.RESIDENT_ID, "", "Enter the identity document number"),
    ],
)
def test_a_number_that_cannot_be_real_is_refused_with_what_is_wrong(id_type, number, says):
    problem = id_number_problem(id_type, number)

    assert problem is not None and says in problem
    assert not number or number not in problem  # PIPL Art. 28, 51: never repeated


def _with_check(first_17: str) -> str:
    return first_17 + gb11643_check_character(first_17)


def test_a_birth_date_up_to_today_in_beijing_passes_and_tomorrow_does_not():
    # The suite's frozen now is 2026-11-25, Beijing time.
    assert id_number_problem(IdType.RESIDENT_ID, _with_check("11010520261125001")) is None
    problem = id_number_problem(IdType.RESIDENT_ID, _with_check("11010520261126001"))
    assert problem is not None and "in the future" in problem
