"""Amounts in Chinese capital numerals (大写金额) for the receipt, by the PBOC's rules for
filling in vouchers; the rows marked (PBOC) are that rule book's own examples."""

from decimal import Decimal

import pytest

from kernel.money import amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        ("0", "人民币零元整"),
        ("0.00", "人民币零元整"),
        ("0.02", "人民币贰分"),
        ("0.50", "人民币伍角"),
        ("0.52", "人民币伍角贰分"),
        ("1", "人民币壹元整"),
        ("10", "人民币壹拾元整"),  # 拾 always has its digit
        ("30.00", "人民币叁拾元整"),
        ("30.50", "人民币叁拾元伍角"),
        ("30.05", "人民币叁拾元零伍分"),
        ("110", "人民币壹佰壹拾元整"),
        ("1010", "人民币壹仟零壹拾元整"),
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),  # (PBOC)
        ("6007.14", "人民币陆仟零柒元壹角肆分"),  # (PBOC) one 零 for a run of zeros
        ("1680.32", "人民币壹仟陆佰捌拾元叁角贰分"),  # (PBOC) the second form allowed
        ("107000.53", "人民币壹拾万零柒仟元伍角叁分"),  # (PBOC) the second form allowed
        ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),  # (PBOC) zero 角 before 分
        ("325.04", "人民币叁佰贰拾伍元零肆分"),  # (PBOC)
        ("100000", "人民币壹拾万元整"),
        ("100010", "人民币壹拾万零壹拾元整"),
        ("20000000", "人民币贰仟万元整"),
        ("100000000", "人民币壹亿元整"),
        ("100000001", "人民币壹亿零壹元整"),
        ("1000010000", "人民币壹拾亿零壹万元整"),
        ("1000000000000", "人民币壹万亿元整"),
        ("1000000010000", "人民币壹万亿零壹万元整"),
        (
            "1234567890123.45",
            "人民币壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分",
        ),
    ],
)
def test_amounts_are_written_in_capitals(amount, written):
    assert amount_in_capitals(Decimal(amount)) == written


@pytest.mark.parametrize("amount", ["-0.01", "0.001", "10000000000000000", "NaN"])
def test_what_is_not_an_amount_of_yuan_and_fen_is_refused_not_rounded(amount):
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal(amount))
