"""Application handlers: apply, evaluate, reject, and award against a fund under the unit's caps."""

from __future__ import annotations

from typing import Any

from .. import clauses, dates, errors, rules, scope
from .. import commands as c
from ..caps import LIFE, ONCE, UnitCap, year_group
from ..closed_years import check_open
from ..errors import LedgerError
from ..fund import Fund, FundYear
from ..grant import AWARDED, Grant
from ..money import Amount, format_human
from ..unit import Unit
from ..uow import Result, UnitOfWork
from . import handles, on_date
from . import project_rules as projects  # the schedule of tranches an award may carry (issue 24)
from .grants import grant_of  # also taken from here by corrections, projects and settlement
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
    """The unit's yearly-cap and once-per-unit aggregates for this clause (None when not yet opened).

    The once-per-unit mark is kept under the clause's record (``shares``): the mark of any clause sharing it
    counts, so a successor does not start with a clean history.
    """
    cap = uow.find(UnitCap, unit, clause.cap_group, str(year)) if clause.annual_cap is not None else None
    once, taken_by = None, None
    if clause.once_per_unit:
        once = uow.find(UnitCap, unit, clause.record, ONCE)
        for member in members(uow, clause):
            mark = once if member.id == clause.record else uow.find(UnitCap, unit, member.id, ONCE)
            taken_by = taken_by or (next((r for r in mark.refs if r != ref), None) if mark is not None else None)
    return cap, once, cap.used if cap is not None else 0, taken_by


def members(uow: UnitOfWork, clause: clauses.Clause) -> list[clauses.Clause]:
    """Every clause that keeps a unit's record under the same key as this one (itself included)."""
    if clause.shares is None and not any(c.shares == clause.id for c in catalogue_of(uow)):
        return [clause]
    return [c for c in catalogue_of(uow) if c.record == clause.record]


def platform_group(clause: clauses.Clause, platform: str) -> str:
    """The lifetime total of one named platform of a unit under a clause's record."""
    return f"{clause.record}/platform/{platform}"


def period_taken(uow: UnitOfWork, clause: clauses.Clause, unit: str, ref: str | None, year: int) -> tuple[Any, tuple]:
    """For a clause awarded once per year (or per N-year cycle): this year's mark and (ref, year) of an award
    to the unit that the cycle rules out, if any — from the marks alone (awards recorded before the marks were
    kept are carried into them by ``init``: ``handlers.upgrade``)."""
    every = clause.once_every
    if every is None:
        return None, ()
    mark = uow.find(UnitCap, unit, year_group(clause, year), ONCE)
    for y in range(year - every + 1, year + every):
        other = mark if y == year else uow.find(UnitCap, unit, year_group(clause, y), ONCE)
        taken = next((r for r in other.refs if r != ref), None) if other is not None else None
        if taken is not None:
            return mark, (taken, y)
    return mark, ()


def life_usage(uow: UnitOfWork, clause: clauses.Clause, unit: str, platform: str | None = None) -> tuple[Any, int, int]:
    """A platform clause's lifetime total for the unit: its aggregate (None when not yet opened), what it holds,
    and what other totals of the record count against it (``already``).

    Without ``platform`` the total is the unit's unnamed one under the record (as in the second edition; what
    the unit was awarded before the second edition kept this total is carried into it by ``init``:
    ``handlers.upgrade``). A named platform has a total of its own, and the unnamed awards count against it
    too: nobody can say which platform they paid for (the smaller amount). Every clause sharing the record
    (``shares``) counts: their own unnamed totals from before they shared it.
    """
    if not clause.platform:
        return None, 0, 0
    root = uow.find(UnitCap, unit, clause.record, LIFE)
    others = sum(_own_total(uow, m, unit) for m in members(uow, clause) if m.platform and m.id != clause.record)
    unnamed = root.used if root is not None else 0
    if platform is None:
        return root, unnamed, others
    life = uow.find(UnitCap, unit, platform_group(clause, platform), LIFE)
    return life, life.used if life is not None else 0, others + unnamed


def _own_total(uow: UnitOfWork, clause: clauses.Clause, unit: str) -> int:
    """What a unit's own lifetime total under one clause holds (kept under its id before it shared a record)."""
    life = uow.find(UnitCap, unit, clause.id, LIFE)
    return life.used if life is not None else 0


def quote_for(
    uow: UnitOfWork, grant: Grant, clause: clauses.Clause, grade: str | None, year: int, platform: str | None = None
) -> rules.Quote:
    _, _, used, taken_by = cap_usage(uow, clause, grant.unit, grant.ref, year)
    _, named, legacy = life_usage(uow, clause, grant.unit, platform)
    _, period = period_taken(uow, clause, grant.unit, grant.ref, year)
    unit = uow.find(Unit, grant.unit)
    region = unit.region if unit is not None else None
    return rules.quote(
        clause,
        grant.unit_type,
        grant.applied_on,
        grade,
        grant.base,
        used,
        taken_by,
        named + legacy,
        region,
        platform=platform,
        legacy=legacy,
        period_taken=period,
        year=year,
    )


def check_platform(clause: clauses.Clause, platform: str | None) -> None:
    """A platform clause's award may name the platform (or the 奖项) it pays for; no other award names one."""
    if not clause.platform and platform is not None:
        raise errors.invalid(
            f'条款"{clause.title}"不是平台类条款, 不按平台累计: 请去掉 --platform {rules.source(clause)}'
        )


def check_exception_doc(clause: clauses.Clause, exception_doc: str | None) -> None:
    """An exception document is recorded only where the clause allows 一事一议: anywhere else it lifts nothing."""
    if exception_doc is not None and not (clause.case_by_case or clause.exception_required):
        raise errors.invalid(
            f'条款"{clause.title}"没有"一事一议", 例外批复文号 {exception_doc} 不能超出其任何限额: '
            f"请去掉 --exception-doc {rules.source(clause)}"
        )


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
    if cmd.platform is not None:  # third edition: a decision before it has no such key
        decision["platform"] = cmd.platform
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
    check_exception_doc(clause, cmd.exception_doc)
    check_platform(clause, cmd.platform)
    rules.check_award(quote_for(uow, grant, clause, grant.grade, year, cmd.platform), cmd.amount, cmd.exception_doc)
    schedule = projects.schedule_of(clause, cmd)
    fund_year = uow.find(FundYear, cmd.fund, year)
    if fund_year is None:
        raise LedgerError(
            errors.INSUFFICIENT_FUNDS, f"资金 {cmd.fund} 没有 {year} 年度预算 (先运行 fund appropriate --year {year})"
        )
    fund_year.check_can_commit(cmd.amount)
    cap, once, _, _ = cap_usage(uow, clause, grant.unit, grant.ref, year)
    life, _, legacy = life_usage(uow, clause, grant.unit, cmd.platform)
    mark, _ = period_taken(uow, clause, grant.unit, grant.ref, year)
    lifetime = clause.lifetime_max(grant.unit_type)
    if life is None and lifetime is not None:  # opened with this award
        group = clause.record if cmd.platform is None else platform_group(clause, cmd.platform)
        life = UnitCap(unit=grant.unit, group=group, period=LIFE, cap=lifetime, actor=actor, on=on)
    lift_doc = cmd.exception_doc if clause.case_by_case else None  # only 一事一议 lifts a lifetime total
    lifted = lift_doc is not None
    label, cite = clause.title, rules.source(clause)
    for limiter in (cap, once):
        if limiter is not None:
            limiter.check_can_use(grant.ref, cmd.amount, label, cite, lifted)
    if life is not None:
        life.check_can_use(grant.ref, cmd.amount, _platform_label(clause, cmd.platform), cite, lifted, legacy)
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
        once = once or uow.add(UnitCap(unit=grant.unit, group=clause.record, period=ONCE, cap=None, actor=actor, on=on))
        once.use(grant.ref, cmd.amount, label, cite, actor, on)
    if clause.once_every is not None:
        mark = mark or uow.add(
            UnitCap(unit=grant.unit, group=year_group(clause, year), period=ONCE, cap=None, actor=actor, on=on)
        )
        mark.use(grant.ref, cmd.amount, label, cite, actor, on)
    if life is not None:
        uow.add(life).use(
            grant.ref, cmd.amount, _platform_label(clause, cmd.platform), cite, actor, on, lift_doc, legacy
        )
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
        "platform": award.get("platform"),
    }


def _platform_label(clause: clauses.Clause, platform: str | None) -> str:
    return f"{clause.title}" if platform is None else f"{clause.title}({clause.platform_word} {platform})"
