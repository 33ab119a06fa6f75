"""The figures the web view takes from the ledger's second-edition parts: one small function per figure.

Carried forward and seals come from the year's end (``projections.reports.carryover``, the seal events),
signatures from the signed ranges the store keeps (``event_signatures``), what waits for approval from the
journal. A figure that does not exist yet (nothing records a ``verify`` run) is ``None`` and shows "—".
"""

from __future__ import annotations

from sqlalchemy import Connection, select, text

from projections import log_reads, reports
from projections import schema as s
from projections.report_rows import shanghai


def carried_forward(conn: Connection, fund: str, year: int) -> int | None:
    """结转 of a fund-year in 分: what its close carried into the next year (None while the year is open)."""
    for row in reports.carryover(conn, year, None):
        if row["fund"] == fund and row["closed"]:
            return row["carried_forward"]
    return None


def last_seal(conn: Connection) -> dict | None:
    """The last seal of the log: {"period": the position it seals, "sealed_at" (Beijing time), "by": who signed
    it, "hash": the head hash it vouches for} — the time and the person read from the seal event itself."""
    import json
    import uuid

    from .source import EVENTS_TABLE

    o = s.origins.c
    found = conn.execute(select(o.key, o.originator_id).where(o.kind == "seal")).all()
    if not found:
        return None
    key, originator = max(found, key=lambda row: int(row[0]))
    position = int(key)
    table = EVENTS_TABLE[conn.dialect.name]
    seal_id = uuid.UUID(bytes=bytes(originator))  # stored as 32 hex digits by SQLite, as a uuid by PostgreSQL
    state = conn.execute(
        text(f"SELECT state FROM {table} WHERE originator_id = :o ORDER BY originator_version DESC"),
        {"o": seal_id.hex if conn.dialect.name == "sqlite" else seal_id},
    ).scalar()
    data = json.loads(bytes(state)) if state is not None else {}
    moment = (data.get("timestamp") or {}).get("_data_")
    head = conn.execute(text("SELECT hash FROM event_hashes WHERE notification_id = :p"), {"p": position}).scalar()
    return {
        "period": f"日志位置 {position}",
        "sealed_at": shanghai(moment)[:19].replace("T", " ") if moment else "—",
        "by": data.get("actor") or "—",
        "hash": bytes(head).hex() if head else "—",
    }


def last_verify(conn: Connection) -> dict | None:
    """The last recorded ``verify`` run (``projections.verify_runs``): {"at" in Beijing time, "actor", "events",
    "ok", "head", "signed"}; None when no run is recorded."""
    from projections import verify_runs

    run = verify_runs.last(conn)
    if run is None:
        return None
    return dict(run, at=shanghai(run["verified_at"])[:19].replace("T", " "))


def signature_counts(conn: Connection) -> dict | None:
    """Signed events by signer (name and key fingerprint), and the unsigned history before signatures began."""
    from ledger.keys import fingerprint

    if not log_reads.has_signatures(conn):
        return None
    rows = conn.execute(
        text("SELECT actor, key, SUM(last_seq - first_seq + 1) FROM event_signatures GROUP BY actor, key")
    ).all()
    if not rows:
        return None
    counts = {f"{actor} ({fingerprint(key)})": int(n) for actor, key, n in rows}
    first = conn.execute(text("SELECT MIN(first_seq) FROM event_signatures")).scalar()
    if first and first > 1:
        counts["未签名的早期历史"] = first - 1
    return counts


def event_signers(conn: Connection, seqs: list[int]) -> dict[int, str]:
    """Who signed each event, by seq: the signer's name and key fingerprint."""
    return {seq: f"{actor} ({fingerprint})" for seq, (actor, fingerprint) in log_reads.signers(conn, seqs).items()}


def pending_vouchers(conn: Connection) -> list[dict]:
    """Vouchers waiting for a second person's approval, oldest first: ``report pending``, the CLI's own rows."""
    return [
        dict(row, year=row["fiscal_year"], since=row["date"], actor=row["maker"])
        for row in reports.pending(conn, None, None)
    ]
