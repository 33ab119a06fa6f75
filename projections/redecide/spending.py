"""Spending and recoveries, re-decided: 专款专用 on a timeline, and the 负面清单.

- spending is a clerk's act on an award, on a project not closed (``Project.Closed``), in an open year, in
  a category of the list and never one on the negative list, and never more than the unit held from that day
  on (money cannot be spent before the day it was paid, nor twice);
- a recovery (追回) likewise takes back no more than the unit held from that day on.
"""

from __future__ import annotations

from ledger.values import CATEGORIES, NEGATIVE_LIST

from . import projects
from .act import Act, yuan
from .payments import awarded

FIELDS = {
    "Grant.Spent": {"voucher": str, "amount": int, "category": str, "on": str},
    "Grant.Recovered": {"voucher": str, "amount": int, "on": str},
}


def held_from(flows: list, on: str) -> tuple[int, int]:
    """(what the unit held at the end of ``on``, the least it held at the end of any day from ``on`` on)."""
    by_day: dict[str, int] = {}
    for day, change in flows:
        by_day[day] = by_day.get(day, 0) + change
    balance = sum(change for day, change in by_day.items() if day <= on)
    least = balance
    for day in sorted(d for d in by_day if d > on):
        balance += by_day[day]
        least = min(least, balance)
    return sum(change for day, change in by_day.items() if day <= on), least


def _room(a: Act, g: dict, amount: int, what: str) -> None:
    then, least = held_from(g["flows"], a.on)
    if amount <= least:
        return
    paid_by = sum(change for day, change in g["flows"] if day <= a.on and change > 0)
    a.fail(
        "支出不得早于拨款到位, 也不得超出结余 (专款专用)",
        f"申报 {g['ref']} 截至 {a.on} 已到位拨款 {yuan(paid_by)}, 当日结余 {yuan(then)}, 此后最少 {yuan(least)}; "
        f"本次{what} {yuan(amount)} 超出 {yuan(amount - least)}",
    )


def spent(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    category = d["category"]
    if a.needs({"clerk"}, "支出") and awarded(a, g, "支出") and projects.still_open(a, g, "支出"):
        if category in NEGATIVE_LIST:
            a.fail(
                "负面清单上的支出不得列支专项资金",
                f"凭证 {d['voucher']} 以「{NEGATIVE_LIST[category]}」({category}) 列支 {yuan(d['amount'])} "
                f"(申报 {g['ref']})",
            )
        elif category not in CATEGORIES:
            a.fail("支出须按规定的科目列支", f"凭证 {d['voucher']} 的科目 {category!r} 不存在")
        else:
            _room(a, g, d["amount"], "支出")
    g["vouchers"][d["voucher"]] = {"kind": "expenditure", "amount": d["amount"], "on": d["on"], "status": "posted"}
    g["flows"].append([d["on"], -d["amount"]])


def recovered(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    if a.needs({"clerk"}, "追回") and awarded(a, g, "追回"):
        _room(a, g, d["amount"], "追回")
    g["vouchers"][d["voucher"]] = {"kind": "recovery", "amount": d["amount"], "on": d["on"], "status": "posted"}
    a.state.range_money[d["voucher"]] = d["amount"]  # what its FundYear.Returned may credit
    g["flows"].append([d["on"], -d["amount"]])


RULES = {"Grant.Spent": spent, "Grant.Recovered": recovered}
