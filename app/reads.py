"""The read side's one front door: each read the command line makes, fast path when it safely can, else the full
path through ``app.facade.Ledger``.

The rule lives here once: ask ``projections.fastread`` (``sqlite3`` or psycopg, no SQLAlchemy or eventsourcing
imported; ``None`` when it cannot answer safely); when it answered from a ``--read-db`` standby, say how far behind
the standby is, or, if the standby could not be asked, take the full path, which says why; otherwise open the
full path and ask the facade. Every import is deferred, so a read as a new process loads no more than the fast
path needs. The command line passes its settings and its way of opening the facade (``cli.context.open_ledger``:
with ``read`` and ``--read-db``, the replica and its lag note), as this room may not import ``cli/``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.facade import Ledger


LISTED = {"funds": "fund list", "units": "unit list"}  # the facade's listing name -> the fast path's


@dataclass(frozen=True)
class Door:
    """Who reads, from where, and how the full path is opened and how a note reaches stderr."""

    db: str | None  # --db
    read_db: str | None  # --read-db: a PostgreSQL standby for report and history
    actor: str
    open_full: Callable[..., AbstractContextManager[Ledger]]  # (read=False) -> the facade, closed on exit
    say: Callable[[str], None]  # a line on stderr

    @property
    def read_url(self) -> str | None:
        """Where report and history go: --read-db when given, else --db."""
        return self.read_db or self.db


def replica_note(door: Door) -> bool:
    """After the fast path answered from ``read_url``: with --read-db, the note the full path gives on stderr (how
    far behind the standby is). ``False`` when the standby could not be asked: then take the full path, which says
    why."""
    if not door.read_db:
        return True
    from projections import fastread

    note = fastread.replica_note(door.read_db, door.db)
    if note is None:
        return False
    if note:
        door.say(note)
    return True


def _answer(door: Door, fast: Callable[[], Any], full: Callable[[Ledger], Any], replica: bool = False) -> Any:
    """The rule, once: the fast path's answer when it has one (``None``: it cannot answer safely), with the
    standby's note when it came from --read-db (``replica``: report and history); else the facade's."""
    found = fast()
    if found is not None and replica and not replica_note(door):
        found = None
    if found is not None:
        return found
    with door.open_full(read=replica) as ledger:
        return full(ledger)


def report(
    door: Door,
    name: str,
    year: int | None,
    day: str | None,
    filters: dict[str, str | None],
    known: int | str | None,
    since: str | None,
    side: str = "journal",
    chart: str | None = None,
) -> list[dict]:
    """``report NAME`` (not xlsx): the fast path serves the journal side without a chart."""
    from projections import fastread

    def fast() -> list[dict] | None:
        if side != "journal" or chart:
            return None
        return fastread.report(door.read_url, door.actor, name, year, day, filters, known, since)

    return _answer(
        door,
        fast,
        lambda ledger: ledger.report(
            name, door.actor, year, day, filters, side=side, chart=chart, known_at=known, since=since
        ),
        replica=True,
    )


def listing(door: Door, name: str) -> list[dict]:
    """``fund list`` or ``unit list`` (``name``: ``funds`` or ``units``), from --db."""
    from projections import fastread

    return _answer(
        door,
        lambda: fastread.listing(door.db, door.actor, LISTED[name]),
        lambda ledger: ledger.listing(name, door.actor),
    )


def unit(door: Door, code: str) -> dict[str, Any]:
    """``unit show CODE``, from --db; no such unit on the fast path: the full path refuses it."""
    from projections import fastread

    def fast() -> dict[str, Any] | None:
        found = fastread.listing(door.db, door.actor, "unit show", code)
        return found[0] if found else None

    return _answer(door, fast, lambda ledger: ledger.unit(code, door.actor))


def history(door: Door, key: str) -> list[dict]:
    """``history KEY``: every event about it, oldest first, from ``read_url``."""
    from projections import fastread

    return _answer(
        door,
        lambda: fastread.listing(door.read_url, door.actor, "history", key),
        lambda ledger: ledger.history(key, door.actor),
        replica=True,
    )


def people(door: Door) -> list[dict]:
    """``role list``: every person, their roles and key, from --db."""
    from projections import fastread

    return _answer(door, lambda: fastread.people(door.db, door.actor), lambda ledger: ledger.roles(door.actor))


def catalogue(door: Door) -> Any:
    """``policy list`` and ``policy show``: the shipped clauses plus the documents loaded into the ledger at --db
    (only the shipped ones when there is no ledger there, or it is not initialised)."""
    from projections import policy_catalogue

    light = policy_catalogue.catalogue(door.db)  # sqlite3 or psycopg alone, or no ledger at all (issue 26)
    if light is not None:
        return light
    from ledger import clauses, errors
    from ledger.eventstore import parse_url

    store = parse_url(door.db)
    if store.engine == "sqlite" and not os.path.exists(store.sqlite_file):
        return clauses.default()
    try:
        with door.open_full() as ledger:
            return ledger.catalogue()
    except errors.LedgerError as error:
        if error.code == errors.NOT_FOUND:  # a ledger not initialised: nothing loaded
            return clauses.default()
        raise
