"""When the store fails: a sentence a clerk can act on, and whether a failed commit was written after all.

A storage failure is ``STORAGE`` (exit 5), never ``CONFLICT`` (a lost race)
and never the driver's text: the message names the database (file path, or
PostgreSQL host, port and database; never a password, SQL or bound values),
what went wrong in plain words and what to do.

A commit that fails may still have been written (the disk filled up after
the last page reached it, the server committed and then the connection
dropped). ``written`` asks the store again, on a fresh connection, whether
the events the command would have appended are there, byte for byte:
``True`` (committed), ``False`` (not written) or ``None`` (the store could
not be asked). Events are keyed by aggregate id and version, and a repeat
of the same command is recognised by its natural key, so rerunning the
identical command after ``None`` is always safe.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import OUTCOME_UNKNOWN, STORAGE, LedgerError

if TYPE_CHECKING:
    from .eventstore import StoreURL

log = logging.getLogger("grantledger")

# (words in the driver's message, what went wrong, what to do)
_KINDS = [
    (("disk is full", "no space", "disk full", "database or disk is full"), "所在磁盘已满", "清理磁盘空间"),
    (("readonly", "read-only", "read only"), "只读, 无法写入", "检查文件、目录的写权限和挂载方式"),
    (
        ("permission denied for", "must be owner", "insufficient privilege"),
        "拒绝了本账号的操作 (数据库权限不足)",
        "管理员按 README 的 PostgreSQL 权限说明授权",
    ),
    (
        ("not a database", "file is encrypted", "malformed", "unsupported file format"),
        "不是 grantledger 数据库或已损坏",
        "检查 --db 指向的文件 (必要时从备份恢复)",
    ),
    (
        ("unable to open", "no such file", "permission denied", "is a directory", "cannot open"),
        "无法打开",
        "检查路径是否存在以及读写权限",
    ),
    (("disk i/o", "i/o error", "input/output"), "读写出错 (磁盘 I/O 错误)", "检查磁盘空间、挂载和硬件"),
    (
        ("lock timeout", "could not obtain lock", "locked", "busy"),
        "被其他进程长时间占用",
        "稍候",
    ),
    (
        (
            "connect",
            "server closed",
            "terminating connection",
            "could not receive",
            "could not send",
            "timeout",
            "timed out",
            "shutting down",
            "the database system is",
            "broken pipe",
            "ssl",
            "pool",
        ),
        "无法连接或连接中断",
        "检查 PostgreSQL 服务是否在运行、网络是否连通",
    ),
]


def where(store: StoreURL) -> str:
    """The database as a clerk or administrator would look for it; never the password."""
    s = store.settings
    if store.engine == "sqlite":
        return f"数据库文件 {store.sqlite_file}"
    return f"PostgreSQL 数据库 {s['POSTGRES_DBNAME']} ({s['POSTGRES_HOST']}:{s['POSTGRES_PORT']})"


def gist(exc: BaseException) -> str:
    """The driver's first line, without SQL or bound parameters, at most 120 characters."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    for marker in ("[SQL", "[parameters", "(Background on", "SQL:", "DETAIL"):
        text = text.split(marker, 1)[0]
    text = text.strip().rstrip(":").strip()
    return text[:120] + ("…" if len(text) > 120 else "")


def kind(exc: BaseException) -> tuple[str, str]:
    text = " ".join(str(e).lower() for e in _chain(exc))
    for words, what, todo in _KINDS:
        if any(w in text for w in words):
            return what, todo
    return "出错", "管理员检查数据库"


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen and len(seen) < 5:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def failure(store: StoreURL, exc: BaseException, *, written: bool | None = None) -> LedgerError:
    """``STORAGE``: what failed, where, and what to do. ``written=False``: the store confirmed nothing was written."""
    what, todo = kind(exc)
    if store.engine == "sqlite" and what.startswith(("只读", "无法打开")):
        from .sqlite_share import culprit

        really = culprit(store.sqlite_file)
        if really:  # name what is really read-only: a folder, a -wal or -shm of another account, or the file
            what, todo = f"无法写入: {really}", "请管理员按 README「多人共用一个 SQLite 文件」调整组和权限"
    head = f"存储故障: {where(store)} {what} ({gist(exc)})"
    if written is False:
        return LedgerError(STORAGE, f"{head}; 本命令未写入 (已重新查询数据库确认). 请{todo}后重新执行同一命令")
    return LedgerError(STORAGE, f"{head}; 请{todo}后重试")


def unknown(store: StoreURL, exc: BaseException) -> LedgerError:
    what, todo = kind(exc)
    return LedgerError(
        OUTCOME_UNKNOWN,
        f"提交时存储故障: {where(store)} {what} ({gist(exc)}), 无法确认本命令是否已写入. "
        f"请{todo}后原样重新执行同一命令 (同一凭证号/编号): 若已写入会被识别为重复, 不会重复记账; "
        f"切勿换用新的凭证号重录",
    )


COMMITTED_NOTE = "注意: 提交时数据库报告了故障 ({gist}), 但重新查询确认本命令已经写入; 请勿重录"


def written(app: Any, events: Sequence[Any]) -> bool | None:
    """Are these events (the ones a failed commit tried to append) in the store, exactly? Asked on a fresh connection.

    ``True`` all of them, ``False`` none, ``None`` the store could not be asked (or, impossibly for one
    transaction, only some were found).
    """
    if not events:
        return True
    try:
        probe = type(app)(app.store.url)
    except Exception:
        log.warning("could not reopen the store to settle a failed commit", exc_info=True)
        return None
    try:
        wanted: dict[Any, dict[int, Any]] = defaultdict(dict)
        for event in events:
            stored = app.mapper.to_stored_event(event)
            wanted[stored.originator_id][stored.originator_version] = stored
        settle = getattr(probe.recorder, "wait_for_writers", None)
        if settle is not None:
            settle()
        found = 0
        for originator_id, versions in wanted.items():
            rows = probe.recorder.select_events(originator_id, gt=min(versions) - 1, lte=max(versions))
            for row in rows:
                mine = versions.get(row.originator_version)
                if mine is not None and bytes(row.state) == bytes(mine.state) and row.topic == mine.topic:
                    found += 1
    except Exception:
        log.warning("could not ask the store whether a failed commit was written", exc_info=True)
        return None
    finally:
        try:
            probe.close()
        except Exception:
            log.debug("closing the probe failed", exc_info=True)
    total = sum(len(v) for v in wanted.values())
    if found == total:
        return True
    return False if found == 0 else None
