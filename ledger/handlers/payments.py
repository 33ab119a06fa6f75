"""Payment handlers: disburse, approve, void, spend, recover and reverse, each keyed by its voucher."""

from __future__ import annotations

from typing import Any

from .. import commands as c
from .. import dates, errors
from ..actors import Actor
from ..closed_years import check_open
from ..errors import LedgerError
from ..fund import DEFAULT_APPROVAL_THRESHOLD, DEFAULT_APPROVAL_WINDOW, Fund, FundYear
from ..grant import PENDING, REVERSED, Grant
from ..money import Amount, format_human
from ..uow import Result, UnitOfWork
from ..voucher import Voucher
from . import handles, on_date, second_person
from . import project_rules as projects
from .grants import grant_of


def repeat_of(uow: UnitOfWork, kind: str, cmd: Any, content: dict) -> Voucher | None:
    """The voucher if this command was already carried out (DUPLICATE_KEY if it differs)."""
    voucher = uow.find(Voucher, cmd.voucher)
    if voucher is not None:
        voucher.check_repeat(kind, cmd.ref, content, cmd.date)
    return voucher


def check_period(uow: UnitOfWork, grant: Grant, *days: str | int) -> None:
    """Money of an award moves in its fund: refuse dates in a closed period of that fund (invariant 10)."""
    if grant.award is not None:
        check_open(uow, grant.award["fund"], *days)


def threshold_of(uow: UnitOfWork, grant: Grant) -> int:
    fund = uow.find(Fund, grant.award["fund"]) if grant.award else None
    return fund.threshold if fund is not None else DEFAULT_APPROVAL_THRESHOLD


def window_of(uow: UnitOfWork, grant: Grant) -> int:
    """The fund's approval window in days (funds created before it was a setting: the default, 30)."""
    fund = uow.find(Fund, grant.award["fund"]) if grant.award else None
    return fund.window if fund is not None else DEFAULT_APPROVAL_WINDOW


def held_note(grant: Grant, voucher: str, threshold: int, window: int) -> str | None:
    """Why a payment below the threshold was held: the window, the earlier payments and their sum."""
    v = grant.vouchers[voucher]
    if v["status"] != PENDING or v["amount"] >= threshold:
        return None
    total, first, last, others = grant.heaviest_window(v["amount"], v["on"], window, leave_out=voucher)
    listed = "; ".join(f"{number} {when} {format_human(paid)}" for number, when, paid in others)
    return (
        f"凭证 {voucher} 待审批: 本次 {format_human(v['amount'])} 虽低于审批阈值 {format_human(threshold)}, "
        f"但申报 {grant.ref} 在 {first} 至 {last} 的 {window} 天内已有拨付/投资 {listed}, "
        f"合计 {format_human(total - v['amount'])}, 加上本次共 {format_human(total)}, 达到审批阈值: "
        f"同一申报 {window} 天内累计达到阈值的付款须由另一人审批 (累计限额, 防止拆分支付)"
    )


def issue(uow: UnitOfWork, kind: str, cmd: Any, content: dict, actor: str, on: str) -> None:
    uow.add(Voucher(number=cmd.voucher, kind=kind, ref=cmd.ref, content=content, actor=actor, on=on))


def movement(grant: Grant, voucher: str, **extra: Any) -> dict:
    v = grant.vouchers[voucher]
    return {"voucher": voucher, "status": v["status"], "amount": Amount(v["amount"]), "application": grant.ref, **extra}


@handles(c.Disburse)
def _disburse(uow: UnitOfWork, cmd: c.Disburse, actor: str) -> Result:
    content = {"amount": cmd.amount}
    repeat = repeat_of(uow, "disbursement", cmd, content)
    grant = grant_of(uow, cmd.ref)
    note = None
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        threshold, window = threshold_of(uow, grant), window_of(uow, grant)
        projects.check_payment(uow, grant, cmd.amount, on)
        grant.disburse(cmd.voucher, cmd.amount, threshold, actor, on, window)
        issue(uow, "disbursement", cmd, content, actor, on)
        note = held_note(grant, cmd.voucher, threshold, window)
    return Result(movement(grant, cmd.voucher), changed=not repeat, note=note)


def grant_of_voucher(uow: UnitOfWork, number: str) -> Grant:
    voucher = uow.find(Voucher, number)
    if voucher is None:
        raise errors.not_found(f"凭证 {number} 不存在", ("voucher", number))
    return grant_of(uow, voucher.ref)


def reopening(uow: UnitOfWork, number: str) -> Voucher | None:
    """The voucher when ``number`` is a reopening of a closed year (approved and voided like a payment)."""
    voucher = uow.find(Voucher, number)
    return voucher if voucher is not None and voucher.kind == "reopen" else None


@handles(c.Approve)
def _approve(uow: UnitOfWork, cmd: c.Approve, actor: str) -> Result:
    if reopen := reopening(uow, cmd.voucher):
        from . import periods  # a reopening's family: imported by the approvals that need it, not by a payment

        return periods.confirm_reopen(uow, reopen, cmd, actor)
    if other := second_person.act_of(uow, cmd.voucher):  # a correction, a held exit or write-off
        return other[0](cmd, actor)
    grant = grant_of_voucher(uow, cmd.voucher)
    not_the_makers_key(uow, grant.vouchers[cmd.voucher], cmd.voucher)
    if grant.vouchers[cmd.voucher]["status"] == PENDING:
        check_period(uow, grant, on_date(cmd))
    changed = grant.approve(cmd.voucher, actor, on_date(cmd))
    return Result(
        {
            "voucher": cmd.voucher,
            "status": grant.vouchers[cmd.voucher]["status"],
            "amount": Amount(grant.vouchers[cmd.voucher]["amount"]),
        },
        changed,
    )


def not_the_makers_key(uow: UnitOfWork, voucher: dict, number: str) -> None:
    """Maker–checker by key, not by name: the approving key must never have been the maker's."""
    maker = uow.find(Actor, voucher.get("maker", ""))
    signer = uow.signer
    if voucher.get("status") == "pending" and maker is not None and signer is not None and signer.public in maker.keys:
        raise LedgerError(
            errors.SAME_ACTOR,
            f"凭证 {number} 由 {maker.name} 经办, 审批用的钥匙 {signer.fingerprint} 正是经办人的钥匙: "
            "须由另一名审批人用自己的钥匙审批 (不相容岗位分离)",
        )


@handles(c.Void)
def _void(uow: UnitOfWork, cmd: c.Void, actor: str) -> Result:
    if reopen := reopening(uow, cmd.voucher):
        from . import periods

        return periods.withdraw_reopen(uow, reopen, cmd, actor)
    if other := second_person.act_of(uow, cmd.voucher):
        return other[1](cmd, actor)
    grant = grant_of_voucher(uow, cmd.voucher)
    if grant.vouchers[cmd.voucher]["status"] == PENDING:
        check_period(uow, grant, on_date(cmd))
    changed = grant.void(cmd.voucher, cmd.reason, actor, on_date(cmd))
    return Result({"voucher": cmd.voucher, "status": grant.vouchers[cmd.voucher]["status"]}, changed)


@handles(c.Spend)
def _spend(uow: UnitOfWork, cmd: c.Spend, actor: str) -> Result:
    content = {"amount": cmd.amount, "category": cmd.category}
    repeat = repeat_of(uow, "expenditure", cmd, content)
    grant = grant_of(uow, cmd.ref)
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        projects.check_spending(uow, grant, cmd.category, cmd.amount)
        grant.spend(cmd.voucher, cmd.amount, cmd.category, actor, on)
        issue(uow, "expenditure", cmd, content, actor, on)
    return Result(
        movement(grant, cmd.voucher, category=cmd.category, available=Amount(grant.available)), changed=not repeat
    )


def return_to_fund(uow: UnitOfWork, grant: Grant, cmd: Any, kind: str, amount: int, actor: str, on: str) -> None:
    """Money coming back (追回, equity exit) is credited to the award's fund in the year it comes back."""
    fund, year = grant.award["fund"], dates.year_of(on)
    fund_year = uow.find(FundYear, fund, year) or uow.add(FundYear(fund=fund, year=year, actor=actor, on=on))
    fund_year.receive(grant.ref, cmd.voucher, kind, amount, actor, on)


@handles(c.Recover)
def _recover(uow: UnitOfWork, cmd: c.Recover, actor: str) -> Result:
    content = {"amount": cmd.amount, "reason": cmd.reason}
    repeat = repeat_of(uow, "recovery", cmd, content)
    grant = grant_of(uow, cmd.ref)
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        grant.recover(cmd.voucher, cmd.amount, cmd.reason, actor, on)
        return_to_fund(uow, grant, cmd, "recovery", cmd.amount, actor, on)
        issue(uow, "recovery", cmd, content, actor, on)
    returned_in = dates.year_of(grant.vouchers[cmd.voucher]["on"])
    return Result(movement(grant, cmd.voucher, fund=grant.award["fund"], year=returned_in), changed=not repeat)


@handles(c.Reverse)
def _reverse(uow: UnitOfWork, cmd: c.Reverse, actor: str) -> Result:
    grant = grant_of_voucher(uow, cmd.voucher)
    original = grant.vouchers[cmd.voucher]
    on = on_date(cmd)
    if original["status"] != REVERSED:
        projects.check_reversal(uow, grant)
        check_period(uow, grant, on, *([dates.year_of(original["on"])] if original["kind"] == "recovery" else []))
    fund_year = None
    if original["kind"] == "recovery" and original["status"] != "reversed":
        fund_year = uow.require(FundYear, grant.award["fund"], dates.year_of(original["on"]), what="fund year")
        fund_year.check_can_unreturn(original["amount"])
    changed = grant.reverse(cmd.voucher, cmd.reason, actor, on)
    if changed and fund_year is not None:
        fund_year.unreturn(grant.ref, cmd.voucher, original["amount"], actor, on)
    return Result(
        {
            "voucher": cmd.voucher,
            "reversed": Amount(original["amount"]),
            "kind": original["kind"],
            "application": grant.ref,
        },
        changed,
    )
