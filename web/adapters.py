"""The figures the web view takes from the ledger's second-edition parts: one small function per figure.

Carried forward and seals come from the year's end (``projections.reports.carryover``, the seal events),
signatures from the signed ranges the store keeps (``event_signatures``), what waits for approval from the
journal. A figure that does not exist yet (nothing records a ``verify`` run) is ``None`` and shows "—".
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select, text

from projections import reports
from projections import schema as s


def carried_forward(conn: Connection, fund: str, year: int) -> int | None:
    """结转 of a fund-year in 分: what its close carried into the next year (None while the year is open)."""
    for row in reports.carryover(conn, year, None):
        if row["fund"] == fund and row["closed"]:
            return row["carried_forward"]
    return None


def last_seal(conn: Connection) -> dict | None:
    """The last seal of the log: {"period": its position, "sealed_at", "hash": the head hash it vouches for}."""
    o, k = s.origins.c, s.event_keys.c
    keys = conn.execute(select(o.key).where(o.kind == "seal")).scalars().all()
    if not keys:
        return None
    position = max(int(key) for key in keys)
    sealed_at = conn.execute(
        select(func.max(k.recorded_at)).where(k.key == str(position), k.type.like("Seal.%"))
    ).scalar()
    head = conn.execute(text("SELECT hash FROM event_hashes WHERE notification_id = :p"), {"p": position}).scalar()
    return {"period": f"日志位置 {position}", "sealed_at": sealed_at or "", "hash": bytes(head).hex() if head else "—"}


def last_verify(conn: Connection) -> dict | None:
    """The last recorded ``verify`` run: {"at", "events", "ok", "head"}. Nothing records one yet: None."""
    return None


def signature_counts(conn: Connection) -> dict | None:
    """Signed events by signer (name and key fingerprint), and the unsigned history before signatures began."""
    from ledger.keys import fingerprint

    if not reports.has_signatures(conn):
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
    return {seq: f"{actor} ({fingerprint})" for seq, (actor, fingerprint) in reports.signers(conn, seqs).items()}


def pending_vouchers(conn: Connection) -> list[dict]:
    """Vouchers waiting for a second person's approval, oldest first: ``report pending``, the CLI's own rows."""
    return [
        dict(row, year=row["fiscal_year"], since=row["date"], actor=row["maker"])
        for row in reports.pending(conn, None, None)
    ]
