"""The 金蝶 KIS 凭证引入 workbook: one 分录 a row, dates as dates, amounts as numbers, columns wide enough.

Excel shows a column too narrow for its number as ``###`` and a date typed as
text cannot be filtered or summed by month: each column's width comes from
what its cells show (a CJK character counted as two), 日期 cells are real
dates in ``yyyy-mm-dd`` and 借方/贷方 numbers in ``0.00``. Text goes through
``labels.safe_cell``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from presentation.labels import safe_cell

from .output import width

MAX_WIDTH = 100  # an import file, read on screen: wide enough for the longest 核算项目


def shown(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def write(rows: list[list], path: str) -> int:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from projections.kingdee import KINGDEE_FIELDS

    book = Workbook()
    sheet = book.active
    sheet.title = "凭证"
    sheet.append(list(KINGDEE_FIELDS))
    amounts = {KINGDEE_FIELDS.index("借方金额"), KINGDEE_FIELDS.index("贷方金额")}
    day = KINGDEE_FIELDS.index("日期")
    widths = [width(title) for title in KINGDEE_FIELDS]
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        for index, value in enumerate(row):
            widths[index] = max(widths[index], width(shown(value)))
            if index in amounts:
                sheet.cell(row=sheet.max_row, column=index + 1).number_format = "0.00"
            elif index == day:
                sheet.cell(row=sheet.max_row, column=index + 1).number_format = "yyyy-mm-dd"
    for index, size in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, size * 1.1 + 3)
    sheet.freeze_panes = "A2"
    book.save(path)
    return len(rows)
