"""Periods: close, reopen, seal."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Close(Command):
    name = "close"
    year: int = arg("year")
    fund: str = arg("key")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reopen(Command):
    name = "reopen"
    year: int = arg("year")
    fund: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Seal(Command):
    """Record a checkpoint the read side computed: position, head hash and state hash (see ledger.periods).

    Not a batch command: only ``Ledger.seal`` builds it, from the chain and the projections it just read."""

    name = "seal"
    position: int = arg("position")
    head: str = arg("key")
    state: str = arg("key")
    snapshot: str | None = arg("key", required=False)  # sha256 of verify's fold states there (issue 26)
