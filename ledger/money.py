"""Money: an integer number of 分, parsed and formatted only at the edges.

Never use floating point in an accounting system. Amounts travel through the
ledger as ``Fen`` (an ``int``); strings such as ``30万`` or ``1,000,000.50``
are turned into 分 here, exactly, or refused. Formatting is the inverse:
``parse(format_yuan(x)) == x`` for every amount.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, Inexact, localcontext
from typing import NewType

from .digits import describe, odd_digit

Fen = NewType("Fen", int)

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元
FEN_PER_YI = 10_000_000_000  # 1 亿元

# The largest single amount accepted: 1,000 亿元. Far above any grant, and
# small enough that a decade of sums stays inside a signed 64-bit column.
MAX_AMOUNT = Fen(1000 * FEN_PER_YI)

_UNITS = {
    "": FEN_PER_YUAN,
    "元": FEN_PER_YUAN,
    "万": FEN_PER_WAN,
    "万元": FEN_PER_WAN,
    "亿": FEN_PER_YI,
    "亿元": FEN_PER_YI,
}
# Decimal places that still name a whole number of 分, by unit (trailing zeros aside).
_PLACES = {FEN_PER_YUAN: 2, FEN_PER_WAN: 6, FEN_PER_YI: 10}
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_AMOUNT = re.compile(rf"({_NUMBER.pattern})\s*(元|万元|万|亿元|亿)?")


class MoneyError(ValueError):
    """An amount that is not a positive number of 分."""


def parse(text: str) -> Fen:
    """Parse a user's amount into 分; refuse zero, negatives, and sub-分 precision."""
    if not isinstance(text, str):
        raise MoneyError(f"金额须为文本, 收到的是 {type(text).__name__}")
    odd = odd_digit(text)
    if odd is not None:
        raise MoneyError(f"金额 {text!r} 含有 {describe(odd)}: 请输入数字 0-9 (全角 ０-９ 也可以)")
    cleaned = unicodedata.normalize("NFKC", text).strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None and cleaned.startswith("-") and _AMOUNT.fullmatch(cleaned[1:]):
        raise MoneyError(f"金额须大于零: {text!r}")
    if match is None:
        raise MoneyError(f"不是金额: {text!r} (例如 300000、1,000,000.50、30万、1.2亿)")
    number, scale = match.group(1).replace(",", ""), _UNITS[match.group(2) or ""]
    # Count decimal places before any arithmetic: Decimal would round beyond 28 digits.
    if len(number.partition(".")[2].rstrip("0")) > _PLACES[scale]:
        raise MoneyError(f"金额 {text!r} 精确到分以下 (最多到 1 分)")
    with localcontext() as exact:
        exact.prec = len(number) + 12
        exact.traps[Inexact] = True
        fen = Decimal(number) * scale
    if fen <= 0:  # a whole number of 分 now: the decimal places were checked above
        raise MoneyError(f"金额须大于零: {text!r}")
    if fen > MAX_AMOUNT:
        raise MoneyError(f"金额 {text!r} 超过上限 {format_human(MAX_AMOUNT)}")
    return Fen(int(fen))


def format_yuan(fen: int) -> str:
    """``30000000`` → ``"300000.00"``: the machine form (JSON, CSV)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan}.{cents:02d}"


def format_grouped(fen: int) -> str:
    """``30000000`` → ``"300,000.00"``: the table form, for people."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_human(fen: int) -> str:
    """Words for a finance clerk: ``180万元`` when it is a round figure, else ``1,234.56元``."""
    sign = "-" if fen < 0 else ""
    magnitude = abs(fen)
    if magnitude == 0:
        return "0元"
    if magnitude >= FEN_PER_WAN and magnitude % (FEN_PER_WAN // 100) == 0:
        wan, rest = divmod(magnitude, FEN_PER_WAN)
        decimals = f".{rest // (FEN_PER_WAN // 100):02d}".rstrip("0").rstrip(".")
        return f"{sign}{wan:,}{decimals}万元"
    return f"{sign}{format_grouped(magnitude)}元"


class Amount(int):
    """An amount in 分 on its way out: formatters print it as 元, never as a bare integer."""
