"""Set-up handlers: the installation, roles, funds and their yearly budgets, units."""

from __future__ import annotations

from .. import commands as c
from .. import dates, errors, regions, scope
from ..actors import Actor, Installation, check_may
from ..closed_years import check_open
from ..errors import LedgerError
from ..fund import DEFAULT_APPROVAL_THRESHOLD, DEFAULT_APPROVAL_WINDOW, Fund, FundYear
from ..money import Amount, format_human
from ..unit import Unit, division, needs_placing
from ..uow import Result, UnitOfWork
from . import handles, on_date, roles_of, upgrade
from .keys import begin_signing
from .policies import catalogue_of


@handles(c.Init)
def _init(uow: UnitOfWork, cmd: c.Init, actor: str) -> Result:
    installation = uow.find(Installation)
    on = dates.today()
    if installation is not None:
        check_may(actor, roles_of(uow, actor), "init")
        fields = {"status": "upgraded", "admin": installation.admin}
        if not installation.signing:
            # A first-edition ledger: its events so far stay unsigned history; from here on everything is signed.
            begin_signing(uow, installation, uow.require(Actor, actor, what=f"{actor} 不存在"), actor, on)
            fields["signed_from"] = "next"
        carried = upgrade.carry_earlier_awards(
            uow, catalogue_of(uow), actor, on
        )  # totals and marks the first edition did not keep
        if carried:
            fields["limits_carried"] = carried
        if "signed_from" not in fields and not carried:
            return Result({"status": "up-to-date", "admin": installation.admin}, changed=False)
        return Result(fields)
    installation = uow.add(Installation(admin=actor, actor=actor, on=on))
    person = uow.find(Actor, actor) or uow.add(Actor(name=actor, actor=actor, on=on))
    person.grant("admin", actor=actor, on=on)
    begin_signing(uow, installation, person, actor, on)
    return Result({"status": "initialised", "admin": actor})


@handles(c.FundCreate)
def _fund_create(uow: UnitOfWork, cmd: c.FundCreate, actor: str) -> Result:
    threshold = cmd.threshold if cmd.threshold is not None else DEFAULT_APPROVAL_THRESHOLD
    window = cmd.window if cmd.window is not None else DEFAULT_APPROVAL_WINDOW
    fund = uow.find(Fund, cmd.fund)
    clauses = scope_clauses(uow, cmd.clauses, cmd.city)
    if fund is not None:
        if not fund.same_as(cmd.fund_name, threshold, window, cmd.city, clauses):
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"资金 {cmd.fund} 已存在 (名称 {fund.name}, 审批阈值 {format_human(fund.threshold)}, "
                f"累计审批期 {fund.window} 天{scope_words(fund)}), 内容不同",
            )
        changed = False
    else:
        fund = uow.add(
            Fund(
                code=cmd.fund,
                name=cmd.fund_name,
                threshold=threshold,
                actor=actor,
                on=on_date(cmd),
                window=window,
                **({"city": cmd.city, "clauses": clauses} if cmd.city or clauses else {}),
            )
        )
        changed = True
    shown = {"fund": cmd.fund, "name": fund.name, "approval_threshold": Amount(fund.threshold)}
    return Result({**shown, "approval_window": fund.window, **scope_fields(fund)}, changed)


def scope_clauses(uow: UnitOfWork, ids: tuple[str, ...] | None, city: str | None) -> list[str] | None:
    """The clauses a fund names, each in the catalogue (and of the fund's city, when it names one)."""
    from .applications import clause_of

    if not ids:
        return None
    found = [clause_of(uow, i) for i in ids]
    for clause in found:
        if city and clause.document.city != city:
            raise errors.invalid(
                f"--clauses: 条款 {clause.id} 是{scope.CITY_WORDS[clause.document.city]}的政策, "
                f"与 --city {scope.CITY_WORDS[city]} 不符"
            )
    return [clause.id for clause in found]


def scope_fields(fund: Fund) -> dict:
    return {"city": getattr(fund, "city", None), "clauses": getattr(fund, "clauses", None)}


def scope_words(fund: Fund) -> str:
    words = scope.describe(fund)
    return f", 使用范围 {words}" if words else ""


@handles(c.FundScope)
def _fund_scope(uow: UnitOfWork, cmd: c.FundScope, actor: str) -> Result:
    fund = uow.require(Fund, cmd.fund, what=f"资金 {cmd.fund} 不存在 (先运行 fund create)")
    changed = fund.scope(cmd.city, scope_clauses(uow, cmd.clauses, cmd.city), cmd.doc, actor, on_date(cmd))
    return Result({"fund": cmd.fund, "name": fund.name, **scope_fields(fund), "doc": cmd.doc}, changed)


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
    if (cmd.region is None) != (cmd.region_doc is None):
        raise errors.invalid("--region 和 --region-doc 须同时提供: 所在城市及其依据文件")
    unknown = regions.unknown_division(cmd.region) if cmd.region is not None else None
    if unknown is not None:
        raise errors.invalid(f"--region: {unknown}")
    if cmd.region is not None and not needs_placing(cmd.code):
        raise errors.invalid(
            f"统一社会信用代码 {cmd.code} 的第3–8位 {division(cmd.code)} 已指明登记地, "
            "--region 只用于省级或国家级登记机关发码的单位 (第3–8位为 370000、100000 等)"
        )
    unit = uow.find(Unit, cmd.code)
    if unit is not None:
        if not unit.same_as(cmd.unit_name, cmd.type):
            raise LedgerError(errors.DUPLICATE_KEY, f"单位 {cmd.code} 已登记为 {unit.name} ({unit.type}), 内容不同")
        if cmd.region is not None and unit.placed is not None and unit.placed != cmd.region:
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"单位 {cmd.code} 已按 {unit.region_doc} 登记在 {unit.placed}, 与 --region {cmd.region} 不同",
            )
        changed = cmd.region is not None and unit.place(cmd.region, cmd.region_doc, actor, on_date(cmd))
        return Result(_unit_fields(unit), changed=changed)
    unit = uow.add(Unit(code=cmd.code, name=cmd.unit_name, type=cmd.type, actor=actor, on=on_date(cmd)))
    if cmd.region is not None:
        unit.place(cmd.region, cmd.region_doc, actor, on_date(cmd))
    return Result(_unit_fields(unit))


def _unit_fields(unit: Unit) -> dict:
    fields = {"unit": unit.code, "type": unit.type, "name": unit.name}
    if unit.placed is not None:
        fields.update(region=unit.placed, region_doc=unit.region_doc)
    return fields


@handles(c.UnitRename)
def _unit_rename(uow: UnitOfWork, cmd: c.UnitRename, actor: str) -> Result:
    unit = uow.require(Unit, cmd.code, what=f"单位 {cmd.code} 未登记")
    former = unit.name
    changed = unit.rename(cmd.unit_name, cmd.doc, actor, on_date(cmd))
    return Result(
        {"unit": cmd.code, "name": unit.name, "former_name": former if changed else None, "doc": cmd.doc}, changed
    )
