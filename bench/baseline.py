"""The baseline every figure is divided by: the eventsourcing library on its own, on the same machine, now.

It appends N events with one ``save()`` per aggregate (two events each, a
payload the size of a grantledger event) to the library's own SQLite
recorder, then reads them all back with ``select_notifications`` in pages of
1,000 and decodes each with the application's mapper. It also appends N
events to a second database with 1,000 aggregates per ``save()`` (the grouped
append): that one is CPU-bound and stable, where the one-save-per-aggregate
rate swings with the cost of a disk sync, so ingest is measured against it.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


class Payment(Aggregate):
    @event("Registered")
    def __init__(self, ref: str, unit: str, clause: str, amount: int, actor: str, on: str):
        self.ref, self.unit, self.clause, self.amount = ref, unit, clause, amount

    @event("Paid")
    def pay(self, voucher: str, amount: int, actor: str, on: str) -> None:
        self.amount -= amount


class Baseline(Application):
    name = "Baseline"


@dataclass
class Rates:
    events: int
    append_per_s: float
    read_per_s: float
    grouped_per_s: float = 0.0


GROUP = 1_000  # aggregates per save() in the grouped append


def _payment(n: int) -> Payment:
    payment = Payment(
        ref=f"QD-2025-{n:06d}",
        unit="91370212MA3C4PQR1A",
        clause="qd2024-01-common-tech",
        amount=3_000_000_00,
        actor="bench",
        on="2025-03-01",
    )
    payment.pay(voucher=f"PZ-{n:06d}", amount=1_000_000_00, actor="bench", on="2025-03-09")
    return payment


def grouped(events: int) -> float:
    """Events/s appending ``events`` events with ``GROUP`` aggregates (two events each) per ``save()``."""
    directory = tempfile.mkdtemp(prefix="grantledger-baseline-")
    path = os.path.join(directory, "grouped.db")
    app = Baseline({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path})
    try:
        started, written = time.perf_counter(), 0
        for first in range(0, events // 2, GROUP):
            payments = [_payment(n) for n in range(first, min(first + GROUP, events // 2))]
            app.save(*payments)
            written += 2 * len(payments)
        return written / (time.perf_counter() - started)
    finally:
        app.close()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        os.rmdir(directory)


def measure(events: int, env: dict[str, str] | None = None) -> Rates:
    directory = tempfile.mkdtemp(prefix="grantledger-baseline-")
    path = os.path.join(directory, "baseline.db")
    app = Baseline(env or {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": path})
    try:
        started = time.perf_counter()
        for n in range(events // 2):
            app.save(_payment(n))
        append = time.perf_counter() - started
        started, position, read = time.perf_counter(), 0, 0
        while True:
            page = app.recorder.select_notifications(position, 1000, inclusive_of_start=False)
            if not page:
                break
            for notification in page:
                app.mapper.to_domain_event(notification)
            read += len(page)
            position = page[-1].id
        decode = time.perf_counter() - started
    finally:
        app.close()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        os.rmdir(directory)
    return Rates(read, read / append, read / decode, grouped(events))
