"""Formatting for people and machines: aligned tables, one JSON document, CSV, xlsx.

Amounts arrive as ``Amount`` (分) — or, in long reports, as plain integers in the
columns the caller names in ``money`` — and leave as 元: ``"300000.00"`` in JSON
and CSV, ``300,000.00`` in tables, exact decimals in xlsx cells (written by ``presentation.sheets``).
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import click

from ledger.errors import LedgerError, exit_code
from ledger.money import FEN_PER_WAN, Amount, format_grouped
from presentation.labels import header, shown
from presentation.tables import (  # noqa: F401 - moved to presentation (issue 28); re-exported for callers
    BOM,
    COUNTED,
    TOTAL_LABEL,
    _csv_cell,
    _machine,
    _wide_width,
    as_csv,
    totals,
    width,
)

YUAN_UNITS = ("元", "万元")


def _row(row: dict, money: Collection[str]) -> dict:
    return {k: _machine(v, k in money) for k, v in row.items()}


def in_wan(fen: int) -> int:
    """分 → hundredths of 万元, rounded half away from zero (万元 tables show two decimals)."""
    hundredth = FEN_PER_WAN // 100
    whole, rest = divmod(abs(fen), hundredth)
    if rest * 2 >= hundredth:
        whole += 1
    return -whole if fen < 0 else whole


def _human(value: Any, money: bool = False, yuan_unit: str = "元") -> str:
    if value is None:
        return ""
    if isinstance(value, Amount) or (money and isinstance(value, int) and not isinstance(value, bool)):
        return format_grouped(in_wan(value) if yuan_unit == "万元" else value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def _pad(text: str, size: int, right: bool, used: int | None = None) -> str:
    gap = " " * (size - (width(text) if used is None else used))
    return gap + text if right else text + gap


def terminal_width() -> int | None:
    """How wide a table may be: ``COLUMNS`` when set, the terminal's width when stdout is one, else no limit."""
    import os
    import shutil

    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def _cut(text: str, size: int) -> str:
    """``text`` in at most ``size`` columns of a terminal, ending in … when cut."""
    if width(text) <= size:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > size - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def _blocks(sizes: list[int], limit: int, lead: list[int]) -> list[list[int]]:
    """Columns in blocks no wider than ``limit``, each block led by the row's key columns ``lead``."""
    blocks: list[list[int]] = []
    current = list(lead)
    for i in range(len(lead), len(sizes)):
        if len(current) > len(lead) and sum(sizes[j] for j in current) + sizes[i] + 2 * len(current) > limit:
            blocks.append(current)
            current = list(lead)
        current.append(i)
    blocks.append(current)
    return blocks


def table(
    rows: Sequence[dict],
    columns: Sequence[str] | None = None,
    money: Collection[str] = (),
    *,
    total: bool = False,
    yuan_unit: str = "元",
    headers: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> str:
    """An aligned table with Chinese headers and labels; amounts grouped, flush right; an optional totals row.
    ``headers``: a report's own Chinese headers for some columns (a period's 本期拨付), else ``labels.header``.

    Wider than ``limit`` (the terminal: ``terminal_width``), it wraps: the columns continue in a second block
    (and a third…) below, each led by the first column, so nothing is left out; a cell wider than a whole
    line is cut with …."""
    if not rows:
        return "(无记录)"
    columns = list(columns or rows[0].keys())
    body = list(rows)
    if total:
        summed = totals([{c: r.get(c) for c in columns} for r in rows], money)
        if summed is not None:
            body.append({c: summed.get(c) for c in columns} | {columns[0]: summed.get(columns[0]) or TOTAL_LABEL})
    own = headers or {}
    titles = [own.get(c, header(c)) + (f"({yuan_unit})" if c in money and yuan_unit != "元" else "") for c in columns]
    cells = [[_human(shown(c, r.get(c)), c in money, yuan_unit) for c in columns] for r in body]
    numeric = [c in money or all(isinstance(r.get(c), int) or r.get(c) is None for r in rows) for c in columns]
    widths = [[width(v) for v in row] for row in cells]
    sizes = [max(width(t), *(row[i] for row in widths)) for i, t in enumerate(titles)]
    blocks = [list(range(len(columns)))]
    if limit is not None and sum(sizes) + 2 * (len(sizes) - 1) > limit:
        room = max(limit - sizes[0] - 2, 8)
        for i in range(1, len(columns)):
            if sizes[i] > room:
                for row, used in zip(cells, widths, strict=True):
                    row[i] = _cut(row[i], room)
                    used[i] = width(row[i])
                sizes[i] = max(width(titles[i]), *(used[i] for used in widths))
        lead = [0, 1] if len(columns) > 2 and columns[1] == "year" else [0]  # a fund's row is its fund and year
        blocks = _blocks(sizes, limit, lead)
    out = []
    for block in blocks:
        lines = ["  ".join(_pad(titles[i], sizes[i], numeric[i]) for i in block).rstrip()]
        lines.append("  ".join("-" * sizes[i] for i in block))
        for row, used in zip(cells, widths, strict=True):
            lines.append("  ".join(_pad(row[i], sizes[i], numeric[i], used[i]) for i in block).rstrip())
        out.append("\n".join(lines))
    return "\n\n".join(out)


def _key_word(key: str) -> str:
    """A mapping's key in words: an expenditure category (a budget's) or a field's Chinese name."""
    category = shown("category", key)
    return category if category != key else header(key)


def _nested(value: Any) -> Any:
    """A result's mapping (a budget by category) or list of records (the tranches) in words: each key by its
    Chinese name, each amount in 元 (``{'equipment': Amount}`` → ``设备费 2,000,000.00``)."""

    def words(item: Mapping) -> str:
        return " ".join(f"{header(k, v)} {_human(shown(k, v))}" for k, v in item.items() if v is not None)

    if isinstance(value, Mapping):
        return "; ".join(f"{_key_word(k)} {_human(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
        return "; ".join(words(v) for v in value)
    return value


def record(fields: dict, headers: Mapping[str, str] | None = None) -> str:
    """One result as a two-column table: Chinese names on the left (``headers``: a command's own for some)."""
    own = headers or {}
    present = {own.get(k) or header(k, v): _nested(shown(k, v)) for k, v in fields.items() if v is not None}
    size = max(width(k) for k in present) if present else 0
    return "\n".join(f"{_pad(k, size, False)}  {_human(v)}" for k, v in present.items())


def as_json(payload: Any, money: Collection[str] = ()) -> str:
    if isinstance(payload, list):
        payload = [_row(row, money) for row in payload]
    elif isinstance(payload, dict):
        payload = _row(payload, money)
    return json.dumps(payload, ensure_ascii=False)


def xlsx(
    rows: Sequence[dict],
    path: str,
    title: str,
    money: Collection[str] = (),
    columns: Sequence[str] | None = None,
    **stamp: Any,
) -> None:
    """One report as a workbook (``presentation.sheets.report_xlsx``)."""
    from presentation import sheets

    sheets.report_xlsx(rows, path, title, money, columns, **stamp)


def emit(
    fmt: str,
    payload: Any,
    *,
    columns: Sequence[str] | None = None,
    note: str | None = None,
    money: Collection[str] = (),
    total: bool = False,
    yuan_unit: str = "元",
    headers: Mapping[str, str] | None = None,
) -> None:
    text = render(fmt, payload, columns=columns, money=money, total=total, yuan_unit=yuan_unit, headers=headers)
    click.echo(text, nl=fmt != "csv")
    if note and fmt not in ("json", "csv"):
        click.echo(note, err=True)


def render(
    fmt: str,
    payload: Any,
    *,
    columns: Sequence[str] | None = None,
    money: Collection[str] = (),
    total: bool = False,
    yuan_unit: str = "元",
    headers: Mapping[str, str] | None = None,
) -> str:
    """The text ``emit`` prints: one JSON document, CSV, or a table (a record for a single result)."""
    if fmt == "json":
        return as_json(payload, money)
    if fmt == "csv":
        rows = payload if isinstance(payload, list) else [payload]
        return as_csv(rows, money, total=total, headers=headers, columns=columns)
    if isinstance(payload, list):
        return table(payload, columns, money, total=total, yuan_unit=yuan_unit, headers=headers, limit=terminal_width())
    return record(payload, headers)


MAX_MESSAGE = 600  # characters: a refusal names what it must; an echoed megabyte helps nobody


def cut(message: str) -> str:
    """A very long message (one that quotes a huge input) keeps its head and tail."""
    return message if len(message) <= MAX_MESSAGE else f"{message[: MAX_MESSAGE - 103]} … {message[-100:]}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\t"}


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):  # every character str.splitlines() breaks on is one of these
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return ch


def one_line(message: str) -> str:
    """One line, whatever the input quoted in the message contained (line breaks and control characters escaped)."""
    return "".join(map(_escaped, cut(message)))


def fail(fmt: str, error: LedgerError) -> None:
    message = cut(error.message)
    if fmt == "json":
        click.echo(json.dumps({"error": {"code": error.code, "message": message}}, ensure_ascii=False))
    else:
        click.echo(f"error[{error.code}]: {one_line(message)}", err=True)
    sys.exit(exit_code(error.code))
