"""Corrections (更正) of an application or an award, as compensating events taken by two people.

A mistaken award is not edited: a clerk proposes its correction under a document number (撤销批复
``cancel-award``, 调减 ``reduce-award``, an application's amount or clause before the award ``correct``, a
re-evaluation 复评 ``reevaluate`` by a reviewer), and it takes effect only when a second person — an approver
or an admin, never the proposer, never with the proposer's key — runs ``approve DOC`` (``void DOC --reason``
withdraws it), as for a reopening. The proposal and its approval are events on the ``Grant``
(``Grant.CorrectionProposed``, then ``Grant.AwardCancelled`` / ``AwardReduced`` / ``ApplicationCorrected`` /
``Reevaluated``, or ``Grant.CorrectionWithdrawn``); the original events stay in the history beside them.

When a cancellation or a reduction takes effect it gives back everything the award held: the fund-year's
commitment (``FundYear.Released``), the unit's yearly cap, a platform clause's lifetime total and a
once-per-unit mark (``UnitCap.Released``) — so the unit can be awarded correctly afterwards. It is refused
while money paid (disbursed, invested, or held for approval) exceeds the new amount: that money must come back
first (void what waits, reverse what was paid), and the refusal says how much.

This module decides; ``Grant`` records. Handlers: ``ledger/handlers/corrections.py``.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import LedgerError
from .money import format_human
from .values import GRADES

CANCEL, REDUCE, CORRECT, REEVALUATE = "cancel-award", "reduce-award", "correct", "reevaluate"
KINDS = {CANCEL: "撤销批复", REDUCE: "调减批复", CORRECT: "更正申报", REEVALUATE: "复评"}
# What each correction's approval makes of the act (the ``status`` ``approve`` reports).
DONE = {CANCEL: "cancelled", REDUCE: "reduced", CORRECT: "corrected", REEVALUATE: "reevaluated"}
PENDING, APPROVED, WITHDRAWN = "pending", "approved", "withdrawn"


def _state(message: str) -> LedgerError:
    return LedgerError(errors.INVALID_STATE, message)


def corrections_of(grant: Any) -> dict[str, dict]:
    """The grant's corrections by document number (a grant recorded before corrections existed has none)."""
    return getattr(grant, "corrections", None) or {}


def waiting(grant: Any) -> tuple[str, dict] | None:
    """The correction of this grant still waiting for a second person, if any."""
    return next(((doc, c) for doc, c in corrections_of(grant).items() if c["status"] == PENDING), None)


def check_none_waiting(grant: Any, doc: str) -> None:
    found = waiting(grant)
    if found is not None and found[0] != doc:
        other, c = found
        raise _state(
            f"申报 {grant.ref} 已有待复核的{KINDS[c['kind']]} (文号 {other}, {c['maker']} 于 {c['on']} 提出); "
            f"请先由第二人审批 (approve {other}) 或撤回 (void {other} --reason …)"
        )


def check_not_before(grant: Any, on: str, earlier: str | None, what: str, prior: str) -> None:
    if earlier is not None and on < earlier:
        raise _state(f"申报 {grant.ref} 的{what}日期 {on} 早于{prior}日期 {earlier}")


def check_awarded(grant: Any, what: str) -> None:
    if grant.status != "awarded":
        state = {
            "submitted": "尚未评估",
            "evaluated": "尚未批复",
            "rejected": "已驳回",
            "cancelled": "的批复已撤销",
        }.get(grant.status, grant.status)
        raise _state(f"申报 {grant.ref} {state}, 没有批复可以{what}")


def check_paid_within(grant: Any, new_amount: int, what: str) -> None:
    """Refuse while money paid under the award (disbursed, invested, or waiting for approval) exceeds the new
    amount, saying what must come back first (invariant 1: disbursed + pending ≤ awarded)."""
    paid, pending = grant.disbursed, sum(grant.pending.values())
    if paid + pending <= new_amount:
        return
    excess = paid + pending - new_amount
    steps = []
    if pending:
        waiting_ = [n for n, v in grant.vouchers.items() if v["status"] == "pending"]
        steps.append(f"作废待审批的付款 {format_human(pending)} (void {'、'.join(waiting_)})")
    if paid:
        posted = [n for n, v in grant.vouchers.items() if v["kind"] == "disbursement" and v["status"] == "posted"]
        where = f" (凭证 {'、'.join(posted)})" if posted else ""
        steps.append(
            f"由单位退回已拨付资金后红字冲正拨付{where} (reverse 凭证号; 单位已支出或已追回的先冲正支出/追回); "
            "股权投资须先退出"
        )
    raise LedgerError(
        errors.EXCEEDS_AWARD,
        f"申报 {grant.ref} 批复 {format_human(grant.awarded)}, 已拨付 {format_human(paid)}, "
        f"待审批 {format_human(pending)}; {what}后金额 {format_human(new_amount)}, "
        f"已付款项超出 {format_human(excess)}: 须先收回 {format_human(excess)} — {'; '.join(steps)}",
    )


def check_reduction(grant: Any, new_amount: int) -> None:
    """A reduction lowers the award below what it is, not to nothing (that is ``cancel-award``), and never below
    what is paid; the equity part of a mixed award stays as decided."""
    check_awarded(grant, "调减")
    if new_amount >= grant.awarded:
        raise errors.invalid(
            f"reduce-award --amount: 调减后金额 {format_human(new_amount)} 须低于现批复金额 "
            f"{format_human(grant.awarded)}"
        )
    equity = grant.award.get("equity_amount") or 0
    if grant.mode == "mixed" and new_amount <= equity:
        raise _state(
            f"申报 {grant.ref} 为拨投结合, 股权投资部分 {format_human(equity)}; 调减后金额 "
            f"{format_human(new_amount)} 须高于股权部分 (股权部分不能调减, 请撤销后重新批复)"
        )
    if grant.mode == "mixed":
        part_paid = grant.paid["grant"] + grant.pending["grant"]
        if part_paid > new_amount - equity:
            raise LedgerError(
                errors.EXCEEDS_AWARD,
                f"申报 {grant.ref} 拨款部分已拨付及待审批 {format_human(part_paid)}, 调减后拨款部分 "
                f"{format_human(new_amount - equity)}: 须先收回 {format_human(part_paid - new_amount + equity)}",
            )
    check_paid_within(grant, new_amount, "调减")


def check_cancellation(grant: Any) -> None:
    check_awarded(grant, "撤销")
    converted = grant.equity.get("converted")
    if converted:
        raise _state(f"申报 {grant.ref} 已于 {converted['on']} 转股, 不能撤销批复")
    check_paid_within(grant, 0, "撤销")


def check_correction(grant: Any, amount: int | None, clause: str | None) -> None:
    """An application's amount or clause is corrected before its award (after it: cancel, then award again)."""
    if grant.status == "awarded":
        raise _state(
            f"申报 {grant.ref} 已批复 (文号 {grant.award['doc']}), 不能再更正申报; "
            "请先撤销批复 (cancel-award) 或调减 (reduce-award)"
        )
    if grant.status == "rejected":
        raise _state(f"申报 {grant.ref} 已驳回 ({grant.reason}), 不能更正")
    if grant.status == "cancelled":
        raise _state(f"申报 {grant.ref} 的批复已撤销, 不能更正; 请重新申报")
    if amount is None and clause is None:
        raise errors.invalid("correct: 须给出 --amount 或 --clause (要更正的内容)")
    if (amount is None or amount == grant.asked) and (clause is None or clause == grant.clause):
        raise errors.invalid(f"correct: 申报 {grant.ref} 已是申报金额 {format_human(grant.asked)}、条款 {grant.clause}")


def check_reevaluation(grant: Any, grade: str, score: str | None) -> None:
    """复评: an evaluated application's grade is corrected before its award."""
    if grant.status == "awarded":
        grade = GRADES.get(grant.grade, grant.grade)
        raise _state(f"申报 {grant.ref} 已按等级 {grade} 批复, 不能复评; 请先撤销批复 (cancel-award)")
    if grant.status != "evaluated":
        state = {"submitted": "尚未评估", "cancelled": "的批复已撤销"}.get(grant.status, "已驳回")
        raise _state(f"申报 {grant.ref} {state}, 不能复评")
    if (grade, score) == (grant.grade, grant.score):
        raise errors.invalid(f"reevaluate: 申报 {grant.ref} 已是等级 {GRADES.get(grade, grade)}")


def check_second_person(doc: str, proposal: dict, actor: str) -> None:
    if actor == proposal["maker"]:
        raise LedgerError(
            errors.SAME_ACTOR,
            f"{KINDS[proposal['kind']]} {doc} 由 {actor} 提出, 须由另一名审批人或管理员审批 (不相容岗位分离)",
        )


def proposal_of(grant: Any, doc: str, what: str) -> dict:
    c = corrections_of(grant).get(doc)
    if c is None:
        raise errors.not_found(f"申报 {grant.ref} 没有文号为 {doc} 的更正", ("voucher", doc))
    if c["status"] == WITHDRAWN:
        raise _state(f"{KINDS[c['kind']]} {doc} 已撤回 ({c.get('withdrawn_reason')}), 不能{what}")
    return c
