"""The books for the accounting system: 政府会计制度 entries, plain-text ledgers, and 用友/金蝶 vouchers.

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
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, func, select

from ledger.errors import invalid, os_words
from ledger.money import format_yuan

from . import schema as s
from .reports import total

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


# -- trial balance ---------------------------------------------------------------------------------


def trial_balance(
    conn: Connection, chart: Chart, side: str, year: int | None = None, as_of: str | None = None
) -> list[dict]:
    """The trial balance of one side (``financial``/``budget``) or ``both``, each ending with its 合计 row.

    The chart is linear in the journal's figures, so the journal is summed per movement and account in SQL
    first and booked once per movement."""
    j = s.journal.c
    query = select(j.movement, j.account, total(j.debit).label("debit"), total(j.credit).label("credit"))
    if as_of is not None:
        query = query.where(j.effective_date <= as_of)
    if year is not None:
        query = query.where(j.year == year)
    grouped: dict[str, list] = defaultdict(list)
    for r in conn.execute(query.group_by(j.movement, j.account)):
        grouped[r.movement].append((r.account, r.debit, r.credit))
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for movement, lines in grouped.items():
        for line in book(chart, movement, lines):
            sums[line.account][0] += line.debit
            sums[line.account][1] += line.credit
    rows = []
    for one in SIDES if side == "both" else (side,):
        debit_total = credit_total = 0
        for code in sorted(c for c in sums if chart.accounts[c].side == one):
            debit, credit = sums[code]
            rows.append(_tb_row(one, code, chart.accounts[code].name, debit, credit))
            debit_total += debit
            credit_total += credit
        rows.append(_tb_row(one, "total", f"{SIDE_NAMES[one]}合计", debit_total, credit_total))
    return rows


def _tb_row(side: str, account: str, name: str, debit: int, credit: int) -> dict:
    return {"side": side, "account": account, "name": name, "debit": debit, "credit": credit, "balance": debit - credit}


# -- vouchers: one per money event ---------------------------------------------------------------------


@dataclass
class Voucher:
    seq: int
    date: str
    event: str
    movements: list[str]
    application: str | None
    voucher: str | None
    fund: str | None
    year: int | None
    clause: str | None
    actor: str | None  # who made the voucher (制单人): for an approved payment, the maker, not the approver
    lines: list[Line] = field(default_factory=list)
    number: int = 0  # 凭证号: 1, 2, … per 会计期间 (the month of the date), in date order
    unit: str | None = None
    unit_name: str | None = None

    @property
    def period(self) -> int:
        """会计期间: the month of the voucher's date."""
        return int(self.date[5:7])

    def summary(self, chart: Chart) -> str:
        """摘要: what happened and to what, at most 60 characters (U8's limit)."""
        what = "、".join(chart.movements[m].summary for m in self.movements if chart.movements[m].entries)
        if self.event == "Grant.Reversed":
            what = f"红字冲正 {what}"
        about = self.application or (f"{self.fund} {self.year}年度" if self.fund else "")
        text = " ".join(part for part in (what, about, self.voucher or "") if part)
        return text[:60]

    def merged(self) -> list[Line]:
        """Lines summed per side, account and direction: financial first, then budget, debits before credits."""
        sums: dict[tuple, int] = defaultdict(int)
        rules: dict[tuple, str] = {}
        for line in self.lines:
            key = (SIDES.index(line.side), 0 if line.debit else 1, line.account)
            sums[key] += line.debit or line.credit
            rules.setdefault(key, line.rule)
        out = []
        for key in sorted(sums, key=lambda k: (k[0], k[1])):
            side, direction, account = key
            amount = sums[key]
            if amount:
                debit, credit = (amount, 0) if direction == 0 else (0, amount)
                out.append(Line(SIDES[side], account, debit, credit, rules[key]))
        return out


def vouchers(conn: Connection, chart: Chart, year: int | None = None) -> list[Voucher]:
    """Every money event with entries in the books, in date order (log order within a day), numbered 1, 2, …
    per 会计期间 (month), as an accounting system numbers them."""
    j, a, k = s.journal.c, s.awards.c, s.event_keys.c
    who = select(k.seq, func.max(k.type).label("type"), func.max(k.actor).label("actor")).group_by(k.seq).subquery()
    query = (
        select(
            j.seq,
            j.movement,
            j.effective_date,
            j.account,
            j.fund,
            j.year,
            j.application,
            j.voucher,
            j.debit,
            j.credit,
            a.clause,
            a.unit,
            who.c.type,
            who.c.actor,
        )
        .outerjoin(s.awards, a.application == j.application)
        .outerjoin(who, who.c.seq == j.seq)
        .order_by(j.seq, j.line)
    )
    if year is not None:
        query = query.where(j.effective_date >= f"{year:04d}-01-01", j.effective_date <= f"{year:04d}-12-31")
    out: list[Voucher] = []
    per_event: dict[str, list] = {}
    current: Voucher | None = None

    def close() -> None:
        if current is None:
            return
        for movement, lines in per_event.items():
            current.lines.extend(book(chart, movement, lines))
        if current.lines:
            out.append(current)

    for r in conn.execute(query):
        if current is None or r.seq != current.seq:
            close()
            current = Voucher(
                r.seq, r.effective_date, r.type or "", [], r.application, r.voucher, r.fund, r.year, r.clause, r.actor
            )
            current.unit = r.unit
            per_event = {}
        if r.movement not in per_event:
            current.movements.append(r.movement)
        per_event.setdefault(r.movement, []).append((r.account, r.debit, r.credit))
    close()
    _name_makers_and_units(conn, out)
    out.sort(key=lambda v: (v.date, v.seq))
    numbers: dict[str, int] = defaultdict(int)
    for v in out:
        numbers[v.date[:7]] += 1
        v.number = numbers[v.date[:7]]
    return out


MADE = ("Grant.Disbursed", "Grant.Invested")  # the events that make a payment a second person may approve


def _name_makers_and_units(conn: Connection, found: list[Voucher]) -> None:
    """制单人 of an approved payment is its maker (the approval is the event that moves the money); each
    voucher's unit and clause get their names for 辅助核算."""
    k = s.event_keys.c
    approved = {v.voucher for v in found if v.event == "Grant.Approved" and v.voucher}
    if approved:
        rows = conn.execute(
            select(k.voucher, func.min(k.seq), func.max(k.actor))
            .where(k.voucher.in_(sorted(approved)), k.type.in_(MADE))
            .group_by(k.voucher)
        )
        makers = {voucher: actor for voucher, _, actor in rows}
        for v in found:
            if v.event == "Grant.Approved" and v.voucher in makers:
                v.actor = makers[v.voucher]
    units = {v.unit for v in found if v.unit}
    if units:
        u = s.units.c
        names = dict(conn.execute(select(u.unit, u.name).where(u.unit.in_(sorted(units)))).all())
        for v in found:
            v.unit_name = names.get(v.unit)


# -- plain-text ledgers ---------------------------------------------------------------------------------


def _quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _accounts_used(chart: Chart, books: list[Voucher]) -> list[Account]:
    used = {line.account for v in books for line in v.lines}
    return [chart.accounts[code] for code in sorted(used)]


def _meta(v: Voucher) -> list[tuple[str, Any]]:
    pairs = [
        ("seq", v.seq),
        ("event", v.event),
        ("voucher-no", f"记-{v.number:04d}"),
        ("voucher", v.voucher),
        ("application", v.application),
        ("clause", v.clause),
        ("fund", v.fund),
        ("actor", v.actor),
    ]
    return [(key, value) for key, value in pairs if value not in (None, "")]


def beancount(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """Beancount: one transaction per event and side (each balances alone), metadata per event."""
    out.write(f"; grantledger books — {chart.name}\n; chart: {chart.source}; basis: {chart.basis}\n")
    out.write('option "title" "grantledger books"\noption "operating_currency" "CNY"\n\n')
    start = min((v.date for v in books), default="2019-01-01")
    out.write(f"{start} commodity CNY\n\n")
    for account in _accounts_used(chart, books):
        out.write(f"{start} open {account.ledger_name} CNY\n")
        out.write(f"  code: {_quote(account.code)}\n  name: {_quote(account.name)}\n  side: {_quote(account.side)}\n")
        out.write(f"  rule: {_quote(account.rule)}\n")
    count = 0
    for v in books:
        summary = v.summary(chart)
        for side in SIDES:
            lines = [line for line in v.merged() if line.side == side]
            if not lines:
                continue
            out.write(f"\n{v.date} * {_quote(SIDE_NAMES[side])} {_quote(summary)}\n")
            for key, value in [*_meta(v), ("side", side)]:
                out.write(f"  {key}: {value if key == 'seq' else _quote(value)}\n")
            for line in lines:
                account = chart.accounts[line.account]
                amount = line.debit if line.debit else -line.credit
                out.write(f"  {account.ledger_name}  {format_yuan(amount)} CNY\n")
                out.write(f"    rule: {_quote(line.rule)}\n")
            count += 1
    return count


def _tag(value: Any) -> str:
    return str(value).replace(",", "，").replace(";", "；").replace("\n", " ")


def hledger(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """hledger journal: the same transactions, metadata as tags; accounts and commodity declared (strict)."""
    out.write(f"; grantledger books — {chart.name}\n; chart: {chart.source}; basis: {chart.basis}\n\n")
    out.write("commodity 1000.00 CNY\n\n")
    letters = {"Assets": "A", "Liabilities": "L", "Equity": "E", "Income": "R", "Expenses": "X"}
    for account in _accounts_used(chart, books):
        out.write(f"account {account.ledger_name}  ; type:{letters[account.kind]}, code:{account.code}\n")
    count = 0
    for v in books:
        summary = _tag(v.summary(chart))
        for side in SIDES:
            lines = [line for line in v.merged() if line.side == side]
            if not lines:
                continue
            tags = ", ".join(f"{key}:{_tag(value)}" for key, value in [*_meta(v), ("side", side)])
            out.write(f"\n{v.date} * {SIDE_NAMES[side]} | {summary}  ; {tags}\n")
            for line in lines:
                amount = line.debit if line.debit else -line.credit
                out.write(f"    {chart.accounts[line.account].ledger_name}  {format_yuan(amount)} CNY\n")
            count += 1
    return count


# -- 用友 U8 and 金蝶 KIS vouchers --------------------------------------------------------------------------

# 用友 U8 总账工具「凭证引入」text file: a first line ``填制凭证,V800``, then one 分录 per line, fields separated by
# commas, trailing empty fields left off. Field order (the product's 必有部分 first):
U8_FIELDS = ("制单日期", "凭证类别字", "凭证号", "附单据数", "摘要", "科目编码", "借方金额", "贷方金额")
U8_OPTIONAL = (
    "数量",
    "外币",
    "汇率",
    "制单人",
    "结算方式",
    "票号",
    "发生日期",
    "部门编码",
    "个人编码",
    "客户编码",
    "供应商编码",
    "业务员",
    "项目编码",
)
U8_HEADER = "填制凭证,V800"

# 金蝶 KIS 凭证引入 from Excel: one 分录 per row under this header row.
KINGDEE_FIELDS = (
    "日期",
    "凭证字",
    "凭证号",
    "附单据数",
    "摘要",
    "科目代码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "币别",
    "汇率",
    "数量",
    "单价",
    "制单人",
    "审核人",
    "过账人",
    "会计期间",
    "核算项目",
)


def _attachments(v: Voucher) -> int:
    return 1 if v.voucher else 0


def voucher_rows(chart: Chart, books: list[Voucher]) -> Iterator[tuple[Voucher, Line]]:
    for v in books:
        for line in v.merged():
            yield v, line


def _plain(text: Any) -> str:
    """A field of U8's comma-separated text: no commas, no line breaks."""
    return str(text or "").replace(",", "，").replace("\r", " ").replace("\n", " ")


def assists(chart: Chart, v: Voucher, line: Line) -> dict[str, str]:
    """The 辅助核算 a line carries: its account's (chart ``assist``), filled from the voucher."""
    wanted = chart.accounts[line.account].assist
    found = {}
    if "project" in wanted and v.application:
        found["project"] = v.application
    if "unit" in wanted and v.unit:
        found["unit"] = v.unit
    return found


def u8(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """U8's text: 项目编码 (the application) and 供应商编码 (the funded unit, a payee of the bureau) on the lines
    whose accounts carry them; 审核 is the accounting system's."""
    out.write(U8_HEADER + "\r\n")
    count = 0
    for v, line in voucher_rows(chart, books):
        extra = assists(chart, v, line)
        fields = [
            v.date,
            "记",
            str(v.number),
            str(_attachments(v)),
            _plain(v.summary(chart)),
            line.account,
            format_yuan(line.debit),
            format_yuan(line.credit),
            "",
            "",
            "",
            _plain(v.actor),
            "",
            "",
            v.date,
            "",
            "",
            "",
            _plain(extra.get("unit", "")),
            "",
            _plain(extra.get("project", "")),
        ]
        while fields and fields[-1] == "":
            fields.pop()
        out.write(",".join(fields) + "\r\n")
        count += 1
    return count


def kingdee_rows(chart: Chart, books: list[Voucher]) -> list[list]:
    """金蝶 KIS rows under ``KINGDEE_FIELDS``: dates as dates, amounts as exact Decimal 元 (Excel numbers), the
    会计期间, and 核算项目 as KIS writes them (``项目---代码---名称``, several joined by ``;``)."""
    from datetime import date

    rows = []
    for v, line in voucher_rows(chart, books):
        extra = assists(chart, v, line)
        items = []
        if "project" in extra:
            items.append(f"项目---{extra['project']}---{v.clause or ''}")
        if "unit" in extra:
            items.append(f"往来单位---{extra['unit']}---{v.unit_name or ''}")
        rows.append(
            [
                date.fromisoformat(v.date),
                "记",
                v.number,
                _attachments(v),
                v.summary(chart),
                line.account,
                chart.accounts[line.account].name,
                Decimal(line.debit).scaleb(-2),
                Decimal(line.credit).scaleb(-2),
                "RMB",
                1,
                None,
                None,
                v.actor or "",
                None,
                None,
                v.period,
                ";".join(items) or None,
            ]
        )
    return rows
