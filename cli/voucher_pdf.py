"""A voucher's 拨付审批单 on A4, drawn by reportlab.

reportlab's built-in CJK font STSong-Light (an Adobe CID font every PDF
reader carries) writes the Chinese, so no font file ships with grantledger.
The form: the award and its unit, the clause with the sentence it quotes,
the amount in figures and in capitals (``ledger.capitals``), who made and
who approved it (with their key fingerprints once events are signed), the
dates, and the voucher's history. All text is escaped: names are data.
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from ledger.capitals import capitals
from ledger.dates import SHANGHAI
from ledger.money import format_grouped
from projections.vouchers import VoucherForm

from .labels import VALUES

FONT = "STSong-Light"
TITLES = {"investment": "股权投资拨付审批单"}
EVENTS = {
    "Issued": "凭证登记",
    "Disbursed": "拨付",
    "Invested": "股权投资",
    "Approved": "审批通过",
    "Voided": "作废",
    "Reversed": "红字冲正",
    "Spent": "支出",
    "Recovered": "追回",
    "Exited": "股权退出",
}
UNSIGNED = "—(未签名)"


def _label(column: str, value: str | None) -> str:
    return VALUES.get(column, {}).get(value or "", value or "")


def _shanghai(moment: object) -> str:
    """A recorded time in Beijing time (history may hold it as text or as a datetime, in UTC)."""
    try:
        when = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    except ValueError:
        return str(moment)
    return (when.astimezone(SHANGHAI) if when.tzinfo else when).strftime("%Y-%m-%d %H:%M:%S")


def register_font() -> str:
    """The CJK font every PDF of grantledger writes in (the 拨付审批单, the 项目资金对账单), registered with
    reportlab; returns the name to write with. One function, so every form follows when the font changes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def a4_document(path: str, title: str):
    """The page every grantledger form prints on: A4 portrait, 15 mm margins, titled, by grantledger."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    margin = 15 * mm
    return SimpleDocTemplate(
        path,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="grantledger",
    )


def title(form: VoucherForm) -> str:
    return TITLES.get(form.kind, "专项资金拨付审批单")


def write(form: VoucherForm, path: str, printed_by: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName=register_font(), fontSize=10, leading=14)
    head = ParagraphStyle("head", parent=body, fontSize=18, leading=24, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)

    def p(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")), style)

    amount = f"¥{format_grouped(form.amount)}"
    fund = " ".join(x for x in (form.fund, form.fund_name) if x)
    clause = " ".join(x for x in (form.clause, form.clause_title) if x)
    details = "; ".join(f"{k}: {_label(k, v) if isinstance(v, str) else v}" for k, v in form.detail.items())
    rows = [
        ["凭证号", form.number, "业务类型", _label("kind", form.kind)],
        ["申报编号", form.application, "状态", _label("status", form.status)],
        ["单位名称", form.unit_name, "统一社会信用代码", form.unit],
        ["资金", fund, "资助方式", _label("mode", form.mode)],
        ["批复文号", form.award_doc, "批复金额", f"¥{format_grouped(form.awarded)}"],
        ["批复日期", form.award_date, "业务日期", form.effective_date],
        ["政策条款", clause, "", ""],
        ["条款出处", form.clause_citation, "", ""],
        ["条款原文", form.clause_quote, "", ""],
        ["本次金额(小写)", amount, "", ""],
        ["本次金额(大写)", f"人民币{capitals(form.amount)}", "", ""],
        ["经办人", form.maker, "经办人密钥指纹", form.maker_fingerprint or UNSIGNED],
        ["审批人", form.approver or "(待审批)", "审批日期", form.approved_on],
        ["审批人密钥指纹", (form.approver_fingerprint or UNSIGNED) if form.approver else "", "", ""],
    ]
    if details:
        rows.append(["其他", details, "", ""])
    spans = [i for i, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    grid = Table(
        [[p(cell) for cell in row] for row in rows],
        colWidths=[30 * mm, 58 * mm, 36 * mm, 56 * mm],
    )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
    ]
    style += [("SPAN", (1, i), (3, i)) for i in spans]
    style += [("BACKGROUND", (2, i), (2, i), colors.whitesmoke) for i in range(len(rows)) if i not in spans]
    grid.setStyle(TableStyle(style))

    history = [["序号", "事件", "业务日期", "记录时间", "操作人"]] + [
        [
            r["seq"],
            EVENTS.get(str(r["type"]).rpartition(".")[2], r["type"]),
            r["effective_date"],
            _shanghai(r["recorded_at"]),
            r["actor"],
        ]
        for r in form.history
    ]
    trail = Table(
        [[p(cell, small) for cell in row] for row in history], colWidths=[15 * mm, 35 * mm, 30 * mm, 50 * mm, 50 * mm]
    )
    trail.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
    )

    printed = datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    story = [
        p(title(form), head),
        Spacer(1, 4 * mm),
        p(f"凭证号: {form.number}；金额单位: 元"),
        Spacer(1, 2 * mm),
        grid,
        Spacer(1, 6 * mm),
        p("凭证历史"),
        Spacer(1, 2 * mm),
        trail,
        Spacer(1, 10 * mm),
        p("经办人签字: ____________　　审批人签字: ____________　　财务负责人签字: ____________"),
        Spacer(1, 6 * mm),
        p(f"打印时间: {printed} (北京时间)　打印人: {printed_by}　由 grantledger 按事件日志生成", small),
    ]
    a4_document(path, f"{title(form)} {form.number}").build(story)
