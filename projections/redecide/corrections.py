"""Corrections and held equity acts, re-decided: 撤销批复, 调减, 更正申报, 复评, and exits/write-offs held for
a second person (issue 24).

- a correction is proposed by a clerk (复评: a reviewer) and takes effect only when another person, an
  approver, approves it with another key; a withdrawal (void) is an approver's or the proposer's act;
- a held exit or write-off is approved by an approver other than its maker; the ``Grant.Exited`` /
  ``Grant.WrittenOff`` it writes in the same command is then the approver's act, not a clerk's;
- what an approved cancellation or reduction gives back is given back here too: the fund-year's commitment
  (the budget check of later awards counts it) and the unit's limits (``caps``); the ``FundYear.Released`` and
  ``UnitCap.Released`` its command writes must match it (``caps.end_of_range``);
- an approved 更正申报 changes the application's clause and amount for the award that follows;
- a fund's scope is a clerk's act.
An approved cancellation leaves the application without an award: a payment after it is a finding.
"""

from __future__ import annotations

from ledger.dates import year_of

from . import caps
from .act import Act, yuan
from .periods import scope_of

FIELDS = {
    "Grant.CorrectionProposed": {"doc": str, "kind": str, "reason": str, "on": str},
    "Grant.CorrectionWithdrawn": {"doc": str, "on": str},
    "Grant.AwardCancelled": {"doc": str, "amount": int, "on": str},
    "Grant.AwardReduced": {"doc": str, "amount": int, "after": int, "on": str},
    "Grant.ApplicationCorrected": {"doc": str, "after": dict, "on": str},
    "Grant.Reevaluated": {"doc": str, "grade": str, "on": str},
    "Grant.EquityActHeld": {"key": str, "kind": str, "on": str},
    "Grant.EquityActApproved": {"key": str, "kind": str, "on": str},
    "Grant.EquityActVoided": {"key": str, "kind": str, "on": str},
    "Fund.Scoped": {"city": str, "doc": str},
}
KINDS = {"cancel": "撤销批复", "reduce": "调减批复", "correct": "更正申报", "reevaluate": "复评"}
APPLIED = {
    "Grant.AwardCancelled": "撤销批复",
    "Grant.AwardReduced": "调减批复",
    "Grant.ApplicationCorrected": "更正申报",
    "Grant.Reevaluated": "复评",
}


def proposed(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    what = KINDS.get(d["kind"], d["kind"])
    a.needs({"reviewer"} if d["kind"] == "reevaluate" else {"clerk"}, f"提请{what}")
    g.setdefault("corrections", {})[d["doc"]] = {"by": a.who, "key": a.key, "on": d["on"], "status": "pending"}


def withdrawn(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    proposal = g.setdefault("corrections", {}).get(d["doc"])
    if proposal is not None and proposal["by"] == a.who:
        pass  # the proposer may take back his own proposal
    elif not a.needs({"approver"}, "撤回更正"):
        return
    if proposal is not None:
        proposal["status"] = "withdrawn"


def second_person(a: Act, pending: dict | None, what: str, doc: str) -> bool:
    """An approver other than the maker, with another key, after a proposal that is still waiting."""
    if not a.needs({"approver"}, f"{what}审批"):
        return False
    if pending is None or pending["status"] != "pending":
        a.fail(f"{what}须先提请、待审批", f"{doc} 没有待审批的提请 (或已撤回、已生效)")
        return False
    if pending["by"] == a.who or (a.key is not None and a.key == pending["key"]):
        a.fail(f"{what}须由另一人审批", f"{doc} 由 {pending['by']} 提请, 又由 {a.who} 审批 (同一人或同一把钥匙)")
        return False
    return a.not_before(a.on, pending["on"], "审批", "提请", doc)


def applied(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    proposal = g.setdefault("corrections", {}).get(d["doc"])
    valid = second_person(a, proposal, APPLIED[a.name], d["doc"])
    if proposal is not None:
        proposal["status"] = "approved"
    award = g["award"]
    if a.name in ("Grant.AwardCancelled", "Grant.AwardReduced") and award is not None:
        given = award["amount"] - (d["after"] if a.name == "Grant.AwardReduced" else 0)
        if valid:
            _give_back(a, g, given, d)
        if a.name == "Grant.AwardReduced":
            award["amount"] = d["after"]
    if a.name == "Grant.AwardCancelled":
        g["award"] = None
    elif a.name == "Grant.ApplicationCorrected":
        after = d["after"]
        g.update(clause=after.get("clause") or g["clause"], asked=after.get("asked", g["asked"]))
    elif a.name == "Grant.Reevaluated":
        g["grade"] = d["grade"]


def _give_back(a: Act, g: dict, given: int, d: dict) -> None:
    """An approved cancellation or reduction gives back ``given``: the fund-year's commitment (verify's budget
    check counts it) and the unit's limits (``caps``); the release events its command writes must match it."""
    if given != d["amount"] or given < 0:
        a.fail(
            f"{APPLIED[a.name]}金额须与批复相符",
            f"申报 {g['ref']} 批复 {yuan(g['award']['amount'])}, {d['doc']} 记为 {yuan(d['amount'])}, "
            f"应为 {yuan(given)}",
        )
        return
    award = g["award"]
    a.state.budget(award["fund"], year_of(award["on"]))["committed"] -= given
    caps.release(a.state, g, given, a.name == "Grant.AwardCancelled")
    a.state.range_releases[f"{g['ref']} {d['doc']}"] = given


def equity_held(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    a.needs({"clerk"}, "股权退出/核销")
    g.setdefault("equity_acts", {})[d["key"]] = {"by": a.who, "key": a.key, "on": d["on"], "status": "pending"}


def equity_approved(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    act = g.setdefault("equity_acts", {}).get(d["key"])
    if second_person(a, act, "股权退出/核销", d["key"]):
        a.state.approving = a.who  # the exit or write-off (and money back) this command writes are the approver's
        a.state.deferred.clear()  # the money back logged before this approval was the approver's too
    if act is not None:
        act["status"] = "approved"


def equity_voided(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    act = g.setdefault("equity_acts", {}).get(d["key"])
    if a.needs({"approver"}, "作废股权退出/核销") and act is not None:
        act["status"] = "voided"


def scoped(a: Act) -> None:
    a.needs({"clerk"}, "规定资金使用范围")
    fund = a.state.funds.get(a.state.fund_ids.get(a.originator, ""))
    if fund is not None:  # a re-charge into the fund is re-checked against it (``settlements.recharged``)
        fund.update(scope_of(a.data))


RULES = {
    "Grant.CorrectionProposed": proposed,
    "Grant.CorrectionWithdrawn": withdrawn,
    **dict.fromkeys(APPLIED, applied),
    "Grant.EquityActHeld": equity_held,
    "Grant.EquityActApproved": equity_approved,
    "Grant.EquityActVoided": equity_voided,
    "Fund.Scoped": scoped,
}
SIGNATURE_ONLY: frozenset[str] = frozenset()  # FundYear.Released, UnitCap.Released: matched by ``caps``
