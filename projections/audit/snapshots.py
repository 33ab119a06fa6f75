"""Check 3, the snapshots: each stored snapshot against the events it summarises."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot

from .report import Report


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
                    f"对象 {originator_id} 第 {stored.originator_version} 个事件处的快照与它的事件不符"
                )
                report.checks["snapshots"] = "TAMPERED"
                return
            checked += 1
        if checked < len(snapshots):  # a snapshot beyond the aggregate's last event
            report.findings.append(f"对象 {originator_id} 的一个快照后面没有对应的事件")
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
