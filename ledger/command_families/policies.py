"""Loading a policy document."""

from __future__ import annotations

from dataclasses import dataclass

from ..commands import Command, arg


@dataclass(frozen=True)
class PolicyLoad(Command):
    """Load a policy document written in the catalogue's own format (admin only)."""

    name = "policy load"
    file_name: str = arg("text", flag="file-name")
    content: str = arg("document")
