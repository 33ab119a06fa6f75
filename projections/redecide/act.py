"""One event as the re-decision sees it: where it is, who signed it, its fields, and how a finding is worded."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.money import format_human

from .. import finding_words
from .state import Person, State

ADMIN = "admin"
ROLE_WORDS = {
    "admin": "管理员",
    "clerk": "经办人",
    "reviewer": "评审人",
    "approver": "审批人",
    "auditor": "审计人员",
}


def yuan(fen: int) -> str:
    return format_human(int(fen))


@dataclass
class Act:
    seq: int
    name: str  # e.g. "Grant.Disbursed"
    data: dict[str, Any]
    originator: bytes
    who: str  # the signer (or, in unsigned history, the actor the event names)
    key: str | None  # the public key that signed it (None: unsigned history)
    state: State
    first: bool = False  # the first event of its signed range (one command, or one batch group)
    findings: list[str] = field(default_factory=list)

    def fail(self, rule: str, detail: str) -> None:
        self.findings.append(f"{finding_words.event(self.seq, self.name)} 违反「{rule}」: {detail}")

    @property
    def on(self) -> str:
        return self.data["on"]

    @property
    def person(self) -> Person:
        return self.state.person(self.who)

    def roles_words(self) -> str:
        roles = sorted(self.person.roles)
        return "、".join(f"{ROLE_WORDS.get(r, r)} ({r})" for r in roles) if roles else "没有任何角色"

    def needs(self, roles: set[str], what: str) -> bool:
        """The signer must hold one of ``roles`` (or admin) at this position; False (and a finding) if not."""
        held = self.person.roles
        if ADMIN in held or held & roles:
            return True
        wanted = "、".join(f"{ROLE_WORDS.get(r, r)} ({r})" for r in sorted(roles | {ADMIN}))
        revoked = [r for r in sorted(roles | {ADMIN}) if r in self.person.revoked]
        why = (
            f"; 其{ROLE_WORDS.get(revoked[0], revoked[0])}角色已于第 {self.person.revoked[revoked[0]]} 条事件撤销, "
            "撤销后仍用其钥匙签名"
            if revoked
            else ""
        )
        self.fail(
            f"{what}须由{wanted}办理",
            f"签名人 {self.who} 当时的角色: {self.roles_words()}{why}",
        )
        return False

    def open_period(self, fund: str, year: int, what: str) -> bool:
        close = self.state.closed.get((fund, year))
        if close is None:
            return True
        self.fail(
            "已结账年度不得再记账",
            f"{what}涉及资金 {fund} {year} 年度, 该年度已结账 (文号 {close}) 且未经两人复核重新开账",
        )
        return False

    def not_before(self, day: str | None, earlier: str | None, what: str, prior: str, ref: str) -> bool:
        if day is None or earlier is None or day >= earlier:
            return True
        self.fail("日期先后", f"申报 {ref} 的{what}日期 {day} 早于{prior}日期 {earlier}")
        return False

    def needs_clerk_or_approving(self, what: str) -> bool:
        """A clerk's act, or written by an approver inside the command approving a held exit (which returns
        its proceeds and may open the fund's year). That approval may be logged after these events, so an
        approver's finding waits for the end of the command (``State.deferred``)."""
        if self.state.approving == self.who:
            return True
        if self.needs({"clerk"}, what):
            return True
        if "approver" in self.person.roles:
            self.state.deferred.append(self.findings.pop())
        return False
