"""The vouchers as 用友 U8's 总账工具「凭证引入」text file."""

from __future__ import annotations

from typing import IO, Any

from ledger.money import format_yuan

from .chart_of_accounts import Chart
from .entries import Voucher, assists, attachments, voucher_rows

# 用友 U8 总账工具「凭证引入」text file: a first line ``填制凭证,V800``, then one 分录 per line, fields separated by
# commas, trailing empty fields left off. Field order (the product's 必有部分 first):
U8_FIELDS = ("制单日期", "凭证类别字", "凭证号", "附单据数", "摘要", "科目编码", "借方金额", "贷方金额")
U8_OPTIONAL = (
    "数量",
    "外币",
    "汇率",
    "制单人",
    "结算方式",
    "票号",
    "发生日期",
    "部门编码",
    "个人编码",
    "客户编码",
    "供应商编码",
    "业务员",
    "项目编码",
)
U8_HEADER = "填制凭证,V800"


def _plain(text: Any) -> str:
    """A field of U8's comma-separated text: no commas, no line breaks."""
    return str(text or "").replace(",", "，").replace("\r", " ").replace("\n", " ")


def u8(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """U8's text: 项目编码 (the application) and 供应商编码 (the funded unit, a payee of the bureau) on the lines
    whose accounts carry them; 审核 is the accounting system's."""
    out.write(U8_HEADER + "\r\n")
    count = 0
    for v, line in voucher_rows(chart, books):
        extra = assists(chart, v, line)
        fields = [
            v.date,
            "记",
            str(v.number),
            str(attachments(v)),
            _plain(v.summary(chart)),
            line.account,
            format_yuan(line.debit),
            format_yuan(line.credit),
            "",
            "",
            "",
            _plain(v.actor),
            "",
            "",
            v.date,
            "",
            "",
            "",
            _plain(extra.get("unit", "")),
            "",
            _plain(extra.get("project", "")),
        ]
        while fields and fields[-1] == "":
            fields.pop()
        out.write(",".join(fields) + "\r\n")
        count += 1
    return count
