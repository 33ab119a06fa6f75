"""Rows as text: display widths, the totals row, machine values and CSV (UTF-8 with a BOM), for cli/ and web/.

Moved out of ``cli.output`` (issue 28) so that the web view's downloads and the workbooks
(``presentation.sheets``) use them without importing the command line; ``cli.output`` re-exports them.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import unicodedata
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ledger.money import Amount, format_yuan

from .labels import header, safe_cell, shown

TOTAL_LABEL = "合计"


def _machine(value: Any, money: bool = False) -> Any:
    if isinstance(value, Amount) or (money and isinstance(value, int)):
        return format_yuan(value)
    if isinstance(value, dict):
        return {k: _machine(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_machine(v) for v in value]
    return value


# Count columns that add up like money does (a unit's applications, a clause's awards).
COUNTED = frozenset(("applications", "count"))


def totals(
    rows: Sequence[dict], money: Collection[str], label: str = TOTAL_LABEL, counted: Collection[str] = COUNTED
) -> dict | None:
    """The totals row of ``rows``: each money column summed (分), and the counts; the label in the first other column.

    ``None`` when no money column is there. Table, CSV and xlsx writers append it after their rows.
    """
    if not rows:
        return None
    columns = list(rows[0].keys())
    if not any(c in money for c in columns):
        return None
    summed = [c for c in columns if c in money or c in counted]
    row: dict[str, Any] = dict.fromkeys(columns)
    for column in summed:
        row[column] = sum(int(r.get(column) or 0) for r in rows)
    labelled = next((c for c in columns if c not in summed), None)
    if labelled is not None:
        row[labelled] = label
    return row


def width(text: str) -> int:
    """Display width: CJK characters take two columns on a terminal (ASCII text is one column a character)."""
    return len(text) if text.isascii() else _wide_width(text)


@functools.lru_cache(maxsize=8192)  # names and labels repeat down a long report
def _wide_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


BOM = "\ufeff"


def _csv_cell(column: str, value: Any, money: Collection[str]) -> Any:
    """Amounts as plain decimals in 元 (numbers, sign and all); every other text neutralised for spreadsheets."""
    if isinstance(value, Amount) or (column in money and isinstance(value, int) and not isinstance(value, bool)):
        return format_yuan(value)
    value = _machine(shown(column, value))
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return safe_cell(value)


def as_csv(
    rows: Sequence[dict],
    money: Collection[str] = (),
    *,
    total: bool = False,
    headers: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
) -> str:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), Chinese headers and labels, and an optional totals row.
    With no rows, the header row of ``columns`` alone (a sheet that opens with its headings, not an empty file)."""
    buffer = io.StringIO()
    if not rows and columns:
        csv.writer(buffer, lineterminator="\n").writerow([(headers or {}).get(c, header(c)) for c in columns])
    if rows:
        columns = list(rows[0].keys())
        body = list(rows)
        summed = totals(rows, money) if total else None
        if summed is not None:
            body.append(summed)
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([(headers or {}).get(c, header(c)) for c in columns])
        for row in body:
            writer.writerow([_csv_cell(c, row.get(c), money) for c in columns])
    return BOM + buffer.getvalue()
