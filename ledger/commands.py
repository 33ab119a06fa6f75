"""Commands: what a clerk asks the ledger to do, parsed once from raw text.

The command line and the batch file both hand raw strings to ``build``, so an
amount, a date or a code is parsed the same way whichever door it came in by.
Every malformed value becomes ``INVALID_INPUT`` naming the field.
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar

from . import dates, keys, money, scope, tranches, uscc, values
from .digits import describe, odd_digit
from .errors import LedgerError, did_you_mean, invalid

MAX_VALUE = 1000  # characters in one field: far above any name or reason, far below what could hurt

_KEY = re.compile(r"[^\s]{1,64}")


def key(text: str) -> str:
    """A REF, voucher, fund code or document number: 1–64 visible characters, no spaces."""
    word = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if isinstance(text, str) and odd_digit(text) is not None:
        raise invalid(f"{text!r} 含有 {describe(odd_digit(text) or '')}: 请输入数字 0-9")
    if not _KEY.fullmatch(word) or not word.isprintable():
        raise invalid(f"须为 1 至 64 个字符且不含空格: {text!r}")
    return word


def _translated(parse: Callable[[Any], Any], *failures: type[Exception]) -> Callable[[Any], Any]:
    def parser(value: Any) -> Any:
        try:
            return parse(value)
        except failures as exc:
            raise invalid(str(exc)) from exc

    return parser


def _region(text: object) -> str:
    word = unicodedata.normalize("NFKC", str(text)).strip()
    if not re.fullmatch(r"[1-8][0-9]{5}", word) or word.endswith("0000"):
        raise invalid(f"须为城市或区县的 6 位行政区划代码, 如 370200 (青岛市): {text!r}")
    return word


def _document(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise invalid("政策文件是空的")
    if len(text) > 1_000_000:
        raise invalid("政策文件超过 1,000,000 个字符")
    return text


def _year(text: object) -> int:
    if isinstance(text, int):  # from JSON; never turned into text, which a 5,000-digit number would refuse
        if not 1990 <= text <= 2100:
            shown = str(text) if abs(text) < 10**6 else "一个大得离谱的数"
            raise invalid(f"须为年份, 如 2024: {shown}")
        return text
    if odd_digit(str(text)) is not None:
        raise invalid(f"须为年份, 如 2024: {text!r} 含有 {describe(odd_digit(str(text)) or '')}")
    word = unicodedata.normalize("NFKC", str(text)).strip()
    if not re.fullmatch(r"[0-9]{4}", word) or not 1990 <= int(word) <= 2100:
        raise invalid(f"须为年份, 如 2024: {text!r}")
    return int(word)


def _days(text: object) -> int:
    """A number of days, 1 to 366 (a fund's approval window)."""
    word = unicodedata.normalize("NFKC", str(text)).strip()
    if isinstance(text, bool) or not re.fullmatch(r"[0-9]{1,3}", word) or not 1 <= int(word) <= 366:
        raise invalid(f"须为天数, 1 至 366 的整数, 如 30: {text!r}")
    return int(word)


def _position(text: object) -> int:
    word = str(text).strip()
    if not word.isdigit():
        raise invalid(f"须为日志位置 (整数): {text!r}")
    return int(word)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "key": key,
    "text": values.text,
    "amount": _translated(money.parse, money.MoneyError),
    "date": _translated(dates.effective, dates.DateError),
    "any_date": _translated(dates.parse, dates.DateError),
    "year": _year,
    "region": _region,
    "document": _document,
    "unit": _translated(uscc.normalise, uscc.USCCError),
    "grade": values.grade,
    "score": values.score,
    "category": values.category,
    "unit_type": values.unit_type,
    "mode": values.mode,
    "stake": values.stake,
    "role": values.role,
    "public_key": lambda text: keys.normalise_public(str(text)),
    "position": _position,
    "days": _days,
    "city": lambda text: scope.city(text),
    "clauses": lambda text: scope.clause_list(text),
    "tranches": lambda text: tranches.schedule(text),  # 分期拨付 (ledger.tranches)
    "milestone": lambda text: tranches.milestone_kind(text),
    "result": lambda text: tranches.result(text),
    "budget": lambda text: _budget(text),
}


def parse(kind: str, value: Any, what: str) -> Any:
    """Parse one value; a refusal keeps its code and names the field (``disburse --amount: …``)."""
    if isinstance(value, str):
        if len(value) > MAX_VALUE:
            raise invalid(f"{what}: 长 {len(value):,} 个字符; 最多 {MAX_VALUE} 个")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid(f"{what}: 不是有效的 UTF-8 文本 (含孤立的代理字符); 请重新输入") from None
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


def _budget(text: str) -> tuple[tuple[str, int], ...]:
    """``equipment:50万,labor:30万,indirect:20万`` → {category: 分}."""
    word = unicodedata.normalize("NFKC", str(text)).strip()
    out: dict[str, int] = {}
    for part in (p.strip() for p in re.split(r"[,，;；]", word) if p.strip()):
        name, sep, amount = part.partition(":")
        if not sep:
            raise invalid(f"预算科目 {part!r} 的写法应为 科目:金额, 如 equipment:50万")
        category = values.category(name.strip())
        if category in out:
            raise invalid(f"预算科目 {category} 出现了两次")
        try:
            out[category] = money.parse(amount.strip())
        except money.MoneyError as exc:
            raise invalid(f"预算科目 {category}: {exc}") from exc
    if not out:
        raise invalid("预算是空的; 写法如 equipment:50万,labor:30万,indirect:20万")
    return tuple(out.items())


# Each command class lives with its family (``ledger/command_families/``, as the handlers do) and is created when
# first named: ``commands.Disburse`` (this module's ``__getattr__``) or ``WRITE_COMMANDS["disburse"]`` imports the
# payments family only, so a command as a new process makes a handful of dataclasses, not all (issue 26).
FAMILY_OF: dict[str, str] = {
    **dict.fromkeys(("Init", "FundCreate", "FundScope", "FundAppropriate", "UnitRegister", "UnitRename"), "setup"),
    **dict.fromkeys(("RoleGrant", "RoleRevoke", "KeyRotate"), "keys"),
    **dict.fromkeys(("Apply", "Evaluate", "Award", "Reject"), "applications"),
    **dict.fromkeys(("Disburse", "Approve", "Void", "Spend", "Recover", "Reverse"), "payments"),
    **dict.fromkeys(("Invest", "Convert", "Exit", "WriteOff"), "equity"),
    **dict.fromkeys(("CancelAward", "ReduceAward", "Correct", "Reevaluate"), "corrections"),
    "Recharge": "settlement",
    "PolicyLoad": "policies",
    **dict.fromkeys(("Close", "Reopen", "Seal"), "periods"),
    **dict.fromkeys(("Contract", "Milestone", "Extend", "AdjustBudget", "CloseProject"), "projects"),
}
# The commands a batch line or the command line may name (``Seal`` is not one: only ``Ledger.seal`` builds it),
# by their ``name``, in the order they are listed to a user.
CLASS_OF: dict[str, str] = {
    "init": "Init",
    "policy load": "PolicyLoad",
    "role grant": "RoleGrant",
    "role revoke": "RoleRevoke",
    "key rotate": "KeyRotate",
    "fund create": "FundCreate",
    "fund scope": "FundScope",
    "fund appropriate": "FundAppropriate",
    "unit register": "UnitRegister",
    "unit rename": "UnitRename",
    "apply": "Apply",
    "evaluate": "Evaluate",
    "award": "Award",
    "reject": "Reject",
    "disburse": "Disburse",
    "approve": "Approve",
    "void": "Void",
    "spend": "Spend",
    "recover": "Recover",
    "reverse": "Reverse",
    "invest": "Invest",
    "convert": "Convert",
    "exit": "Exit",
    "write-off": "WriteOff",
    "close": "Close",
    "reopen": "Reopen",
    "cancel-award": "CancelAward",
    "reduce-award": "ReduceAward",
    "correct": "Correct",
    "reevaluate": "Reevaluate",
    "recharge": "Recharge",
    # a project's life after the award (issue 24)
    "contract": "Contract",
    "milestone": "Milestone",
    "close-project": "CloseProject",
    "extend": "Extend",
    "adjust-budget": "AdjustBudget",
}


def __getattr__(name: str) -> Any:
    """A command class, its family imported on first use (``FAMILY_OF``)."""
    family = FAMILY_OF.get(name)
    if family is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    cls = getattr(importlib.import_module(f"{__package__}.command_families.{family}"), name)
    globals()[name] = cls
    return cls


def isa(command: object, name: str) -> bool:
    """``isinstance(command, <name>)`` without creating the class: a family never imported made no command."""
    module = sys.modules.get(f"{__package__}.command_families.{FAMILY_OF[name]}")
    return module is not None and isinstance(command, getattr(module, name))


class Commands(Mapping[str, type[Command]]):
    """``WRITE_COMMANDS``: command name → class, as a read-only mapping whose classes are made when looked up."""

    def __getitem__(self, name: str) -> type[Command]:
        return __getattr__(CLASS_OF[name])

    def __contains__(self, name: object) -> bool:
        return name in CLASS_OF

    def __iter__(self) -> Iterator[str]:
        return iter(CLASS_OF)

    def __len__(self) -> int:
        return len(CLASS_OF)


WRITE_COMMANDS: Mapping[str, type[Command]] = Commands()


def _user_name(f: Any) -> str:
    return f.metadata.get("flag") or f.name.replace("_", "-")


@cache
def _fields(cls: type[Command]) -> dict[str, Any]:
    return {_user_name(f): f for f in fields(cls)}


def build(name: str, raw: Mapping[str, Any]) -> Command:
    """Parse raw values (strings, or numbers from JSON) into a command, or refuse with INVALID_INPUT."""
    cls = WRITE_COMMANDS.get(name)
    if cls is None:
        raise invalid(f"未知命令 {name!r}{did_you_mean(str(name), list(WRITE_COMMANDS))}")
    given = {k.replace("_", "-"): v for k, v in raw.items() if v is not None}
    known = _fields(cls)
    unknown = sorted(set(given) - set(known))
    if unknown:
        hint = did_you_mean(unknown[0], list(known))
        raise invalid(f"{name}: 未知字段 {', '.join(unknown)}{hint}; 可用字段: {', '.join(known)}")
    values_ = {}
    for user_name, f in known.items():
        if user_name not in given:
            if f.metadata["required"]:
                raise invalid(f"{name}: 缺少 {user_name} (必填)")
            continue
        value = given[user_name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise invalid(f"{name}: {user_name} 须为文本, 收到的是 {value!r}")
        if isinstance(value, int) and f.metadata["kind"] not in ("year", "position", "days"):
            raise invalid(f'{name}: {user_name} 须写成文本, 如 "{value}" (金额和编号都是字符串)')
        values_[f.name] = parse(f.metadata["kind"], value, f"{name} --{user_name}")
    return cls(**values_)
