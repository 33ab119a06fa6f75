"""Reads of what the log keeps beside the read models: the position a moment stands at (``--known-at`` given
as a time), and who signed which events (the signed ranges of ``event_signatures``)."""

from __future__ import annotations

from sqlalchemy import Connection, func, inspect, select, text

from . import schema as s


def position_at(conn: Connection, timestamp: str) -> int:
    """The last log position recorded at or before ``timestamp`` (ISO 8601 in UTC, as events store it)."""
    return conn.execute(position_at_query(timestamp)).scalar_one()


def position_at_query(timestamp: str):
    k = s.event_keys.c
    return select(func.coalesce(func.max(k.seq), 0).label("seq")).where(k.recorded_at <= timestamp)


def has_signatures(conn: Connection) -> bool:
    """Whether the store keeps signed ranges (every ledger since the second edition's keys)."""
    return "event_signatures" in inspect(conn).get_table_names()


def signers(conn: Connection, seqs: list[int]) -> dict[int, tuple[str, str]]:
    """Who signed each event, by seq: (actor, key fingerprint) of the signed range that holds it."""
    from ledger.keys import fingerprint

    if not seqs or not has_signatures(conn):
        return {}
    ranges = conn.execute(
        text("SELECT first_seq, last_seq, actor, key FROM event_signatures WHERE last_seq >= :lo AND first_seq <= :hi"),
        {"lo": min(seqs), "hi": max(seqs)},
    ).all()
    found = {}
    for seq in seqs:
        for first, last, actor, key in ranges:
            if first <= seq <= last:
                found[seq] = (actor, fingerprint(key))
                break
    return found
