"""A page of events folded into table changes, written in one go.

Projections do not update rows one event at a time: each event adds to
running totals (``add``), sets descriptive columns (``put``) or appends
rows (``append``) in memory, and ``flush`` writes the page with one
``INSERT … ON CONFLICT DO UPDATE`` per table (totals added, descriptions
kept unless replaced). The page and its tracking position commit together.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from .tables import COLUMNS as TABLE_COLUMNS

if TYPE_CHECKING:  # a SQLAlchemy connection, or a ``sqlite3`` one (the catch-up after a command on a SQLite file)
    from sqlalchemy import Connection


@dataclass(frozen=True)
class Spec:
    table: str
    keys: tuple[str, ...]
    totals: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()


SPECS = {
    s.table: s
    for s in (
        Spec("origins", ("originator_id",), (), ("kind", "key", "unit", "clause", "fund", "year")),
        Spec(
            "awards",
            ("application",),
            ("asked", "awarded", "disbursed", "pending", "spent", "recovered"),
            (
                "unit",
                "clause",
                "status",
                "applied_on",
                "grade",
                "fund",
                "fiscal_year",
                "mode",
                "doc",
                "exception_doc",
                "awarded_on",
                "cap_group",
                "submitted_seq",
            ),
        ),
        Spec("funds", ("fund", "year"), ("appropriated", "committed", "disbursed", "returned", "carried_forward")),
        Spec("fund_names", ("fund",), (), ("name", "threshold")),
        Spec(
            "units",
            ("unit",),
            ("applications", "awarded", "disbursed", "spent", "recovered"),
            ("name", "type", "registered_on", "registered_seq"),
        ),
        Spec("caps", ("unit", "cap_group", "year"), ("used", "awards"), ("cap",)),
        Spec("clause_totals", ("clause", "year"), ("count", "awarded", "disbursed")),
        Spec(
            "equity",
            ("application",),
            ("invested", "cost", "stake", "converted", "exited_stake", "proceeds", "gain", "written_off"),
            ("unit",),
        ),
        Spec("balances", ("account",), ("debit", "credit")),
        Spec("fund_balances", ("account", "fund", "year"), ("debit", "credit")),
        Spec("held_acts", ("key",), (), tuple(c for c in TABLE_COLUMNS["held_acts"] if c != "key")),
        Spec(
            "projects",
            ("application",),
            ("released", "balance", "recovered", "retained"),
            tuple(
                c
                for c in TABLE_COLUMNS["projects"]
                if c not in ("application", "released", "balance", "recovered", "retained")
            ),
        ),
    )
}
# An appended row is a tuple in its table's column order (``append`` builds one from keywords).
COLUMNS = {name: TABLE_COLUMNS[name] for name in ("journal", "event_keys")}


@dataclass
class Event:
    """One decoded event as the projections see it."""

    seq: int
    name: str  # "Grant.Disbursed"
    data: dict[str, Any]
    originator_id: bytes
    recorded_at: str
    origin: dict[str, Any]

    @property
    def on(self) -> str | None:
        return self.data.get("on")

    @property
    def actor(self) -> str | None:
        return self.data.get("actor")


class Origins:
    """Which aggregate is which: a bounded cache over the ``origins`` table.

    Nothing is evicted while a page is being folded (an origin loaded for a page must still be there when
    its event comes); ``trim`` brings the cache back to its bound between pages.
    """

    def __init__(self, limit: int = 10_000):  # bounded, so a replay's memory does not grow with the log
        self.cache: OrderedDict[bytes, dict] = OrderedDict()
        self.limit = limit
        # Origins remembered in pages not yet committed (by a writer thread, ``Projector.fill``), with the number
        # of the page: kept in the cache until their page is written, since the table does not have them yet.
        self.unwritten: dict[bytes, int] = {}
        self.page_number = 0

    def load(self, conn: Connection, ids: Iterable[bytes]) -> None:
        missing = []
        for originator_id in set(ids):
            if originator_id in self.cache:
                self.cache.move_to_end(originator_id)
            else:
                missing.append(originator_id)
        if not missing:
            return
        if isinstance(conn, sqlite3.Connection):  # the catch-up after a command on a SQLite file (no SQLAlchemy)
            columns = TABLE_COLUMNS["origins"]
            for start in range(0, len(missing), 500):
                chunk = missing[start : start + 500]
                sql = f"SELECT {', '.join(columns)} FROM origins WHERE originator_id IN ({', '.join('?' * len(chunk))})"
                for row in conn.execute(sql, chunk):
                    self.remember(row[0], dict(zip(columns, row, strict=True)), loaded=True)
            return
        from sqlalchemy import select

        from . import schema

        table = schema.origins
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            for row in conn.execute(select(table).where(table.c.originator_id.in_(chunk))):
                self.remember(row.originator_id, dict(row._mapping), loaded=True)

    def get(self, originator_id: bytes) -> dict:
        return self.cache.get(originator_id, {})

    def remember(self, originator_id: bytes, origin: dict, loaded: bool = False) -> None:
        self.cache[originator_id] = origin
        self.cache.move_to_end(originator_id)
        if not loaded:
            self.unwritten[originator_id] = self.page_number

    def written(self, page_number: int | None = None) -> None:
        """Pages up to ``page_number`` (every page, when None) are committed: their origins may be evicted."""
        if page_number is None:
            self.unwritten.clear()
        elif self.unwritten:
            self.unwritten = {k: v for k, v in self.unwritten.items() if v > page_number}

    def trim(self) -> None:
        if len(self.cache) <= self.limit:
            return
        # least recently used first; unwritten origins stay, so looking past as many of them is enough
        for originator_id in list(islice(self.cache, len(self.cache) - self.limit + len(self.unwritten))):
            if len(self.cache) <= self.limit:
                break
            if originator_id not in self.unwritten:
                del self.cache[originator_id]

    def clear(self) -> None:
        self.cache.clear()
        self.unwritten.clear()


@dataclass
class Page:
    origins: Origins
    rows: dict[str, dict[tuple, dict]] = field(default_factory=dict)
    appended: dict[str, list[tuple]] = field(default_factory=dict)

    def add(self, table: str, key: tuple, /, **totals: int) -> None:
        row = self._row(table, key)
        for name, amount in totals.items():
            row[name] = row.get(name, 0) + amount

    def put(self, table: str, key: tuple, /, **descriptions: Any) -> None:
        self._row(table, key).update(descriptions)

    def append(self, table: str, **row: Any) -> None:
        self.appended.setdefault(table, []).append(_getter(COLUMNS[table])(row))

    def rows_of(self, table: str) -> list[tuple]:
        """The rows appended to ``table`` in this page, as tuples in column order: a fold may add to it."""
        rows = self.appended.get(table)
        if rows is None:
            rows = self.appended[table] = []
        return rows

    def _row(self, table: str, key: tuple) -> dict:
        rows = self.rows.setdefault(table, {})
        row = rows.get(key)
        if row is None:
            row = rows[key] = {}
        return row

    def flush(self, conn: Connection | sqlite3.Connection) -> None:
        if isinstance(conn, sqlite3.Connection):  # the catch-up after a command on a SQLite file
            for sql, params in self.statements("?"):
                conn.executemany(sql, params)
        else:
            for sql, params in self.statements(_placeholder(conn)):
                conn.exec_driver_sql(sql, params)
        self.rows.clear()
        self.appended.clear()

    def statements(self, placeholder: str = "?") -> list[tuple[str, list[tuple]]]:
        """The page as (SQL, rows) pairs for the driver's ``executemany``, in the order ``flush`` runs them."""
        out = [
            (_upsert_sql(SPECS[name], placeholder), _upsert_params(SPECS[name], rows))
            for name, rows in self.rows.items()
            if rows
        ]
        out += [(_insert_sql(name, COLUMNS[name], placeholder), rows) for name, rows in self.appended.items() if rows]
        return out


# The SQL is written out (the same on SQLite and PostgreSQL but for the placeholder) and handed to the
# driver's executemany: building each row through SQLAlchemy's compiler cost more than the rest of a page.


def _placeholder(conn: Connection) -> str:
    return "%s" if conn.dialect.name == "postgresql" else "?"


@cache
def _getter(columns: tuple[str, ...]) -> Callable[[dict], tuple]:
    return itemgetter(*columns)


@cache
def _insert_sql(table: str, columns: tuple[str, ...], placeholder: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join([placeholder] * len(columns))})'


@cache
def _upsert_sql(spec: Spec, placeholder: str) -> str:
    t = spec.table
    updates = [f'"{c}" = "{t}"."{c}" + excluded."{c}"' for c in spec.totals]
    updates += [f'"{c}" = COALESCE(excluded."{c}", "{t}"."{c}")' for c in spec.descriptions]
    keys = ", ".join(f'"{k}"' for k in spec.keys)
    return (
        f"{_insert_sql(t, spec.keys + spec.totals + spec.descriptions, placeholder)} "
        f"ON CONFLICT ({keys}) DO UPDATE SET {', '.join(updates)}"
    )


def _upsert_params(spec: Spec, rows: dict[tuple, dict]) -> list[tuple]:
    totals, descriptions = spec.totals, spec.descriptions
    return [(*key, *(row.get(c, 0) for c in totals), *(row.get(c) for c in descriptions)) for key, row in rows.items()]
