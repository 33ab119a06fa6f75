"""What the re-decision remembers while it folds the log: people, funds, periods, awards and the catalogue.

Everything here is learnt from the events themselves, in order. Whatever grows with the size of the programme
(units, applications) lives in a ``Spilled`` map (the most recently used in memory, the rest in a private
temporary SQLite file), so the fold's memory stays flat however long the log is; what grows with the number of
people, funds and fiscal years stays in plain dictionaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger import clauses

from ..invariants import Spilled


@dataclass
class Person:
    name: str
    roles: set[str] = field(default_factory=set)
    key: str | None = None  # the key bound now
    keys: set[str] = field(default_factory=set)  # every key ever bound
    revoked: dict[str, int] = field(default_factory=dict)  # role → seq of its revocation


def new_grant() -> dict[str, Any]:
    return {
        "ref": "?",
        "unit": None,
        "unit_type": None,
        "clause": None,
        "asked": 0,
        "base": None,
        "applied_on": None,
        "status": "none",
        "grade": None,
        "evaluated_on": None,
        "award": None,  # {amount, fund, mode, on, equity_amount, exception_doc}
        "vouchers": {},  # number → {kind, amount, on, status, maker, approved}
        "flows": [],  # [effective date, change of the money the unit holds]
    }


def new_usage() -> dict[str, Any]:
    return {
        "year": {},  # "cap group|year" → used
        "once": {},  # record → [REF]
        "marks": {},  # clause id → [[REF, year]] (once a year / per cycle)
        "life": {},  # record, or "record|platform", or a member clause's own id → used
    }


@dataclass
class State:
    catalogue: clauses.Catalogue
    people: dict[str, Person] = field(default_factory=dict)
    actor_ids: dict[bytes, str] = field(default_factory=dict)  # Actor aggregate → name
    claims: dict[str, str] = field(default_factory=dict)  # key fingerprint → holder
    installed: bool = False
    bootstrap: str | None = None  # the initialiser, inside the initialising command
    approving: str | None = None  # the approver of a held exit/write-off, inside the approving command
    # findings that an approval later in the same command may answer (its money back may be logged first)
    deferred: list[str] = field(default_factory=list)
    funds: dict[str, dict] = field(default_factory=dict)  # code → {threshold, window}
    fund_ids: dict[bytes, str] = field(default_factory=dict)
    fund_years: dict[bytes, tuple[str, int]] = field(default_factory=dict)
    budgets: dict[tuple[str, int], dict] = field(default_factory=dict)  # (fund, year) → appropriated, returned, …
    periods: dict[bytes, tuple[str, int]] = field(default_factory=dict)
    closed: dict[tuple[str, int], str] = field(default_factory=dict)  # (fund, year) → the close's document
    proposals: dict[tuple[str, int], str] = field(default_factory=dict)  # (fund, year) → who proposed reopening
    units: Spilled = field(default_factory=lambda: Spilled(lambda: {"type": None}, 5_000))
    grants: Spilled = field(default_factory=lambda: Spilled(new_grant, 5_000))
    projects: Spilled = field(default_factory=lambda: Spilled(lambda: {"ref": None}, 5_000))  # Project → REF
    # what a unit's awards have used of its limits, re-derived from the awards (``caps``): unit code → usage
    usage: Spilled = field(default_factory=lambda: Spilled(new_usage, 5_000))
    kept: set[str] = field(default_factory=set)  # kinds of limit the log keeps by now ("year", "once", "mark", "life")
    # inside one signed range (a command, or a batch group): the awards it wrote (REF → amount), the releases
    # its approved corrections justify ("REF DOC" → amount), and the limit events to match against them
    range_awards: dict[str, int] = field(default_factory=dict)
    range_releases: dict[str, int] = field(default_factory=dict)
    range_limits: list[tuple] = field(default_factory=list)
    range_money: dict[str, int] = field(default_factory=dict)  # voucher → money back (追回, exit; "冲正 V")

    def person(self, name: str) -> Person:
        if name not in self.people:
            self.people[name] = Person(name)
        return self.people[name]

    def budget(self, fund: str, year: int) -> dict:
        return self.budgets.setdefault((fund, year), {"appropriated": 0, "returned": 0, "committed": 0})
