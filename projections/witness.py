"""The office's own copies of its seals, kept outside the database: a witness directory.

A log cut back to an earlier seal, or a database restored from an older copy, is consistent with itself:
its chain, signatures and balances all verify. Only someone who kept a later seal can tell. ``seal --witness
DIR`` (and ``close``, which seals) writes each seal also as a file in DIR — ``seal-<position>-<UTC time>.json``,
the seal's public fields only (position, head, state, algorithm, signer, public key, signature; never a private
key) — and ``verify --witness DIR`` checks the log against every seal file there (``projections.audit``).
The directory belongs somewhere the database's owner cannot rewrite: another machine, a write-once share,
the auditor's own disk.
"""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from ledger import errors

# What a seal file holds: the seal's own document (``ledger.periods.Seal.document``), nothing else.
FIELDS = ("position", "head", "state", "algorithm", "signed_by", "key", "signature", "snapshot")
ENV = "GRANTLEDGER_WITNESS"


def ready(directory: str) -> Path:
    """The witness directory, created if need be, and writable: checked before sealing, so a seal is never
    recorded that the office then cannot keep."""
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".grantledger-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise errors.invalid(f"--witness {directory}: 留存目录无法写入 ({why(exc)})") from None
    return path


# Why a file could not be written, in words a clerk reads (the system's own text is English).
REASONS = {
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "是目录",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "只读文件系统",
    errno.ENOENT: "路径不存在",
    errno.EEXIST: "已存在同名的文件",
}


def why(exc: OSError) -> str:
    return REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}")


def document(seal: dict) -> dict:
    """The seal's public fields (``snapshot`` only when it has one: a seal from before issue 26 has none)."""
    return {k: seal.get(k) for k in FIELDS if k != "snapshot" or seal.get(k)}


def write(directory: str, seal: dict, now: datetime | None = None) -> Path:
    """Write ``seal`` into the witness directory as a new file (never over another); the path written, or the
    file already holding this very seal (sealing the same position again changes nothing)."""
    path = ready(directory)
    content = json.dumps(document(seal), ensure_ascii=False, indent=2) + "\n"
    for existing in sorted(path.glob(f"seal-{seal['position']:09d}-*.json")):
        try:
            if json.loads(existing.read_text(encoding="utf-8")) == document(seal):
                return existing
        except (OSError, ValueError):
            continue
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    target = path / f"seal-{seal['position']:09d}-{stamp}.json"
    try:
        with open(target, "x", encoding="utf-8") as handle:  # exclusive: a kept seal is never overwritten
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise errors.invalid(
            f"封存已记录在日志第 {seal['position']} 条, 但无法写入留存目录 {directory} ({why(exc)})"
        ) from None
    return target


def read(directory: str, parse) -> list[dict]:
    """Every seal file (``*.json``) in the witness directory, oldest position first, each as ``parse`` (the CLI's
    seal-file reader) gives it, with its file name; INVALID_INPUT when the directory is not there."""
    path = Path(directory)
    if not path.is_dir():
        raise errors.invalid(f"--witness {directory}: 留存目录不存在")
    found = [dict(parse(str(f)), file=f.name) for f in sorted(path.glob("*.json"))]
    return sorted(found, key=lambda s: (s["position"], s["file"]))
