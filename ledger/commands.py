"""Commands: what a clerk asks the ledger to do, parsed once from raw text.

The command line and the batch file both hand raw strings to ``build``, so an
amount, a date or a code is parsed the same way whichever door it came in by.
Every malformed value becomes ``INVALID_INPUT`` naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar

from . import dates, money, uscc, values
from .errors import LedgerError, invalid

_KEY = re.compile(r"[^\s]{1,64}")


def key(text: str) -> str:
    """A REF, voucher, fund code or document number: 1–64 visible characters, no spaces."""
    word = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if not _KEY.fullmatch(word) or not word.isprintable():
        raise invalid(f"must be 1 to 64 characters without spaces: {text!r}")
    return word


def _translated(parse: Callable[[Any], Any], *failures: type[Exception]) -> Callable[[Any], Any]:
    def parser(value: Any) -> Any:
        try:
            return parse(value)
        except failures as exc:
            raise invalid(str(exc)) from exc

    return parser


def _year(text: object) -> int:
    word = str(text).strip()
    if not re.fullmatch(r"[0-9]{4}", word) or not 1990 <= int(word) <= 2100:
        raise invalid(f"must be a year such as 2024: {text!r}")
    return int(word)


def _position(text: object) -> int:
    word = str(text).strip()
    if not word.isdigit():
        raise invalid(f"must be a log position (a whole number): {text!r}")
    return int(word)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "key": key,
    "text": values.text,
    "amount": _translated(money.parse, money.MoneyError),
    "date": _translated(dates.effective, dates.DateError),
    "any_date": _translated(dates.parse, dates.DateError),
    "year": _year,
    "unit": _translated(uscc.normalise, uscc.USCCError),
    "grade": values.grade,
    "score": values.score,
    "category": values.category,
    "unit_type": values.unit_type,
    "mode": values.mode,
    "stake": values.stake,
    "role": values.role,
    "position": _position,
}


def parse(kind: str, value: Any, what: str) -> Any:
    """Parse one value; a refusal keeps its code and names the field (``disburse amount: …``)."""
    try:
        return PARSERS[kind](value)
    except LedgerError as error:
        raise LedgerError(error.code, f"{what}: {error.message}") from error


def arg(kind: str, *, required: bool = True, flag: str | None = None, default: Any = None) -> Any:
    """Declare a command field: how it is parsed and what the user calls it."""
    return field(default=default, metadata={"kind": kind, "required": required, "flag": flag})


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""

    def content(self) -> dict:
        """The fields that make a repeat 'the same command' (everything but the date)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "date"}


@dataclass(frozen=True)
class Init(Command):
    name = "init"


@dataclass(frozen=True)
class RoleGrant(Command):
    name = "role grant"
    actor: str = arg("text")
    role: str = arg("role")


@dataclass(frozen=True)
class FundCreate(Command):
    name = "fund create"
    fund: str = arg("key")
    fund_name: str = arg("text", flag="name")
    threshold: int | None = arg("amount", required=False, flag="approval-threshold")


@dataclass(frozen=True)
class FundAppropriate(Command):
    name = "fund appropriate"
    fund: str = arg("key")
    year: int = arg("year")
    amount: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class UnitRegister(Command):
    name = "unit register"
    code: str = arg("unit")
    unit_name: str = arg("text", flag="name")
    type: str = arg("unit_type")


@dataclass(frozen=True)
class Apply(Command):
    name = "apply"
    ref: str = arg("key")
    unit: str = arg("unit")
    clause: str = arg("key")
    amount: int = arg("amount")
    base: int | None = arg("amount", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Evaluate(Command):
    name = "evaluate"
    ref: str = arg("key")
    grade: str = arg("grade")
    score: str | None = arg("score", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Award(Command):
    name = "award"
    ref: str = arg("key")
    amount: int = arg("amount")
    fund: str = arg("key")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)
    mode: str = arg("mode", required=False, default="grant")
    equity_amount: int | None = arg("amount", required=False, flag="equity-amount")
    exception_doc: str | None = arg("key", required=False, flag="exception-doc")


@dataclass(frozen=True)
class Reject(Command):
    name = "reject"
    ref: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Disburse(Command):
    name = "disburse"
    ref: str = arg("key")
    amount: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Approve(Command):
    name = "approve"
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Void(Command):
    name = "void"
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Spend(Command):
    name = "spend"
    ref: str = arg("key")
    amount: int = arg("amount")
    category: str = arg("category")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Recover(Command):
    name = "recover"
    ref: str = arg("key")
    amount: int = arg("amount")
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reverse(Command):
    name = "reverse"
    voucher: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Invest(Command):
    name = "invest"
    ref: str = arg("key")
    amount: int = arg("amount")
    stake: int = arg("stake")
    valuation: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Convert(Command):
    name = "convert"
    ref: str = arg("key")
    stake: int = arg("stake")
    valuation: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Exit(Command):
    name = "exit"
    ref: str = arg("key")
    stake: int = arg("stake")
    proceeds: int = arg("amount")
    voucher: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class WriteOff(Command):
    name = "write-off"
    ref: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Close(Command):
    name = "close"
    year: int = arg("year")
    fund: str = arg("key")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reopen(Command):
    name = "reopen"
    year: int = arg("year")
    fund: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Seal(Command):
    """Record a checkpoint the read side computed: position, head hash and state hash (see ledger.periods).

    Not a batch command: only ``Ledger.seal`` builds it, from the chain and the projections it just read."""

    name = "seal"
    position: int = arg("position")
    head: str = arg("key")
    state: str = arg("key")


WRITE_COMMANDS: Mapping[str, type[Command]] = {
    c.name: c
    for c in (
        Init,
        RoleGrant,
        FundCreate,
        FundAppropriate,
        UnitRegister,
        Apply,
        Evaluate,
        Award,
        Reject,
        Disburse,
        Approve,
        Void,
        Spend,
        Recover,
        Reverse,
        Invest,
        Convert,
        Exit,
        WriteOff,
        Close,
        Reopen,
    )
}


def _user_name(f: Any) -> str:
    return f.metadata.get("flag") or f.name.replace("_", "-")


@cache
def _fields(cls: type[Command]) -> dict[str, Any]:
    return {_user_name(f): f for f in fields(cls)}


def build(name: str, raw: Mapping[str, Any]) -> Command:
    """Parse raw values (strings, or numbers from JSON) into a command, or refuse with INVALID_INPUT."""
    cls = WRITE_COMMANDS.get(name)
    if cls is None:
        raise invalid(f"unknown command {name!r}")
    given = {k.replace("_", "-"): v for k, v in raw.items() if v is not None}
    known = _fields(cls)
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise invalid(f"{name}: unknown field(s) {', '.join(unknown)}; expected {', '.join(known)}")
    values_ = {}
    for user_name, f in known.items():
        if user_name not in given:
            if f.metadata["required"]:
                raise invalid(f"{name}: {user_name} is required")
            continue
        value = given[user_name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise invalid(f"{name}: {user_name} must be text, got {value!r}")
        if isinstance(value, int) and f.metadata["kind"] not in ("year", "position"):
            raise invalid(f'{name}: {user_name} must be text such as "{value}" (amounts and codes are strings)')
        values_[f.name] = parse(f.metadata["kind"], value, f"{name} {user_name}")
    return cls(**values_)
