"""Corrections of an award or an application, in force when a second person approves their document."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class CancelAward(Command):
    """撤销批复 (ledger/corrections.py): proposed here, in force when a second person approves DOC."""

    name = "cancel-award"
    ref: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class ReduceAward(Command):
    """调减: the award's new, lower amount."""

    name = "reduce-award"
    ref: str = arg("key")
    amount: int = arg("amount")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Correct(Command):
    """更正申报 before the award: the amount asked, or the clause."""

    name = "correct"
    ref: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    amount: int | None = arg("amount", required=False)
    clause: str | None = arg("key", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reevaluate(Command):
    """复评: a corrected grade (and score) before the award."""

    name = "reevaluate"
    ref: str = arg("key")
    grade: str = arg("grade")
    doc: str = arg("key")
    reason: str = arg("text")
    score: str | None = arg("score", required=False)
    date: str | None = arg("date", required=False)
