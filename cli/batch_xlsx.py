"""Batches from Excel: the first sheet's rows become the numbered lines a JSON Lines batch would have.

Row 1 names the columns with batch keys (``cmd``, ``ref``, ``amount``…) or
their Chinese labels (``命令``, ``申报编号``, ``金额``…); every later row is one
command. Each row is turned into the JSON text of the same command and
numbered with its row, so ``BatchRunner`` applies it exactly as it applies a
JSON Lines file: the same validation, each row atomic, exact repeats skipped,
refusals reported by row number. Numbers Excel stored as numbers come back
as the digits it showed; dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger import errors

from .labels import BATCH_COMMANDS, BATCH_KEYS

LABELS = {label: key for key, label in BATCH_KEYS.items()}
COMMANDS = {label: name for name, label in BATCH_COMMANDS.items()}


def column_key(title: Any, number: int) -> str | None:
    """A header cell → its batch key (None for an empty header: the column is ignored)."""
    if title is None or not str(title).strip():
        return None
    word = str(title).strip()
    key = LABELS.get(word) or word.lower().replace("_", "-")
    if key not in BATCH_KEYS:
        raise errors.invalid(f"第 1 行第 {number} 列的列名 {word!r} 不认识; 可用: {'、'.join(BATCH_KEYS.values())}")
    return key


def cell_text(key: str, value: Any) -> Any:
    """A cell as the batch value: text, a year as a number, a date as YYYY-MM-DD (bools stay, to be refused)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # Excel keeps every number as a double: take the digits it shows
        value = int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return value if key == "year" else str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        value = value.strip()
        return COMMANDS.get(value, value) if key == "cmd" else value
    return value


def read_rows(path: str) -> Iterator[tuple[int, str]]:
    """(row number, JSON text) for every row of the first sheet after the header; blank rows give ``""``."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise errors.invalid(f"{path} 不是可读的 xlsx 工作簿: {exc}") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        keys = [column_key(title, n) for n, title in enumerate(next(rows, ()), start=1)]
        if "cmd" not in keys:
            raise errors.invalid(f"{path}: 第 1 行须有列名 命令 (cmd) 及各命令的参数列")
        lines = []
        for number, values in enumerate(rows, start=2):
            raw = {
                key: cell_text(key, value)
                for key, value in zip(keys, values, strict=False)
                if key and value is not None and not (isinstance(value, str) and not value.strip())
            }
            lines.append((number, json.dumps(raw, ensure_ascii=False) if raw else ""))
    finally:
        book.close()
    return iter(lines)


def write_template(path: str) -> None:
    """An empty first sheet headed with the Chinese labels, and a second sheet saying what each command needs."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ledger.commands import WRITE_COMMANDS, _fields

    from .output import width

    book = Workbook()
    sheet = book.active
    sheet.title = "批量命令"
    sheet.append(list(BATCH_KEYS.values()))
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, width(str(cell.value)) + 4)
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "A2"
    choices = DataValidation(type="list", formula1=f'"{",".join(BATCH_COMMANDS.values())}"', allow_blank=True)
    sheet.add_data_validation(choices)
    choices.add("A2:A5000")
    guide = book.create_sheet("说明")
    guide.append(["命令", "cmd", "列 (必填的在前)"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for name, cls in WRITE_COMMANDS.items():
        if name == "init":
            continue
        key = name.replace(" ", "-")
        fields = sorted(_fields(cls).items(), key=lambda item: not item[1].metadata["required"])
        columns = [BATCH_KEYS.get(k, k) + ("" if f.metadata["required"] else "(可选)") for k, f in fields]
        guide.append([BATCH_COMMANDS.get(key, key), key, "、".join(columns)])
    for letter, size in (("A", 12), ("B", 18), ("C", 80)):
        guide.column_dimensions[letter].width = size
    book.save(path)
