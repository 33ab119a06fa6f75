"""How verify's findings name what they found, in words a clerk or an auditor reads (issue 27).

A finding names the event by its place in the log and its Chinese label, with the stored event type beside it
for the engineer (``第 12 条事件「拨付」(Grant.Disbursed)``), and a read-model row by its values as a person
reads them (no ``None`` or ``b'\\x..'``). Every check of ``verify`` (``projections.audit``), of
``verify --since-seal`` (``projections.incremental``) and of the business fold (``projections.invariants``)
writes its findings through these, so one event reads the same in all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from ledger.vocabulary import label

# Read-model tables as people name them (a finding shows the table's name beside, for the engineer).
TABLES = {
    "tracking": "回放进度",
    "origins": "事件来源",
    "awards": "批复",
    "funds": "资金",
    "fund_names": "资金名称",
    "units": "单位",
    "caps": "上限",
    "clauses": "条款",
    "equity": "股权投资",
    "journal": "日记账",
    "balances": "科目余额",
    "fund_balances": "资金余额",
    "event_keys": "事件索引",
    "held_acts": "待审批事项",
    "projects": "项目",
}
# What a stored event's content may have been rewritten as (Python's type names), in words.
KINDS = {"str": "文本", "int": "整数", "float": "小数", "NoneType": "空值", "memoryview": "字节视图"}


def event(seq: int, name: str) -> str:
    """``第 12 条事件「拨付」(Grant.Disbursed)``; an undeclared type by its stored name only."""
    shown = label(name)
    return f"第 {seq} 条事件「{shown}」({name})" if shown != name else f"第 {seq} 条事件 ({name})"


def event_of(seq: int, name: str, version: int, originator: UUID) -> str:
    """An event with the aggregate it belongs to and its place there (what the chain hashes)."""
    shown = label(name)
    kind = f"「{shown}」" if shown != name else ""
    return f"第 {seq} 条事件{kind}({name}, 对象 {originator} 的第 {version} 个事件)"


def events(names: Iterable[str]) -> str:
    """The distinct event types of a signed range, in order: ``「拨付」(Grant.Disbursed)、…``."""
    shown = []
    for name in dict.fromkeys(names):
        word = label(name)
        shown.append(f"「{word}」({name})" if word != name else name)
    return "、".join(shown)


def kind(value: Any) -> str:
    name = type(value).__name__
    return KINDS.get(name, name)


def table(name: str) -> str:
    """``读模型「批复」(表 awards)``."""
    words = TABLES.get(name)
    return f"读模型「{words}」(表 {name})" if words else f"读模型表 {name}"


def value(v: Any) -> str:
    if v is None:
        return "空"
    if isinstance(v, (bytes, bytearray, memoryview)):
        raw = bytes(v)
        return str(UUID(bytes=raw)) if len(raw) == 16 else raw.hex()
    return str(v)


def row(values: tuple | None) -> str:
    """A row as people read it: ``(QD-1, 500.00, 空)``; a row that is not there: ``无``."""
    if values is None:
        return "无"
    return "(" + ", ".join(map(value, values)) + ")"


def row_problem(rows_of: Any, keys: int, a: tuple | None, b: tuple | None) -> str:
    """What is wrong with one row of the table ``rows_of``, live ``a`` against rebuilt ``b`` (the first pair that
    differs): a row the rebuild has and the live table lacks is named by its key; a row only the live table has, with
    what it holds; a changed row, by each column that differs (live ≠ rebuilt)."""
    if a is None or (b is not None and a[:keys] > b[:keys]):  # name the row that was deleted, not the next one
        return f"{_row_name(rows_of, b[:keys])} 在现存的读模型中不见了 (从事件重建有这一行)"
    if b is None or a[:keys] < b[:keys]:
        return f"{_row_name(rows_of, a[:keys])} 不应存在: 从事件重建没有这一行 (现存的行: {row(a)})"
    columns = [c.name for c in rows_of.columns]
    changed = "; ".join(
        f"列 {name} 现存 {value(x)} ≠ 重建 {value(y)}" for name, x, y in zip(columns, a, b, strict=False) if x != y
    )
    return f"{_row_name(rows_of, a[:keys])} 与从事件重建的结果不同: {changed}"


def _row_name(rows_of: Any, key: tuple) -> str:
    return f"{table(rows_of.name)} 的行 ({', '.join(map(value, key))})"
