"""Check 1, the hash chain: every stored event's content and position against its hash, recomputed page by
page as the scratch rebuild reads the events; the folds that read each event beside it (signatures,
invariants, rules) are handed it here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.chain import GENESIS, link

from .. import finding_words as words
from .. import redecide
from ..invariants import InvariantCheck
from ..redecide import Redecide
from ..runner import Progress
from .report import Report, _short_topic

if TYPE_CHECKING:
    from .signatures import SignatureCheck


class ChainCheck:
    """Recomputes the hash chain page by page, as the scratch rebuild reads the events."""

    def __init__(
        self,
        report: Report,
        stop: int,
        progress: Progress | None,
        signatures: SignatureCheck | None = None,
        rules: Redecide | None = None,
    ):
        self.report, self.stop, self.progress = report, stop, progress
        self.previous, self.count, self.broken = GENESIS, 0, False
        self.signatures = signatures
        self.invariants = InvariantCheck()
        self.rules = rules
        self.resumed_at = 0  # verify --since-seal: the sealed position the chain was taken up from

    def page(self, rows: list[tuple]) -> None:
        for seq, originator_id, topic, state, version, stored in rows:
            if self.broken:
                return
            if not isinstance(state, bytes):  # e.g. rewritten as TEXT behind the ledger's back
                self._broken(
                    f"{words.event_of(seq, _short_topic(topic), version, UUID(bytes=originator_id))} 在数据库中被改写: "
                    f"存储的内容成了{words.kind(state)}, 不是账本写入的字节"
                )
                return
            expected = link(self.previous, seq, UUID(bytes=originator_id), version, topic, state)
            if stored is None:
                self._broken(f"{words.event(seq, _short_topic(topic))} 没有哈希: 它不是账本写入的")
            elif stored != expected:
                self._broken(
                    f"{words.event_of(seq, _short_topic(topic), version, UUID(bytes=originator_id))} 与存储的哈希不符: "
                    "这条事件、它在日志中的位置或它之前的某条事件被改动过"
                )
            else:
                self.previous, self.count = expected, self.count + 1
                if self.signatures is not None:
                    self.signatures.event(seq, topic, state, expected, originator_id)
                name = _short_topic(topic)
                data = self.rules.event(seq, name, state, originator_id) if self.rules is not None else None
                if self.invariants.finding is None and self._invariants(seq, name, state, originator_id, data):
                    self.report.findings.append(self.invariants.finding)
        if self.progress and rows:
            self.progress(rows[-1][0], self.stop)

    def _invariants(self, seq: int, name: str, state: bytes, originator: bytes, data: Any) -> str | None:
        try:
            return self.invariants.event(seq, name, state, originator, data if isinstance(data, dict) else None)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # a malformed event: the rules' fold names it

    def _broken(self, finding: str) -> None:
        self.report.findings.insert(0, finding)
        self.broken = True

    def finish(self, recorder: Any) -> None:
        orphans = recorder.select_orphan_hashes(self.resumed_at) if self.resumed_at else recorder.select_orphan_hashes()
        if orphans and not self.broken:
            self._broken(f"第 {orphans[0]} 条事件不见了: 它的哈希还在, 事件却被删除了")
        self.report.events, self.report.head = self.count, self.previous.hex()
        self.report.checks["hash chain"] = "TAMPERED" if self.broken else "ok"
        if self.signatures is not None and not self.broken:
            self.signatures.finish()
        if not self.broken:
            self.report.checks["invariants"] = "TAMPERED" if self.invariants.finding else "ok (1–3 folded from events)"
        if self.rules is not None and not self.broken:
            self.report.checks[redecide.CHECK] = self.rules.line()  # its findings go last (``verify``)
