"""What a project (issue 24) asks of the other handlers, before their first event: the schedule an award opens
it with, and the refusals of payments, spending and reversals (``NOT_RELEASED``, ``PROJECT_CLOSED``, a
category's budget). Imports no handler module, so ``applications``, ``payments`` and ``equity`` can call it
and ``handlers.projects`` can call them. ``Project`` is found by its topic (``PROJECT``): a payment of an award
with no project never imports ``ledger.project`` (issue 26).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import tranches
from ..grant import POSTED, Grant
from ..uow import Deferred, UnitOfWork

if TYPE_CHECKING:  # only the award's schedule reads a clause; a payment loads no catalogue
    from ..clauses import Clause

PROJECT = Deferred("ledger.project:Project", "project")  # Project.create_id(ref): key_id("project", ref)


def schedule_of(clause: Clause, cmd: Any) -> list[dict] | None:
    """The schedule (in 分) an award command asks for; 后补助 clauses default to 100:evaluation."""
    schedule = cmd.tranches
    if schedule is None:
        if tranches.is_post_subsidy(clause.title, clause.quote):
            schedule = tranches.schedule(tranches.POST_SUBSIDY)
    return tranches.amounts(cmd.amount, schedule) if schedule else None


def same_award_schedule(uow: UnitOfWork, grant: Grant, clause: Clause, cmd: Any) -> bool:
    """A repeated award carries the same schedule as the first (an award before projects: none)."""
    project = uow.find(PROJECT, grant.ref)
    if project is None:
        return cmd.tranches is None
    return project.tranches == schedule_of(clause, cmd)


def open_at_award(uow: UnitOfWork, grant: Grant, planned: list[dict] | None, actor: str, on: str) -> None:
    if planned is None:
        return
    from ..project import Project

    award = grant.award
    uow.add(
        Project(
            ref=grant.ref,
            unit=grant.unit,
            clause=grant.clause,
            fund=award["fund"],
            year=award["year"],
            awarded=grant.awarded,
            tranches=planned,
            actor=actor,
            on=on,
        )
    )


def check_payment(uow: UnitOfWork, grant: Grant, amount: int, on: str) -> None:
    if grant.status != "awarded":  # not awarded, or cancelled (撤销批复): the grant itself refuses it
        return
    project = uow.find(PROJECT, grant.ref)
    if project is not None:
        project.check_payment(grant.disbursed + sum(grant.pending.values()), amount, on)


def spent_in(grant: Grant, category: str) -> int:
    return sum(
        v["amount"]
        for v in grant.vouchers.values()
        if v["kind"] == "expenditure" and v["status"] == POSTED and v.get("category") == category
    )


def check_spending(uow: UnitOfWork, grant: Grant, category: str, amount: int) -> None:
    if grant.status != "awarded":
        return
    project = uow.find(PROJECT, grant.ref)
    if project is not None:
        project.check_spending(category, spent_in(grant, category), amount)


def check_reversal(uow: UnitOfWork, grant: Grant) -> None:
    project = uow.find(PROJECT, grant.ref)
    if project is not None:
        project.check_open("冲正")
