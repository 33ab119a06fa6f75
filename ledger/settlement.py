"""The award's settlement at closeout (结算) and its re-charge to another fund (项目变更: 调整资金来源).

**Settlement.** ``close-project REF --result pass|fail`` recovers or retains the unspent balance (结余); what
was never paid under the award (award − paid: a tranche never released after a failed acceptance, the part
not asked for) is settled in the same command by ``Grant.Settled`` under the closeout's document: the award
stands at what was paid from the closeout's date on, and the unpaid part is given back — the fund-year's
commitment (``FundYear.Released``), the unit's yearly cap and a platform clause's lifetime total
(``UnitCap.Released``). A once-per-unit mark stays: the unit was supported under the clause, and once is
once. The release is dated the closeout's date, so every report ``--as-of`` an earlier day, or ``--known-at``
an earlier moment, is what it was (invariant 12); the history shows the settlement beside the award. The
award's own fiscal year may be closed by then (a project closes years after its award): its close and seals
stay as they were recorded, and the released commitment lapses with that year (nothing can be committed in a
closed year) unless it is reopened; the closeout's own date must fall in an open period.

**Re-charge.** ``recharge REF --fund NEW --doc … --reason …`` (a clerk) moves an award's commitment from its
fund to another fund of the same fiscal year, once a second person (an approver or an admin, never the
proposer nor the proposer's key) runs ``approve DOC``; ``void DOC --reason`` withdraws it. A finance office
re-charges a decision that was booked against the wrong source before any money moved: money already paid
left the old fund's account under its own vouchers, so a re-charge is refused while anything is paid or
waiting for approval (reverse or void it first, and the refusal says how much); it is refused for a closed
project, a cancelled award, a fund whose scope does not cover the clause (``NOT_ELIGIBLE``), a closed year of
either fund (``PERIOD_CLOSED``) and a new fund-year without room (``INSUFFICIENT_FUNDS``). The unit's caps do
not move (same unit, clause and year).

This module decides; ``Grant`` records. Handlers: ``ledger/handlers/settlement.py``.
"""

from __future__ import annotations

from typing import Any

from . import errors
from .corrections import check_awarded
from .errors import LedgerError
from .money import format_human

RECHARGE = "recharge"
WORD = "调整资金来源"
PENDING, APPROVED, WITHDRAWN = "pending", "approved", "withdrawn"


def _state(message: str) -> LedgerError:
    return LedgerError(errors.INVALID_STATE, message)


def unpaid(grant: Any) -> int:
    """What the award leaves unpaid (nothing waits for approval at a closeout)."""
    return grant.awarded - grant.disbursed


def waiting(grant: Any) -> tuple[str, dict] | None:
    return next(((doc, r) for doc, r in grant.recharges_of().items() if r["status"] == PENDING), None)


def check_none_waiting(grant: Any, doc: str) -> None:
    found = waiting(grant)
    if found is not None and found[0] != doc:
        other, r = found
        raise _state(
            f"申报 {grant.ref} 已有待复核的{WORD} (文号 {other}, 改由资金 {r['fund']}, "
            f"{r['maker']} 于 {r['on']} 提出); "
            f"请先由第二人审批 (approve {other}) 或撤回 (void {other} --reason …)"
        )


def check_recharge(grant: Any, target: str) -> None:
    """What the grant itself says about moving its award to ``target`` (the handler checks funds and periods)."""
    check_awarded(grant, WORD)
    settled = getattr(grant, "settled", None)
    if settled is not None:
        raise LedgerError(
            errors.PROJECT_CLOSED,
            f"申报 {grant.ref} 已于 {settled['on']} 结题结算 (文号 {settled['doc']}), 不能再{WORD}",
        )
    source = grant.award["fund"]
    if target == source:
        raise errors.invalid(f"recharge --fund: 申报 {grant.ref} 已由资金 {source} 承担")
    paid, pending = grant.disbursed, sum(grant.pending.values())
    if paid or pending or grant.spent or grant.recovered:
        steps = []
        if pending:
            held = sorted(n for n, v in grant.vouchers.items() if v["status"] == "pending")
            steps.append(f"作废待审批的付款 {format_human(pending)} (void {'、'.join(held)})")
        if paid:
            posted = sorted(
                n
                for n, v in grant.vouchers.items()
                if v["kind"] in ("disbursement", "investment") and v["status"] == "posted"
            )
            steps.append(f"红字冲正已拨付的 {format_human(paid)} (reverse {'、'.join(posted)})")
        raise _state(
            f"申报 {grant.ref} 批复 {format_human(grant.awarded)}, 已由资金 {source} 拨付 {format_human(paid)}、"
            f"待审批 {format_human(pending)}: 已动用的资金不能改由资金 {target} 承担 (已付款项已从原资金账户付出); "
            f"只有尚未付款的批复可以{WORD}" + (f" — 须先{'; '.join(steps)}" if steps else "")
        )


def check_room(target: str, year: int, available: int | None, awarded: int, ref: str) -> None:
    if available is None:
        raise LedgerError(
            errors.INSUFFICIENT_FUNDS,
            f"资金 {target} {year} 年度没有预算 (fund appropriate {target} --year {year}); 申报 {ref} 批复 "
            f"{format_human(awarded)} 不能改由它承担",
        )
    if awarded > available:
        raise LedgerError(
            errors.INSUFFICIENT_FUNDS,
            f"资金 {target} {year} 年度可用 {format_human(available)}, 申报 {ref} 批复 {format_human(awarded)} "
            f"改由它承担超出 {format_human(awarded - available)}",
        )


def check_second_person(doc: str, proposal: dict, actor: str) -> None:
    if actor == proposal["maker"]:
        raise LedgerError(
            errors.SAME_ACTOR,
            f"{WORD} {doc} 由 {actor} 提出, 须由另一名审批人或管理员审批 (不相容岗位分离)",
        )


def proposal_of(grant: Any, doc: str, what: str) -> dict:
    r = grant.recharges_of().get(doc)
    if r is None:
        raise errors.not_found(f"申报 {grant.ref} 没有文号为 {doc} 的{WORD}", ("voucher", doc))
    if r["status"] == WITHDRAWN:
        raise _state(f"{WORD} {doc} 已撤回 ({r.get('withdrawn_reason')}), 不能{what}")
    return r
