"""Command handlers, one module per family: ``setup``, ``keys``, ``applications``, ``payments``, ``equity``,
``policies``, ``periods``.

Each handler is a plain function ``(uow, command, actor) -> Result`` registered
for its command class with ``@handles``; it loads what it needs through the unit
of work, checks every rule before the first event, then calls the aggregates'
command methods. ``ledger.service.execute`` runs it and saves once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import dates
from ..actors import Actor
from ..uow import Result, UnitOfWork

Handler = Callable[[UnitOfWork, Any, str], Result]
HANDLERS: dict[type, Handler] = {}


def handles(cls: type) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[cls] = fn
        return fn

    return register


def on_date(command: Any) -> str:
    """The command's effective date: the one given, or today in Asia/Shanghai."""
    return command.date or dates.today()


def roles_of(uow: UnitOfWork, actor: str) -> list[str]:
    person = uow.find(Actor, actor)
    return list(person.roles) if person is not None else []


# Importing the families registers their handlers.
from . import (  # noqa: E402, F401
    applications,
    corrections,
    equity,
    holds,
    keys,
    payments,
    periods,
    policies,
    projects,
    settlement,
    setup,
)
