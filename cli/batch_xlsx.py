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
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger import errors
from presentation.labels import BATCH_COMMANDS, BATCH_KEYS

# A key whose meaning is the command's: ``to`` is extend's new end date and adjust-budget's target category.
SHEET_KEYS = {"extend": {"to": "延期至"}, "adjust-budget": {"to": "调入科目"}}
LABELS = {label: key for key, label in BATCH_KEYS.items()} | {
    label: key for own in SHEET_KEYS.values() for key, label in own.items()
}


def sheet_label(command: str, key: str) -> str:
    """A column's header on a command's own sheet of the template."""
    return SHEET_KEYS.get(command, {}).get(key) or BATCH_KEYS.get(key, key)


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


GUIDE = "说明"


@dataclass
class Book:
    """A batch workbook's commands as numbered JSON lines, and where each number came from (sheet, row)."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    places: dict[int, tuple[str, int]] = field(default_factory=dict)

    def several_sheets(self) -> bool:
        return len({sheet for sheet, _ in self.places.values()}) > 1

    def where(self, number: int) -> str:
        """``第 N 行`` (one sheet) or ``拨付 第 N 行`` (several): the row a clerk looks for."""
        sheet, row = self.places.get(number, ("", number))
        return f"{sheet} 第 {row} 行" if self.several_sheets() else f"第 {row} 行"


def sheet_command(title: str) -> str | None:
    """The command a sheet is named after (``拨付`` or ``disburse``), if any."""
    word = title.strip()
    if word in COMMANDS:
        return COMMANDS[word]
    return word if word in BATCH_COMMANDS else None


def read_book(path: str) -> Book:
    """Every sheet but 说明, in order. A sheet's row 1 names its columns; a sheet named after a command (as
    ``batch template`` writes them) needs no 命令 column. The first sheet's rows keep their row numbers; a
    later sheet's continue after them, and ``Book.where`` names the sheet and row."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise errors.invalid(f"{path} 不是可读的 xlsx 工作簿: {exc}") from exc
    found = Book()
    offset = 0
    try:
        for sheet in book.worksheets:
            if sheet.title.strip() == GUIDE:
                continue
            rows = sheet.iter_rows(values_only=True)
            keys = [column_key(title, n) for n, title in enumerate(next(rows, ()), start=1)]
            command = sheet_command(sheet.title)
            if not any(keys):
                continue
            if "cmd" not in keys and command is None:
                raise errors.invalid(f"{path} 工作表 {sheet.title}: 第 1 行须有列名 命令 (cmd) 及各命令的参数列")
            last = offset
            for number, values in enumerate(rows, start=2):
                raw = {
                    key: cell_text(key, value)
                    for key, value in zip(keys, values, strict=False)
                    if key and value is not None and not (isinstance(value, str) and not value.strip())
                }
                if raw and "cmd" not in raw and command is not None:
                    raw = {"cmd": command, **raw}
                found.lines.append((offset + number, json.dumps(raw, ensure_ascii=False) if raw else ""))
                found.places[offset + number] = (sheet.title, number)
                last = offset + number
            offset = last
    finally:
        book.close()
    if not found.lines and not found.places:
        raise errors.invalid(f"{path}: 没有可读的工作表 (第 1 行须有列名 命令 (cmd) 及各命令的参数列)")
    return found


def read_rows(path: str) -> Iterator[tuple[int, str]]:
    """(row number, JSON text) for every row after the header; blank rows give ``""`` (see ``read_book``)."""
    return iter(read_book(path).lines)


def columns_of(name: str) -> list[tuple[str, bool]]:
    """A command's batch keys, the required first: (key, required)."""
    from ledger.commands import WRITE_COMMANDS, _fields

    fields = sorted(_fields(WRITE_COMMANDS[name]).items(), key=lambda item: not item[1].metadata["required"])
    return [(key, bool(f.metadata["required"])) for key, f in fields]


def write_template(path: str) -> None:
    """A sheet per command, named in Chinese and headed with only that command's columns (required first,
    optional ones marked), then a 说明 sheet listing them all. Fill one sheet or several; ``batch`` reads
    them in order."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ledger.commands import WRITE_COMMANDS

    from .output import width

    book = Workbook()
    book.remove(book.active)
    guide_rows = []
    order = {key: i for i, key in enumerate(BATCH_COMMANDS)}  # the office's order (授权, 设立资金, … 拨付 …)
    for name in sorted(WRITE_COMMANDS, key=lambda n: order.get(n.replace(" ", "-"), len(order))):
        if name == "init":
            continue
        key = name.replace(" ", "-")
        title = BATCH_COMMANDS.get(key, key)
        columns = columns_of(name)
        if not columns:  # nothing to fill in (e.g. key rotate acts for the person running it)
            continue
        sheet = book.create_sheet(title[:31])
        sheet.append([sheet_label(key, k) for k, _ in columns])
        for index, ((k, required), cell) in enumerate(zip(columns, sheet[1], strict=True), start=1):
            cell.font = Font(bold=True)
            if not required:
                cell.fill = PatternFill("solid", fgColor="EEEEEE")
                cell.comment = Comment("可选", "grantledger")
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(14, width(str(cell.value)) + 4)
            if k not in ("year", "score"):  # typed as text: 0001 stays 0001, 30万 stays 30万
                sheet.column_dimensions[letter].number_format = "@"
        sheet.freeze_panes = "A2"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        labels = [sheet_label(key, k) + ("" if required else "(可选)") for k, required in columns]
        guide_rows.append([title, key, "、".join(labels)])
    guide = book.create_sheet(GUIDE)
    guide.append(["工作表 (命令)", "cmd", "列 (必填的在前)"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in guide_rows:
        guide.append(row)
    guide.append([])
    guide.append(["每个工作表对应一个命令, 只有它的列; 可填一个或多个工作表, batch 按顺序执行, 出错时指明工作表和行。"])
    for letter, size in (("A", 14), ("B", 18), ("C", 90)):
        guide.column_dimensions[letter].width = size
    book.save(path)
