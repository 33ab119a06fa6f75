"""A funds statement (项目资金对账单) on A4, drawn by reportlab in the font every grantledger PDF uses.

The award (unit, clause and its citation, fund, document), its figures in figures and in 大写, each section
as a ruled table (payments, spending by category, recoveries, reversals, the award's other acts), then the
lines a recipient signs and stamps. The font comes from ``voucher_pdf.register_font``: one function for
every form. All text is escaped: names are data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from ledger.capitals import capitals
from ledger.dates import SHANGHAI
from ledger.money import format_grouped
from presentation.labels import header, shown

from .output import totals
from .statement_layout import TITLE, award_lines, figure_lines, sections
from .voucher_pdf import a4_document, register_font

PAGE_WIDTH_MM = 180  # A4 less the 15 mm margins of voucher_pdf.a4_document
# Column widths on paper (mm): what a date, an amount up to 亿 or a voucher number needs at 8 pt; the rest
# (details) share what is left.
WIDTHS = {
    "voucher": 22,
    "kind": 15,
    "date": 22,
    "paid_on": 22,
    "amount": 26,
    "paid": 26,
    "status": 15,
    "maker": 18,
    "approved_by": 17,
    "category": 60,
    "count": 20,
    "type": 26,
    "actor": 18,
}


def widths(columns: list[str]) -> list[float]:
    """Each column's width in mm, filling the page: the fixed ones as above, the others sharing the rest."""
    fixed = sum(WIDTHS.get(c, 0) for c in columns)
    free = [c for c in columns if c not in WIDTHS]
    share = max((PAGE_WIDTH_MM - fixed) / len(free), 25) if free else 0
    found = [WIDTHS.get(c, share) for c in columns]
    scale = PAGE_WIDTH_MM / sum(found)
    return [w * scale for w in found]


def _cell(column: str, value: Any, money: frozenset[str]) -> str:
    if value is None:
        return ""
    if column in money and isinstance(value, int):
        return format_grouped(value)
    return str(shown(column, value))


def write(st: Any, path: str, printed_by: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13)
    head = ParagraphStyle("head", parent=body, fontSize=18, leading=24, alignment=1)
    heading = ParagraphStyle("heading", parent=body, fontSize=11, leading=16, spaceBefore=4, keepWithNext=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    right = ParagraphStyle("right", parent=small, alignment=2)

    def p(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")), style)

    def ruled(rows: list[list], widths: list[float], header_rows: int = 1, last_bold: bool = False) -> Table:
        grid = Table(rows, colWidths=widths, repeatRows=header_rows)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), font),  # a table sets its cells' font even for paragraphs
            ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.whitesmoke),
        ]
        if last_bold:
            style.append(("BACKGROUND", (0, -1), (-1, -1), colors.whitesmoke))
        grid.setStyle(TableStyle(style))
        return grid

    info = award_lines(st)
    pairs = [[p(label), p(value)] for label, value in info]
    award = ruled(pairs, [30 * mm, (PAGE_WIDTH_MM - 30) * mm], header_rows=0)
    figures = [[p("项目"), p("金额(元)"), p("大写")]] + [
        [p(label), p(format_grouped(v), right), p(f"人民币{capitals(v)}" if v >= 0 else "")]
        for label, v in figure_lines(st)
    ]
    story = [
        p(TITLE, head),
        Spacer(1, 3 * mm),
        p(f"申报编号: {st.application}；截至: {st.as_of or datetime.now(SHANGHAI).date().isoformat()}；金额单位: 元"),
        Spacer(1, 2 * mm),
        award,
        Spacer(1, 4 * mm),
        p("资金情况", heading),
        ruled(figures, [62 * mm, 38 * mm, 80 * mm]),
    ]
    for section, rows in sections(st):
        story += [Spacer(1, 4 * mm), p(section.title, heading)]
        if not rows:
            story.append(p("(无)", small))
            continue
        columns = [c for c in section.columns if c not in section.not_on_paper]
        titles = [p(section.headers.get(c, header(c)), small) for c in columns]
        body_rows = [
            [p(_cell(c, row.get(c), section.money), right if c in section.money else small) for c in columns]
            for row in rows
        ]
        summed = (
            totals([{c: r.get(c) for c in columns} for r in rows], section.totals, counted=())
            if section.totals
            else None
        )
        if summed is not None:
            body_rows.append(
                [
                    p("合计" if i == 0 else _cell(c, summed[c], section.money), right if c in section.money else small)
                    for i, c in enumerate(columns)
                ]
            )
        sizes = [w * mm for w in widths(columns)]
        story.append(ruled([titles, *body_rows], sizes, last_bold=summed is not None))
    printed = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    story += [
        Spacer(1, 8 * mm),
        p("以上数据由专项资金台账按事件日志生成; 请项目承担单位核对, 如有不符请与资金管理部门联系。"),
        Spacer(1, 8 * mm),
        p("项目承担单位 (盖章): ____________　　财务负责人: ____________　　核对日期: ____________"),
        Spacer(1, 6 * mm),
        p("资金管理部门 (盖章): ____________　　经办人: ____________"),
        Spacer(1, 6 * mm),
        p(f"打印时间: {printed} (北京时间)　打印人: {printed_by}　由 grantledger 按事件日志生成", small),
    ]
    a4_document(path, f"{TITLE} {st.application}").build(story)
