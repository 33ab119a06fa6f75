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


@dataclass(frozen=True)
class Init(Command):
    name = "init"


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


@dataclass(frozen=True)
class FundCreate(Command):
    name = "fund create"
    fund: str = arg("key")
    fund_name: str = arg("text", flag="name")
    threshold: int | None = arg("amount", required=False, flag="approval-threshold")
    date: str | None = arg("date", required=False)
    window: int | None = arg("days", required=False, flag="approval-window")
    city: str | None = arg("city", required=False)
    clauses: tuple[str, ...] | None = arg("clauses", required=False)


@dataclass(frozen=True)
class FundScope(Command):
    """A fund's scope (ledger/scope.py), for a fund created without one: its city, and optionally its clauses."""

    name = "fund scope"
    fund: str = arg("key")
    city: str = arg("city")
    doc: str = arg("key")
    clauses: tuple[str, ...] | None = arg("clauses", required=False)
    date: str | None = arg("date", required=False)


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
    region: str | None = arg("region", required=False)
    region_doc: str | None = arg("key", required=False, flag="region-doc")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class UnitRename(Command):
    name = "unit rename"
    code: str = arg("unit")
    unit_name: str = arg("text", flag="name")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


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
    platform: str | None = arg("key", required=False)  # platform clauses: the platform (or 奖项) the award pays for
    tranches: tuple[tuple[int, str], ...] | None = arg("tranches", required=False)  # 分期拨付 (ledger.tranches)


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
    doc: str | None = arg("key", required=False)  # the key a second person approves, when the write-off is held


@dataclass(frozen=True)
class CancelAward(Command):
    """撤销批复 (ledger/corrections.py): proposed here, in force when a second person approves DOC."""

    name = "cancel-award"
    ref: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class ReduceAward(Command):
    """调减: the award's new, lower amount."""

    name = "reduce-award"
    ref: str = arg("key")
    amount: int = arg("amount")
    doc: str = arg("key")
    reason: str = arg("text")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Correct(Command):
    """更正申报 before the award: the amount asked, or the clause."""

    name = "correct"
    ref: str = arg("key")
    doc: str = arg("key")
    reason: str = arg("text")
    amount: int | None = arg("amount", required=False)
    clause: str | None = arg("key", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Reevaluate(Command):
    """复评: a corrected grade (and score) before the award."""

    name = "reevaluate"
    ref: str = arg("key")
    grade: str = arg("grade")
    doc: str = arg("key")
    reason: str = arg("text")
    score: str | None = arg("score", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class PolicyLoad(Command):
    """Load a policy document written in the catalogue's own format (admin only)."""

    name = "policy load"
    file_name: str = arg("text", flag="file-name")
    content: str = arg("document")


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
    snapshot: str | None = arg("key", required=False)  # sha256 of verify's fold states there (issue 26)


# -- a project's life after the award (issue 24): 任务书, milestones, amendments, closeout --------------------


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


@dataclass(frozen=True)
class Contract(Command):
    """任务书: the project's term (执行期) and its budget by category, recorded after the award."""

    name = "contract"
    ref: str = arg("key")
    doc: str = arg("key")
    end: str | None = arg("any_date", required=False, flag="end-date")
    budget: tuple[tuple[str, int], ...] | None = arg("budget", required=False)
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Milestone(Command):
    name = "milestone"
    ref: str = arg("key")
    kind: str = arg("milestone")
    result: str = arg("result")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class CloseProject(Command):
    name = "close-project"
    ref: str = arg("key")
    result: str = arg("result")
    doc: str = arg("key")
    voucher: str | None = arg("key", required=False)
    retain_doc: str | None = arg("key", required=False, flag="retain-doc")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class Extend(Command):
    name = "extend"
    ref: str = arg("key")
    to: str = arg("any_date")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


@dataclass(frozen=True)
class AdjustBudget(Command):
    name = "adjust-budget"
    ref: str = arg("key")
    source: str = arg("category", flag="from")
    target: str = arg("category", flag="to")
    amount: int = arg("amount")
    doc: str = arg("key")
    date: str | None = arg("date", required=False)


WRITE_COMMANDS: Mapping[str, type[Command]] = {
    c.name: c
    for c in (
        Init,
        PolicyLoad,
        RoleGrant,
        RoleRevoke,
        KeyRotate,
        FundCreate,
        FundScope,
        FundAppropriate,
        UnitRegister,
        UnitRename,
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
        CancelAward,
        ReduceAward,
        Correct,
        Reevaluate,
    )
}
# A project's life after the award (issue 24): contract, milestone, close-project, extend, adjust-budget.
WRITE_COMMANDS = {**WRITE_COMMANDS, **{c.name: c for c in (Contract, Milestone, CloseProject, Extend, AdjustBudget)}}


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
