"""People and their roles. Role grants are events, so who could do what is history too.

The first actor to run ``init`` becomes admin; that fact is the ``Installation``
aggregate, created exactly once.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .errors import FORBIDDEN, LedgerError
from .ids import key_id
from .values import READS, ROLES, may_read

# Which roles may run which command (admin may run everything).
PERMISSIONS = {
    "clerk": {
        "fund create",
        "fund scope",
        "fund appropriate",
        "unit register",
        "unit rename",
        "apply",
        "award",
        "disburse",
        "invest",
        "convert",
        "exit",
        "write-off",
        "spend",
        "recover",
        "reverse",
        "cancel-award",
        "reduce-award",
        "correct",
        "recharge",
        "contract",
        "milestone",
        "close-project",
        "extend",
        "adjust-budget",
    },
    "reviewer": {"evaluate", "reject", "reevaluate"},
    "approver": {"approve", "void"},
    "auditor": {"policy", "history", "report", "verify", "export", "seal"},
}

# What every role may read: a clerk checks a balance before paying, an approver sees what waits for them.


class Installation(Aggregate):
    """The ledger itself: created by the first ``init``, naming its first admin."""

    @staticmethod
    def create_id() -> object:
        return key_id("installation")

    @event("Initialised")
    def __init__(self, admin: str, actor: str, on: str):
        self.admin = admin
        self.signing = False

    def begin_signing(self, key: str, actor: str, on: str) -> None:
        self._signing_began(key=key, actor=actor, on=on)

    @event("SigningBegan")
    def _signing_began(self, key: str, actor: str, on: str) -> None:
        """From this command on every command is signed; what came before is unsigned history."""
        self.signing = True


class Actor(Aggregate):
    @staticmethod
    def create_id(name: str) -> object:
        return key_id("actor", name)

    @event("Registered")
    def __init__(self, name: str, actor: str, on: str):
        self.name = name
        self.roles: list[str] = []
        self.key: str | None = None  # the public key bound now (``ed25519:…``)
        self.custody: str | None = None  # "enrolled" (the person's own) or "issued" (held by the granting account)
        self.since: str | None = None
        self.keys: list[str] = []  # every key ever bound, oldest first

    def bind_key(self, key: str, custody: str, held_by: str, actor: str, on: str) -> None:
        self._key_bound(key=key, custody=custody, held_by=held_by, actor=actor, on=on)

    @event("KeyBound")
    def _key_bound(self, key: str, custody: str, held_by: str, actor: str, on: str) -> None:
        self.key, self.custody, self.since = key, custody, on
        self.keys.append(key)

    def rotate_key(self, key: str, proof: str, actor: str, on: str) -> None:
        self._key_rotated(key=key, previous=self.key, proof=proof, actor=actor, on=on)

    @event("KeyRotated")
    def _key_rotated(self, key: str, previous: str | None, proof: str, actor: str, on: str) -> None:
        self.key, self.since = key, on
        self.keys.append(key)

    def revoke(self, role: str, actor: str, on: str) -> bool:
        if role not in self.roles:
            return False
        self._revoked(role=role, actor=actor, on=on)
        return True

    @event("RoleRevoked")
    def _revoked(self, role: str, actor: str, on: str) -> None:
        self.roles.remove(role)

    def grant(self, role: str, actor: str, on: str) -> bool:
        """Give a role; granting one already held changes nothing (returns False)."""
        if role in self.roles:
            return False
        self._granted(role=role, actor=actor, on=on)
        return True

    @event("RoleGranted")
    def _granted(self, role: str, actor: str, on: str) -> None:
        self.roles.append(role)


class KeyBinding(Aggregate):
    """A public key belongs to one person only: the first binding of a key claims it."""

    @staticmethod
    def create_id(fingerprint: str) -> object:
        return key_id("key", fingerprint)

    @event("Claimed")
    def __init__(self, fingerprint: str, holder: str, actor: str, on: str):
        self.fingerprint, self.holder = fingerprint, holder


def may(roles: list[str] | tuple[str, ...], command: str) -> bool:
    if command in READS and may_read(roles):
        return True
    return "admin" in roles or any(command in PERMISSIONS.get(r, ()) for r in roles)


# Commands by the name a clerk knows them by (a refusal names both).
COMMAND_WORDS = {
    "fund create": "设立资金",
    "fund scope": "资金使用范围",
    "fund appropriate": "下达预算",
    "unit register": "登记单位",
    "unit rename": "单位更名",
    "apply": "申报",
    "award": "批复",
    "disburse": "拨付",
    "invest": "股权投资",
    "convert": "转股",
    "exit": "股权退出",
    "write-off": "股权核销",
    "spend": "支出",
    "recover": "追回",
    "reverse": "红字冲正",
    "contract": "登记任务书",
    "milestone": "记录里程碑",
    "close-project": "验收结题",
    "extend": "项目延期",
    "adjust-budget": "预算调剂",
    "evaluate": "评审",
    "reject": "驳回",
    "approve": "审批",
    "void": "作废",
    "policy": "查看政策",
    "history": "查看历史",
    "report": "查看报表",
    "verify": "校验",
    "export": "导出",
    "seal": "封存",
    "cancel-award": "撤销批复",
    "reduce-award": "调减批复",
    "correct": "更正申报",
    "reevaluate": "复评",
    "recharge": "调整资金来源",
}


def _role(role: str) -> str:
    return f"{ROLES.get(role, role)} ({role})"


def check_may(name: str, roles: list[str] | tuple[str, ...], command: str) -> None:
    if not may(roles, command):
        if command in READS:
            allowed = sorted(ROLES)
        else:
            allowed = [*sorted(r for r, cmds in PERMISSIONS.items() if command in cmds), "admin"]
        held = f"现有角色: {'、'.join(map(_role, roles))}" if roles else "没有任何角色"
        what = COMMAND_WORDS.get(command)
        shown = f"{what} ({command})" if what else command
        raise LedgerError(
            FORBIDDEN,
            f"{name} ({held}) 无权执行「{shown}」; 需要以下角色之一: {'、'.join(map(_role, allowed))}"
            "; 如需授权请联系管理员 (role grant)",
        )
