"""``python -m bench.sizing``: what one city's ledger costs on disk and in time, for planning a province.

For each size it generates the bench's synthetic programme (bench/generate.py), ingests it with
``grantledger batch`` on SQLite and, with ``--pg``, on PostgreSQL, and prints per engine:

- the bytes on disk per event: the whole database (SQLite: the file after a checkpoint; PostgreSQL:
  ``pg_database_size`` less an empty ledger's), and how it splits between the event log and the read models;
- the seconds of a full ``verify`` (a new process) and its rate, the figure an auditor plans a check around;
- the same per award (the programme's unit of work), so a city's yearly awards give its yearly growth.

The README's "Scaling out" sizing table is this command's output on this machine.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path

from bench.__main__ import child, event_count
from bench.generate import write

# The log and what proves it (chain hashes, signatures, who wrote it, snapshots); everything else is a read model.
LOG_TABLES = (
    "grantledger_events",  # PostgreSQL
    "stored_events",  # SQLite
    "event_hashes",
    "event_signatures",
    "event_logins",
    "grantledger_snapshots",
    "stored_snapshots",
    "snapshot_signatures",
)


def _awards(batch: Path) -> int:
    with batch.open(encoding="utf-8") as lines:
        return sum(1 for line in lines if json.loads(line).get("cmd") == "award")


def sqlite_bytes(path: Path) -> dict:
    """The file's size after a full checkpoint, and the log's share (dbstat, where SQLite has it)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        try:
            rows = conn.execute(
                "SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY 1"
            ).fetchall()
        except sqlite3.OperationalError:  # SQLite built without dbstat
            rows = []
    total = path.stat().st_size
    log = sum(size for table, size in rows if table in LOG_TABLES)
    return {"total": total, "log": log or None}


def pg_bytes(url: str) -> dict:
    import psycopg

    from ledger.pgconnect import conninfo

    with psycopg.connect(conninfo(url)) as conn:
        total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        log = conn.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = current_schema() AND c.relname = ANY(%s)",
            (list(LOG_TABLES),),
        ).fetchone()[0]
    return {"total": int(total), "log": int(log)}


def measure(url: str, batch: Path, workdir: Path, sizer) -> dict:
    child(["--db", url, "--actor", "bench", "init"], workdir)
    empty = sizer()["total"]
    run = child(["--db", url, "--actor", "bench", "batch", str(batch)], workdir)
    events = event_count(url)
    size = sizer()
    check = child(["--db", url, "--actor", "bench", "verify"], workdir)
    return {
        "events": events,
        "ingest_s": run["seconds"],
        "bytes": size["total"] - empty,
        "log_bytes": size["log"],
        "verify_s": check["seconds"],
        "verify_rss_mb": check["rss_mb"],
    }


def show(engine: str, figures: dict, awards: int) -> None:
    per_event = figures["bytes"] / figures["events"]
    log = figures["log_bytes"]
    share = f", the log {log / figures['events']:,.0f} B of it" if log else ""
    print(
        f"{engine}: {figures['events']:,} events ({awards:,} awards) take {figures['bytes'] / 2**20:,.1f} MiB = "
        f"{per_event:,.0f} B an event{share}, {figures['bytes'] / awards / 1024:,.1f} KiB an award; "
        f"a full verify {figures['verify_s']:.1f} s ({figures['events'] / figures['verify_s']:,.0f} events/s, "
        f"peak RSS {figures['verify_rss_mb']:.0f} MB); ingest {figures['ingest_s']:.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sizing", description=__doc__)
    parser.add_argument("--events", type=int, nargs="+", default=[100_000])
    parser.add_argument("--pg", default="none", metavar="URL|auto|none")
    parser.add_argument("--out", default=None, help="also write the figures as JSON here")
    args = parser.parse_args()
    cluster = None
    pg_url = None if args.pg == "none" else args.pg
    if args.pg == "auto":
        from tests.pgserver import start_cluster

        cluster = start_cluster()
        pg_url = cluster.admin_url
    workdir = Path(tempfile.mkdtemp(prefix="grantledger-sizing-"))
    results = []
    try:
        for n in args.events:
            batch = workdir / f"programme-{n}.jsonl"
            write(str(batch), n)
            awards = _awards(batch)
            print(f"\n== {n:,} events asked", flush=True)
            path = workdir / f"ledger-{n}.db"
            row: dict = {"events_asked": n, "awards": awards}
            row["sqlite"] = measure(f"sqlite:///{path}", batch, workdir, functools.partial(sqlite_bytes, path))
            show("SQLite", row["sqlite"], awards)
            if pg_url:
                from tests.pgserver import create_database, drop_database

                name = f"sizing_{n}"
                try:
                    url = create_database(pg_url, name)
                    row["postgresql"] = measure(url, batch, workdir, functools.partial(pg_bytes, url))
                    show("PostgreSQL", row["postgresql"], awards)
                finally:
                    drop_database(pg_url, name)
            results.append(row)
    finally:
        if cluster:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
