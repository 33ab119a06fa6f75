"""分期拨付: an award's schedule of tranches, each released by a milestone (签订任务书, 中期检查, 验收, 绩效评价).

A schedule is written ``60:signing,40:acceptance``: whole percentages that sum to 100, each naming the
milestone that releases it. Amounts are integer 分: each tranche is ``awarded × pct // 100`` and the last
takes the remainder, so the tranches always add up to the award exactly. A tranche is released by a
milestone of its kind recorded with result ``pass`` on or before the payment's date; what may be paid by a
day is the sum of the tranches released by then.

后补助 (paid after the fact): a clause whose text names 后补助 or 通过绩效评价 pays only after the 绩效评价:
an award under it without a schedule of its own gets ``100:evaluation``.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import NOT_RELEASED, LedgerError, invalid
from .money import format_human

MILESTONES = {
    "signing": "签订任务书",
    "midterm": "中期检查",
    "acceptance": "验收",
    "evaluation": "绩效评价",
}
RESULTS = {"pass": "通过", "fail": "未通过"}
POST_SUBSIDY = "100:evaluation"


def milestone_kind(text: str) -> str:
    word = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for key, chinese in MILESTONES.items():
        if word in (key, chinese):
            return key
    raise invalid(f"里程碑须为 {', '.join(f'{k} ({v})' for k, v in MILESTONES.items())} 之一: {text!r}")


def result(text: str) -> str:
    word = unicodedata.normalize("NFKC", str(text)).strip().lower()
    for key, words in {"pass": ("pass", "通过", "合格"), "fail": ("fail", "未通过", "不通过", "不合格")}.items():
        if word in words:
            return key
    raise invalid(f"结论须为 pass (通过) 或 fail (未通过): {text!r}")


_PART = re.compile(r"([0-9]{1,3})\s*[:：]\s*(\S+)")


def schedule(text: str) -> tuple[tuple[int, str], ...]:
    """Parse ``60:signing,40:acceptance`` into ((60, "signing"), (40, "acceptance"))."""
    word = unicodedata.normalize("NFKC", str(text)).strip()
    parts = [p.strip() for p in re.split(r"[,，;；]", word) if p.strip()]
    if not parts:
        raise invalid("分期计划是空的; 写法如 60:signing,40:acceptance")
    tranches = []
    for part in parts:
        m = _PART.fullmatch(part)
        if not m:
            raise invalid(f"分期 {part!r} 的写法应为 百分比:里程碑, 如 60:signing")
        pct, kind = int(m.group(1)), milestone_kind(m.group(2))
        if not 1 <= pct <= 100:
            raise invalid(f"分期 {part!r}: 百分比须在 1 至 100 之间")
        tranches.append((pct, kind))
    total = sum(p for p, _ in tranches)
    if total != 100:
        raise invalid(f"分期百分比合计须为 100, 现为 {total}: {text!r}")
    if len({k for _, k in tranches}) != len(tranches):
        raise invalid(f"同一里程碑在分期计划中只能出现一次: {text!r}")
    return tuple(tranches)


def amounts(awarded: int, tranches: tuple[tuple[int, str], ...] | list) -> list[dict]:
    """Each tranche in 分: ``awarded × pct // 100``, the last taking the remainder."""
    out, given = [], 0
    for i, (pct, kind) in enumerate(tranches):
        amount = awarded - given if i == len(tranches) - 1 else awarded * pct // 100
        given += amount
        out.append({"pct": pct, "milestone": kind, "amount": amount})
    return out


def is_post_subsidy(title: str, quote: str) -> bool:
    return "后补助" in quote or "后补助" in title or "通过绩效评价" in title


def released_by(tranches: list[dict], passed: dict[str, str], day: str) -> int:
    """What the schedule lets be paid by ``day``: tranches whose milestone passed on or before it."""
    return sum(t["amount"] for t in tranches if passed.get(t["milestone"], "9999") <= day)


def refuse_beyond_release(ref: str, tranches: list[dict], passed: dict[str, str], paid: int, amount: int, day: str):
    """NOT_RELEASED, naming the milestones still missing and the amounts, when this payment goes beyond them."""
    released = released_by(tranches, passed, day)
    if paid + amount <= released:
        return
    missing = [t for t in tranches if passed.get(t["milestone"], "9999") > day]
    named = "、".join(
        f"{MILESTONES[t['milestone']]} ({t['milestone']}, {t['pct']}% 即 {format_human(t['amount'])})" for t in missing
    )
    raise LedgerError(
        NOT_RELEASED,
        f"申报 {ref} 分期拨付: 截至 {day} 已放行 {format_human(released)}, 已拨付及待审批 {format_human(paid)}, "
        f"尚可拨付 {format_human(max(released - paid, 0))}; 本次 {format_human(amount)} 超出 "
        f"{format_human(paid + amount - released)}; 尚未通过的里程碑: {named or '无'} "
        "(先用 milestone 记录里程碑结论)",
    )
