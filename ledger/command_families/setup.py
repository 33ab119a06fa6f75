"""Setting up: the ledger, funds and their budgets and scopes, units."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Init(Command):
    name = "init"


@dataclass(frozen=True)
class FundCreate(Command):
    name = "fund create"
    fund: str = arg("key")
    fund_name: str = arg("text", flag="name")
    threshold: int | None = arg("amount", required=False, flag="approval-threshold")
    date: str | None = arg("date", required=False)
    window: int | None = arg("days", required=False, flag="approval-window")
    city: str | None = arg("city", required=False)
    clauses: tuple[str, ...] | None = arg("clauses", required=False)


@dataclass(frozen=True)
class FundScope(Command):
    """A fund's scope (ledger/scope.py), for a fund created without one: its city, and optionally its clauses."""

    name = "fund scope"
    fund: str = arg("key")
    city: str = arg("city")
    doc: str = arg("key")
    clauses: tuple[str, ...] | None = arg("clauses", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class FundAppropriate(Command):
    name = "fund appropriate"
    fund: str = arg("key")
    year: int = arg("year")
    amount: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class UnitRegister(Command):
    name = "unit register"
    code: str = arg("unit")
    unit_name: str = arg("text", flag="name")
    type: str = arg("unit_type")
    region: str | None = arg("region", required=False)
    region_doc: str | None = arg("key", required=False, flag="region-doc")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class UnitRename(Command):
    name = "unit rename"
    code: str = arg("unit")
    unit_name: str = arg("text", flag="name")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)
