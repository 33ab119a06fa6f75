"""The closeout's settlement (结算) and re-charges to another fund (调整资金来源), re-decided (issue 24).

- a settlement is written by the clerk's closeout and settles the award at what was paid: its amount is the
  award less what was disbursed or invested (net of reversals) — never more, never for an award that is not
  in force — and the award stands at what was paid afterwards;
- a re-charge is proposed by a clerk and takes effect only when another person, an approver, approves it with
  another key, while nothing is paid or waiting under the award; the award then belongs to the new fund,
  whose fiscal year must be open and have room and whose scope (资金使用范围: city, clauses, as it stood) must
  cover the award's clause; a withdrawal is an approver's or the proposer's act.
What the settlement and the re-charge give back or commit (``FundYear.Released`` / ``Committed``,
``UnitCap.Released``) is written inside the same command: each release must match the amount re-decided here
(``caps.end_of_range``), and the invariant fold checks the totals.
"""

from __future__ import annotations

from ledger.clauses import CITIES
from ledger.money import format_human

from . import caps
from .act import Act
from .corrections import second_person

FIELDS = {
    "Grant.Settled": {"doc": str, "amount": int, "awarded": int, "paid": int, "on": str},
    "Grant.RechargeProposed": {"doc": str, "fund": str, "reason": str, "on": str},
    "Grant.RechargeWithdrawn": {"doc": str, "on": str},
    "Grant.Recharged": {"doc": str, "amount": int, "from_fund": str, "to_fund": str, "year": int, "on": str},
}


def _paid(g: dict) -> int:
    """Disbursed or invested and posted (not voided, not reversed), as the payments rules record vouchers."""
    return sum(v["amount"] for v in g["vouchers"].values() if v["kind"] == "payment" and v["status"] == "posted")


def _pending(g: dict) -> int:
    return sum(v["amount"] for v in g["vouchers"].values() if v["kind"] == "payment" and v["status"] == "pending")


def settled(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    a.needs({"clerk"}, "结题结算")
    award = g["award"]
    if award is None:
        a.fail("只有有效的批复可以结算", f"申报 {g['ref']} 当时没有有效的批复")
        return
    paid = _paid(g)
    if d["amount"] <= 0 or d["awarded"] - d["amount"] != d["paid"] or d["amount"] != award["amount"] - paid:
        a.fail(
            "结算按已拨付金额确认批复, 退回未拨付部分",
            f"申报 {g['ref']} 批复 {format_human(award['amount'])}, 已拨付 {format_human(paid)}; "
            f"结算退回 {format_human(d['amount'])} (结算后 {format_human(d['paid'])})",
        )
    a.not_before(a.on, award["on"], "结算", "批复", g["ref"])
    award["amount"] -= d["amount"]
    g["settled"] = d["on"]
    # the unpaid part is budget again and leaves the unit's yearly and lifetime limits (not a once-only mark);
    # the FundYear.Released / UnitCap.Released its command writes must match it (``caps.end_of_range``)
    a.state.budget(award["fund"], award["year"])["committed"] -= d["amount"]
    caps.release(a.state, g, d["amount"], False)
    a.state.range_releases[f"{g['ref']} {d['doc']}"] = d["amount"]


def proposed(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    a.needs({"clerk"}, "提请调整资金来源")
    g.setdefault("recharges", {})[d["doc"]] = {"by": a.who, "key": a.key, "on": d["on"], "status": "pending"}


def withdrawn(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    proposal = g.setdefault("recharges", {}).get(d["doc"])
    if proposal is None or proposal["by"] != a.who:
        if not a.needs({"approver"}, "撤回调整资金来源"):
            return
    if proposal is not None:
        proposal["status"] = "withdrawn"


def recharged(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    proposal = g.setdefault("recharges", {}).get(d["doc"])
    if second_person(a, proposal, "调整资金来源", d["doc"]):
        a.state.approving = a.who  # the new fund-year's commitment this command writes is the approver's
    if proposal is not None:
        proposal["status"] = "approved"
    award = g["award"]
    if award is None or g.get("settled"):
        a.fail("只有有效、未结题的批复可以调整资金来源", f"申报 {g['ref']} 当时没有有效的批复或已结题")
        return
    paid, pending = _paid(g), _pending(g)
    if paid or pending:
        a.fail(
            "已动用资金的批复不能调整资金来源",
            f"申报 {g['ref']} 已拨付 {format_human(paid)}、待审批 {format_human(pending)}",
        )
    if d["from_fund"] != award["fund"] or d["amount"] != award["amount"]:
        a.fail(
            "调整资金来源须移动整笔批复",
            f"申报 {g['ref']} 批复 {format_human(award['amount'])} 由资金 {award['fund']} 承担; 事件写的是 "
            f"{format_human(d['amount'])} 由 {d['source']}",
        )
    year = d["year"]
    a.open_period(d["from_fund"], year, f"调整资金来源 {g['ref']}")
    a.open_period(d["to_fund"], year, f"调整资金来源 {g['ref']}")
    source, target = a.state.budget(d["from_fund"], year), a.state.budget(d["to_fund"], year)
    room = target["appropriated"] + target["returned"] - target["committed"]
    if d["amount"] > room:
        a.fail(
            "批复不得超过资金年度可用额度",
            f"资金 {d['target']} {year} 年度可用 {format_human(room)}, 改由它承担 {format_human(d['amount'])}",
        )
    out_of_scope(a, d["to_fund"], g)
    source["committed"] -= d["amount"]
    target["committed"] += d["amount"]
    award["fund"] = d["to_fund"]
    a.state.range_releases[f"{g['ref']} {d['doc']}"] = d["amount"]  # the old fund-year's FundYear.Released


def out_of_scope(a: Act, fund: str, g: dict) -> None:
    """The new fund's scope (资金使用范围: its city, its clauses) as it stood must cover the award's clause, as
    ``recharge`` refuses otherwise (``NOT_ELIGIBLE``)."""
    scope = a.state.funds.get(fund) or {}
    city, named, clause_id = scope.get("city"), scope.get("clauses"), g["clause"] or ""
    clause = a.state.catalogue.get(clause_id)
    own = clause.document.city if clause is not None else None
    if city and own is not None and own != city:
        a.fail(
            "调整资金来源须在新资金的使用范围内",
            f"申报 {g['ref']} 的条款 {clause_id} 是{_city(own)}的政策, 资金 {fund} 只用于{_city(city)}的政策, "
            "不能改由该资金承担",
        )
    elif named and clause_id not in named:
        a.fail(
            "调整资金来源须在新资金的使用范围内",
            f"资金 {fund} 只用于条款 {'、'.join(named)}; 申报 {g['ref']} 的条款 {clause_id} 不在其使用范围内, "
            "不能改由该资金承担",
        )


def _city(code: str) -> str:
    return CITIES[code][1] if code in CITIES else code


RULES = {
    "Grant.Settled": settled,
    "Grant.RechargeProposed": proposed,
    "Grant.RechargeWithdrawn": withdrawn,
    "Grant.Recharged": recharged,
}
