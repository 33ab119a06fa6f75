"""Command handlers, one module per family: ``setup``, ``keys``, ``applications``, ``payments``, ``equity``,
``policies``, ``periods``.

Each handler is a plain function ``(uow, command, actor) -> Result`` registered
for its command class with ``@handles`` when its family is imported, which ``HANDLERS`` does on a command's
first use (``FAMILIES``); it loads what it needs through the unit
of work, checks every rule before the first event, then calls the aggregates'
command methods. ``ledger.service.execute`` runs it and saves once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .. import dates
from ..actors import Actor
from ..commands import FAMILY_OF
from ..uow import Result, UnitOfWork

Handler = Callable[[UnitOfWork, Any, str], Result]

# Which family module handles each command (by class name), imported on first use: a command as a new process
# loads its own family and the aggregates that family uses, not all of them (issue 26). ``approve`` and ``void``
# of an act other than a payment (a correction, a held exit or write-off, a re-charge) find it through
# ``second_person.act_of``, which imports those families itself.
FAMILIES = FAMILY_OF  # a command's handlers live in the family module of the same name as its class's
ALL_FAMILIES = sorted({*FAMILIES.values(), "holds"})  # holds: a second-person family only


class Handlers(dict):
    """Handlers by command class; a class not seen yet imports its family first (``FAMILIES``), which registers
    it with ``@handles``. A class no family handles is a ``KeyError``, as in a plain dict."""

    def __missing__(self, cls: type) -> Handler:
        family = FAMILIES.get(getattr(cls, "__name__", ""))
        if family is not None:
            importlib.import_module(f"{__name__}.{family}")
        if not dict.__contains__(self, cls):
            raise KeyError(cls)
        return dict.__getitem__(self, cls)


HANDLERS: dict[type, Handler] = Handlers()


def load_all() -> None:
    """Import every family (a test that each command has its handler; tools listing them all)."""
    for family in ALL_FAMILIES:
        importlib.import_module(f"{__name__}.{family}")


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
