"""Check 2, the signatures: every command's signature against the key bound to its actor at that point of the
log, and maker–checker (invariant 9)."""

from __future__ import annotations

import json
from typing import Any

from ledger import keys, signing

from .. import finding_words as words
from .. import seals
from ..decoding import loads
from .report import CHUNK, Report, _short_topic

KEY_TOPICS = ("Actor.KeyBound", "Actor.KeyRotated", "Installation.SigningBegan")
ROLE_TOPICS = ("Actor.RoleGranted", "Actor.RoleRevoked")
PAYMENT_TOPICS = ("Grant.Disbursed", "Grant.Invested", "Grant.Approved")
# Other acts taken by two people (issue 24): the proposal, and each event by which a second person puts it in
# force, with the field that keys both (corrections by their document, held exits and write-offs by their key).
TWO_PERSON_KEYS = {
    "Grant.CorrectionProposed": "doc",
    "Grant.AwardCancelled": "doc",
    "Grant.AwardReduced": "doc",
    "Grant.ApplicationCorrected": "doc",
    "Grant.Reevaluated": "doc",
    "Grant.EquityActHeld": "key",
    "Grant.EquityActApproved": "key",
    "Grant.RechargeProposed": "doc",
    "Grant.Recharged": "doc",
}
NUMBER_WORDS = {"voucher": "凭证", "doc": "文号", "key": "事项"}  # what an approval names, in words
PROPOSALS = ("Grant.Disbursed", "Grant.Invested", "Grant.CorrectionProposed", "Grant.EquityActHeld")
PROPOSALS += ("Grant.RechargeProposed",)
# The events ``SignatureCheck`` reads (every event's signature is checked, whatever it is), and the rest
# (``ledger.vocabulary``; tests/unit/test_vocabulary.py).
SIGNATURE_HANDLES = frozenset({"Actor.Registered", *KEY_TOPICS, *PAYMENT_TOPICS, *TWO_PERSON_KEYS})
SIGNATURE_IGNORES = frozenset(
    {
        "Project.*",
        "Actor.RoleGranted",
        "Actor.RoleRevoked",
        "Fund.*",
        "FundYear.*",
        "Grant.Awarded",
        "Grant.Converted",
        "Grant.Evaluated",
        "Grant.Exited",
        "Grant.Recovered",
        "Grant.Rejected",
        "Grant.Reversed",
        "Grant.Spent",
        "Grant.Submitted",
        "Grant.Voided",
        "Grant.WrittenOff",
        "Grant.CorrectionWithdrawn",
        "Grant.EquityActVoided",
        "Grant.Settled",
        "Grant.RechargeWithdrawn",
        "Installation.Initialised",
        "KeyBinding.*",
        "Period.*",
        "PolicyRegister.*",
        "Seal.*",
        "Unit.*",
        "UnitCap.*",
        "Voucher.*",
    }
)


class SignatureCheck:
    """Invariant 9: every event since signatures began lies in a range signed by the key then bound to its actor.

    Walks the log in order beside ``ChainCheck`` (which hands it each event with its recomputed chain hash),
    learning who holds which key from the log itself: ``Actor.Registered`` names a person,
    ``Actor.KeyBound`` / ``KeyRotated`` bind a key, taking effect after the signed command that records them.
    Only the very first signed command (the one with ``Installation.SigningBegan``) may be signed by the key it
    binds. Events before it are unsigned history (a ledger from before signatures); an unsigned event after it,
    or a key-binding event without a signature, was written around the ledger.
    """

    def __init__(self, recorder: Any, report: Report):
        self.recorder, self.report = recorder, report
        self.buffer: list[tuple] = []
        self.after = 0
        self.exhausted = False
        self.current: tuple | None = None
        self.topics: list[str] = []
        self.pending: list[tuple[str, str, str | None]] = []  # (person, key, custody) bound inside the range
        self.began = False
        self.names: dict[bytes, str] = {}  # Actor aggregate id (state's originator) → name
        self.bound: dict[str, str] = {}
        self.custody: dict[str, str] = {}
        self.ever: dict[str, set[str]] = {}  # person → every key ever bound to them
        self.makers: dict[tuple[bytes, str], tuple[str, str | None, int]] = {}  # held payment → (maker, key, seq)
        self.broken = False
        self.needle: tuple[str | None, bytes] = (None, b"")
        self.roles: dict[str, set[str]] = {}  # person → roles held now (Actor.RoleGranted / RoleRevoked)
        self.at_seals: dict[int, tuple[int, dict, seals.Holders]] = {}  # sealed position → its Seal event's seq,
        # data and who held which key and role there

    def _peek(self) -> tuple | None:
        if not self.buffer and not self.exhausted:
            self.buffer = list(reversed(_signatures(self.recorder, self.after, CHUNK)))
            if self.buffer:
                self.after = self.buffer[0][0]
            else:
                self.exhausted = True
        return self.buffer[-1] if self.buffer else None

    def _fail(self, finding: str) -> None:
        self.report.findings.insert(0, finding)
        self.report.checks["signatures"] = "TAMPERED"
        self.broken = True

    def event(self, seq: int, topic: str, state: bytes, chain_hash: bytes, originator: bytes) -> None:
        if self.broken:
            return
        name = _short_topic(topic)
        upcoming = self._peek()
        if self.current is None and upcoming is not None and upcoming[0] <= seq:
            self.current = self.buffer.pop()
            self.topics, self.pending, self.began = [], [], False
            if self.current[0] != seq or self.current[1] < seq:
                self._fail(
                    f"{self.current[2]} 的一个签名声称覆盖第 {self.current[0]}–{self.current[1]} 条事件, "
                    "但那里不是一条命令的事件的开头: 签名被挪动过, 或日志被改写过"
                )
                return
        if name == "Actor.Registered":
            self.names[originator] = loads(state)["name"]
        elif name in ROLE_TOPICS:
            held = self.roles.setdefault(self.names.get(originator, "?"), set())
            role = loads(state).get("role")
            held.add(role) if name == "Actor.RoleGranted" else held.discard(role)
        elif name == "Seal.Written":
            data = loads(state)
            if isinstance(data, dict) and isinstance(data.get("position"), int):
                self.at_seals[data["position"]] = (seq, data, self.holders())
        if (name in PAYMENT_TOPICS and (name == "Grant.Approved" or b'"held":true' in state)) or (
            name in TWO_PERSON_KEYS
        ):
            if self._maker_checker(seq, name, state, originator):
                return
        if self.current is None:
            if self.report.signed_from is not None:
                self._fail(
                    f"{words.event(seq, name)} 没有签名: 它是绕过账本写入的 "
                    f"(自第 {self.report.signed_from} 条起每条事件都有签名)"
                )
            elif name in KEY_TOPICS:
                self._fail(f"{words.event(seq, name)} 绑定了签名钥匙却没有签名: 签名被删除了")
            else:
                self.report.unsigned += 1
            return
        first, last, actor, public, signature = self.current
        self.topics.append(name)
        if self.needle[0] != actor:  # one signed range is one actor's: spelt once per range
            self.needle = (actor, b'"actor":' + json.dumps(actor, ensure_ascii=False).encode())
        needle = self.needle[1]
        if b'"actor":' in state and needle not in state:
            self._fail(
                f"{words.event(seq, name)} 记的操作人不是 {actor}, 而第 {first}–{last} 条事件由 {actor} 签名: "
                "它是绕过账本写入的"
            )
            return
        if name in KEY_TOPICS:
            self._learn(name, state, originator)
        if seq == last:
            self._close(first, last, actor, public, signature, chain_hash)

    def holders(self) -> seals.Holders:
        """Who holds which key and which roles at this point of the log (what a seal is checked against)."""
        return seals.Holders(
            dict(self.bound), {p: frozenset(r) for p, r in self.roles.items()}, self.report.signed_from is not None
        )

    def _maker_checker(self, seq: int, name: str, state: bytes, originator: bytes) -> bool:
        """Invariant 9's second half: an approval's key (and person) is not its maker's. Held payments remember
        who made them with which key (none in unsigned history); an approval signed by that key, by any key ever
        bound to the maker, or in the maker's name is a finding (True when it failed)."""
        data = loads(state)
        signer = self.current[3] if self.current is not None else None
        number = data[TWO_PERSON_KEYS.get(name, "voucher")]
        if name in PROPOSALS:
            self.makers[(originator, number)] = (data.get("actor", "?"), signer, seq)
            return False
        made = self.makers.pop((originator, number), None)
        if made is None:
            return False  # no held payment to approve: invariant 1's fold names it
        maker, maker_key, made_at = made
        approver = data.get("actor", "?")
        if approver != maker and (signer is None or (signer != maker_key and signer not in self.ever.get(maker, ()))):
            return False
        by = f"用的是制单人自己的钥匙 {keys.fingerprint(signer)}" if signer is not None else f"以 {maker} 的名义"
        what = NUMBER_WORDS[TWO_PERSON_KEYS.get(name, "voucher")]
        self._fail(
            f"{words.event(seq, name)} 审批{what} {number}, {by}: 制单人 {maker} (第 {made_at} 条) "
            "不能自己审核 (不变量 9, 制单与审核分离); 它是绕过账本写入的"
        )
        return True

    def _learn(self, name: str, state: bytes, originator: bytes) -> None:
        data = loads(state)
        if name == "Installation.SigningBegan":
            self.began = True
            return
        self.pending.append((self.names.get(originator, "?"), data["key"], data.get("custody")))

    def _close(self, first: int, last: int, actor: str, public: str, signature: bytes, head: bytes) -> None:
        span = f"第 {first}–{last} 条事件 ({words.events(self.topics)})"
        bootstrap = (
            self.report.signed_from is None and self.began and (actor, public) in {(p, k) for p, k, _ in self.pending}
        )
        if self.bound.get(actor) != public and not bootstrap:
            held = self.bound.get(actor)
            self._fail(
                f"{span}由 {actor} 用钥匙 {keys.fingerprint(public)} 签名, 但当时绑定给 {actor} 的钥匙是 "
                f"{keys.fingerprint(held) if held else '无'}: 被人用另一把钥匙重新签过名"
            )
            return
        if not signing.check_range(first, last, head, actor, public, signature):
            self._fail(f"{span}与 {actor} 的签名不符: 它们是绕过账本写入或改动的")
            return
        self.report.signatures += 1
        if self.report.signed_from is None:
            self.report.signed_from = first
        for person, key, custody in self.pending:
            self.bound[person] = key
            self.ever.setdefault(person, set()).add(key)
            if custody:
                self.custody[person] = custody
        self.current = None

    def finish(self) -> None:
        if self.broken:
            return
        if self.current is not None:
            self._fail(
                f"{self.current[2]} 的签名覆盖第 {self.current[0]}–{self.current[1]} 条事件, "
                "但日志在这之前就结束了: 事件被删除了"
            )
            return
        extra = self._peek()
        if extra is not None:
            self._fail(f"{extra[2]} 的一个签名覆盖第 {extra[0]}–{extra[1]} 条事件, 日志中却没有这些事件")
            return
        for custody in self.custody.values():
            self.report.keys[custody] = self.report.keys.get(custody, 0) + 1
        since = f", unsigned history before seq {self.report.signed_from}" if self.report.unsigned else ""
        self.report.checks["signatures"] = f"ok ({self.report.signatures}{since})"


def _signatures(recorder: Any, after: int, limit: int) -> list[tuple]:
    try:
        return recorder.select_signatures(after, limit)
    except Exception as exc:  # a first-edition ledger not yet upgraded has no signatures table
        text = str(exc).lower()
        if "no such table" in text or "does not exist" in text:
            return []
        raise
