"""Chinese capital amounts (人民币大写) for vouchers: 分 in, 壹仟陆佰捌拾元零叁角贰分 out.

The writing follows the People's Bank rules for 中文大写金额 (《支付结算办法》附件一):
壹贰叁… with 拾佰仟万亿; one 零 for any run of zeros inside the figure; 整 after
元 when there are no 角 or 分, nothing after 分; 拾 keeps its 壹 (壹拾元整). Where
the rules allow a 零 or not (a zero units digit before 角, a zero 角 before 分),
we write it, as the rules' own examples do (¥1680.32 → 壹仟陆佰捌拾元零叁角贰分,
¥107000.53 → 壹拾万柒仟元零伍角叁分). Exact to the 分: integers only, no rounding.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("仟", "佰", "拾", "")  # within a group of four digits
GROUP_UNITS = ("", "万", "亿")  # groups of four digits, lowest first: up to 9999亿9999万9999元


def _group(number: int) -> str:
    """0 < number < 10,000 → 壹仟零伍拾 (no trailing zeros, one 零 for a run of inner zeros)."""
    text, zero = "", False
    for digit, unit in zip(f"{number:04d}", SMALL_UNITS, strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[int(digit)] + unit
    return text


def _yuan(number: int) -> str:
    """Whole 元 (> 0) in capitals, without the 元."""
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large for Chinese capitals")
    text, zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero = bool(text)
            continue
        if text and (zero or group < 1000):
            text += "零"
        text += _group(group) + GROUP_UNITS[index]
        zero = False
    return text


def capitals(fen: int) -> str:
    """An amount in 分 as 人民币大写: ``168032`` → ``壹仟陆佰捌拾元零叁角贰分``; ``0`` → ``零元整``."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError("an amount in 分 is an integer")
    if fen < 0:
        raise ValueError("Chinese capitals are written for amounts of zero or more")
    yuan, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    if fen == 0:
        return "零元整"
    text = _yuan(yuan) + "元" if yuan else ""
    if not cents:
        return text + "整"
    if jiao:
        if yuan % 10 == 0 and yuan:
            text += "零"
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return text
