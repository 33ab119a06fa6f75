"""A fund's scope (资金使用范围): the city whose policy it pays for, and optionally the clauses.

``fund create FUND … --city 青岛|威海 [--clauses a,b]`` (or ``fund scope FUND --city … [--clauses …]`` for a
fund created without one) records it on the ``Fund``; a fund without a scope pays any clause, as before. An
award outside the scope is refused (``NOT_ELIGIBLE``) with the reason: the clause's city against the fund's,
or the clauses the fund names.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from . import errors
from .errors import LedgerError
from .values import CITY_WORDS


def city(text: object) -> str:
    """``青岛``, ``青岛市`` or ``qingdao`` → ``qingdao`` (and so for 威海)."""
    word = unicodedata.normalize("NFKC", str(text)).strip()
    for code, name in CITY_WORDS.items():
        if word.lower() == code or word in (name, name.removesuffix("市")):
            return code
    shown = "、".join(f"{name.removesuffix('市')} ({code})" for code, name in CITY_WORDS.items())
    raise errors.invalid(f"未知的城市 {text!r}; 可选: {shown}")


def clause_list(text: object) -> tuple[str, ...]:
    """``a,b`` (commas or 、 or spaces) → ``("a", "b")``."""
    word = unicodedata.normalize("NFKC", str(text)).replace("、", ",").replace(" ", ",")
    found = tuple(dict.fromkeys(part.strip() for part in word.split(",") if part.strip()))
    if not found:
        raise errors.invalid(f"须为条款编号, 以逗号分隔: {text!r}")
    return found


def describe(fund: Any) -> str:
    city_ = getattr(fund, "city", None)
    clauses = getattr(fund, "clauses", None)
    parts = [f"{CITY_WORDS[city_]}的政策"] if city_ else []
    if clauses:
        parts.append(f"条款 {'、'.join(clauses)}")
    return "、".join(parts)


def check_award(fund: Any, clause: Any) -> None:
    """Refuse an award of ``clause`` from ``fund`` when the fund's scope does not cover it."""
    city_ = getattr(fund, "city", None)
    clauses = getattr(fund, "clauses", None)
    own = clause.document.city
    source = clause.citation
    if city_ and own != city_:
        raise LedgerError(
            errors.NOT_ELIGIBLE,
            f"资金 {fund.code} ({fund.name}) 只用于{CITY_WORDS[city_]}的政策; 条款 {clause.id} 是"
            f"{CITY_WORDS.get(own, own)}的政策 ({source}), 不能从该资金批复: 请批复到{CITY_WORDS.get(own, own)}的资金",
        )
    if clauses and clause.id not in clauses:
        raise LedgerError(
            errors.NOT_ELIGIBLE,
            f"资金 {fund.code} ({fund.name}) 只用于条款 {'、'.join(clauses)}; 条款 {clause.id} "
            f"({clause.title}) 不在其使用范围内",
        )
