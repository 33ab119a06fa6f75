"""Words people read: Chinese column headers, Chinese labels for stored English values, and safe cells.

JSON keys and stored values stay English (the contract in cli.md); tables,
CSV, xlsx, PDF and the web view show these labels instead. ``safe_cell`` keeps
text that a spreadsheet would run as a formula inert (OWASP's advice for CSV
injection), and leaves numbers alone.
"""

from __future__ import annotations

from typing import Any

from ledger.values import CATEGORIES, GRADES, MODES, NEGATIVE_LIST, ROLES, UNIT_TYPES

HEADERS = {
    "application": "申报编号",
    "unit": "单位",
    "clause": "条款",
    "fund": "资金",
    "year": "年度",
    "fiscal_year": "年度",
    "mode": "方式",
    "awarded": "批复金额",
    "disbursed": "已拨付",
    "pending": "待审批",
    "spent": "已支出",
    "recovered": "已追回",
    "available": "结余",
    "doc": "批复文号",
    "exception_doc": "例外文号",
    "appropriated": "预算",
    "committed": "已承诺",
    "returned": "收回",
    "name": "名称",
    "type": "类型",
    "applications": "申报数",
    "cap_group": "上限组",
    "cap": "年度上限",
    "used": "已用",
    "remaining": "剩余",
    "awards": "批复数",
    "count": "批复数",
    "invested": "投资成本",
    "cost": "持有成本",
    "stake": "持股%",
    "converted": "转股%",
    "exited_stake": "已退出%",
    "proceeds": "退出收入",
    "gain": "损益",
    "written_off": "核销",
    "status": "状态",
    "account": "科目",
    "debit": "借方",
    "credit": "贷方",
    "balance": "余额",
    "seq": "序号",
    "effective_date": "业务日期",
    "recorded_at": "记录时间",
    "actor": "操作人",
    "carried_forward": "结转",
    "lapsed": "年末结余",
    "closed": "已结账",
    "paid": "年内已拨付",
    "closed_on": "结账日期",
    "position": "日志位置",
    "head": "链头哈希",
    "state": "余额哈希",
    "signed_by": "签名人",
}

# Stored English words → what a clerk reads, by column.
VALUES: dict[str, dict[str, str]] = {
    "mode": MODES,
    "type": UNIT_TYPES,
    "grade": GRADES,
    "category": {**CATEGORIES, **NEGATIVE_LIST},
    "role": ROLES,
    "status": {
        "submitted": "已申报",
        "evaluated": "已评审",
        "awarded": "已批复",
        "rejected": "已驳回",
        "posted": "已入账",
        "pending": "待审批",
        "approved": "已审批",
        "voided": "已作废",
        "reversed": "已冲正",
        "held": "持有中",
        "exited": "已退出",
        "written-off": "已核销",
    },
    "kind": {
        "disbursement": "拨付",
        "investment": "股权投资",
        "expenditure": "支出",
        "recovery": "追回",
        "exit": "退出",
        "reopen": "重新开账",
    },
}


def header(column: str) -> str:
    return HEADERS.get(column, column)


def shown(column: str, value: Any) -> Any:
    """The label a person reads for a stored value (unchanged when there is none)."""
    if isinstance(value, str):
        return VALUES.get(column, {}).get(value, value)
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
