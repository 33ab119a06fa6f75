"""Set-up handlers: the installation, roles, funds and their yearly budgets, units."""

from __future__ import annotations

from .. import commands as c
from .. import dates, errors
from ..actors import Actor, Installation, check_may
from ..errors import LedgerError
from ..fund import DEFAULT_APPROVAL_THRESHOLD, Fund, FundYear
from ..money import Amount, format_human
from ..periods import check_open
from ..unit import Unit
from ..uow import Result, UnitOfWork
from . import handles, on_date, roles_of


@handles(c.Init)
def _init(uow: UnitOfWork, cmd: c.Init, actor: str) -> Result:
    installation = uow.find(Installation)
    if installation is not None:
        check_may(actor, roles_of(uow, actor), "init")
        return Result({"status": "up-to-date", "admin": installation.admin}, changed=False)
    on = dates.today()
    uow.add(Installation(admin=actor, actor=actor, on=on))
    person = uow.find(Actor, actor) or uow.add(Actor(name=actor, actor=actor, on=on))
    person.grant("admin", actor=actor, on=on)
    return Result({"status": "initialised", "admin": actor})


@handles(c.RoleGrant)
def _role_grant(uow: UnitOfWork, cmd: c.RoleGrant, actor: str) -> Result:
    on = dates.today()
    person = uow.find(Actor, cmd.actor) or uow.add(Actor(name=cmd.actor, actor=actor, on=on))
    changed = person.grant(cmd.role, actor=actor, on=on)
    return Result({"actor": cmd.actor, "role": cmd.role, "roles": list(person.roles)}, changed=changed)


@handles(c.FundCreate)
def _fund_create(uow: UnitOfWork, cmd: c.FundCreate, actor: str) -> Result:
    threshold = cmd.threshold if cmd.threshold is not None else DEFAULT_APPROVAL_THRESHOLD
    fund = uow.find(Fund, cmd.fund)
    if fund is not None:
        if not fund.same_as(cmd.fund_name, threshold):
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"资金 {cmd.fund} 已存在 (名称 {fund.name}, 审批阈值 {format_human(fund.threshold)}), 内容不同",
            )
        changed = False
    else:
        fund = uow.add(Fund(code=cmd.fund, name=cmd.fund_name, threshold=threshold, actor=actor, on=dates.today()))
        changed = True
    return Result({"fund": cmd.fund, "name": fund.name, "approval_threshold": Amount(fund.threshold)}, changed)


@handles(c.FundAppropriate)
def _fund_appropriate(uow: UnitOfWork, cmd: c.FundAppropriate, actor: str) -> Result:
    uow.require(Fund, cmd.fund, what=f"资金 {cmd.fund} 不存在 (先运行 fund create)")
    on = on_date(cmd)
    year = uow.find(FundYear, cmd.fund, cmd.year)
    if year is None or cmd.doc not in year.docs:
        check_open(uow, cmd.fund, on, cmd.year)
    if year is None:
        year = FundYear(fund=cmd.fund, year=cmd.year, actor=actor, on=on)
        year.appropriate(cmd.amount, cmd.doc, actor, on)
        uow.add(year)
        changed = True
    else:
        changed = year.appropriate(cmd.amount, cmd.doc, actor, on)
    return Result(
        {
            "fund": cmd.fund,
            "year": cmd.year,
            "appropriated": Amount(year.appropriated),
            "amount": Amount(cmd.amount),
            "doc": cmd.doc,
            "available": Amount(year.available),
        },
        changed,
    )


@handles(c.UnitRegister)
def _unit_register(uow: UnitOfWork, cmd: c.UnitRegister, actor: str) -> Result:
    unit = uow.find(Unit, cmd.code)
    if unit is not None:
        if not unit.same_as(cmd.unit_name, cmd.type):
            raise LedgerError(errors.DUPLICATE_KEY, f"单位 {cmd.code} 已登记为 {unit.name} ({unit.type}), 内容不同")
        return Result({"unit": cmd.code, "type": unit.type, "name": unit.name}, changed=False)
    uow.add(Unit(code=cmd.code, name=cmd.unit_name, type=cmd.type, actor=actor, on=dates.today()))
    return Result({"unit": cmd.code, "type": cmd.type, "name": cmd.unit_name})
