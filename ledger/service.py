"""The application service: one use case = load, command, save once.

``GrantLedger`` is an eventsourcing ``Application``; ``handle`` runs one
command against a ``UnitOfWork`` (the aggregates it loaded or created) and
``execute`` saves everything the command touched in one transaction,
retrying from a fresh load when a concurrent writer won the race on a
version (bounded, with jitter) and giving up with ``CONFLICT``.

Commands never replay the log: each loads only the aggregates it touches
(``FundYear`` and ``UnitCap``, which collect many events, are snapshotted).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError, ProgrammingError

from . import clauses, dates, errors, rules
from . import commands as c
from .actors import Actor, Installation, check_may
from .caps import ONCE, UnitCap
from .errors import LedgerError
from .eventstore import parse_url
from .fund import DEFAULT_APPROVAL_THRESHOLD, Fund, FundYear
from .grant import AWARDED, Grant
from .money import Amount, format_human
from .unit import Unit
from .values import format_stake
from .voucher import Voucher

log = logging.getLogger("grantledger")


class GrantLedger(Application):
    name = "GrantLedger"
    snapshotting_intervals = {FundYear: 200, UnitCap: 200}  # noqa: RUF012 - eventsourcing's class setting

    def __init__(self, url: str | None = None, *, create_tables: bool = False):
        self.store = parse_url(url)
        super().__init__({**self.store.settings, "CREATE_TABLE": "y" if create_tables else "n"})
        self.catalogue = clauses.default()

    def save_aggregates(self, aggregates: list[Aggregate]) -> None:
        """``save(*aggregates)`` without the per-object protocol checks that dominate large groups.

        Same transaction, same snapshots (eventsourcing is pinned to 9.5.6, whose ``save`` is exactly this).
        """
        processing = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)

    def existing(self, ids: list[UUID]) -> set[UUID]:
        """Which of these aggregate ids have events already (one query per 500 ids)."""
        return set(self.recorder.select_existing(ids))

    def load(self, cls: type, aggregate_id: UUID) -> Any:
        """An aggregate by id; only the snapshotted kinds pay for a look in the snapshot store."""
        if cls in self.snapshotting_intervals:
            return self.repository.get(aggregate_id)
        aggregate = project_aggregate(None, self.events.get(aggregate_id))
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate


@dataclass
class Result:
    """What a command reports: JSON-ready fields (amounts as ``Amount``) and whether it changed anything."""

    fields: dict[str, Any]
    changed: bool = True
    events: int = 0


@dataclass
class UnitOfWork:
    """The aggregates one command (or one batch group) has loaded or created.

    ``touched`` holds every aggregate handed out since the last commit: only
    those can have pending events, so saving never scans the whole cache.
    """

    app: GrantLedger
    seen: dict[UUID, Aggregate | None] = field(default_factory=dict)
    touched: dict[UUID, Aggregate] = field(default_factory=dict)
    marks: dict[UUID, int] = field(default_factory=dict)  # pending events when first touched by this command

    def find(self, cls: type, *key: object) -> Any:
        agg_id = cls.create_id(*key)
        if agg_id not in self.seen:
            try:
                self.seen[agg_id] = self.app.load(cls, agg_id)
            except AggregateNotFoundError:
                self.seen[agg_id] = None
        agg = self.seen[agg_id]
        if agg is not None:
            self.touched[agg_id] = agg
            self.marks.setdefault(agg_id, len(agg.pending_events))
        return agg

    def require(self, cls: type, *key: object, what: str) -> Any:
        agg = self.find(cls, *key)
        if agg is None:
            raise errors.not_found(what)
        return agg

    def add(self, agg: Any) -> Any:
        self.seen[agg.id] = self.touched[agg.id] = agg
        self.marks.setdefault(agg.id, 0)
        return agg

    def next_command(self) -> None:
        """Start watching for the events of the next command (a batch runs many in one unit of work)."""
        self.marks.clear()

    def command_changed_anything(self) -> bool:
        return any(len(self.touched[i].pending_events) != n for i, n in self.marks.items())

    def dirty(self) -> list[Aggregate]:
        return [a for a in self.touched.values() if a.pending_events]

    def commit(self) -> int:
        dirty = self.dirty()
        count = sum(len(a.pending_events) for a in dirty)
        if dirty:
            self.app.save_aggregates(dirty)
        self.touched.clear()
        return count

    def prefetch(self, keys: list[tuple[type, tuple]]) -> None:
        """Learn in one query which of these aggregates do not exist yet (a batch creates many)."""
        seen = self.seen
        wanted = {agg_id for agg_id in (cls.create_id(*key) for cls, key in keys) if agg_id not in seen}
        if wanted:
            found = self.app.existing(list(wanted))
            self.seen.update((agg_id, None) for agg_id in wanted - found)


# -- running a command --------------------------------------------------------


def execute(app: GrantLedger, command: c.Command, actor: str, *, attempts: int = 12) -> Result:
    """Run one command in its own transaction, retrying lost races; refusals write nothing."""
    for attempt in range(attempts):
        with storage_errors(app):
            uow = UnitOfWork(app)
            result = handle(uow, command, actor)
            try:
                result.events = uow.commit()
                return result
            except (IntegrityError, OperationalError) as exc:
                if isinstance(exc, OperationalError) and not is_busy(exc):
                    raise
                log.info("retrying after a concurrent write", extra={"attempt": attempt + 1, "error": str(exc)})
                backoff(attempt)
    raise LedgerError(
        errors.CONFLICT, f"{command.name}: other clerks kept changing the same records; gave up after {attempts} tries"
    )


def backoff(attempt: int) -> None:
    time.sleep(min(0.5, 0.005 * 2**attempt) * (0.5 + random.random()))


def is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "could not obtain lock" in text or "deadlock" in text


@contextmanager
def storage_errors(app: GrantLedger) -> Iterator[None]:
    """Turn the store's failures into the ledger's codes; a lost race goes up to be retried."""
    try:
        yield
    except PersistenceError as exc:
        if isinstance(exc, IntegrityError) or (isinstance(exc, OperationalError) and is_busy(exc)):
            raise
        if is_missing_table(exc):
            raise errors.not_found(f"the ledger at {app.store.url} is not initialised: run 'grantledger init'") from exc
        raise LedgerError(errors.CONFLICT, f"storage failure: {exc}") from exc


def is_missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, (OperationalError, ProgrammingError)) and (
        "no such table" in text or "does not exist" in text
    )


Handler = Callable[[UnitOfWork, Any, str], Result]
HANDLERS: dict[type, Handler] = {}


def handles(cls: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[cls] = fn
        return fn

    return register


def handle(uow: UnitOfWork, command: c.Command, actor: str) -> Result:
    if not isinstance(command, c.Init):
        check_may(actor, roles_of(uow, actor), command.name)
    return HANDLERS[type(command)](uow, command, actor)


def new_keys(command: c.Command) -> list[tuple[type, tuple]]:
    """The aggregates a command creates when it is new: a batch asks the store about them all at once."""
    if isinstance(command, c.Apply):
        return [(Grant, (command.ref,))]
    if isinstance(command, (c.Disburse, c.Spend, c.Recover, c.Invest, c.Exit)):
        return [(Voucher, (command.voucher,))]
    if isinstance(command, c.UnitRegister):
        return [(Unit, (command.code,))]
    return []


def roles_of(uow: UnitOfWork, actor: str) -> list[str]:
    person = uow.find(Actor, actor)
    return list(person.roles) if person is not None else []


def _on(command: Any) -> str:
    return command.date or dates.today()


# -- set-up ---------------------------------------------------------------------


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
    on = _on(cmd)
    year = uow.find(FundYear, cmd.fund, cmd.year)
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


# -- applications and awards --------------------------------------------------


def clause_of(uow: UnitOfWork, clause_id: str) -> clauses.Clause:
    clause = uow.app.catalogue.get(clause_id)
    if clause is None:
        raise errors.not_found(f"条款 {clause_id} 不在政策目录中 (grantledger policy list)")
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
    on = _on(cmd)
    rules.check_submission(clause, unit.type, on)
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


def _grant(uow: UnitOfWork, ref: str) -> Grant:
    return uow.require(Grant, ref, what=f"申报 {ref} 不存在")


@handles(c.Evaluate)
def _evaluate(uow: UnitOfWork, cmd: c.Evaluate, actor: str) -> Result:
    grant = _grant(uow, cmd.ref)
    changed = grant.evaluate(cmd.grade, cmd.score, actor, _on(cmd), cmd.date)
    return Result({"application": cmd.ref, "grade": grant.grade, "score": grant.score}, changed)


@handles(c.Reject)
def _reject(uow: UnitOfWork, cmd: c.Reject, actor: str) -> Result:
    grant = _grant(uow, cmd.ref)
    changed = grant.reject(cmd.reason, actor, _on(cmd))
    return Result({"application": cmd.ref, "status": grant.status}, changed)


def cap_usage(
    uow: UnitOfWork, clause: clauses.Clause, unit: str, ref: str | None, year: int
) -> tuple[Any, Any, int, str | None]:
    """The unit's yearly-cap and once-per-unit aggregates for this clause (None when not yet opened)."""
    cap = uow.find(UnitCap, unit, clause.cap_group, str(year)) if clause.annual_cap is not None else None
    once = uow.find(UnitCap, unit, clause.id, ONCE) if clause.once_per_unit else None
    taken_by = next((r for r in once.refs if r != ref), None) if once is not None else None
    return cap, once, cap.used if cap is not None else 0, taken_by


def quote_for(uow: UnitOfWork, grant: Grant, clause: clauses.Clause, grade: str | None, year: int) -> rules.Quote:
    _, _, used, taken_by = cap_usage(uow, clause, grant.unit, grant.ref, year)
    return rules.quote(clause, grant.unit_type, grant.applied_on, grade, grant.base, used, taken_by)


@handles(c.Award)
def _award(uow: UnitOfWork, cmd: c.Award, actor: str) -> Result:
    grant = _grant(uow, cmd.ref)
    decision = {
        "amount": cmd.amount,
        "fund": cmd.fund,
        "doc": cmd.doc,
        "mode": cmd.mode,
        "equity_amount": cmd.equity_amount,
        "exception_doc": cmd.exception_doc,
    }
    if grant.status == AWARDED:
        if not grant.same_award(decision, cmd.date):
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"申报 {cmd.ref} 已批复 (文号 {grant.award['doc']}, {format_human(grant.awarded)}), 内容不同",
            )
        return Result(_award_fields(grant), changed=False)
    on = _on(cmd)
    year = dates.year_of(on)
    grant.check_can_award(on)
    clause = clause_of(uow, grant.clause)
    uow.require(Fund, cmd.fund, what=f"资金 {cmd.fund} 不存在")
    rules.check_equity_split(clause, cmd.mode, cmd.amount, cmd.equity_amount)
    rules.check_award(quote_for(uow, grant, clause, grant.grade, year), cmd.amount, cmd.exception_doc)
    fund_year = uow.find(FundYear, cmd.fund, year)
    if fund_year is None:
        raise LedgerError(
            errors.INSUFFICIENT_FUNDS, f"资金 {cmd.fund} 没有 {year} 年度预算 (先运行 fund appropriate --year {year})"
        )
    fund_year.check_can_commit(cmd.amount)
    cap, once, _, _ = cap_usage(uow, clause, grant.unit, grant.ref, year)
    label, cite = clause.title, rules.source(clause)
    for limiter in (cap, once):
        if limiter is not None:
            limiter.check_can_use(grant.ref, cmd.amount, label, cite)
    # Every check has passed: from here on nothing refuses, so a refusal never leaves half a command.
    grant.award_it(dict(decision, year=year, grade=grant.grade), actor, on)
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


# -- money ----------------------------------------------------------------------


def repeat_of(uow: UnitOfWork, kind: str, cmd: Any, content: dict) -> Voucher | None:
    """The voucher if this command was already carried out (DUPLICATE_KEY if it differs)."""
    voucher = uow.find(Voucher, cmd.voucher)
    if voucher is not None:
        voucher.check_repeat(kind, cmd.ref, content, cmd.date)
    return voucher


def threshold_of(uow: UnitOfWork, grant: Grant) -> int:
    fund = uow.find(Fund, grant.award["fund"]) if grant.award else None
    return fund.threshold if fund is not None else DEFAULT_APPROVAL_THRESHOLD


def _issue(uow: UnitOfWork, kind: str, cmd: Any, content: dict, actor: str, on: str) -> None:
    uow.add(Voucher(number=cmd.voucher, kind=kind, ref=cmd.ref, content=content, actor=actor, on=on))


def _movement(grant: Grant, voucher: str, **extra: Any) -> dict:
    v = grant.vouchers[voucher]
    return {"voucher": voucher, "status": v["status"], "amount": Amount(v["amount"]), "application": grant.ref, **extra}


@handles(c.Disburse)
def _disburse(uow: UnitOfWork, cmd: c.Disburse, actor: str) -> Result:
    content = {"amount": cmd.amount}
    repeat = repeat_of(uow, "disbursement", cmd, content)
    grant = _grant(uow, cmd.ref)
    if not repeat:
        on = _on(cmd)
        grant.disburse(cmd.voucher, cmd.amount, threshold_of(uow, grant), actor, on)
        _issue(uow, "disbursement", cmd, content, actor, on)
    return Result(_movement(grant, cmd.voucher), changed=not repeat)


@handles(c.Invest)
def _invest(uow: UnitOfWork, cmd: c.Invest, actor: str) -> Result:
    content = {"amount": cmd.amount, "stake": cmd.stake, "valuation": cmd.valuation}
    repeat = repeat_of(uow, "investment", cmd, content)
    grant = _grant(uow, cmd.ref)
    if not repeat:
        on = _on(cmd)
        grant.invest(cmd.voucher, cmd.amount, cmd.stake, cmd.valuation, threshold_of(uow, grant), actor, on)
        _issue(uow, "investment", cmd, content, actor, on)
    return Result(_movement(grant, cmd.voucher, stake=format_stake(cmd.stake)), changed=not repeat)


def _grant_of_voucher(uow: UnitOfWork, number: str) -> Grant:
    voucher = uow.require(Voucher, number, what=f"凭证 {number} 不存在")
    return _grant(uow, voucher.ref)


@handles(c.Approve)
def _approve(uow: UnitOfWork, cmd: c.Approve, actor: str) -> Result:
    grant = _grant_of_voucher(uow, cmd.voucher)
    changed = grant.approve(cmd.voucher, actor, _on(cmd))
    return Result(
        {
            "voucher": cmd.voucher,
            "status": grant.vouchers[cmd.voucher]["status"],
            "amount": Amount(grant.vouchers[cmd.voucher]["amount"]),
        },
        changed,
    )


@handles(c.Void)
def _void(uow: UnitOfWork, cmd: c.Void, actor: str) -> Result:
    grant = _grant_of_voucher(uow, cmd.voucher)
    changed = grant.void(cmd.voucher, cmd.reason, actor, _on(cmd))
    return Result({"voucher": cmd.voucher, "status": grant.vouchers[cmd.voucher]["status"]}, changed)


@handles(c.Spend)
def _spend(uow: UnitOfWork, cmd: c.Spend, actor: str) -> Result:
    content = {"amount": cmd.amount, "category": cmd.category}
    repeat = repeat_of(uow, "expenditure", cmd, content)
    grant = _grant(uow, cmd.ref)
    if not repeat:
        on = _on(cmd)
        grant.spend(cmd.voucher, cmd.amount, cmd.category, actor, on)
        _issue(uow, "expenditure", cmd, content, actor, on)
    return Result(
        _movement(grant, cmd.voucher, category=cmd.category, available=Amount(grant.available)), changed=not repeat
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
    grant = _grant(uow, cmd.ref)
    if not repeat:
        on = _on(cmd)
        grant.recover(cmd.voucher, cmd.amount, cmd.reason, actor, on)
        return_to_fund(uow, grant, cmd, "recovery", cmd.amount, actor, on)
        _issue(uow, "recovery", cmd, content, actor, on)
    returned_in = dates.year_of(grant.vouchers[cmd.voucher]["on"])
    return Result(_movement(grant, cmd.voucher, fund=grant.award["fund"], year=returned_in), changed=not repeat)


@handles(c.Reverse)
def _reverse(uow: UnitOfWork, cmd: c.Reverse, actor: str) -> Result:
    grant = _grant_of_voucher(uow, cmd.voucher)
    original = grant.vouchers[cmd.voucher]
    on = _on(cmd)
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


# -- equity ----------------------------------------------------------------------


@handles(c.Convert)
def _convert(uow: UnitOfWork, cmd: c.Convert, actor: str) -> Result:
    grant = _grant(uow, cmd.ref)
    changed = grant.convert(cmd.stake, cmd.valuation, cmd.doc, actor, _on(cmd))
    converted = grant.equity["converted"]
    return Result(
        {"application": cmd.ref, "converted": Amount(converted["cost"]), "stake": format_stake(converted["stake"])},
        changed,
    )


@handles(c.Exit)
def _exit(uow: UnitOfWork, cmd: c.Exit, actor: str) -> Result:
    content = {"stake": cmd.stake, "proceeds": cmd.proceeds}
    repeat = repeat_of(uow, "exit", cmd, content)
    grant = _grant(uow, cmd.ref)
    if not repeat:
        on = _on(cmd)
        grant.exit(cmd.voucher, cmd.stake, cmd.proceeds, actor, on)
        return_to_fund(uow, grant, cmd, "exit", cmd.proceeds, actor, on)
        _issue(uow, "exit", cmd, content, actor, on)
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
    grant = _grant(uow, cmd.ref)
    changed = grant.write_off(cmd.reason, actor, _on(cmd))
    done = grant.equity["written_off"]
    return Result(
        {"application": cmd.ref, "written_off": Amount(done["cost"]), "stake": format_stake(done["stake"])}, changed
    )


# -- questions (no writes) -------------------------------------------------------


def quote(
    app: GrantLedger, clause_id: str, unit_code: str, grade: str | None, base: int | None, day: str
) -> rules.Quote:
    """What ``policy quote`` answers: the most this unit could be awarded under the clause on ``day``."""
    with storage_errors(app):
        uow = UnitOfWork(app)
        clause = clause_of(uow, clause_id)
        unit = uow.require(Unit, unit_code, what=f"单位 {unit_code} 未登记")
        _, _, used, taken_by = cap_usage(uow, clause, unit_code, None, dates.year_of(day))
        return rules.quote(clause, unit.type, day, grade, base, used, taken_by)


def actor_roles(app: GrantLedger, actor: str) -> list[str]:
    with storage_errors(app):
        return roles_of(UnitOfWork(app), actor)
