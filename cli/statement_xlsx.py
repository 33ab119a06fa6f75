"""A funds statement (项目资金对账单) as a workbook, in the style of every report's (``presentation.sheets``).

The first sheet is the statement itself: the award line by line, then each figure in 元 (a number) with
its amount in 大写; one sheet follows per section (payments, spending by category, recoveries, and the
reversals and the award's other acts when there are any). Every sheet has the title block, a frozen bold
header, numbers as numbers, no formulas, and prints on A4.
"""

from __future__ import annotations

from typing import Any

from ledger.capitals import capitals
from presentation import sheets

from .statement_layout import TITLE, award_lines, figure_lines, sections


def tables(st: Any) -> list[sheets.Table]:
    head = [{"entry": label, "content": value, "amount": None} for label, value in award_lines(st)]
    head += [
        {"entry": label, "content": f"人民币{capitals(v)}" if v >= 0 else "", "amount": v}
        for label, v in figure_lines(st)
    ]
    found = [sheets.Table(TITLE, head, frozenset(("amount",)), columns=("entry", "content", "amount"), totals=())]
    for section, rows in sections(st):
        found.append(
            sheets.Table(
                f"{TITLE}·{section.title}",
                rows,
                section.money,
                columns=section.columns,
                totals=section.totals,
                headers=section.headers,
            )
        )
    return found


def write(st: Any, path: str, made_by: str) -> None:
    shown = [("申报编号", st.application), ("承担单位", st.unit_name or st.unit)]
    shown += [("截至记录", str(st.known_at))] if st.known_at is not None else []
    sheets.write(path, tables(st), sheets.Stamp(made_by=made_by, as_of=st.as_of, filters=shown))
