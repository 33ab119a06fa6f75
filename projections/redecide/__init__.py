"""Verify re-decides every event: a second, independent fold of the whole log with its own rules.

The hash chain and the signatures prove who wrote an event; this fold asks whether the ledger would have let
them. At each event it knows who signed it (the signed range the event lies in, read from the signatures
table) and what that person could do at that point: the roles and key they held, the fund's threshold and
approval window, the closed years, the catalogue as it stood (shipped + documents loaded so far). Each family
of events has its own module of rules (``actors``, ``applications``, ``caps``, ``payments``, ``spending``,
``periods``, ``projects``, ``corrections``), written again here rather than calling the command code, so a
fault in one is not hidden by the same fault in the other. At the end of each signed range (one command, or
one batch group) what waited for it is decided (``caps.end_of_range``). Only ledger's pure data is shared:
the clause catalogue, money words, dates, the vocabularies.

``RULES`` maps each event type to its rule; ``SIGNATURE_ONLY`` names the types with nothing to re-decide beyond
the signature (checked by ``audit.SignatureCheck``). An event of a type in neither, or missing a field, or
with a field of the wrong type, is a finding, never a traceback. A new event type must be placed in one of them
(``tests/unit/test_redecide_registry.py`` fails until it is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger import clauses

from .. import finding_words
from ..decoding import loads
from . import actors, applications, caps, corrections, payments, periods, projects, settlements, spending
from .act import Act
from .state import Person, State

Rule = Callable[[Act], None]
RULES: dict[str, Rule] = {
    **actors.RULES,
    **applications.RULES,
    **periods.RULES,
    **payments.RULES,
    **spending.RULES,
    **projects.RULES,
    **corrections.RULES,
    **caps.RULES,
    **settlements.RULES,
}
FIELDS: dict[str, dict[str, Any]] = {
    **actors.FIELDS,
    **applications.FIELDS,
    **periods.FIELDS,
    **payments.FIELDS,
    **spending.FIELDS,
    **projects.FIELDS,
    **corrections.FIELDS,
    **caps.FIELDS,
    **settlements.FIELDS,
}
SIGNATURE_ONLY = corrections.SIGNATURE_ONLY  # types with nothing beyond the signature to re-decide
SHOWN = 20  # findings listed one by one; the rest are counted
CHECK = "规则复核"  # the check's line in verify's report


def _wanted(name: str) -> tuple[tuple[str, tuple[type, ...]], ...]:
    """(field, accepted types) an event of type ``name`` must carry; every act names its actor."""
    wanted = dict(FIELDS.get(name, {}))
    if name not in SIGNATURE_ONLY:
        wanted.setdefault("actor", str)
    return tuple((f, k if isinstance(k, tuple) else (k,)) for f, k in wanted.items())


WANTED = {name: _wanted(name) for name in (*RULES, *SIGNATURE_ONLY)}


def shape_problem(name: str, data: Any) -> str | None:
    """What is wrong with an event's shape (None when its fields are all there, of the right types)."""
    if not isinstance(data, dict):
        return "事件内容不是一个字段表"
    for field, kinds in WANTED.get(name) or _wanted(name):
        value = data.get(field, data)  # ``data`` itself: the field is missing
        if value is data:
            return f"缺少字段 {field}"
        if not isinstance(value, kinds) or ((value is True or value is False) and bool not in kinds):
            return f"字段 {field} 的类型不对 ({type(value).__name__})"
    return None


def signatures(recorder: Any, after: int, limit: int = 5000) -> list[tuple]:
    """The signed ranges after position ``after``: (first, last, actor, key, signature), in order."""
    try:
        return recorder.select_signatures(after, limit)
    except Exception as exc:  # a first-edition ledger not yet upgraded has no signatures table
        text = str(exc).lower()
        if "no such table" in text or "does not exist" in text:
            return []
        raise


class Redecide:
    def __init__(self, recorder: Any, catalogue: clauses.Catalogue) -> None:
        self.recorder = recorder
        self.state = State(catalogue)
        self.findings: list[str] = []
        self.count = 0
        self.events = 0
        self.buffer: list[tuple] = []
        self.after = 0
        self.exhausted = False
        self.current: tuple | None = None

    def snapshot(self, sections: Any) -> dict:
        """What the re-decision has learnt, for a verify snapshot (``projections.resume``; its big maps go to
        ``sections``): the state but its catalogue (given as the loaded documents' ids, rebuilt from the log's
        register by ``from_snapshot``), the findings so far and the signed range being read."""
        from ..resume import encode, encode_fields

        self._flush()
        loaded = [d.id for d in self.state.catalogue.documents().values() if d.sha256 is not None]
        return {
            "state": encode_fields(self.state, sections, skip=("catalogue",)),
            "documents": sorted(loaded),
            "findings": list(self.findings),
            "count": self.count,
            "events": self.events,
            "current": encode(self.current),
        }

    @classmethod
    def from_snapshot(
        cls, recorder: Any, catalogue: clauses.Catalogue, fields: dict, sections: Any, position: int
    ) -> Redecide:
        """The re-decision as ``state`` left it at ``position``; ``catalogue``: the catalogue as it stood there."""
        from ..resume import decode, decode_fields

        rules = cls(recorder, catalogue)
        decode_fields(rules.state, fields["state"], sections, {"Person": Person})
        rules.findings, rules.count, rules.events = list(fields["findings"]), fields["count"], fields["events"]
        rules.current = decode(fields["current"])
        rules.after = max(position, rules.current[0] if rules.current else 0)
        return rules

    def _signer(self, seq: int) -> tuple[str, str, bool] | None:
        """(actor, key, first event of its range) for the signed range holding ``seq``; None when unsigned."""
        while self.current is None or self.current[1] < seq:
            if not self.buffer:
                if self.exhausted:
                    return None
                rows = signatures(self.recorder, self.after)
                if not rows:
                    self.exhausted = True
                    return None
                self.after = rows[-1][0]
                self.buffer = list(reversed(rows))
            self.current = self.buffer.pop()
        first, _, actor, public = self.current[:4]
        return (actor, public, first == seq) if first <= seq else None

    def event(self, seq: int, name: str, state: bytes, originator: bytes) -> Any:
        """Re-decide one event; returns its decoded JSON (None when it is not JSON) for the other folds."""
        self.events += 1
        try:
            data = loads(state)
        except ValueError:
            self._finding(f"{finding_words.event(seq, name)} 无法读取: 内容不是 JSON")
            return None
        self._decide(seq, name, data, originator)
        return data

    def _decide(self, seq: int, name: str, data: Any, originator: bytes) -> None:
        signer = self._signer(seq)
        rule = RULES.get(name)
        if rule is None and name not in SIGNATURE_ONLY:
            self._finding(f"{finding_words.event(seq, name)} 是未知的事件类型: 账本没有这种事件, 无从判断是否允许")
            return
        problem = shape_problem(name, data)
        if problem is not None:
            self._finding(f"{finding_words.event(seq, name)} 格式不对: {problem}, 账本不会写出这样的事件")
            return
        if signer is None:
            who, key, first = str(data.get("actor") or data.get("admin") or "?"), None, True
        else:
            who, key, first = signer
        starting = name != "Installation.Initialised"
        unsigned_other = signer is None and name not in actors.BOOTSTRAP
        if starting and ((signer is not None and first) or unsigned_other):
            self.state.bootstrap = None  # the initialising command is over
        if signer is None or first:
            self.state.approving = None  # a new command: no held equity act is being approved in it
            self._flush()
        if rule is None:
            return
        act = Act(seq, name, data, originator, who, key, self.state, first)
        try:
            rule(act)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            act.fail("事件格式须完整", f"无法按规则复核 ({type(exc).__name__}: {exc})")
        for finding in act.findings:
            self._finding(finding)

    def _finding(self, text: str) -> None:
        self.count += 1
        if len(self.findings) < SHOWN:
            self.findings.append(text)

    def _flush(self) -> None:
        """The signed range (a command, a batch group) is over: what waited for its end is decided."""
        state = self.state
        for text in state.deferred:
            self._finding(text)
        state.deferred.clear()
        if state.range_limits or state.range_awards or state.range_releases or state.range_money:
            for text in caps.end_of_range(state):
                self._finding(text)

    def line(self) -> str:
        self._flush()
        if not self.count:
            return f"ok ({self.events} 笔事件逐笔按规则复核)"
        return f"TAMPERED ({self.count} 处违规, 首处: {self.findings[0]})"
