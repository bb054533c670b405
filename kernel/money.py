"""Amounts written in Chinese capital numerals (大写金额), as receipts and vouchers carry them
beside the figures so that neither can be altered alone (the PBOC's rules for filling in
bills and settlement vouchers, 《正确填写票据和结算凭证的基本规定》).

The rules followed (where those rules allow either form, the one named here is chosen):
- 元 is followed by 整 when there are no 角 or 分; after 角 no 整 is written (their example:
  ¥1409.50 → 壹仟肆佰零玖元伍角); never after 分.
- A run of zeros inside the integer part is written as one 零 (¥6007.14 → 陆仟零柒元壹角肆分),
  also where the run ends a 万 or 亿 section (¥107000 → 壹拾万零柒仟元整, ¥100000001 →
  壹亿零壹元整).
- Zeros at the end of the integer part are not written before 角 (¥1680.32 →
  壹仟陆佰捌拾元叁角贰分); a zero 角 before a 分 always is (¥325.04 → 叁佰贰拾伍元零肆分).
- 拾 always has its digit: ¥10 → 壹拾元整."""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
PREFIX = "人民币"
# Sections of four digits: 万 for the second, 亿 for the third, 万 again for the fourth
# (壹万亿 is ten thousand 亿). Past that the amount is refused.
LIMIT = Decimal(10) ** 16


def amount_in_capitals(amount: Decimal) -> str:
    """30.00 → 人民币叁拾元整. Refuses a negative amount, a fraction of a 分 and amounts of
    10^16 yuan or more (ValueError): a receipt never rounds what it was given."""
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount to write out: {amount}")
    in_fen = amount * 100
    if in_fen != in_fen.to_integral_value():
        raise ValueError(f"an amount has at most two decimals (fen): {amount}")
    if amount >= LIMIT:
        raise ValueError(f"too large to write out: {amount}")
    yuan, rest = divmod(int(in_fen), 100)
    jiao, fen = divmod(rest, 10)

    text = _integer(yuan)
    if yuan:
        text += "元"
    if jiao == 0 and fen == 0:
        return PREFIX + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"  # ¥325.04: 元 followed by 零 before the 分
    if fen:
        text += DIGITS[fen] + "分"
    return PREFIX + text


def _integer(number: int) -> str:
    if number == 0:
        return ""
    digits = str(number)
    length = len(digits)
    out: list[str] = []
    zero_pending = False
    section_has_digit = False
    for index, char in enumerate(digits):
        position = length - 1 - index  # 0 for the ones
        unit, section = position % 4, position // 4
        digit = int(char)
        if digit == 0:
            zero_pending = bool(out)
        else:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(DIGITS[digit] + UNITS[unit])
            section_has_digit = True
        if unit == 0 and section > 0:
            if section == 2 and (section_has_digit or number >= 10**12):
                out.append("亿")  # also when only the 万亿 section above it has digits
            elif section in (1, 3) and section_has_digit:
                out.append("万")
            section_has_digit = False
    return "".join(out)
