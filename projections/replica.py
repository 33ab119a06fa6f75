"""A read replica (a PostgreSQL streaming standby): how far behind the primary it is, in words for the output.

The standby replays the primary's WAL, read models included, so its reports are the primary's as of the last
replayed transaction. ``lag`` asks the standby for its replay point (``pg_last_wal_replay_lsn``,
``pg_last_xact_replay_timestamp``) and the log position it holds, and the primary (when ``--db`` names one
that answers) for its WAL position and log position: the note says "caught up" only when the replica holds
every event the primary does and has replayed all the WAL the primary has written. ``lag`` asks through
SQLAlchemy engines (the full path); ``projections.fastread.replica_note`` asks the same questions with psycopg
alone (the fast read path), and both make their ``Lag`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EVENTS = "grantledger_events"
# What the standby is asked (in recovery? replayed up to which WAL position and commit time?), what each side holds,
# and how much of the primary's WAL the standby has not replayed ({lsn}: the driver's placeholder).
REPLAY = (
    "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
    "to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', "
    "EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
)
HELD = f"SELECT COALESCE(MAX(notification_id), 0) FROM {EVENTS}"
WAL_BEHIND = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), CAST({lsn} AS pg_lsn))"


@dataclass
class Lag:
    standby: bool
    events_here: int
    events_primary: int | None
    wal_bytes: int | None  # the primary's WAL not yet replayed here
    replayed_at: str | None  # the commit time of the last transaction replayed
    seconds: float | None  # now − replayed_at, on the standby's clock

    @property
    def caught_up(self) -> bool:
        return self.events_primary is not None and self.events_here >= self.events_primary

    def note(self) -> str:
        if not self.standby:
            return "注意: --read-db 指向的数据库不是备库 (未处于恢复状态); 数据就是它自己的"
        if self.events_primary is None:
            since = f", 最后回放的事务提交于 {self.replayed_at} ({self.seconds:.0f} 秒前)" if self.replayed_at else ""
            return f"数据来自只读副本, 无法询问主库落后多少{since}"
        if self.caught_up:
            return f"数据来自只读副本, 已追上主库 (事件 {self.events_here} 条, 与主库相同)"
        behind = self.events_primary - self.events_here
        parts = [
            f"数据来自只读副本, 落后主库 {behind} 个事件 (副本 {self.events_here} 条, 主库 {self.events_primary} 条)"
        ]
        if self.wal_bytes:
            parts.append(f"WAL 相差 {self.wal_bytes} 字节")
        if self.replayed_at:
            parts.append(f"最后回放的事务提交于 {self.replayed_at} ({self.seconds:.0f} 秒前)")
        else:
            parts.append("副本启动以来尚未回放过主库的事务")
        return "; ".join(parts) + "; 需要最新数据请直接查询主库 (去掉 --read-db)"


def lag(replica_engine: Any, primary_engine: Any | None) -> Lag:
    from sqlalchemy import text

    with replica_engine.connect() as conn:
        row = conn.execute(text(REPLAY)).one()
        here = conn.execute(text(HELD)).scalar_one()

    def primary(lsn: str | None) -> tuple[int, int | None]:
        with primary_engine.connect() as conn:
            events = conn.execute(text(HELD)).scalar_one()
            if not lsn:
                return events, None
            return events, int(conn.execute(text(WAL_BEHIND.format(lsn=":lsn")), {"lsn": lsn}).scalar_one())

    return measured(tuple(row), here, primary if primary_engine is not None else None)


def measured(row: tuple, here: int, primary: Callable[[str | None], tuple[int, int | None]] | None) -> Lag:
    """The lag from the standby's answers (``REPLAY``'s row, ``HELD``) and the primary's (its events, and the WAL
    not yet replayed, asked with the standby's replay position), if it answers."""
    standby, replayed_lsn, replayed_at, seconds = row
    events_primary = wal_bytes = None
    if primary is not None:
        try:
            events_primary, wal_bytes = primary(replayed_lsn)
        except Exception:  # the primary is down or unreachable: say so, the replica's answer stands
            events_primary = wal_bytes = None
    return Lag(
        bool(standby),
        int(here),
        int(events_primary) if events_primary is not None else None,
        max(int(wal_bytes), 0) if wal_bytes is not None else None,
        replayed_at,
        float(seconds) if seconds is not None else None,
    )
