"""Equity handlers: invest (拨改投), convert (先投后股), exit and write-off."""

from __future__ import annotations

from .. import commands as c
from .. import errors, holds
from ..grant import Grant
from ..money import Amount, format_human
from ..uow import Result, UnitOfWork
from ..values import format_stake
from ..voucher import Voucher
from . import handles, on_date
from . import project_rules as projects
from .grants import grant_of
from .payments import check_period, held_note, issue, movement, repeat_of, return_to_fund, threshold_of, window_of


@handles(c.Invest)
def _invest(uow: UnitOfWork, cmd: c.Invest, actor: str) -> Result:
    content = {"amount": cmd.amount, "stake": cmd.stake, "valuation": cmd.valuation}
    repeat = repeat_of(uow, "investment", cmd, content)
    grant = grant_of(uow, cmd.ref)
    note = None
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        threshold, window = threshold_of(uow, grant), window_of(uow, grant)
        projects.check_payment(uow, grant, cmd.amount, on)
        grant.invest(cmd.voucher, cmd.amount, cmd.stake, cmd.valuation, threshold, actor, on, window)
        issue(uow, "investment", cmd, content, actor, on)
        note = held_note(grant, cmd.voucher, threshold, window)
    return Result(movement(grant, cmd.voucher, stake=format_stake(cmd.stake)), changed=not repeat, note=note)


@handles(c.Convert)
def _convert(uow: UnitOfWork, cmd: c.Convert, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    if not grant.equity["converted"]:
        check_period(uow, grant, on_date(cmd))
    changed = grant.convert(cmd.stake, cmd.valuation, cmd.doc, actor, on_date(cmd))
    converted = grant.equity["converted"]
    return Result(
        {"application": cmd.ref, "converted": Amount(converted["cost"]), "stake": format_stake(converted["stake"])},
        changed,
    )


@handles(c.Exit)
def _exit(uow: UnitOfWork, cmd: c.Exit, actor: str) -> Result:
    content = {"stake": cmd.stake, "proceeds": cmd.proceeds}
    repeat = repeat_of(uow, "exit", cmd, content)
    grant = grant_of(uow, cmd.ref)
    note = None
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        holds.check_exit(grant, cmd.stake)
        threshold = threshold_of(uow, grant)
        if grant.equity["stake"] and holds.exit_is_held(cmd.proceeds, grant.exit_terms(cmd.stake), threshold):
            grant.check_exit(cmd.stake, on)
            cost = grant.exit_terms(cmd.stake)
            grant.hold_equity_act(
                key=cmd.voucher,
                kind=holds.EXIT,
                stake=cmd.stake,
                proceeds=cmd.proceeds,
                cost=cost,
                reason=None,
                threshold=threshold,
                actor=actor,
                on=on,
            )
            note = holds.held_note(holds.EXIT, cmd.voucher, max(cmd.proceeds, cost), threshold, grant.award["fund"])
        else:
            grant.exit(cmd.voucher, cmd.stake, cmd.proceeds, actor, on)
            return_to_fund(uow, grant, cmd, "exit", cmd.proceeds, actor, on)
        issue(uow, "exit", cmd, content, actor, on)
    return Result(exit_fields(grant, cmd.voucher), changed=not repeat, note=note)


def exit_fields(grant: Grant, voucher: str) -> dict:
    sold = grant.vouchers.get(voucher)
    if sold is None:  # waiting for a second person
        act = holds.held_acts(grant)[voucher]
        sold = {"amount": act["proceeds"], "cost": act["cost"], "stake": act["stake"], "status": act["status"]}
        if act["status"] == "voided":
            sold["status"] = "voided"
    return {
        "voucher": voucher,
        "status": sold.get("status", "posted"),
        "proceeds": Amount(sold["amount"]),
        "gain": Amount(sold["amount"] - sold["cost"]),
        "cost": Amount(sold["cost"]),
        "stake": format_stake(sold["stake"]),
        "application": grant.ref,
    }


@handles(c.WriteOff)
def _write_off(uow: UnitOfWork, cmd: c.WriteOff, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    on = on_date(cmd)
    if cmd.doc is not None and (voucher := uow.find(Voucher, cmd.doc)) is not None:
        voucher.check_repeat(holds.WRITE_OFF, cmd.ref, {"reason": cmd.reason}, cmd.date)
        return Result(write_off_fields(grant, cmd.doc), changed=False)
    note = None
    if not grant.equity["written_off"]:
        check_period(uow, grant, on)
        holds.check_write_off(grant)
        threshold = threshold_of(uow, grant)
        if grant.equity["stake"] and grant.equity["cost"] >= threshold:
            if cmd.doc is None:
                raise errors.invalid(
                    f"write-off: 核销成本 {format_human(grant.equity['cost'])} 达到资金 {grant.award['fund']} "
                    f"的审批阈值 {format_human(threshold)}, 须由另一人审批: "
                    "请用 --doc 给出核销文号 (审批: approve 文号)"
                )
            grant.check_write_off(cmd.reason, on)
            grant.hold_equity_act(
                key=cmd.doc,
                kind=holds.WRITE_OFF,
                stake=grant.equity["stake"],
                proceeds=None,
                cost=grant.equity["cost"],
                reason=cmd.reason,
                threshold=threshold,
                actor=actor,
                on=on,
            )
            uow.add(
                Voucher(
                    number=cmd.doc,
                    kind=holds.WRITE_OFF,
                    ref=cmd.ref,
                    content={"reason": cmd.reason},
                    actor=actor,
                    on=on,
                )
            )
            note = holds.held_note(holds.WRITE_OFF, cmd.doc, grant.equity["cost"], threshold, grant.award["fund"])
            return Result(write_off_fields(grant, cmd.doc), note=note)
    changed = grant.write_off(cmd.reason, actor, on)
    if changed and cmd.doc is not None:
        uow.add(
            Voucher(
                number=cmd.doc, kind=holds.WRITE_OFF, ref=cmd.ref, content={"reason": cmd.reason}, actor=actor, on=on
            )
        )
    return Result(write_off_fields(grant, cmd.doc), changed)


def write_off_fields(grant: Grant, doc: str | None) -> dict:
    done = grant.equity["written_off"]
    act = holds.held_acts(grant).get(doc) if doc else None
    if act is not None and act["status"] != "approved":
        return {
            "application": grant.ref,
            "written_off": Amount(act["cost"]),
            "stake": format_stake(act["stake"]),
            "status": "pending" if act["status"] == "pending" else "voided",
            "doc": doc,
        }
    return {
        "application": grant.ref,
        "written_off": Amount(done["cost"]),
        "stake": format_stake(done["stake"]),
        "status": "posted",
        "doc": doc,
    }
