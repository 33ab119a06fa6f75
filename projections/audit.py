"""What an auditor runs: verify the chain, the projections and the books; export the log.

``verify`` does four independent checks and names the first thing wrong:

1. the hash chain: every stored event's content and position against its hash;
2. the snapshots: each stored snapshot against the events it summarises;
3. the projections: a rebuild from position zero in a scratch database,
   compared row by row with the live read models;
4. the books: the trial balance sums to zero, and the journal agrees with it;
5. the seals: every seal recorded in the log (and a checkpoint file, when given)
   names a position the chain still passes through with the same head hash,
   and the rebuild's balances at that position still hash to the seal's state.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from sqlalchemy import Connection, Engine, create_engine, select
from sqlalchemy.schema import CreateTable

from ledger.chain import GENESIS, link
from ledger.eventstore import ChainedEvent
from ledger.money import format_human
from ledger.periods import Seal

from . import schema, seals
from .reports import total
from .runner import Progress, Projector, ReadModel

CHUNK = 5000


@dataclass
class Report:
    events: int = 0
    head: str = ""
    findings: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings


def chain(recorder: Any, after: int = 0) -> Iterator[ChainedEvent]:
    while True:
        rows = recorder.select_chain(after, CHUNK)
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


class ChainCheck:
    """Recomputes the hash chain page by page, as the scratch rebuild reads the events."""

    def __init__(self, report: Report, stop: int, progress: Progress | None):
        self.report, self.stop, self.progress = report, stop, progress
        self.previous, self.count, self.broken = GENESIS, 0, False

    def page(self, rows: list[tuple]) -> None:
        for seq, originator_id, topic, state, version, stored in rows:
            if self.broken:
                return
            expected = link(self.previous, seq, UUID(bytes=originator_id), version, topic, state)
            if stored is None:
                self._broken(f"event seq {seq} ({_short_topic(topic)}) has no hash: it was not written by the ledger")
            elif stored != expected:
                self._broken(
                    f"event seq {seq} ({_short_topic(topic)} v{version} of {UUID(bytes=originator_id)}) does not "
                    f"match its stored hash: the event, its position or an earlier event was changed"
                )
            else:
                self.previous, self.count = expected, self.count + 1
        if self.progress and rows:
            self.progress(rows[-1][0], self.stop)

    def _broken(self, finding: str) -> None:
        self.report.findings.insert(0, finding)
        self.broken = True

    def finish(self, recorder: Any) -> None:
        orphans = recorder.select_orphan_hashes()
        if orphans and not self.broken:
            self._broken(f"event seq {orphans[0]} is missing: its hash is stored but the event was deleted")
        self.report.events, self.report.head = self.count, self.previous.hex()
        self.report.checks["hash chain"] = "TAMPERED" if self.broken else "ok"


def _short_topic(topic: str) -> str:
    return topic.rpartition(":")[2]


def verify_snapshots(app: Any, report: Report) -> None:
    """Each stored snapshot must equal the aggregate folded from its events up to the same version."""
    if app.snapshots is None:
        return
    recorder = app.snapshots.recorder
    checked = 0
    for originator_id in _snapshot_ids(recorder):
        snapshots = {s.originator_version: s for s in recorder.select_events(originator_id)}
        aggregate = None
        for domain_event in app.events.get(originator_id, lte=max(snapshots)):
            aggregate = domain_event.mutate(aggregate)
            stored = snapshots.get(domain_event.originator_version)
            if stored is None:
                continue
            if Snapshot.take(aggregate).state != app.mapper.to_domain_event(stored).state:
                report.findings.append(
                    f"snapshot of {originator_id} at version {stored.originator_version} does not match its events"
                )
                report.checks["snapshots"] = "TAMPERED"
                return
            checked += 1
        if checked < len(snapshots):  # a snapshot beyond the aggregate's last event
            report.findings.append(f"a snapshot of {originator_id} has no events behind it")
            report.checks["snapshots"] = "TAMPERED"
            return
    report.checks["snapshots"] = f"ok ({checked})"


def _snapshot_ids(recorder: Any) -> list:
    table = recorder.events_table_name
    if hasattr(recorder.datastore, "schema"):  # PostgreSQL
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(f'SELECT DISTINCT originator_id FROM "{recorder.datastore.schema}"."{table}"')
            return [r["originator_id"] for r in curs.fetchall()]
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(f"SELECT DISTINCT originator_id FROM {table}")
        return [UUID(r[0]) for r in c.fetchall()]


def scratch_engine(directory: str | None = None) -> tuple[Engine, str]:
    """A throw-away SQLite file with the read-model tables but none of their secondary indexes (not needed to
    compare, and a sixth of the rebuild's time)."""
    handle, path = tempfile.mkstemp(prefix="grantledger-verify-", suffix=".db", dir=directory)
    os.close(handle)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        for table in schema.metadata.sorted_tables:
            conn.execute(CreateTable(table))
    return engine, path


def rebuild(
    app: Any, engine: Engine, stop: int, check: ChainCheck | None = None, marks: tuple[int, ...] = ()
) -> dict[int, tuple[str, str]]:
    """Rebuild up to ``stop``, pausing at each marked position to note (head hash, state hash) there."""
    read_model = ReadModel(engine, app.name)
    with engine.begin() as conn:
        read_model.ensure_tracking(conn)
    projector, page = Projector(app, read_model), check.page if check else None
    noted = {}
    for mark in sorted(m for m in set(marks) if m <= stop):
        projector.catch_up(stop=mark, check=page)
        with engine.connect() as conn:
            noted[mark] = (check.previous.hex() if check else "", seals.balances_state(conn))
    projector.catch_up(stop=stop, check=page)
    return noted


def recorded_seals(app: Any, live: Engine) -> list[dict]:
    """Every seal written to the log (found through the live origins, read from the events themselves)."""
    o = schema.origins.c
    with live.connect() as conn:
        positions = sorted(int(k) for k in conn.execute(select(o.key).where(o.kind == "seal")).scalars())
    return [app.repository.get(Seal.create_id(p)).document() for p in positions]


def check_seals(report: Report, found: dict[int, tuple[str, str]], stop: int, wanted: list[dict], label: str) -> None:
    for seal in wanted:
        position = seal["position"]
        if position > stop:
            report.findings.append(
                f"{label} at position {position} is beyond the log ({stop} events): events were lost"
            )
        elif found[position][0] != seal["head"]:
            report.findings.append(
                f"{label} at position {position}: the log no longer passes through head {seal['head'][:16]}… "
                f"(now {found[position][0][:16]}…): events before it were rewritten"
            )
        elif found[position][1] != seal["state"]:
            report.findings.append(
                f"{label} at position {position}: the balances there no longer hash to state {seal['state'][:16]}…"
            )
        else:
            continue
        report.checks[label] = "TAMPERED"
        return
    report.checks[label] = f"ok ({len(wanted)})"


def _rows(conn: Connection, table) -> Iterator[tuple]:
    """Every row in primary-key order, straight from the driver, a chunk at a time."""
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY {order}')
        while chunk := cursor.fetchmany(CHUNK):
            yield from map(tuple, chunk)
    finally:
        cursor.close()


def compare(live: Connection, scratch: Connection, report: Report, scratch_path: str | None = None) -> None:
    for table in (*schema.REBUILT, schema.tracking):
        keys = len(table.primary_key.columns)
        if scratch_path and live.dialect.name == "sqlite" and not _differs_in_sqlite(live, table, scratch_path):
            continue  # SQLite compared both tables in C (EXCEPT both ways) and found them equal
        live_rows, scratch_rows = _rows(live, table), _rows(scratch, table)
        while True:
            a, b = next(live_rows, None), next(scratch_rows, None)
            if a is None and b is None:
                break
            if a != b:
                row = a if a is not None else b
                where = ", ".join(map(str, row[:keys])) if row is not None else "?"
                problem = (
                    "is missing from the live read model"
                    if a is None
                    else "should not exist"
                    if b is None or a[:keys] < b[:keys]
                    else "differs from a rebuild from the events"
                )
                report.findings.append(f"{table.name} row ({where}) {problem}: live {a} ≠ rebuilt {b}")
                report.checks["projections"] = "TAMPERED"
                return
    report.checks["projections"] = "ok"


def _differs_in_sqlite(live: Connection, table, scratch_path: str) -> bool:
    """Whether the live table and its rebuild differ, asked of SQLite itself with the scratch file attached."""
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    name = table.name
    cursor = live.connection.driver_connection.cursor()
    try:
        cursor.execute("ATTACH DATABASE ? AS scratch", (scratch_path,))
        try:
            cursor.execute(
                f'SELECT 1 FROM (SELECT {columns} FROM main."{name}" EXCEPT SELECT {columns} FROM scratch."{name}") '
                f'UNION ALL SELECT 1 FROM (SELECT {columns} FROM scratch."{name}" EXCEPT '
                f'SELECT {columns} FROM main."{name}") LIMIT 1'
            )
            return cursor.fetchone() is not None
        finally:
            cursor.execute("DETACH DATABASE scratch")
    finally:
        cursor.close()


def check_books(conn: Connection, report: Report) -> None:
    b, j = schema.balances.c, schema.journal.c
    debit, credit = conn.execute(select(total(b.debit), total(b.credit))).one()
    if debit != credit:
        report.findings.append(
            f"trial balance does not sum to zero: debits {format_human(debit)}, credits {format_human(credit)}"
        )
        report.checks["trial balance"] = "TAMPERED"
        return
    journal = dict(conn.execute(select(j.account, total(j.debit) - total(j.credit)).group_by(j.account)).all())
    for account, d, c in conn.execute(select(b.account, b.debit, b.credit)):
        if journal.get(account, 0) != d - c:
            report.findings.append(f"balance of {account} ({format_human(d - c)}) does not match its journal lines")
            report.checks["trial balance"] = "TAMPERED"
            return
    report.checks["trial balance"] = f"ok (debits = credits = {format_human(debit)})"


def verify(
    app: Any,
    live: Engine,
    progress: Progress | None = None,
    scratch_dir: str | None = None,
    checkpoint: dict | None = None,
) -> Report:
    report = Report()
    stop = ReadModel(live, app.name).max_tracking_id(app.name) or 0
    engine, path = scratch_engine(scratch_dir)
    try:
        check = ChainCheck(report, stop, progress)
        written = recorded_seals(app, live)
        wanted = [*written, *([checkpoint] if checkpoint else [])]
        found = rebuild(app, engine, stop, check, tuple(s["position"] for s in wanted))
        check.finish(app.recorder)
        if written:
            check_seals(report, found, stop, written, "seals")
        if checkpoint:
            check_seals(report, found, stop, [checkpoint], "checkpoint")
        verify_snapshots(app, report)
        with live.connect() as a, engine.connect() as b:
            compare(a, b, report, path)
        with live.connect() as conn:
            check_books(conn, report)
    finally:
        engine.dispose()
        os.unlink(path)
    return report


# -- export -------------------------------------------------------------------------------


def export_events(app: Any, out: IO[str], describe: Callable[[ChainedEvent], dict]) -> int:
    """The whole log as JSON Lines: seq, type, effective date, recorded time, actor, data and hash."""
    count = 0
    for event in chain(app.recorder):
        record = describe(event)
        record["hash"] = event.hash.hex() if event.hash is not None else None
        out.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        count += 1
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
