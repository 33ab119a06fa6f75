"""One SQLite ledger file shared by an office's accounts, and a copy read in a folder nobody may write.

SQLite makes ``FILE-wal`` and ``FILE-shm`` beside the database with the
database's mode masked by the process's umask, owned by whoever touched the
file first. So a file made group-writable (``init --group NAME``: the file and
its folder get the group, the folder setgid so new files inherit it) is only
shared if every process clears the group bits from its umask before SQLite
creates those files: ``match_umask`` does that when the database file is
group-writable, and ``adopt`` gives a ``-wal``/``-shm`` of ours the
database's group and mode.

A copy in a read-only folder (a CD, a read-only mount, an auditor's folder)
cannot get a ``-shm``: ``immutable_uri`` opens it with ``immutable=1`` (no
locks, no ``-wal`` looked for), which is exact when nobody can write there.

``culprit`` names the file or folder that is really read-only for a
"read-only" error, instead of blaming the database file.
"""

from __future__ import annotations

import grp
import os
import stat
from urllib.parse import quote

SIDE_FILES = ("-wal", "-shm", "-journal")


def folder_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path)) or "/"


def read_only_folder(path: str) -> bool:
    """The database exists and its folder cannot be written (so no ``-wal``/``-shm`` can be made there)."""
    if not os.path.isfile(path):
        return False
    folder = folder_of(path)
    if not os.access(folder, os.W_OK):
        return True
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:  # pragma: no cover - statvfs is always there on Linux
        return False


def immutable_uri(path: str) -> str:
    """An SQLite URI that reads ``path`` without any lock or side file (for a folder nobody can write)."""
    wal = path + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        return f"file:{quote(os.path.abspath(path))}?mode=ro"  # un-checkpointed pages: immutable would skip them
    return f"file:{quote(os.path.abspath(path))}?immutable=1"


def match_umask(path: str) -> int | None:
    """When ``path`` is group-writable, clear the group bits of the umask (so ``-wal``/``-shm`` are too); the old
    umask, or ``None`` if nothing changed."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if not mode & stat.S_IWGRP:
        return None
    old = os.umask(0o022)
    os.umask(old & ~0o070)
    return old if old & 0o070 else None


def adopt(path: str) -> None:
    """Give the side files this account made the database's group and group bits (best effort)."""
    try:
        db = os.stat(path)
    except OSError:
        return
    if not db.st_mode & stat.S_IWGRP:
        return
    for suffix in SIDE_FILES:
        side = path + suffix
        try:
            st = os.stat(side)
            if st.st_uid != os.geteuid():
                continue
            if st.st_gid != db.st_gid:
                os.chown(side, -1, db.st_gid)
            wanted = stat.S_IMODE(st.st_mode) | (stat.S_IMODE(db.st_mode) & 0o060)
            if wanted != stat.S_IMODE(st.st_mode):
                os.chmod(side, wanted)
        except OSError:
            continue


def share_with_group(path: str, group: str) -> str:
    """``init --group``: the file, its side files and its folder belong to ``group``, group-writable, the folder
    setgid. Returns the folder. Raises ``KeyError`` (no such group) or ``OSError`` (not allowed)."""
    gid = grp.getgrnam(group).gr_gid
    folder = folder_of(path)
    os.chown(folder, -1, gid)
    os.chmod(folder, stat.S_IMODE(os.stat(folder).st_mode) | stat.S_ISGID | 0o070)
    for name in (path, *(path + s for s in SIDE_FILES)):
        if os.path.exists(name):
            os.chown(name, -1, gid)
            os.chmod(name, stat.S_IMODE(os.stat(name).st_mode) | 0o060)
    return folder


def culprit(path: str) -> str | None:
    """Which of the folder, the database and its side files this account may not write (its words), else ``None``."""
    folder = folder_of(path)
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return f"文件夹 {folder} 所在的文件系统以只读方式挂载"
    except OSError:
        return None
    for name in (path, *(path + s for s in SIDE_FILES)):
        if os.path.exists(name) and not os.access(name, os.W_OK):
            return f"文件 {name} ({_owner(name)}) 本账号不可写"
    if not os.access(folder, os.W_OK):
        return f"文件夹 {folder} ({_owner(folder)}) 本账号不可写 (SQLite 要在其中创建 -wal/-shm 文件)"
    return None


def _owner(name: str) -> str:
    import pwd

    st = os.stat(name)
    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"属主 {user}, 组 {group}, 权限 {stat.filemode(st.st_mode)}"
