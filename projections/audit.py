"""What an auditor runs: verify the chain, the projections and the books; export the log.

``verify`` does four independent checks and names the first thing wrong:

1. the hash chain: every stored event's content and position against its hash;
2. the snapshots: each stored snapshot against the events it summarises;
3. the projections: a rebuild from position zero in a scratch database,
   compared row by row with the live read models;
4. the books: the trial balance sums to zero, and the journal agrees with it.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from eventsourcing.application import project_aggregate
from eventsourcing.domain import Snapshot
from sqlalchemy import Connection, Engine, create_engine, select

from ledger.chain import GENESIS, link
from ledger.eventstore import ChainedEvent
from ledger.money import format_human

from . import schema
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


def verify_chain(recorder: Any, report: Report, stop: int, progress: Progress | None = None) -> None:
    previous, count = GENESIS, 0
    orphans = recorder.select_orphan_hashes()
    for event in chain(recorder):
        if event.seq > stop:
            break
        expected = link(previous, event.seq, event.originator_id, event.originator_version, event.topic, event.state)
        if event.hash is None:
            report.findings.append(f"event seq {event.seq} ({event.topic}) has no hash: it was not written by the ledger")
            break
        if event.hash != expected:
            report.findings.append(
                f"event seq {event.seq} ({_short_topic(event.topic)} v{event.originator_version} of "
                f"{event.originator_id}) does not match its stored hash: the event, its position or an earlier "
                f"event was changed"
            )
            break
        previous, count = expected, count + 1
        if progress and count % CHUNK == 0:
            progress(count, stop)
    if orphans and not report.findings:
        report.findings.append(f"event seq {orphans[0]} is missing: its hash is stored but the event was deleted")
    report.events = count
    report.head = previous.hex()
    report.checks["hash chain"] = "ok" if not report.findings else "TAMPERED"


def _short_topic(topic: str) -> str:
    return topic.rpartition(":")[2]


def verify_snapshots(app: Any, report: Report) -> None:
    """Each stored snapshot must equal the aggregate rebuilt from its events up to the same version."""
    if app.snapshots is None:
        return
    recorder = app.snapshots.recorder
    checked = 0
    for originator_id in _snapshot_ids(recorder):
        for stored in recorder.select_events(originator_id):
            snapshot = app.mapper.to_domain_event(stored)
            events = app.events.get(originator_id, lte=stored.originator_version)
            rebuilt = project_aggregate(None, events)
            if rebuilt is None or Snapshot.take(rebuilt).state != snapshot.state:
                report.findings.append(
                    f"snapshot of {originator_id} at version {stored.originator_version} does not match its events"
                )
                report.checks["snapshots"] = "TAMPERED"
                return
            checked += 1
    report.checks["snapshots"] = f"ok ({checked})"


def _snapshot_ids(recorder: Any) -> list:
    table = recorder.events_table_name
    if hasattr(recorder.datastore, "schema"):  # PostgreSQL
        with recorder.datastore.transaction(commit=False) as curs:
            curs.execute(f'SELECT DISTINCT originator_id FROM "{recorder.datastore.schema}"."{table}"')
            return [r["originator_id"] for r in curs.fetchall()]
    with recorder.datastore.transaction(commit=False) as c:
        c.execute(f"SELECT DISTINCT originator_id FROM {table}")
        return [r[0] for r in c.fetchall()]


def scratch_engine(directory: str | None = None) -> tuple[Engine, str]:
    handle, path = tempfile.mkstemp(prefix="grantledger-verify-", suffix=".db", dir=directory)
    os.close(handle)
    engine = create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    return engine, path


def rebuild(app: Any, engine: Engine, stop: int, progress: Progress | None = None) -> None:
    read_model = ReadModel(engine, app.name)
    with engine.begin() as conn:
        read_model.ensure_tracking(conn)
    Projector(app, read_model).catch_up(progress, stop=stop)


def _rows(conn: Connection, table) -> Iterator[tuple]:
    order = [c for c in table.primary_key.columns]
    result = conn.execution_options(stream_results=True, yield_per=CHUNK).execute(select(table).order_by(*order))
    for row in result:
        yield tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)


def compare(live: Connection, scratch: Connection, report: Report) -> None:
    for table in (*schema.REBUILT, schema.tracking):
        keys = len(table.primary_key.columns)
        live_rows, scratch_rows = _rows(live, table), _rows(scratch, table)
        while True:
            a, b = next(live_rows, None), next(scratch_rows, None)
            if a is None and b is None:
                break
            if a != b:
                row = a if a is not None else b
                where = ", ".join(map(str, row[:keys])) if row is not None else "?"
                problem = (
                    "is missing from the live read model" if a is None
                    else "should not exist" if b is None or a[:keys] < b[:keys]
                    else "differs from a rebuild from the events"
                )
                report.findings.append(f"{table.name} row ({where}) {problem}: live {a} ≠ rebuilt {b}")
                report.checks["projections"] = "TAMPERED"
                return
    report.checks["projections"] = "ok"


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


def verify(app: Any, live: Engine, progress: Progress | None = None, scratch_dir: str | None = None) -> Report:
    report = Report()
    stop = ReadModel(live, app.name).max_tracking_id(app.name) or 0
    verify_chain(app.recorder, report, stop, progress)
    verify_snapshots(app, report)
    engine, path = scratch_engine(scratch_dir)
    try:
        rebuild(app, engine, stop, progress)
        with live.connect() as a, engine.connect() as b:
            compare(a, b, report)
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
