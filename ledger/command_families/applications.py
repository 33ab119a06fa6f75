"""Applications: apply, evaluate, award, reject."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Apply(Command):
    name = "apply"
    ref: str = arg("key")
    unit: str = arg("unit")
    clause: str = arg("key")
    amount: int = arg("amount")
    base: int | None = arg("amount", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Evaluate(Command):
    name = "evaluate"
    ref: str = arg("key")
    grade: str = arg("grade")
    score: str | None = arg("score", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Award(Command):
    name = "award"
    ref: str = arg("key")
    amount: int = arg("amount")
    fund: str = arg("key")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)
    mode: str = arg("mode", required=False, default="grant")
    equity_amount: int | None = arg("amount", required=False, flag="equity-amount")
    exception_doc: str | None = arg("key", required=False, flag="exception-doc")
    platform: str | None = arg("key", required=False)  # platform clauses: the platform (or 奖项) the award pays for
    tranches: tuple[tuple[int, str], ...] | None = arg("tranches", required=False)  # 分期拨付 (ledger.tranches)


@dataclass(frozen=True)
class Reject(Command):
    name = "reject"
    ref: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)
