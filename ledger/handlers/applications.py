"""Application handlers: apply, evaluate, reject, and award against a fund under the unit's caps."""

from __future__ import annotations

from typing import Any

from .. import clauses, dates, errors, rules, scope
from .. import commands as c
from ..caps import LIFE, ONCE, UnitCap
from ..errors import LedgerError
from ..fund import Fund, FundYear
from ..grant import AWARDED, Grant
from ..money import Amount, format_human
from ..periods import check_open
from ..unit import Unit
from ..uow import Result, UnitOfWork
from . import handles, on_date
from . import project_rules as projects  # the schedule of tranches an award may carry (issue 24)
from .policies import catalogue_of


def clause_of(uow: UnitOfWork, clause_id: str) -> clauses.Clause:
    clause = catalogue_of(uow).get(clause_id)
    if clause is None:
        hint = errors.did_you_mean(clause_id, [c.id for c in uow.app.catalogue])
        raise errors.not_found(
            f"条款 {clause_id} 不在政策目录中{hint} (grantledger policy list)", ("clause", clause_id)
        )
    return clause


@handles(c.Apply)
def _apply(uow: UnitOfWork, cmd: c.Apply, actor: str) -> Result:
    grant = uow.find(Grant, cmd.ref)
    if grant is not None:
        if not grant.same_submission(cmd.unit, cmd.clause, cmd.amount, cmd.base, cmd.date):
            raise LedgerError(
                errors.DUPLICATE_KEY, f"申报编号 {cmd.ref} 已用于单位 {grant.unit} 的 {grant.clause} 申报, 内容不同"
            )
        return Result(
            {"application": cmd.ref, "status": grant.status, "unit": grant.unit, "clause": grant.clause}, changed=False
        )
    clause = clause_of(uow, cmd.clause)
    unit = uow.require(Unit, cmd.unit, what=f"单位 {cmd.unit} 未登记 (先运行 unit register)")
    if clause.ratio is not None and cmd.base is None:
        raise errors.invalid(f"条款 {clause.id} 按{clause.base}的比例计算, 申报须提供 --base")
    if clause.base is None and cmd.base is not None:
        raise errors.invalid(f"条款 {clause.id} 不需要基数, 请去掉 --base")
    on = on_date(cmd)
    rules.check_submission(clause, unit.type, on, unit.region)
    uow.add(
        Grant(
            ref=cmd.ref,
            unit=cmd.unit,
            unit_type=unit.type,
            clause=clause.id,
            asked=cmd.amount,
            base=cmd.base,
            actor=actor,
            on=on,
        )
    )
    return Result({"application": cmd.ref, "status": "submitted", "unit": cmd.unit, "clause": clause.id})


def grant_of(uow: UnitOfWork, ref: str) -> Grant:
    grant = uow.find(Grant, ref)
    if grant is None:
        raise errors.not_found(f"申报 {ref} 不存在", ("application", ref))
    return grant


@handles(c.Evaluate)
def _evaluate(uow: UnitOfWork, cmd: c.Evaluate, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    changed = grant.evaluate(cmd.grade, cmd.score, actor, on_date(cmd), cmd.date)
    return Result({"application": cmd.ref, "grade": grant.grade, "score": grant.score}, changed)


@handles(c.Reject)
def _reject(uow: UnitOfWork, cmd: c.Reject, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    changed = grant.reject(cmd.reason, actor, on_date(cmd))
    return Result({"application": cmd.ref, "status": grant.status}, changed)


def cap_usage(
    uow: UnitOfWork, clause: clauses.Clause, unit: str, ref: str | None, year: int
) -> tuple[Any, Any, int, str | None]:
    """The unit's yearly-cap and once-per-unit aggregates for this clause (None when not yet opened)."""
    cap = uow.find(UnitCap, unit, clause.cap_group, str(year)) if clause.annual_cap is not None else None
    once = uow.find(UnitCap, unit, clause.id, ONCE) if clause.once_per_unit else None
    taken_by = next((r for r in once.refs if r != ref), None) if once is not None else None
    return cap, once, cap.used if cap is not None else 0, taken_by


def life_usage(uow: UnitOfWork, clause: clauses.Clause, unit: str) -> tuple[Any, int]:
    """A platform clause's lifetime total for the unit: its aggregate (None when not yet opened) and the sum.

    Before the aggregate is opened, the sum is what the unit was awarded under the clause before the second
    edition kept this total (``GrantLedger.awarded_before``): the first award after the upgrade carries it in.
    """
    if not clause.platform:
        return None, 0
    life = uow.find(UnitCap, unit, clause.id, LIFE)
    return life, life.used if life is not None else uow.app.awarded_before(unit, clause.id)[1]


def quote_for(uow: UnitOfWork, grant: Grant, clause: clauses.Clause, grade: str | None, year: int) -> rules.Quote:
    _, _, used, taken_by = cap_usage(uow, clause, grant.unit, grant.ref, year)
    _, life_used = life_usage(uow, clause, grant.unit)
    unit = uow.find(Unit, grant.unit)
    region = unit.region if unit is not None else None
    return rules.quote(clause, grant.unit_type, grant.applied_on, grade, grant.base, used, taken_by, life_used, region)


@handles(c.Award)
def _award(uow: UnitOfWork, cmd: c.Award, actor: str) -> Result:
    grant = grant_of(uow, cmd.ref)
    decision = {
        "amount": cmd.amount,
        "fund": cmd.fund,
        "doc": cmd.doc,
        "mode": cmd.mode,
        "equity_amount": cmd.equity_amount,
        "exception_doc": cmd.exception_doc,
    }
    if grant.status == AWARDED:
        same = projects.same_award_schedule(uow, grant, clause_of(uow, grant.clause), cmd)
        if not grant.same_award(decision, cmd.date) or not same:
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"申报 {cmd.ref} 已批复 (文号 {grant.award['doc']}, {format_human(grant.awarded)}), 内容不同",
            )
        return Result(_award_fields(grant), changed=False)
    on = on_date(cmd)
    year = dates.year_of(on)
    grant.check_can_award(on)
    clause = clause_of(uow, grant.clause)
    scope.check_award(uow.require(Fund, cmd.fund, what=f"资金 {cmd.fund} 不存在"), clause)  # 资金使用范围
    check_open(uow, cmd.fund, on)
    rules.check_equity_split(clause, cmd.mode, cmd.amount, cmd.equity_amount)
    rules.check_award(quote_for(uow, grant, clause, grant.grade, year), cmd.amount, cmd.exception_doc)
    schedule = projects.schedule_of(clause, cmd)
    fund_year = uow.find(FundYear, cmd.fund, year)
    if fund_year is None:
        raise LedgerError(
            errors.INSUFFICIENT_FUNDS, f"资金 {cmd.fund} 没有 {year} 年度预算 (先运行 fund appropriate --year {year})"
        )
    fund_year.check_can_commit(cmd.amount)
    cap, once, _, _ = cap_usage(uow, clause, grant.unit, grant.ref, year)
    life, _ = life_usage(uow, clause, grant.unit)
    lifetime = clause.lifetime_max(grant.unit_type)
    if life is None and lifetime is not None:  # opened with this award, carrying what was awarded before
        life = UnitCap(unit=grant.unit, group=clause.id, period=LIFE, cap=lifetime, actor=actor, on=on)
        refs, before = uow.app.awarded_before(grant.unit, clause.id)
        if before:
            life.carry(refs, before, actor, on)
    lifted = clause.case_by_case and cmd.exception_doc is not None
    label, cite = clause.title, rules.source(clause)
    for limiter in (cap, once, life):
        if limiter is not None:
            limiter.check_can_use(grant.ref, cmd.amount, label, cite, lifted)
    # Every check has passed: from here on nothing refuses, so a refusal never leaves half a command.
    grant.award_it(dict(decision, year=year, grade=grant.grade), actor, on)
    projects.open_at_award(uow, grant, schedule, actor, on)
    fund_year.commit(grant.ref, cmd.amount, actor, on)
    if clause.annual_cap is not None:
        cap = cap or uow.add(
            UnitCap(
                unit=grant.unit, group=clause.cap_group, period=str(year), cap=clause.annual_cap, actor=actor, on=on
            )
        )
        cap.use(grant.ref, cmd.amount, label, cite, actor, on)
    if clause.once_per_unit:
        once = once or uow.add(UnitCap(unit=grant.unit, group=clause.id, period=ONCE, cap=None, actor=actor, on=on))
        once.use(grant.ref, cmd.amount, label, cite, actor, on)
    if lifetime is not None:
        uow.add(life).use(grant.ref, cmd.amount, label, cite, actor, on, lifted)
    return Result(_award_fields(grant))


def _award_fields(grant: Grant) -> dict:
    award = grant.award
    return {
        "application": grant.ref,
        "awarded": Amount(grant.awarded),
        "fiscal_year": award["year"],
        "fund": award["fund"],
        "mode": award["mode"],
        "doc": award["doc"],
        "equity_amount": Amount(award["equity_amount"]) if award["equity_amount"] else None,
        "exception_doc": award["exception_doc"],
    }
