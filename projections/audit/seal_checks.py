"""Check 4, the seals: every seal in the log, a checkpoint file and a witness directory's seal files, each
against the log and the rebuild."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Engine, select

from ledger.periods import Seal

from .. import schema, seals
from .report import Report


def recorded_seals(app: Any, live: Engine) -> list[dict]:
    """Every seal written to the log (found through the live origins, read from the events themselves)."""
    o = schema.origins.c
    with live.connect() as conn:
        positions = sorted(int(k) for k in conn.execute(select(o.key).where(o.kind == "seal")).scalars())
    found = []
    for p in positions:
        try:
            found.append(app.repository.get(Seal.create_id(p)).document())
        except AggregateNotFoundError:  # its event was deleted: the chain's check names the missing event
            continue
    return found


SEAL_LABELS = {"seals": "日志中的封存", "checkpoint": "封存文件", "witness": "留存目录中的封存文件"}


def check_seals(
    report: Report,
    found: dict[int, tuple],
    ends: tuple[int, int],
    wanted: list[dict],
    label: str,
    in_log: dict[int, tuple[int, dict, seals.Holders]] | None = None,
) -> None:
    """Each seal against the log: not beyond its end, the head and the state where it was sealed, and the
    signature by the key bound there to the person it names, who could seal (``seals.authority``).

    ``in_log`` holds each Seal event of the log (by its position): its seq, its data and who held which key and
    role at that event. A seal recorded in the log is judged there; a file, at its position (or, when it is the
    log's own seal to the byte, where that was written: a key rotated in between does not make it false)."""
    log_end, stop = ends
    in_log = in_log or {}
    for seal in wanted:
        position = seal["position"]
        name = f"{SEAL_LABELS[label]}{' ' + seal['file'] if seal.get('file') else ''} (第 {position} 条)"
        problem = None
        if position > log_end:
            problem = (
                f"日志比您持有的封存记录短: 日志到第 {log_end} 条, 封存在第 {position} 条。"
                "日志被截短, 或数据库被换成了较早的备份"
            )
        elif position > stop or position not in found:
            problem = f"读模型只到第 {stop} 条, 未能核对第 {position} 条的封存 (先运行 replay)"
        elif found[position][0] != seal["head"]:
            problem = (
                f"日志已不再经过封存的链头 {seal['head'][:16]}… (现在是 {found[position][0][:16]}…): "
                "它之前的事件被改写过"
            )
        elif found[position][1] != seal["state"]:
            problem = f"该处的余额已不再得到封存的余额哈希 {seal['state'][:16]}…: 余额被改动过"
        else:
            problem = _seal_authority(seal, found[position][2], in_log.get(position), label == "seals")
        if problem is None:
            continue
        report.findings.append(f"{name}: {problem}")
        report.checks[label] = "TAMPERED"
        return
    report.checks[label] = f"ok ({len(wanted)})"


def _seal_authority(seal: dict, at: seals.Holders | None, written: tuple | None, recorded: bool) -> str | None:
    if written is not None:
        seq, data, holders = written
        same = all(seal.get(k) == data.get(k) for k in ("head", "state", "signed_by", "key", "signature"))
        if recorded or same:
            if data.get("signed_by") != data.get("actor"):
                return f"第 {seq} 条封存事件由 {data.get('actor')} 写入, 却署名 {data.get('signed_by')}: 伪造的封存"
            return seals.authority(data, holders)
    return seals.authority(seal, at) if at is not None else None
