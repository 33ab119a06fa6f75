"""Payments, each keyed by its voucher: disburse, approve, void, spend, recover, reverse."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Disburse(Command):
    name = "disburse"
    ref: str = arg("key")
    amount: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Approve(Command):
    name = "approve"
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Void(Command):
    name = "void"
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Spend(Command):
    name = "spend"
    ref: str = arg("key")
    amount: int = arg("amount")
    category: str = arg("category")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Recover(Command):
    name = "recover"
    ref: str = arg("key")
    amount: int = arg("amount")
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reverse(Command):
    name = "reverse"
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)
