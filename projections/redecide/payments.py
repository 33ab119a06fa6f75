"""Payments and their approvals, re-decided: 拨付, 股权投资, 审批, 作废, 冲正 and the equity acts.

- a payment is a clerk's act on an award, not before the award, in an open year of the award's fund, in a
  way the award's mode allows (grant money by 拨付, equity by 投资), on a project not closed and within the
  tranches released by its date (``projects``);
- it is held for a second person when it alone, or with this award's other payments posted without approval
  in some window of the fund's approval window (days) around it, reaches the fund's threshold (as then);
- an approval is an approver's act on a held payment, by another person than its maker, not before the
  payment, in an open year; so is a void;
- a reversal (红字冲正) is a clerk's act on a posted voucher, in an open year (and, for a recovery, in an open
  year of the money it gave back).
"""

from __future__ import annotations

from datetime import date, timedelta

from ledger.dates import year_of

from . import projects
from .act import Act, yuan
from .periods import threshold_of

FIELDS = {
    "Grant.Disbursed": {"voucher": str, "amount": int, "held": bool, "on": str},
    "Grant.Invested": {"voucher": str, "amount": int, "held": bool, "on": str},
    "Grant.Approved": {"voucher": str, "amount": int, "on": str},
    "Grant.Voided": {"voucher": str, "amount": int, "on": str},
    "Grant.Reversed": {"voucher": str, "kind": str, "amount": int, "on": str},
    "Grant.Converted": {"on": str},
    "Grant.Exited": {"voucher": str, "proceeds": int, "on": str},
    "Grant.WrittenOff": {"on": str},
}
MODES = {"Grant.Disbursed": ("grant", "mixed", "convertible"), "Grant.Invested": ("equity", "mixed")}
WORDS = {"Grant.Disbursed": "拨付", "Grant.Invested": "股权投资"}


def awarded(a: Act, g: dict, what: str) -> bool:
    """The act is on an award, dated not before it, in an open year of its fund."""
    award = g["award"]
    if award is None:
        a.fail(f"{what}须在批复之后", f"申报 {g['ref']} 当时尚未批复")
        return False
    return a.not_before(a.on, award["on"], what, "批复", g["ref"]) and a.open_period(
        award["fund"], year_of(a.on), f"{what} {g['ref']}"
    )


def heaviest(g: dict, amount: int, on: str, window: int, threshold: int, leave_out: str) -> tuple[int, str, str]:
    """The most that payments moved by one person alone weigh, with this one, in a ``window``-day span holding
    ``on``: (total, first day, last day). Short cut: when even all of them near ``on`` stay below ``threshold``,
    no span can reach it."""
    best = (amount, on, on)
    if amount >= threshold or window <= 0:
        return best
    day = date.fromisoformat(on)
    alone = [
        (when, v["amount"])
        for number, v in g["vouchers"].items()
        if v["kind"] == "payment" and v["status"] == "posted" and not v["approved"] and number != leave_out
        for when in (date.fromisoformat(v["on"]),)
        if abs((when - day).days) < window
    ]
    if amount + sum(paid for _, paid in alone) < threshold:
        return best
    for shift in range(window):
        first, last = day - timedelta(days=window - 1 - shift), day + timedelta(days=shift)
        total = amount + sum(paid for when, paid in alone if first <= when <= last)
        if total > best[0]:
            best = (total, first.isoformat(), last.isoformat())
    return best


def paid(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    amount, what = d["amount"], WORDS[a.name]
    status = "pending" if d["held"] else "posted"
    g["vouchers"][d["voucher"]] = {"kind": "payment", "amount": amount, "on": d["on"], "status": status}
    g["vouchers"][d["voucher"]].update(maker=a.who, approved=False)
    if not d["held"]:
        g["flows"].append([d["on"], amount])
    if not (a.needs({"clerk"}, what) and awarded(a, g, what)):
        return
    if g["award"]["mode"] not in MODES[a.name]:
        a.fail("付款方式须与批复方式相符", f"申报 {g['ref']} 以 {g['award']['mode']} 方式批复, 不能{what}")
        return
    projects.check_payment(a, g, amount, what)
    threshold, window = threshold_of(a, g["award"]["fund"])
    if a.key is None:
        window = 0  # unsigned history: the first edition's rule, the payment alone (it kept no window)
    total, first, last = heaviest(g, amount, d["on"], window, threshold, d["voucher"])
    if not d["held"] and total >= threshold:
        spread = "" if total == amount else f", 连同 {first} 至 {last} 的 {window} 天内未经审批的付款合计 {yuan(total)}"
        a.fail(
            "达到审批阈值的付款须经另一人审批",
            f"凭证 {d['voucher']} {what} {yuan(amount)}{spread}, 达到资金 {g['award']['fund']} 的审批阈值 "
            f"{yuan(threshold)}, 却未经审批直接入账",
        )


def _pending(a: Act, g: dict, what: str) -> dict | None:
    v = g["vouchers"].get(a.data["voucher"])
    if v is None or v["kind"] != "payment" or v["status"] != "pending":
        shown = "不存在" if v is None else f"状态为 {v['status']}"
        a.fail(f"{what}只能针对待审批的付款", f"凭证 {a.data['voucher']} {shown}")
        return None
    return v


def approved(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    v = g["vouchers"].get(d["voucher"])
    ok = a.needs({"approver"}, "审批")
    pending = _pending(a, g, "审批") if ok else None
    if pending is not None:
        if pending["maker"] == a.who:
            a.fail("经办与审批须由不同的人 (不相容岗位分离)", f"凭证 {d['voucher']} 由 {a.who} 经办, 又由本人审批")
        elif a.not_before(d["on"], pending["on"], "审批", "付款", g["ref"]) and g["award"] is not None:
            a.open_period(g["award"]["fund"], year_of(d["on"]), f"审批 {d['voucher']}")
    if v is not None and v["status"] == "pending":
        v.update(status="posted", approved=True)
        g["flows"].append([d["on"], v["amount"]])


def voided(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    if a.needs({"approver"}, "作废") and _pending(a, g, "作废") is not None and g["award"] is not None:
        a.open_period(g["award"]["fund"], year_of(d["on"]), f"作废 {d['voucher']}")
    v = g["vouchers"].get(d["voucher"])
    if v is not None:
        v["status"] = "voided"


def reversed_(a: Act) -> None:
    d, g = a.data, a.state.grants[a.originator]
    v = g["vouchers"].get(d["voucher"])
    if a.needs({"clerk"}, "红字冲正"):
        if v is None or v["status"] != "posted":
            shown = "不存在" if v is None else f"状态为 {v['status']}"
            a.fail("只有已入账的凭证可以冲正", f"凭证 {d['voucher']} {shown}")
        elif not projects.still_open(a, g, "冲正"):
            pass
        elif awarded(a, g, "冲正") and v["kind"] == "recovery":
            a.open_period(g["award"]["fund"], year_of(v["on"]), f"冲正追回 {d['voucher']}")
    if v is not None and v["status"] == "posted":
        if v["kind"] == "recovery":
            a.state.range_money[f"冲正 {d['voucher']}"] = v["amount"]
        v["status"] = "reversed"
        g["flows"].append([d["on"], -v["amount"] if v["kind"] == "payment" else v["amount"]])


def equity_act(a: Act) -> None:
    g = a.state.grants[a.originator]
    what = {"Grant.Converted": "转股", "Grant.Exited": "股权退出", "Grant.WrittenOff": "股权核销"}[a.name]
    # a held exit or write-off is written by the approving command: then it is the approver's act
    roles = {"clerk", "approver"} if a.name != "Grant.Converted" and a.state.approving == a.who else {"clerk"}
    if a.name == "Grant.Exited":
        a.state.range_money[a.data["voucher"]] = a.data["proceeds"]
    if a.needs(roles, what) and awarded(a, g, what) and a.name == "Grant.Converted":
        if g["award"]["mode"] != "convertible":
            a.fail("只有先投后股的批复可以转股", f"申报 {g['ref']} 以 {g['award']['mode']} 方式批复")


RULES = {
    "Grant.Disbursed": paid,
    "Grant.Invested": paid,
    "Grant.Approved": approved,
    "Grant.Voided": voided,
    "Grant.Reversed": reversed_,
    "Grant.Converted": equity_act,
    "Grant.Exited": equity_act,
    "Grant.WrittenOff": equity_act,
}
