"""Equity handlers: invest (拨改投), convert (先投后股), exit and write-off."""

from __future__ import annotations

from .. import commands as c
from ..money import Amount
from ..uow import Result, UnitOfWork
from ..values import format_stake
from . import handles, on_date
from . import project_rules as projects
from .applications import grant_of
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
    if not repeat:
        on = on_date(cmd)
        check_period(uow, grant, on)
        grant.exit(cmd.voucher, cmd.stake, cmd.proceeds, actor, on)
        return_to_fund(uow, grant, cmd, "exit", cmd.proceeds, actor, on)
        issue(uow, "exit", cmd, content, actor, on)
    sold = grant.vouchers[cmd.voucher]
    return Result(
        {
            "voucher": cmd.voucher,
            "proceeds": Amount(sold["amount"]),
            "gain": Amount(sold["amount"] - sold["cost"]),
            "cost": Amount(sold["cost"]),
            "stake": format_stake(sold["stake"]),
            "application": grant.ref,
        },
        changed=not repeat,
    )


@handles(c.WriteOff)
def _write_off(uow: UnitOfWork, cmd: c.WriteOff, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    if not grant.equity["written_off"]:
        check_period(uow, grant, on_date(cmd))
    changed = grant.write_off(cmd.reason, actor, on_date(cmd))
    done = grant.equity["written_off"]
    return Result(
        {"application": cmd.ref, "written_off": Amount(done["cost"]), "stake": format_stake(done["stake"])}, changed
    )
