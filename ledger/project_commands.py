"""The commands of a project's life after the award: ``contract`` (任务书: term and budget), ``milestone``,
``close-project``, ``extend``, ``adjust-budget``, and the parser of ``award --tranches``.

Registered into ``ledger.commands`` (its ``PARSERS`` and ``WRITE_COMMANDS``) when that module loads, so the
command line and the batch file build them the same way as every other command.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from . import money, tranches, values
from .commands import PARSERS, Command, arg
from .errors import invalid


def budget(text: str) -> tuple[tuple[str, int], ...]:
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


PARSERS.update(
    {
        "tranches": lambda text: tranches.schedule(text),
        "milestone": tranches.milestone_kind,
        "result": tranches.result,
        "budget": budget,
    }
)


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


PROJECT_COMMANDS = {cls.name: cls for cls in (Contract, Milestone, CloseProject, Extend, AdjustBudget)}
