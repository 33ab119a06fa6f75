"""Equity: invest, convert, exit, write-off."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Invest(Command):
    name = "invest"
    ref: str = arg("key")
    amount: int = arg("amount")
    stake: int = arg("stake")
    valuation: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Convert(Command):
    name = "convert"
    ref: str = arg("key")
    stake: int = arg("stake")
    valuation: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Exit(Command):
    name = "exit"
    ref: str = arg("key")
    stake: int = arg("stake")
    proceeds: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class WriteOff(Command):
    name = "write-off"
    ref: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)
    doc: str | None = arg("key", required=False)  # the key a second person approves, when the write-off is held
