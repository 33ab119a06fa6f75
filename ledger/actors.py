"""People and their roles. Role grants are events, so who could do what is history too.

The first actor to run ``init`` becomes admin; that fact is the ``Installation``
aggregate, created exactly once.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .errors import FORBIDDEN, LedgerError
from .ids import key_id
from .values import ROLES

# Which roles may run which command (admin may run everything).
PERMISSIONS = {
    "clerk": {
        "fund create",
        "fund appropriate",
        "unit register",
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
    },
    "reviewer": {"evaluate", "reject"},
    "approver": {"approve", "void"},
    "auditor": {"policy", "history", "report", "verify", "export", "seal"},
}


class Installation(Aggregate):
    """The ledger itself: created by the first ``init``, naming its first admin."""

    @staticmethod
    def create_id() -> object:
        return key_id("installation")

    @event("Initialised")
    def __init__(self, admin: str, actor: str, on: str):
        self.admin = admin


class Actor(Aggregate):
    @staticmethod
    def create_id(name: str) -> object:
        return key_id("actor", name)

    @event("Registered")
    def __init__(self, name: str, actor: str, on: str):
        self.name = name
        self.roles: list[str] = []

    def grant(self, role: str, actor: str, on: str) -> bool:
        """Give a role; granting one already held changes nothing (returns False)."""
        if role in self.roles:
            return False
        self._granted(role=role, actor=actor, on=on)
        return True

    @event("RoleGranted")
    def _granted(self, role: str, actor: str, on: str) -> None:
        self.roles.append(role)


def may(roles: list[str] | tuple[str, ...], command: str) -> bool:
    return "admin" in roles or any(command in PERMISSIONS.get(r, ()) for r in roles)


def check_may(name: str, roles: list[str] | tuple[str, ...], command: str) -> None:
    if not may(roles, command):
        allowed = [*sorted(r for r, cmds in PERMISSIONS.items() if command in cmds), "admin"]
        held = ", ".join(f"{r}({ROLES[r]})" for r in roles) or "no role"
        raise LedgerError(
            FORBIDDEN,
            f"{name} ({held}) may not run '{command}'; it needs one of: {', '.join(allowed)}",
        )
