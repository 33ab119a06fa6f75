"""Period handlers: close a fund's year (结转结余), propose and confirm a reopening, record a seal."""

from __future__ import annotations

from .. import commands as c
from .. import dates, errors
from ..errors import LedgerError
from ..fund import Fund, FundYear
from ..grant import Grant
from ..money import Amount
from ..periods import STATE_ALGORITHM, Period, Seal, seal_payload, sign_seal
from ..uow import Result, UnitOfWork
from ..voucher import Voucher
from . import handles, on_date


def carryover(uow: UnitOfWork, fund: str, year: int) -> dict:
    """A year's closing figures: carried forward = committed − paid by 12-31; lapsed = appropriated + returned
    − committed. Paid is read from the awards committed against that year (their own events)."""
    fund_year = uow.find(FundYear, fund, year)
    if fund_year is None:
        return {"appropriated": 0, "returned": 0, "committed": 0, "paid": 0, "carried_forward": 0, "lapsed": 0}
    last_day = f"{year}-12-31"
    refs = {e.ref for e in uow.app.events.get(fund_year.id) if isinstance(e, FundYear.Committed)}
    paid = sum(uow.require(Grant, ref, what=f"申报 {ref} 不存在").paid_by(last_day) for ref in sorted(refs))
    committed = fund_year.committed
    return {
        "appropriated": fund_year.appropriated,
        "returned": fund_year.returned,
        "committed": committed,
        "paid": paid,
        "carried_forward": committed - paid,
        "lapsed": fund_year.appropriated + fund_year.returned - committed,
    }


def _close_fields(period: Period) -> dict:
    closed = period.closed or {}
    money = ("appropriated", "returned", "committed", "paid", "carried_forward", "lapsed")
    return {
        "fund": period.fund,
        "year": period.year,
        **{k: Amount(closed[k]) for k in money},
        "doc": closed.get("doc"),
        "closed_on": closed.get("on"),
    }


@handles(c.Close)
def _close(uow: UnitOfWork, cmd: c.Close, actor: str) -> Result:
    uow.require(Fund, cmd.fund, what=f"资金 {cmd.fund} 不存在")
    on = on_date(cmd)
    if on <= f"{cmd.year}-12-31":
        raise LedgerError(errors.INVALID_STATE, f"{cmd.year} 年度尚未结束 (结账日期 {on}), 年度结束后才能结账")
    period = uow.find(Period, cmd.fund, cmd.year)
    if period is not None and not period.check_can_close(cmd.doc):
        return Result(_close_fields(period), changed=False)
    figures = carryover(uow, cmd.fund, cmd.year)
    period = period or uow.add(Period(fund=cmd.fund, year=cmd.year, actor=actor, on=on))
    period.close(cmd.doc, figures, actor, on)
    return Result(_close_fields(period))


@handles(c.Reopen)
def _reopen(uow: UnitOfWork, cmd: c.Reopen, actor: str) -> Result:
    content = {"fund": cmd.fund, "year": cmd.year, "reason": cmd.reason}
    ref = f"{cmd.fund}/{cmd.year}"
    voucher = uow.find(Voucher, cmd.doc)
    if voucher is not None:
        voucher.check_repeat("reopen", ref, content, cmd.date)
    period = uow.find(Period, cmd.fund, cmd.year)
    if period is None:
        raise LedgerError(errors.INVALID_STATE, f"资金 {cmd.fund} {cmd.year} 年度未结账, 无需重新开账")
    on = on_date(cmd)
    changed = voucher is None and period.propose_reopen(cmd.doc, cmd.reason, actor, on)
    if changed:
        uow.add(Voucher(number=cmd.doc, kind="reopen", ref=ref, content=content, actor=actor, on=on))
    status = "pending" if period.proposal and period.proposal["doc"] == cmd.doc else "reopened"
    return Result({"fund": cmd.fund, "year": cmd.year, "doc": cmd.doc, "status": status}, changed)


def _period_of(uow: UnitOfWork, voucher: Voucher) -> Period:
    return uow.require(Period, voucher.content["fund"], voucher.content["year"], what=f"重新开账 {voucher.number}")


def confirm_reopen(uow: UnitOfWork, voucher: Voucher, cmd: c.Approve, actor: str) -> Result:
    """``approve DOC`` on a reopening: a second person puts it in force."""
    period = _period_of(uow, voucher)
    changed = period.confirm_reopen(voucher.number, actor, on_date(cmd))
    return Result({"voucher": voucher.number, "status": "reopened", "fund": period.fund, "year": period.year}, changed)


def withdraw_reopen(uow: UnitOfWork, voucher: Voucher, cmd: c.Void, actor: str) -> Result:
    """``void DOC`` on a reopening still waiting: it never takes effect."""
    period = _period_of(uow, voucher)
    changed = period.withdraw_reopen(voucher.number, cmd.reason, actor, on_date(cmd))
    return Result({"voucher": voucher.number, "status": "voided", "fund": period.fund, "year": period.year}, changed)


@handles(c.Seal)
def _seal(uow: UnitOfWork, cmd: c.Seal, actor: str) -> Result:
    seal = uow.find(Seal, cmd.position)
    changed = seal is None
    if seal is None:
        signature = sign_seal(seal_payload(cmd.position, cmd.head, cmd.state, cmd.snapshot), uow.signer) or {}
        seal = uow.add(
            Seal(
                position=cmd.position,
                head=cmd.head,
                state=cmd.state,
                algorithm=STATE_ALGORITHM,
                signed_by=actor,
                key=signature.get("key"),
                signature=signature.get("signature"),
                actor=actor,
                on=dates.today(),
                **({"snapshot": cmd.snapshot} if cmd.snapshot else {}),
            )
        )
    elif (seal.head, seal.state) != (cmd.head, cmd.state):
        raise LedgerError(errors.TAMPERED, f"位置 {cmd.position} 已有封存, 其哈希与本次计算不同: 日志或余额已被改动")
    return Result(seal.document(), changed)
