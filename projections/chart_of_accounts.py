"""The chart of accounts (科目对照表): how each money movement of the journal becomes the bureau's entries.

The bureau's books under 财会〔2017〕25号 are derived from the double-entry
journal (``journal.py``) through a chart (``charts/gov2019.toml`` by
default, ``--chart FILE`` to replace it): each money movement of an event
becomes its financial-accounting and budget-accounting entries (平行记账).
Nothing is stored: the books are computed from the journal when asked, so
an existing ledger has them at once, a replaced chart applies to the whole
history, and the as-of reports built on the journal are untouched.

Each chart entry is one debit and one credit of the same figure on the same
side, so each side balances on its own by construction; ``load_chart``
refuses a chart that would not. A reversal (红字冲正) is the original
movement with negative figures, so it books red ink on the same accounts.
The books built on it: ``entries`` (trial balance, vouchers), ``plain_books``
(Beancount, hledger), ``u8`` and ``kingdee`` (the accounting systems' imports).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ledger.errors import invalid, os_words

SIDES = ("financial", "budget")
SIDE_NAMES = {"financial": "财务会计", "budget": "预算会计"}
KINDS = ("Assets", "Liabilities", "Equity", "Income", "Expenses")

# The figures of each movement, from its journal lines: name → ((account, sign of debit, sign of credit), …).
# ``expense:`` accounts are matched by prefix.
AMOUNTS: dict[str, dict[str, tuple[tuple[str, int, int], ...]]] = {
    "appropriation": {"amount": (("fund_available", 1, 0),)},
    "award": {"amount": (("commitment", 1, 0),)},
    "pending": {"amount": (("pending", 1, 0),)},
    "disbursement": {"amount": (("earmarked", 1, 0),)},
    "investment": {"amount": (("earmarked", 1, 0),)},
    "expenditure": {"amount": (("earmarked", 0, 1),)},
    "recovery": {"amount": (("fund_available", 1, 0),)},
    "conversion": {"cost": (("equity_holding", 1, 0),)},
    "exit": {
        "proceeds": (("fund_available", 1, 0),),
        "cost": (("equity_holding", 0, 1),),
        "gain": (("equity_gain", -1, 1),),
    },
    "write_off": {"cost": (("equity_writeoff", 1, 0),)},
    # The year's end (结转结余): what a close carried forward and what lapsed; a reopening posts them in red ink.
    "close": {"carried_forward": (("carried_forward_contra", 0, 1),), "lapsed": (("lapsed", 1, 0),)},
    "reopen": {"carried_forward": (("carried_forward_contra", 0, 1),), "lapsed": (("lapsed", 1, 0),)},
}

DEFAULT_CHART = "gov2019.toml"
ASSISTS = ("project", "unit")  # 辅助核算: 项目 (the application), 往来单位 (the funded unit)


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    side: str
    kind: str
    rule: str
    assist: tuple[str, ...] = ()  # 辅助核算 the account carries: "project" (项目: the application), "unit" (往来单位)

    @property
    def ledger_name(self) -> str:
        """``Assets:Financial:1011-零余额账户用款额度``: valid in Beancount (components start with a capital
        or a digit, then letters, digits and dashes) and in hledger."""
        name = re.sub(r"[^\w-]", "", self.name).replace("_", "")
        return f"{self.kind}:{self.side.capitalize()}:{self.code}-{name}"


@dataclass(frozen=True)
class Entry:
    side: str
    debit: str
    credit: str
    amount: str
    rule: str


@dataclass(frozen=True)
class Movement:
    summary: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Chart:
    name: str
    basis: str
    source: str
    accounts: dict[str, Account]
    movements: dict[str, Movement]


def load_chart(path: str | None = None) -> Chart:
    """The default chart, or the one in ``path``; refuses one that is incomplete or could not balance."""
    if path is None:
        text = resources.files("projections").joinpath("charts", DEFAULT_CHART).read_text(encoding="utf-8")
        source = f"projections/charts/{DEFAULT_CHART}"
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise invalid(f"无法读取科目对照表 {path}: {os_words(exc)}") from None
        source = path
    try:
        data = tomllib.loads(text)
        return _chart(data, source)
    except tomllib.TOMLDecodeError as exc:
        raise invalid(f"科目对照表 {source} 不是有效的 TOML: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise invalid(f"科目对照表 {source} 缺少或写错了字段: {exc}") from None


def _chart(data: dict, source: str) -> Chart:
    accounts = {}
    for code, spec in data["accounts"].items():
        if spec["side"] not in SIDES or spec["kind"] not in KINDS or not re.fullmatch(r"\d+", code):
            raise invalid(f"科目对照表 {source}: 科目 {code} 的 side/kind/编码 不合规定 ({spec})")
        if not str(spec.get("rule", "")).strip():
            raise invalid(f"科目对照表 {source}: 科目 {code} 要注明依据 (rule)")
        assist = tuple(spec.get("assist", ()))
        if not set(assist) <= set(ASSISTS):
            raise invalid(f"科目对照表 {source}: 科目 {code} 的辅助核算 {assist} 只能是 {', '.join(ASSISTS)}")
        accounts[code] = Account(code, spec["name"], spec["side"], spec["kind"], spec["rule"].strip(), assist)
    movements = {}
    for name, spec in data["movements"].items():
        if name not in AMOUNTS:
            raise invalid(f"科目对照表 {source}: 未知的资金业务 {name}; 可用: {', '.join(AMOUNTS)}")
        entries = []
        for raw in spec["entries"]:
            entry = Entry(raw["side"], str(raw["debit"]), str(raw["credit"]), raw["amount"], raw["rule"].strip())
            for code in (entry.debit, entry.credit):
                if code not in accounts or accounts[code].side != entry.side:
                    raise invalid(f"科目对照表 {source}: {name} 的分录科目 {code} 不存在或不属于{entry.side}")
            if entry.amount not in AMOUNTS[name]:
                raise invalid(f"科目对照表 {source}: {name} 没有金额 {entry.amount}; 可用: {', '.join(AMOUNTS[name])}")
            if not entry.rule:
                raise invalid(f"科目对照表 {source}: {name} 的每一条分录都要注明依据 (rule)")
            entries.append(entry)
        movements[name] = Movement(spec.get("summary", name), tuple(entries))
    missing = set(AMOUNTS) - set(movements)
    if missing:
        raise invalid(f"科目对照表 {source} 没有说明这些资金业务如何记账: {', '.join(sorted(missing))}")
    chart = data.get("chart", {})
    return Chart(chart.get("name", source), chart.get("basis", ""), source, accounts, movements)


def figures(movement: str, lines: Iterable[tuple[str, int, int]]) -> dict[str, int]:
    """A movement's named figures from its journal lines (account, debit, credit)."""
    wanted = AMOUNTS.get(movement, {})
    out = dict.fromkeys(wanted, 0)
    for account, debit, credit in lines:
        for name, terms in wanted.items():
            for term, sign_debit, sign_credit in terms:
                if account == term or (term.endswith(":") and account.startswith(term)):
                    out[name] += sign_debit * debit + sign_credit * credit
    return out


@dataclass(frozen=True)
class Line:
    """One line of the books: a signed debit or credit (red ink is negative) on one account."""

    side: str
    account: str
    debit: int
    credit: int
    rule: str


def book(chart: Chart, movement: str, lines: Iterable[tuple[str, int, int]]) -> list[Line]:
    found = figures(movement, lines)
    out = []
    for entry in chart.movements[movement].entries:
        amount = found[entry.amount]
        if amount:
            out.append(Line(entry.side, entry.debit, amount, 0, entry.rule))
            out.append(Line(entry.side, entry.credit, 0, amount, entry.rule))
    return out
