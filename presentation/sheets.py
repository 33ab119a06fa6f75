"""xlsx a finance office can file and print: one workbook, one sheet per report.

Each sheet opens with a title block (the report's name; its filters, the unit
of money and the as-of date; when it was made and by whom), then a frozen,
bold header row in Chinese, the rows, and a totals row added up from the
integer 分 (never from the 元 shown). Amounts and stakes are numbers, so Excel
can add them; column widths come from what the cells show, a CJK character
counting as two digits, so nothing prints as ``###``. Every sheet prints on A4
landscape, fitted to the page width, with the header repeated on each page.
Text goes through ``labels.safe_cell``: a unit named ``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ledger.dates import SHANGHAI
from ledger.money import FEN_PER_WAN, FEN_PER_YUAN, Amount, format_grouped

from .labels import REPORT_TITLES, header, safe_cell, shown
from .tables import totals, width

STAKES = frozenset(("stake", "converted", "exited_stake"))
RATES = frozenset(("execution_rate",))  # "12.3%" in the rows: a number in the cell, shown as a percentage
COUNTS = frozenset(("applications", "count", "awards"))
# Columns that are amounts but do not add up across rows (a cap is a limit per unit and group).
NOT_ADDED = {"caps": frozenset(("cap", "remaining"))}
# Reports that carry their own total row.
OWN_TOTALS = frozenset(("trial-balance", "monthly"))

YUAN_UNITS = {"元": FEN_PER_YUAN, "万元": FEN_PER_WAN}
MONEY_FORMATS = {"元": "#,##0.00", "万元": "#,##0.00####"}  # 1 分 = 0.000001 万元: exact, shown in full
STAKE_FORMAT = "0.00##"
RATE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
HEADER_ROW = 4  # after the title block
MAX_WIDTH = 60
LINE_PT = 15  # a row of 11 pt text
TEXT_WIDTH = 22  # longer text (a unit's or a clause's name) wraps within its cell instead of widening the page
# Printing: A4 landscape (11.69 in) less 0.4 in margins each side, at 96 px an inch; a column of width w (in
# digits of the default 11 pt font) takes 7w + 5 px. The fitted scale keeps the 11 pt text at 8 pt or more.
PRINTABLE_PX = (11.69 - 2 * 0.4) * 96
FONT_PT = 11
MIN_PT = 8


@dataclass(frozen=True)
class Table:
    """One sheet: rows of plain values, amounts in 分 in the ``money`` columns."""

    title: str
    rows: Sequence[Mapping[str, Any]]
    money: Collection[str] = ()
    columns: Sequence[str] | None = None
    totals: Collection[str] | None = None  # which columns add up; None: money and counts
    headers: Mapping[str, str] | None = None  # the report's own headers for some columns, else labels.header

    def column_names(self) -> list[str]:
        if self.columns is not None:
            return list(self.columns)
        return list(self.rows[0].keys()) if self.rows else []

    def added(self) -> frozenset[str]:
        if self.totals is not None:
            return frozenset(self.totals)
        return frozenset(self.money) | COUNTS


@dataclass(frozen=True)
class Stamp:
    """What the title block says about every sheet of a workbook."""

    made_by: str
    as_of: str | None = None
    filters: Sequence[tuple[str, str]] = ()
    yuan_unit: str = "元"
    made_at: datetime = field(default_factory=lambda: datetime.now(SHANGHAI))


def report_table(
    name: str,
    rows: Sequence[Mapping[str, Any]],
    money: Collection[str],
    columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Table:
    """A report's rows as a sheet, with the report's Chinese title and what adds up in it.

    The sheet shows ``columns`` (every field of the rows when not given).
    """
    totals = () if name in OWN_TOTALS else (frozenset(money) | COUNTS) - NOT_ADDED.get(name, frozenset())
    return Table(REPORT_TITLES.get(name, name), rows, money, columns=columns, totals=totals, headers=headers)


def write(path: str, tables: Sequence[Table], stamp: Stamp) -> None:
    if stamp.yuan_unit not in YUAN_UNITS:
        raise ValueError(f"unit of money must be one of {', '.join(YUAN_UNITS)}")
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        _sheet(book, table, stamp, _sheet_name(table.title, used))
    book.save(path)


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}({n})"
        n += 1
    used.add(name)
    return name


class _Cells:
    """How each kind of column is written and shown."""

    def __init__(self, table: Table, unit: str):
        self.table, self.scale = table, YUAN_UNITS[unit]
        self.money_format = MONEY_FORMATS[unit]

    def value(self, column: str, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bool):
            return "是" if value else "否"
        if column in self.table.money or isinstance(value, Amount):
            return Decimal(int(value)) / self.scale
        if column in STAKES:
            return Decimal(str(value))
        if column in RATES:
            return Decimal(str(value).rstrip("%")) / 100
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return value
        return safe_cell(str(shown(column, value)))

    def shown(self, column: str, value: Any) -> str:
        """The text a spreadsheet displays for the cell (for the column's width)."""
        if value is None:
            return ""
        if column in self.table.money or isinstance(value, Amount):
            if self.scale == FEN_PER_YUAN:
                return format_grouped(int(value))
            return f"{Decimal(int(value)) / self.scale:,.6f}"
        if column in RATES:
            return str(value)
        return str(self.value(column, value))

    def number_format(self, column: str, sample: Any) -> str | None:
        if column in self.table.money or isinstance(sample, Amount):
            return self.money_format
        if column in STAKES:
            return STAKE_FORMAT
        if column in RATES:
            return RATE_FORMAT
        if column in COUNTS:
            return COUNT_FORMAT
        return None


def _sheet(book: Any, table: Table, stamp: Stamp, name: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(name)
    columns = table.column_names()
    cells = _Cells(table, stamp.yuan_unit)
    last = get_column_letter(max(len(columns), 1))
    _title_block(sheet, table, stamp, last)

    own = table.headers or {}
    sheet.append([own.get(c, header(c)) for c in columns])
    bold = Font(bold=True)
    for cell in sheet[HEADER_ROW]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center")
    for row in table.rows:
        sheet.append([cells.value(c, row.get(c)) for c in columns])
    data_end = HEADER_ROW + len(table.rows)
    if table.rows:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{data_end}"
    texts = [[own.get(c, header(c)), *(cells.shown(c, row.get(c)) for row in table.rows)] for c in columns]
    added = [c for c in columns if c in table.added()]
    summed = totals([{c: row.get(c) for c in columns} for row in table.rows], added, counted=()) if added else None
    if summed is not None:
        sheet.append([cells.value(c, summed[c]) if c in added else summed[c] for c in columns])
        line = Side(style="thin")
        for cell in sheet[data_end + 1]:
            cell.font = bold
            cell.border = Border(top=line)
        for i, c in enumerate(columns):
            texts[i].append(cells.shown(c, summed[c]) if c in added else summed[c] or "")
    for index, column in enumerate(columns, start=1):
        fmt = cells.number_format(column, table.rows[0].get(column) if table.rows else None)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=index, max_col=index):
                cell.number_format = fmt
        widest = max(width(text) for text in texts[index - 1])
        if not fmt and widest > TEXT_WIDTH:
            wrap = Alignment(wrap_text=True, vertical="top")
            for (cell,) in sheet.iter_rows(min_row=HEADER_ROW + 1, min_col=index, max_col=index):
                cell.alignment = wrap
                lines = -(-width(str(cell.value or "")) // TEXT_WIDTH)  # a spreadsheet does not grow the row itself
                if lines > 1:
                    height = sheet.row_dimensions[cell.row].height or LINE_PT
                    sheet.row_dimensions[cell.row].height = max(height, LINE_PT * lines)
            widest = max(TEXT_WIDTH, width(header(column)))
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, widest + 2)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _page(sheet, print_scale([sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(columns) + 1)]))


def _title_block(sheet: Any, table: Table, stamp: Stamp, last: str) -> None:
    from openpyxl.styles import Alignment, Font

    filters = [f"{label}: {value}" for label, value in stamp.filters]
    as_of = stamp.as_of or f"{stamp.made_at.date().isoformat()} (当前)"
    lines = [
        table.title,
        "　".join([*filters, f"截至: {as_of}", f"单位: {stamp.yuan_unit}"]),
        f"制表时间: {stamp.made_at:%Y-%m-%d %H:%M} (北京时间)　制表人: {stamp.made_by}",
    ]
    for number, text in enumerate(lines, start=1):
        sheet.cell(row=number, column=1, value=safe_cell(text))
        sheet.merge_cells(f"A{number}:{last}{number}")
        sheet.cell(row=number, column=1).alignment = Alignment(horizontal="center" if number == 1 else "left")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 24


def print_scale(widths: Sequence[float]) -> float:
    """The scale that fits columns of these widths to the width of an A4 landscape page (at most 1)."""
    needed = sum(7 * w + 5 for w in widths) or 1
    return min(1.0, PRINTABLE_PX / needed)


def printed_pt(widths: Sequence[float]) -> float:
    """The size the sheet's 11 pt text prints at when fitted to the page width."""
    return FONT_PT * print_scale(widths)


def _page(sheet: Any, scale: float = 1.0) -> None:
    """A4 landscape, header repeated, page numbers in the footer; one page wide when that keeps the text at
    8 pt or more, else printed at 8 pt across as many pages as it takes (``--columns`` chose a wide set)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if FONT_PT * scale >= MIN_PT:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        sheet.page_setup.scale = int(100 * MIN_PT / FONT_PT) + 1
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def report_xlsx(
    rows: Sequence[dict],
    path: str,
    title: str,
    money: Collection[str] = (),
    columns: Sequence[str] | None = None,
    **stamp: Any,
) -> None:
    """One report as a workbook fit to file and print, with ``columns`` (every field when
    not given); ``stamp`` fills its title block."""
    stamp.setdefault("made_by", "")
    chosen = [c for c in columns if not rows or c in rows[0]] if columns is not None else None
    write(path, [report_table(title, rows, money, chosen)], Stamp(**stamp))
