"""``approve KEY`` and ``void KEY`` on an exit or a write-off held at its fund's threshold (``ledger/holds.py``)."""

from __future__ import annotations

from types import SimpleNamespace

from .. import commands as c
from .. import holds
from ..errors import INVALID_STATE, LedgerError
from ..grant import Grant
from ..uow import Result, UnitOfWork
from ..voucher import Voucher
from . import on_date, second_person
from .equity import exit_fields, write_off_fields
from .grants import grant_of
from .payments import check_period, not_the_makers_key, return_to_fund


def held_equity_act(uow: UnitOfWork, key: str) -> tuple[Grant, dict] | None:
    """The grant and the act when ``key`` names an exit or write-off that was held for a second person."""
    voucher = uow.find(Voucher, key)
    if voucher is None or voucher.kind not in (holds.EXIT, holds.WRITE_OFF):
        return None
    grant = grant_of(uow, voucher.ref)
    act = holds.held_acts(grant).get(key)
    return (grant, act) if act is not None else None


def _fields(grant: Grant, key: str, act: dict) -> dict:
    fields = exit_fields(grant, key) if act["kind"] == holds.EXIT else write_off_fields(grant, key)
    return {"voucher": key, **fields}


def confirm(uow: UnitOfWork, grant: Grant, key: str, act: dict, cmd: c.Approve, actor: str) -> Result:
    if act["status"] == "approved":
        return Result(_fields(grant, key, act), changed=False)
    if act["status"] != "pending":
        raise LedgerError(INVALID_STATE, f"{holds.WORDS[act['kind']]} {key} 已作废, 不能审批")
    holds.check_second_person(key, act, actor)
    not_the_makers_key(uow, act, key)
    on = on_date(cmd)
    if on < act["on"]:
        raise LedgerError(INVALID_STATE, f"{holds.WORDS[act['kind']]} {key} 的审批日期 {on} 早于经办日期 {act['on']}")
    check_period(uow, grant, on)
    grant.approve_equity_act(key=key, kind=act["kind"], actor=actor, on=on)
    if act["kind"] == holds.EXIT:
        grant.exit(key, act["stake"], act["proceeds"], actor, on)
        return_to_fund(uow, grant, SimpleNamespace(voucher=key), "exit", act["proceeds"], actor, on)
    else:
        grant.write_off(act["reason"], actor, on)
    return Result(_fields(grant, key, holds.held_acts(grant)[key]))


def withdraw(uow: UnitOfWork, grant: Grant, key: str, act: dict, cmd: c.Void, actor: str) -> Result:
    if act["status"] == "voided":
        return Result(_fields(grant, key, act), changed=False)
    if act["status"] != "pending":
        raise LedgerError(INVALID_STATE, f"{holds.WORDS[act['kind']]} {key} 已审批生效, 不能作废")
    grant.void_equity_act(key=key, kind=act["kind"], reason=cmd.reason, actor=actor, on=on_date(cmd))
    return Result(_fields(grant, key, holds.held_acts(grant)[key]))


def _match(uow: UnitOfWork, key: str) -> second_person.Answer | None:
    found = held_equity_act(uow, key)
    if found is None:
        return None
    grant, act = found
    return (
        lambda cmd, actor: confirm(uow, grant, key, act, cmd, actor),
        lambda cmd, actor: withdraw(uow, grant, key, act, cmd, actor),
    )


second_person.MATCHERS.append(_match)
