"""Check 7, the database: the append-only triggers are in place, and (PostgreSQL) every event records the
login that wrote it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, inspect, text

from .report import Report


def check_database(conn: Connection, app: Any, report: Report) -> None:
    """The append-only triggers are in place (and enabled); on PostgreSQL every event since the upgrade
    carries the database login that wrote it."""
    tables = [app.recorder.events_table_name, "event_hashes", "event_signatures", "snapshot_signatures"]
    if app.snapshots is not None:
        tables.append(app.snapshots.recorder.events_table_name)
    existing = set(inspect(conn).get_table_names())
    tables = [t for t in tables if t in existing]
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
        ).all()
        present = {name for _, name in rows}
        wanted = [f"{t}_append_only" for t in tables]
        if "event_logins" in existing:  # since migration 0013
            wanted += ["event_logins_append_only", f"{app.recorder.events_table_name}_db_login"]
    else:
        present = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        wanted = [f"{t}_no_{a}" for t in tables for a in ("update", "delete")]
    missing = [name for name in wanted if name not in present]
    if missing:
        report.findings.append(
            f"只追加保护已失效: 触发器 {', '.join(missing)} 缺失或被停用; "
            "有人以数据库所有者的权限改动了数据库 (运行 init 恢复触发器, 然后调查)"
        )
        report.checks["triggers"] = "TAMPERED"
    else:
        report.checks["triggers"] = "ok"
    if conn.dialect.name == "postgresql" and "event_logins" in existing:
        table = app.recorder.events_table_name
        first = conn.execute(text("SELECT min(notification_id) FROM event_logins")).scalar()
        hole = (
            conn.execute(
                text(
                    f'SELECT min(e.notification_id) FROM "{table}" e LEFT JOIN event_logins l '
                    "ON l.notification_id = e.notification_id "
                    "WHERE e.notification_id > :f AND l.notification_id IS NULL"
                ),
                {"f": first},
            ).scalar()
            if first is not None
            else None
        )
        if hole is not None:
            report.findings.append(
                f"第 {hole} 条事件没有记录数据库登录, 而自第 {first} 条起每条事件都有: 它是在登录触发器被停用时写入的"
            )
            report.checks["database logins"] = "TAMPERED"
        else:
            report.checks["database logins"] = f"ok (recorded since seq {first})" if first else "none recorded yet"
