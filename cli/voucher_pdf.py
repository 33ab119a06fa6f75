"""A voucher's form on A4, drawn by reportlab: titled and filled for what the voucher is.

拨付审批单 for a disbursement, 股权投资拨付审批单 for an investment, 支出凭单,
追回凭单, 股权退出凭单; a voided voucher prints as its 作废单 (who voided it,
when and why) and a reversed one as its 红字冲正单 (who, when, why). A correction
filed under its document number prints as its 审批单 (撤销批复, 调减批复, 申报更正,
复评): before and after, the reason, who proposed it and who put it in force or
withdrew it. Every
form carries the award and its unit, the clause with the sentence it quotes,
the amount in figures and in capitals (``ledger.capitals``), stakes in %,
valuations and costs in 元, who made it, whether it needed a second person
and who that was (with key fingerprints once events are signed), and the
voucher's history. The text is in the one embedded font of ``cli.pdf_fonts``.
All text is escaped: names are data.
"""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from ledger.capitals import capitals
from ledger.dates import SHANGHAI
from ledger.money import format_grouped
from ledger.values import format_stake
from presentation.labels import EVENTS, VALUES
from projections.vouchers import VoucherForm

from . import pdf_fonts

TITLES = {
    "disbursement": "专项资金拨付审批单",
    "investment": "股权投资拨付审批单",
    "expenditure": "专项资金支出凭单",
    "recovery": "专项资金追回凭单",
    "exit": "股权退出凭单",
    "write-off": "股权核销凭单",
    # corrections (ledger.corrections): filed under their document number, put in force by a second person
    "cancel-award": "撤销批复审批单",
    "reduce-award": "调减批复审批单",
    "correct": "申报更正审批单",
    "reevaluate": "复评审批单",
}
WORDS = {
    "disbursement": "拨付",
    "investment": "股权投资",
    "expenditure": "支出",
    "recovery": "追回",
    "exit": "股权退出",
    "write-off": "股权核销",
}
AMOUNT_LABELS = {
    "disbursement": "本次拨付",
    "investment": "本次投资",
    "expenditure": "本次支出",
    "recovery": "追回金额",
    "exit": "退出收入",
    "write-off": "核销金额",
    "cancel-award": "撤销金额",
    "reduce-award": "调减金额",
}
CORRECTIONS = frozenset(("cancel-award", "reduce-award", "correct", "reevaluate"))
# the movements a second person may have to approve (an exit or a write-off at the threshold: ledger.holds)
APPROVED_KINDS = frozenset(("disbursement", "investment", "exit", "write-off"))
UNSIGNED = "—(未签名)"


def _label(column: str, value: str | None) -> str:
    return VALUES.get(column, {}).get(value or "", value or "")


def _yuan(fen: object) -> str:
    return f"¥{format_grouped(int(fen))}" if fen is not None else ""


def _shanghai(moment: object) -> str:
    """A recorded time in Beijing time (history may hold it as text or as a datetime, in UTC)."""
    try:
        when = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    except ValueError:
        return str(moment)
    return (when.astimezone(SHANGHAI) if when.tzinfo else when).strftime("%Y-%m-%d %H:%M:%S")


def register_font() -> str:
    """The CJK font every PDF of grantledger writes in (the 拨付审批单, the 项目资金对账单), registered with
    reportlab and embedded (``cli.pdf_fonts``); returns the name to write with. One function, so every form
    follows when the font changes."""
    return pdf_fonts.register()


def a4_document(path: str, title: str):
    """The page every grantledger form prints on: A4 portrait, 15 mm margins, titled, by grantledger, with the
    embedded font as the canvas's initial font (so reportlab never pulls in a non-embedded Helvetica)."""
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
        **pdf_fonts.canvas_options(),
    )


def event_label(event_type: str) -> str:
    return EVENTS.get(event_type) or EVENTS.get(f"Grant.{event_type.rpartition('.')[2]}") or event_type


def title(form: VoucherForm) -> str:
    if form.kind in CORRECTIONS:
        return TITLES[form.kind] + ("(已撤回)" if form.status == "withdrawn" else "")
    if form.status == "voided":
        return f"{WORDS.get(form.kind, '')}作废单"
    if form.status == "reversed":
        return f"{WORDS.get(form.kind, '')}红字冲正单"
    return TITLES.get(form.kind, "专项资金凭单")


def specifics(form: VoucherForm) -> list[list[str]]:
    """What only this kind of movement has: stake and valuation, category, reason, cost and gain."""
    d = form.detail
    rows = []
    if form.kind == "investment":
        rows.append(["持股比例", f"{format_stake(d['stake'])}%", "投后估值(元)", _yuan(d.get("valuation"))])
    if form.kind == "expenditure":
        rows.append(["支出类别", _label("category", d.get("category")), "", ""])
    if form.kind == "recovery" and d.get("reason"):
        rows.append(["追回理由", d["reason"], "", ""])
    if form.kind in CORRECTIONS:
        rows.extend(_changes(form))
        rows.append(["理由", d.get("reason") or "", "", ""])
    if form.kind == "exit":
        cost = int(d.get("cost") or 0)
        rows.append(["出售股权比例", f"{format_stake(d['stake'])}%", "所售股权成本(元)", _yuan(cost)])
        gain = form.amount - cost
        rows.append(["退出损益(元)", f"{_yuan(gain)} ({'收益' if gain >= 0 else '损失'})", "", ""])
    if form.kind == "write-off":
        rows.append(["核销股权比例", f"{format_stake(d['stake'])}%", "核销理由", d.get("reason") or ""])
    return rows


def _changes(form: VoucherForm) -> list[list[str]]:
    """A correction's before and after, in 元 and in words (grades, clauses)."""
    c = form.correction or {}
    before, after = c.get("before"), c.get("after")
    if form.kind == "reduce-award":
        return [["调减前批复金额", _yuan(before), "调减后批复金额", _yuan(after)]]
    if form.kind == "correct":
        rows = []
        if (after or {}).get("asked") is not None:
            rows.append(["原申报金额", _yuan(before.get("asked")), "更正后申报金额", _yuan(after["asked"])])
        if (after or {}).get("clause") and after["clause"] != before.get("clause"):
            rows.append(["原条款", before.get("clause") or "", "更正后条款", after["clause"]])
        return rows
    if form.kind == "reevaluate":
        was, now = before or {}, after or {}
        grade = f"{_label('grade', was.get('grade'))}{' (' + str(was['score']) + '分)' if was.get('score') else ''}"
        new = f"{_label('grade', now.get('grade'))}{' (' + str(now['score']) + '分)' if now.get('score') else ''}"
        return [["原评审等级", grade, "复评等级", new]]
    return []


def _second_person(form: VoucherForm) -> list[list[str]]:
    """Who put a correction in force (审批人), or withdrew it (撤回人), or that it still waits."""
    if form.approver:
        return [
            ["审批人", form.approver, "审批日期", form.approved_on or ""],
            ["审批人密钥指纹", form.approver_fingerprint or UNSIGNED, "", ""],
        ]
    if form.voided_by:
        return [
            ["撤回人", form.voided_by, "撤回日期", form.voided_on or ""],
            ["撤回理由", form.void_reason or "", "", ""],
            ["撤回人密钥指纹", form.closer_fingerprint or UNSIGNED, "", ""],
        ]
    return [["审批人", "(待审批: 须由提出人以外的审批人或管理员审批后生效)", "", ""]]


def people(form: VoucherForm) -> list[list[str]]:
    """Who made it, whether a second person had to approve it and who did, who voided or reversed it."""
    rows = [
        ["经办人", form.maker or "", "经办日期", form.made_on or form.effective_date],
        ["经办人密钥指纹", form.maker_fingerprint or UNSIGNED, "", ""],
    ]
    if form.kind in CORRECTIONS:
        made = ["提出人", form.maker or "", "提出日期", form.made_on or form.effective_date]
        return [made, ["提出人密钥指纹", *rows[1][1:]], *_second_person(form)]
    if form.kind in APPROVED_KINDS:
        if not form.held:
            rows.append(["审批", "无需审批 (低于资金的审批阈值, 经办即入账)", "", ""])
        elif form.approver:
            rows.append(["审批人", form.approver, "审批日期", form.approved_on or ""])
            rows.append(["审批人密钥指纹", form.approver_fingerprint or UNSIGNED, "", ""])
        elif form.status == "pending":
            rows.append(["审批人", "(待审批: 须由经办人以外的审批人审批)", "", ""])
    if form.voided_by:
        rows.append(["作废人", form.voided_by, "作废日期", form.voided_on or ""])
        rows.append(["作废理由", form.void_reason or "", "", ""])
        rows.append(["作废人密钥指纹", form.closer_fingerprint or UNSIGNED, "", ""])
    if form.reversed_by:
        rows.append(["冲正人", form.reversed_by, "冲正日期", form.reversed_on or ""])
        rows.append(["冲正理由", form.reversal_reason or "", "", ""])
        rows.append(["冲正人密钥指纹", form.closer_fingerprint or UNSIGNED, "", ""])
    return rows


def signature_line(form: VoucherForm) -> str:
    if form.kind in CORRECTIONS:
        return "提出人签字: ____________　　审批人签字: ____________　　财务负责人签字: ____________"
    second = "审批人签字: ____________　　" if form.kind in APPROVED_KINDS and form.held else ""
    return f"经办人签字: ____________　　{second}财务负责人签字: ____________"


def write(form: VoucherForm, path: str, printed_by: str) -> None:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    font = register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    head = ParagraphStyle("head", parent=body, fontSize=18, leading=24, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)

    def p(text: object, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")), style)

    fund = " ".join(x for x in (form.fund, form.fund_name) if x)
    clause = " ".join(x for x in (form.clause, form.clause_title) if x)
    what = AMOUNT_LABELS.get(form.kind, "本次金额")
    rows = [
        ["凭证号", form.number, "业务类型", _label("kind", form.kind)],
        ["申报编号", form.application, "状态", _label("status", form.status)],
        ["单位名称", form.unit_name, "统一社会信用代码", form.unit],
        ["资金", fund, "资助方式", _label("mode", form.mode)],
        ["批复文号", form.award_doc or "(尚未批复)", "批复金额(元)", _yuan(form.awarded) if form.award_doc else ""],
        ["批复日期", form.award_date, "业务日期", form.effective_date],
        ["政策条款", clause, "", ""],
        ["条款出处", form.clause_citation, "", ""],
        ["条款原文", form.clause_quote, "", ""],
        *(
            [[f"{what}(小写)", _yuan(form.amount), "", ""], [f"{what}(大写)", f"人民币{capitals(form.amount)}", "", ""]]
            if form.kind in AMOUNT_LABELS or form.kind not in CORRECTIONS
            else []
        ),
        *specifics(form),
        *people(form),
    ]
    spans = [i for i, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    grid = Table(
        [[p(cell) for cell in row] for row in rows],
        colWidths=[30 * mm, 58 * mm, 36 * mm, 56 * mm],
    )
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),  # a table sets its cells' font even for paragraphs
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
            event_label(str(r["type"])),
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
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
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
        p(signature_line(form)),
        Spacer(1, 6 * mm),
        p(f"打印时间: {printed} (北京时间)　打印人: {printed_by}　由 grantledger 按事件日志生成", small),
    ]
    a4_document(path, f"{title(form)} {form.number}").build(story)
