"""Which family answers ``approve KEY`` / ``void KEY`` for an act other than a payment or a reopening.

A family whose acts wait for a second person (corrections, held exits and write-offs) registers a matcher
here; ``payments`` asks it before treating KEY as a payment voucher. Kept apart so that ``payments`` imports
no family that imports it (tests/unit/test_imports.py: no circles).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ..uow import Result, UnitOfWork

# A matcher: (uow, key) → (approve(cmd, actor), void(cmd, actor)) when the key is one of its acts, else None.
Answer = tuple[Callable[[Any, str], Result], Callable[[Any, str], Result]]
MATCHERS: list[Callable[[UnitOfWork, str], Answer | None]] = []
# The families that register here when imported; the handlers load on first use (``ledger.handlers.FAMILIES``),
# so ``act_of`` imports them before asking: an approval never misses an act because its family was not loaded.
FAMILIES = ("corrections", "holds", "settlement")


def act_of(uow: UnitOfWork, key: str) -> Answer | None:
    for family in FAMILIES:
        importlib.import_module(f"{__package__}.{family}")
    for match in MATCHERS:
        found = match(uow, key)
        if found is not None:
            return found
    return None


def register_voucher_family(
    find: Callable[[UnitOfWork, str], Any],
    confirm: Callable[[UnitOfWork, Any, Any, str], Result],
    withdraw: Callable[[UnitOfWork, Any, Any, str], Result],
) -> None:
    """A family whose waiting act is a document (a ``Voucher``) found by ``find(uow, key)``: its ``approve``
    and ``void`` are ``confirm``/``withdraw(uow, voucher, cmd, actor)``."""

    def match(uow: UnitOfWork, key: str) -> Answer | None:
        voucher = find(uow, key)
        if voucher is None:
            return None
        return (
            lambda cmd, actor: confirm(uow, voucher, cmd, actor),
            lambda cmd, actor: withdraw(uow, voucher, cmd, actor),
        )

    MATCHERS.append(match)
