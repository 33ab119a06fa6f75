"""The vouchers as rows for 金蝶 KIS's 凭证引入 from Excel (the spreadsheet is written by ``cli.kingdee_xlsx``)."""

from __future__ import annotations

from decimal import Decimal

from .chart_of_accounts import Chart
from .entries import Voucher, assists, attachments, voucher_rows

# 金蝶 KIS 凭证引入 from Excel: one 分录 per row under this header row.
KINGDEE_FIELDS = (
    "日期",
    "凭证字",
    "凭证号",
    "附单据数",
    "摘要",
    "科目代码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "币别",
    "汇率",
    "数量",
    "单价",
    "制单人",
    "审核人",
    "过账人",
    "会计期间",
    "核算项目",
)


def kingdee_rows(chart: Chart, books: list[Voucher]) -> list[list]:
    """金蝶 KIS rows under ``KINGDEE_FIELDS``: dates as dates, amounts as exact Decimal 元 (Excel numbers), the
    会计期间, and 核算项目 as KIS writes them (``项目---代码---名称``, several joined by ``;``)."""
    from datetime import date

    rows = []
    for v, line in voucher_rows(chart, books):
        extra = assists(chart, v, line)
        items = []
        if "project" in extra:
            items.append(f"项目---{extra['project']}---{v.clause or ''}")
        if "unit" in extra:
            items.append(f"往来单位---{extra['unit']}---{v.unit_name or ''}")
        rows.append(
            [
                date.fromisoformat(v.date),
                "记",
                v.number,
                attachments(v),
                v.summary(chart),
                line.account,
                chart.accounts[line.account].name,
                Decimal(line.debit).scaleb(-2),
                Decimal(line.credit).scaleb(-2),
                "RMB",
                1,
                None,
                None,
                v.actor or "",
                None,
                None,
                v.period,
                ";".join(items) or None,
            ]
        )
    return rows
