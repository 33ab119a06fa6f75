"""Schema migrations of the read models (alembic), run by ``grantledger init``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect

import migrations


def config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.attributes["connection"] = connection
    return cfg


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def head() -> str:
    """The newest migration this code ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(migrations.__file__).parent)).get_current_head()


def check_current(engine: Engine) -> None:
    """Refuse to read models an older grantledger left behind: their tables lack what later migrations add."""
    from sqlalchemy.exc import ProgrammingError

    from ledger import errors

    try:
        now = current(engine)
    except ProgrammingError:  # a login without SELECT on alembic_version (a clerk's): the owner's init keeps it current
        return
    newest = head()
    if now is not None and now != newest:
        raise errors.not_found(
            f"账本的数据库版本 {now} 早于程序的 {newest}: 先运行 grantledger init 升级 (升级会从日志重建报表), 再运行"
        )


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the read models to ``revision``; returns (before, after)."""
    from alembic import command

    before = current(engine)
    with engine.begin() as conn:
        command.upgrade(config(conn), revision)
    return before, current(engine)
