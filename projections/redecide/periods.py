"""Funds, their yearly budgets and the year's end, re-decided.

- 设立资金 and 下达预算 are a clerk's acts; an appropriation is dated in an open year and lands in an open year;
- money coming back (追回, exits) is credited to the year it comes back in, and only by the command that
  recovered it, took the exit's proceeds or reversed the recovery (its voucher and amount);
- closing a year and proposing to reopen it are an admin's acts (a close after the year has ended);
- a reopening takes effect only when a second person (an admin or approver, not its proposer) confirms it.
"""

from __future__ import annotations

from ledger.dates import year_of
from ledger.fund import DEFAULT_APPROVAL_THRESHOLD, DEFAULT_APPROVAL_WINDOW

from .act import Act

NONE = type(None)
FIELDS = {
    "Fund.Created": {"code": str, "threshold": int},
    "FundYear.Opened": {"fund": str, "year": int},
    "FundYear.Appropriated": {"amount": int, "doc": str, "on": str},
    "FundYear.Returned": {"amount": int, "voucher": str},
    "FundYear.ReturnReversed": {"amount": int, "voucher": str},
    "Period.Opened": {"fund": str, "year": int},
    "Period.Closed": {"doc": str, "on": str},
    "Period.ReopenProposed": {"doc": str},
    "Period.Reopened": {"doc": str},
}


def fund_created(a: Act) -> None:
    d = a.data
    window = d.get("window")  # absent on funds created before split payments were counted
    window = window if isinstance(window, int) and not isinstance(window, bool) else DEFAULT_APPROVAL_WINDOW
    a.state.funds[d["code"]] = {"threshold": d["threshold"], "window": window, **scope_of(d)}
    a.state.fund_ids[a.originator] = d["code"]
    a.needs({"clerk"}, "设立资金")


def scope_of(d: dict) -> dict:
    """A fund's scope (资金使用范围) as ``Fund.Created`` or ``Fund.Scoped`` records it: its city and clauses
    (none recorded: the fund pays any clause, as before scopes existed)."""
    city, clauses = d.get("city"), d.get("clauses")
    return {
        "city": city if isinstance(city, str) else None,
        "clauses": [c for c in clauses if isinstance(c, str)] if isinstance(clauses, list) else None,
    }


def threshold_of(a: Act, fund: str) -> tuple[int, int]:
    f = a.state.funds.get(fund)
    return (f["threshold"], f["window"]) if f else (DEFAULT_APPROVAL_THRESHOLD, DEFAULT_APPROVAL_WINDOW)


def fund_year_opened(a: Act) -> None:
    a.state.fund_years[a.originator] = (a.data["fund"], a.data["year"])
    a.needs_clerk_or_approving("开立资金年度")


def _fund_year(a: Act) -> tuple[str, int]:
    return a.state.fund_years.get(a.originator, ("?", 0))


def appropriated(a: Act) -> None:
    fund, year = _fund_year(a)
    a.state.budget(fund, year)["appropriated"] += a.data["amount"]
    what = f"下达预算 {a.data['doc']}"
    if a.needs({"clerk"}, "下达预算") and a.open_period(fund, year, what):
        a.open_period(fund, year_of(a.on), what)


def returned(a: Act) -> None:
    fund, year = _fund_year(a)
    sign = -1 if a.name == "FundYear.ReturnReversed" else 1
    a.state.budget(fund, year)["returned"] += sign * a.data["amount"]
    a.needs_clerk_or_approving("资金收回")
    if a.key is not None:  # matched with the recovery, exit or reversal of its command (``caps.end_of_range``)
        a.state.range_limits.append((a.seq, a.name, a.data))


def side_of_award(a: Act) -> None:
    """A clerk's award; or the commitment a re-charge's approver writes in the approving command (调整资金来源)."""
    a.needs_clerk_or_approving("批复")


def period_opened(a: Act) -> None:
    a.state.periods[a.originator] = (a.data["fund"], a.data["year"])
    a.needs(set(), "年终结账")


def _period(a: Act) -> tuple[str, int]:
    return a.state.periods.get(a.originator, ("?", 0))


def closed(a: Act) -> None:
    fund, year = _period(a)
    a.state.closed[(fund, year)] = a.data["doc"]
    if a.needs(set(), "年终结账") and a.on <= f"{year}-12-31":
        a.fail("年度结束后才能结账", f"资金 {fund} {year} 年度于 {a.on} 结账, 该年度尚未结束")


def reopen_proposed(a: Act) -> None:
    fund, year = _period(a)
    a.state.proposals[(fund, year)] = a.who
    if a.needs(set(), "提出重新开账") and (fund, year) not in a.state.closed:
        a.fail("只有已结账年度可以重新开账", f"资金 {fund} {year} 年度未结账")


def reopened(a: Act) -> None:
    fund, year = _period(a)
    maker = a.state.proposals.pop((fund, year), None)
    if a.needs({"approver"}, "复核重新开账"):
        if maker is None:
            a.fail("重新开账须先由管理员提出", f"资金 {fund} {year} 年度没有待复核的重新开账 {a.data['doc']}")
        elif maker == a.who:
            a.fail("重新开账须由另一人复核", f"资金 {fund} {year} 年度的重新开账由 {maker} 提出, 又由本人复核")
    a.state.closed.pop((fund, year), None)


def reopen_withdrawn(a: Act) -> None:
    a.state.proposals.pop(_period(a), None)
    a.needs({"approver"}, "撤回重新开账")


def voucher_issued(a: Act) -> None:
    if a.data.get("kind") == "reopen":
        a.needs(set(), "提出重新开账")
    elif a.data.get("kind") == "reevaluate":  # a reviewer's 复评 is filed under its document number
        a.needs({"reviewer"}, "提请复评")
    else:
        a.needs({"clerk"}, "开具凭证")


RULES = {
    "Fund.Created": fund_created,
    "FundYear.Opened": fund_year_opened,
    "FundYear.Appropriated": appropriated,
    "FundYear.Committed": side_of_award,
    "FundYear.Returned": returned,
    "FundYear.ReturnReversed": returned,
    "Period.Opened": period_opened,
    "Period.Closed": closed,
    "Period.ReopenProposed": reopen_proposed,
    "Period.Reopened": reopened,
    "Period.ReopenWithdrawn": reopen_withdrawn,
    "Voucher.Issued": voucher_issued,
}
