"""A project's life after the award (issue 24): 任务书, milestones, amendments, closeout."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Contract(Command):
    """任务书: the project's term (执行期) and its budget by category, recorded after the award."""

    name = "contract"
    ref: str = arg("key")
    doc: str = arg("key")
    end: str | None = arg("any_date", required=False, flag="end-date")
    budget: tuple[tuple[str, int], ...] | None = arg("budget", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Milestone(Command):
    name = "milestone"
    ref: str = arg("key")
    kind: str = arg("milestone")
    result: str = arg("result")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Extend(Command):
    name = "extend"
    ref: str = arg("key")
    to: str = arg("any_date")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class AdjustBudget(Command):
    name = "adjust-budget"
    ref: str = arg("key")
    source: str = arg("category", flag="from")
    target: str = arg("category", flag="to")
    amount: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class CloseProject(Command):
    name = "close-project"
    ref: str = arg("key")
    result: str = arg("result")
    doc: str = arg("key")
    voucher: str | None = arg("key", required=False)
    retain_doc: str | None = arg("key", required=False, flag="retain-doc")
    date: str | None = arg("date", required=False)
