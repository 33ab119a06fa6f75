"""A project after its award (任务书, milestones, extensions, budget adjustments, closeout), re-decided.

Each of these is a clerk's act (or an admin's). The money they move is re-decided where it moves: a
closeout's recovery is a ``Grant.Recovered`` (``spending``). What a project adds to the payments' rules:

- 分期拨付: a payment (拨付 or 股权投资) never takes what was paid and is waiting for approval beyond the
  tranches released by its date: a tranche is released by its milestone recorded ``pass`` on or before
  then. The schedule is the award's: the one its own command opened the project with (its amounts worked
  out again here from the percentages and the award, the last tranche taking the remainder), or, for a
  后补助 clause (its title or text names 后补助 or 通过绩效评价) with none, ``100:evaluation``. A schedule
  written later than the award, or whose amounts are not the award's, is named;
- a closed project (``Project.Closed``) takes no payment, spending or reversal after it.
"""

from __future__ import annotations

from ledger.ids import key_id
from ledger.tranches import MILESTONES

from .act import Act, yuan

FIELDS = {
    "Project.Opened": {"ref": str, "fund": str, "awarded": int},
    "Project.Contracted": {"doc": str},
    "Project.MilestoneRecorded": {"milestone": str, "result": str, "released": int, "on": str},
    "Project.Extended": {"end": str, "doc": str},
    "Project.BudgetAdjusted": {"amount": int, "doc": str},
    "Project.Closed": {"result": str, "doc": str, "amount": int, "recovered": int, "on": str},
}
WORDS = {
    "Project.Opened": "批复 (立项)",
    "Project.Contracted": "签订任务书",
    "Project.MilestoneRecorded": "登记里程碑",
    "Project.Extended": "项目延期",
    "Project.BudgetAdjusted": "调整预算",
    "Project.Closed": "项目验收结题",
}
EVALUATION_ONLY = ((100, "evaluation"),)


def post_subsidy(title: str, quote: str) -> bool:
    """后补助 (paid after the fact): the clause's title or text says so."""
    return "后补助" in quote or "后补助" in title or "通过绩效评价" in title


def shares_of(awarded: int, parts: list | tuple) -> list[list]:
    """[pct, milestone, amount in 分] of each tranche: ``awarded × pct // 100``, the last takes the rest."""
    out, given = [], 0
    for i, (pct, kind) in enumerate(parts):
        amount = awarded - given if i == len(parts) - 1 else awarded * pct // 100
        given += amount
        out.append([pct, kind, amount])
    return out


def grant_of(a: Act) -> dict:
    """The grant a project event belongs to (the project is keyed by the application's REF)."""
    ref = a.state.projects[a.originator]["ref"]
    return a.state.grants[key_id("application", ref or "?").bytes]


def at_award(a: Act, g: dict, clause) -> None:
    """The schedule an award carries until its command opens a project with one of its own."""
    g["passed"], g["closed"] = {}, None
    g["schedule"] = None
    if clause is not None and post_subsidy(clause.title, clause.quote):
        g["schedule"] = shares_of(g["award"]["amount"], EVALUATION_ONLY)


def opened(a: Act) -> None:
    d = a.data
    a.state.projects[a.originator]["ref"] = d["ref"]
    g = grant_of(a)
    if not a.needs({"clerk"}, WORDS[a.name]):
        return
    planned = d.get("tranches")
    if planned is None:
        return
    if g["award"] is None or d["ref"] not in a.state.range_awards:
        a.fail("分期计划须在批复时确定", f"申报 {d['ref']} 的分期计划不是在批复它的同一操作中写入的")
        return
    try:
        parts = [(int(t["pct"]), str(t["milestone"])) for t in planned]
        written = [int(t["amount"]) for t in planned]
    except (KeyError, TypeError, ValueError):
        a.fail("事件格式须完整", f"申报 {d['ref']} 的分期计划格式不对")
        return
    if sum(p for p, _ in parts) != 100 or any(k not in MILESTONES for _, k in parts):
        a.fail("分期百分比合计须为 100, 里程碑须是规定的", f"申报 {d['ref']} 的分期计划 {parts}")
        return
    schedule = shares_of(g["award"]["amount"], parts)
    if written != [t[2] for t in schedule]:
        a.fail(
            "分期金额须按批复金额和百分比计算",
            f"申报 {d['ref']} 批复 {yuan(g['award']['amount'])}, 分期应为 "
            f"{'、'.join(yuan(t[2]) for t in schedule)}, 写入的是 {'、'.join(yuan(x) for x in written)}",
        )
    g["schedule"] = schedule


def milestone(a: Act) -> None:
    d = a.data
    g = grant_of(a)
    if a.needs({"clerk"}, WORDS[a.name]):
        _open(a, g, "记录里程碑")
    passed = g.setdefault("passed", {})
    if d["result"] == "pass" and (d["milestone"] not in passed or d["on"] < passed[d["milestone"]]):
        passed[d["milestone"]] = d["on"]


def closed(a: Act) -> None:
    d = a.data
    g = grant_of(a)
    if a.needs({"clerk"}, WORDS[a.name]):
        _open(a, g, "结题")
    g["closed"] = {"doc": d["doc"], "on": d["on"], "seq": a.seq}


def project_act(a: Act) -> None:
    if a.needs({"clerk"}, WORDS[a.name]):
        _open(a, grant_of(a), WORDS[a.name])


def _open(a: Act, g: dict, what: str) -> bool:
    """The grant's project is not closed (``what``: the act, in words)."""
    c = g.get("closed")
    if not c:
        return True
    a.fail(
        "项目结题后不得再拨付、支出或变更",
        f"申报 {g['ref']} 已于 {c['on']} 结题 (文号 {c['doc']}, 第 {c['seq']} 条事件), 此后又{what}",
    )
    return False


def check_payment(a: Act, g: dict, amount: int, what: str) -> None:
    """A payment of ``amount`` dated ``a.on``: its project open, and within the tranches released by then."""
    if not _open(a, g, what):
        return
    schedule = g.get("schedule")
    if not schedule:
        return
    passed = g.get("passed") or {}
    released = sum(t[2] for t in schedule if passed.get(t[1], "9999") <= a.on)
    paid = sum(
        v["amount"]
        for n, v in g["vouchers"].items()
        if v["kind"] == "payment" and v["status"] in ("posted", "pending") and n != a.data.get("voucher")
    )
    if paid + amount <= released:
        return
    missing = [t for t in schedule if passed.get(t[1], "9999") > a.on]
    named = "、".join(f"{MILESTONES.get(t[1], t[1])} ({t[1]}, {t[0]}% 即 {yuan(t[2])})" for t in missing)
    a.fail(
        "分期拨付不得超出已放行的部分",
        f"申报 {g['ref']} 截至 {a.on} 已放行 {yuan(released)}, 已拨付及待审批 {yuan(paid)}; 本次{what} "
        f"{yuan(amount)} 超出 {yuan(paid + amount - released)}; 尚未通过的里程碑: {named or '无'}",
    )


def still_open(a: Act, g: dict, what: str) -> bool:
    """Spending or a reversal: the grant's project is not closed (a finding if it is)."""
    return _open(a, g, what)


RULES = {
    **dict.fromkeys(WORDS, project_act),
    "Project.Opened": opened,
    "Project.MilestoneRecorded": milestone,
    "Project.Closed": closed,
}
