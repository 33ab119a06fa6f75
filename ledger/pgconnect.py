"""A PostgreSQL ``--db`` URL as libpq reads it, and a connection that fails says exactly why, at once.

Any URL libpq accepts is accepted: a Unix socket
(``postgresql+psycopg:///grantledger?host=/var/run/postgresql``), a login
with no password in the URL (libpq then reads ``~/.pgpass`` or
``PGPASSFILE``), a service (``?service=NAME`` or ``PGSERVICE``), and the
``PG*`` environment variables for whatever the URL leaves out.

Before the store's connection pool is opened, ``probe`` connects once
directly: a pool retries a refused login until its timeout and then reports
only "couldn't get a connection", while the server answers a wrong password,
a missing database or a missing CONNECT privilege in milliseconds. The
server's answer is then one of four refusals (``STORAGE``, exit 5), each with
its own words and advice; the password is never part of a message.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from .errors import STORAGE, LedgerError, invalid

SCHEMES = ("postgresql+psycopg", "postgresql", "postgres")

AUTH = "AUTH"
MISSING_DB = "MISSING_DB"
DENIED = "DENIED"
UNREACHABLE = "UNREACHABLE"

# (kind, words in libpq's message): the first kind whose words appear wins
_KINDS = [
    (MISSING_DB, ("does not exist",)),  # database "x" does not exist; also role "x" does not exist, sorted below
    (DENIED, ("permission denied for database", "connect privilege")),
    (
        AUTH,
        (
            "password authentication failed",
            "authentication failed",
            "no password supplied",
            "no pg_hba.conf entry",
            "pg_hba.conf rejects",
            "password is required",
        ),
    ),
    (
        UNREACHABLE,
        (
            "connection refused",
            "timeout expired",
            "timed out",
            "could not translate host",
            "failed to resolve host",
            "name or service not known",
            "no route to host",
            "network is unreachable",
            "no such file or directory",
            "could not connect",
            "is the server running",
            "the database system is starting up",
            "the database system is shutting down",
        ),
    ),
]


DEFAULT_TIMEOUT = 5  # seconds


def db_timeout() -> int:
    """``GRANTLEDGER_DB_TIMEOUT``: seconds to wait for PostgreSQL to answer a connection (default 5; a lock waits
    three times as long): an outage is reported in seconds, not minutes."""
    text = os.environ.get("GRANTLEDGER_DB_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 3600:
        raise invalid(f"GRANTLEDGER_DB_TIMEOUT={text[:20]!r}: 须是 1 到 3600 之间的整秒数")
    return int(text)


def conninfo(url: str) -> str:
    """The libpq URL of a ``postgresql+psycopg://`` URL (the same netloc, path and query)."""
    return "postgresql://" + url.split("://", 1)[1]


def parts(url: str) -> dict[str, str]:
    """What the URL (and the ``PG*`` variables behind it) names, for messages: host, port, dbname, user, service."""
    split = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(split.query).items()}
    service = query.get("service") or os.environ.get("PGSERVICE", "")
    host = query.get("host") or split.hostname or os.environ.get("PGHOST", "")
    port = query.get("port") or (str(split.port) if split.port else "") or os.environ.get("PGPORT", "") or "5432"
    return {
        "host": host,
        "port": port,
        "dbname": query.get("dbname") or unquote(split.path.strip("/")) or os.environ.get("PGDATABASE", ""),
        "user": query.get("user") or unquote(split.username or "") or os.environ.get("PGUSER", ""),
        "service": service,
    }


def where(p: dict[str, str]) -> str:
    """The database as an administrator would look for it; never the password."""
    if p["host"].startswith("/") or not p["host"]:
        place = f"本机 Unix 套接字 {p['host'] or '(默认目录)'}, 端口 {p['port']}"
    else:
        place = f"{p['host']}:{p['port']}"
    name = p["dbname"] or (f"服务 {p['service']} 所指的库" if p["service"] else "(默认库)")
    return f"PostgreSQL 数据库 {name} ({place})" + (f" [服务 {p['service']}]" if p["service"] and p["dbname"] else "")


def classify(message: str) -> str | None:
    text = message.lower()
    for kind, words in _KINDS:
        if any(w in text for w in words):
            if kind == MISSING_DB and "role " in text:
                return AUTH  # the login itself does not exist: a wrong user name, told like a wrong password
            return kind
    return None


def refusal(url: str, message: str) -> LedgerError | None:
    """The connection failure ``message`` (libpq's words) as a refusal a clerk and an administrator can act on."""
    kind = classify(message)
    if kind is None:
        return None
    p = parts(url)
    at = where(p)
    user = p["user"] or "(当前系统账号同名的登录)"
    if kind == AUTH:
        if "no password supplied" in message.lower():
            why = f"服务器要求用户 {user} 提供密码, 但没有找到密码"
        elif "no pg_hba.conf entry" in message.lower() or "rejects" in message.lower():
            why = f"服务器不允许用户 {user} 从本机登录 (pg_hba.conf 中没有允许的条目)"
        elif "role " in message.lower():
            why = f"服务器上没有登录名 {user}"
        else:
            why = f"用户 {user} 的密码不对"
        return LedgerError(
            STORAGE,
            f"无法登录 {at}: 认证失败, {why}. 请核对用户名, 并把密码写在 ~/.pgpass "
            f"(或 PGPASSFILE 指向的文件, 或 PGSERVICE 服务文件) 中该主机、端口、库、用户的一行, 文件权限 0600; "
            f"不要把密码写在 --db 或命令行里. 若密码无误, 请管理员检查 pg_hba.conf",
        )
    if kind == MISSING_DB:
        return LedgerError(
            STORAGE,
            f"{at} 不存在: 服务器在运行, 但没有这个库. 请核对 --db 中的库名 (区分大小写); "
            f"新建账本时由管理员先建库 (createdb {p['dbname'] or '库名'}), 再执行 grantledger init",
        )
    if kind == DENIED:
        return LedgerError(
            STORAGE,
            f"用户 {user} 无权连接 {at} (缺少 CONNECT 权限). 请管理员执行 "
            f'GRANT CONNECT ON DATABASE "{p["dbname"] or "库名"}" TO "{user}" (见 README 的 PostgreSQL 权限说明)',
        )
    return LedgerError(
        STORAGE,
        f"无法连接服务器: {at} 没有应答 ({_gist(message)}). 请检查 PostgreSQL 是否在运行、"
        f"主机名 (或套接字目录) 与端口是否正确、网络和防火墙是否放行",
    )


def _gist(message: str) -> str:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    text = lines[0] if lines else ""
    if "failed:" in text:
        text = text.rsplit("failed:", 1)[1].strip()
    return text[:120]


def probe(url: str, timeout: int) -> None:
    """Connect once, directly (no pool): the server's refusal, if any, as a ``STORAGE`` refusal, in milliseconds."""
    import psycopg

    try:
        psycopg.connect(conninfo(url), connect_timeout=timeout, autocommit=True).close()
    except psycopg.OperationalError as exc:
        found = refusal(url, str(exc))
        if found is None:
            raise
        raise found from None
