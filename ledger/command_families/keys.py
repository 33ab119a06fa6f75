"""People: roles and signing keys."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class RoleGrant(Command):
    name = "role grant"
    actor: str = arg("text")
    role: str = arg("role")
    key: str | None = arg("public_key", required=False)


@dataclass(frozen=True)
class RoleRevoke(Command):
    name = "role revoke"
    actor: str = arg("text")
    role: str = arg("role")


@dataclass(frozen=True)
class KeyRotate(Command):
    name = "key rotate"
