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


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the read models to ``revision``; returns (before, after)."""
    from alembic import command

    before = current(engine)
    with engine.begin() as conn:
        command.upgrade(config(conn), revision)
    return before, current(engine)
