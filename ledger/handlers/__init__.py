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
from ..uow import Result, UnitOfWork

Handler = Callable[[UnitOfWork, Any, str], Result]

# Which family module handles each command (by class name), imported on first use: a command as a new process
# loads its own family and the aggregates that family uses, not all of them (issue 26). ``approve`` and ``void``
# first load the families whose waiting acts they may confirm or withdraw (they register ``second_person``
# matchers when imported): corrections, held exits and write-offs, re-charges.
SECOND_PERSON = ("corrections", "holds", "settlement")
FAMILIES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("Init", "FundCreate", "FundScope", "FundAppropriate", "UnitRegister", "UnitRename"), ("setup",)),
    **dict.fromkeys(("RoleGrant", "RoleRevoke", "KeyRotate"), ("keys",)),
    **dict.fromkeys(("Apply", "Evaluate", "Award", "Reject"), ("applications",)),
    **dict.fromkeys(("Disburse", "Spend", "Recover", "Reverse"), ("payments",)),
    **dict.fromkeys(("Approve", "Void"), (*SECOND_PERSON, "payments")),
    **dict.fromkeys(("Invest", "Convert", "Exit", "WriteOff"), ("equity",)),
    **dict.fromkeys(("CancelAward", "ReduceAward", "Correct", "Reevaluate"), ("corrections",)),
    "Recharge": ("settlement",),
    "PolicyLoad": ("policies",),
    **dict.fromkeys(("Close", "Reopen", "Seal"), ("periods",)),
    **dict.fromkeys(("Contract", "Milestone", "Extend", "AdjustBudget", "CloseProject"), ("projects",)),
}
ALL_FAMILIES = sorted({family for families in FAMILIES.values() for family in families})


class Handlers(dict):
    """Handlers by command class; a class not seen yet imports its family first (``FAMILIES``), which registers
    it with ``@handles``. A class no family handles is a ``KeyError``, as in a plain dict."""

    def __missing__(self, cls: type) -> Handler:
        for family in FAMILIES.get(cls.__name__, ()):
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
