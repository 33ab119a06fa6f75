"""Re-charging an award to another fund (ledger/settlement.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class Recharge(Command):
    """调整资金来源 (ledger/settlement.py): commit the award against another fund, once a second person approves
    DOC."""

    name = "recharge"
    ref: str = arg("key")
    fund: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)
