"""Words the web view adds to the shared labels: the fields of an event, in Chinese; event names are the one
table declared with the events (``ledger.vocabulary``), as history, the CLI and the voucher forms show them."""

from __future__ import annotations

from ledger.vocabulary import label

FIELDS = {
    "ref": "申报编号",
    "unit_type": "单位类型",
    "asked": "申报金额",
    "base": "计算基数",
    "grade": "评审等级",
    "score": "评分",
    "amount": "金额",
    "voucher": "凭证号",
    "held": "待审批",
    "kind": "类别",
    "category": "支出类别",
    "reason": "理由",
    "valuation": "估值",
    "equity_amount": "股权部分",
    "original_on": "原业务日期",
    "milestone": "里程碑",
    "result": "结论",
    "released": "放行金额",
    "end": "执行期至",
    "previous": "原截止日期",
    "source": "调出科目",
    "target": "调入科目",
    "retained": "留用",
    "retain_doc": "留用文号",
    "tranches": "分期计划",
    "award_doc": "原批复文号",
    "before": "调减前",
    "after": "调减后",
    "awarded": "批复金额",
    "recovered": "已追回",
    "fingerprint": "密钥指纹",
    "held_by": "持有人",
    "holder": "持有人",
    "number": "凭证号",
    "window": "累计审批期(天)",
}
# A correction's records of before and after (``before.asked`` → 原申报金额).
PREFIXES = {"before": "原", "after": "更正后"}
# Fields whose stored values are words a clerk reads in Chinese, by the column of the shared label table.
VALUE_COLUMNS = {
    "grade": "grade",
    "category": "category",
    "kind": "kind",
    "mode": "mode",
    "unit_type": "type",
    "milestone": "milestone",
    "result": "result",
    "source": "category",
    "target": "category",
}


def field_name(name: str) -> str:
    """An event field's Chinese name: the web's own, the shared header, a budget's category, a prefixed record."""
    from presentation.labels import VALUES, header

    if name.startswith("category:"):
        key = name.partition(":")[2]
        return VALUES["category"].get(key, key)
    first, dot, rest = name.partition(".")
    if dot and first in PREFIXES:
        return PREFIXES[first] + field_name(rest)
    return FIELDS.get(name) or header(name)


def event_name(event_type: str) -> str:
    """``Grant.Disbursed`` → ``拨付`` (``ledger.vocabulary.LABELS``, the table every view shows); the stored type
    stays in the page as data for an auditor's tools."""
    return label(event_type)
