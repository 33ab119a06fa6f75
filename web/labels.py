"""Words the web view adds to ``cli.labels``: event names and the fields of an event, in Chinese."""

from __future__ import annotations

EVENTS = {
    "Submitted": "申报",
    "Evaluated": "评审",
    "Awarded": "批复",
    "Rejected": "驳回",
    "Committed": "占用预算",
    "Disbursed": "拨付",
    "Invested": "股权投资",
    "Approved": "审批通过",
    "Voided": "作废",
    "Spent": "支出",
    "Recovered": "追回",
    "Reversed": "冲正",
    "Converted": "转股",
    "Exited": "退出",
    "WrittenOff": "核销",
    "CorrectionProposed": "提请更正",
    "CorrectionWithdrawn": "撤回更正",
    "AwardCancelled": "撤销批复",
    "AwardReduced": "调减批复",
    "ApplicationCorrected": "更正申报",
    "Reevaluated": "复评",
    "Released": "退回额度",
    "Scoped": "规定使用范围",
    "EquityActHeld": "待审批股权退出/核销",
    "EquityActApproved": "审批股权退出/核销",
    "EquityActVoided": "作废股权退出/核销",
    "Issued": "凭证登记",
    "Used": "占用上限",
    "Returned": "退回额度",
    "ReturnReversed": "撤销退回",
    "Registered": "登记",
    "Created": "设立",
    "Opened": "开立",
    "Appropriated": "下达预算",
    "RoleGranted": "授予角色",
    "Initialised": "初始化",
}

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
}


def event_name(event_type: str) -> str:
    """``Grant.Disbursed`` → ``拨付``: the history's own words (``cli.labels.EVENTS``), else this view's by the
    event's last part; the stored type stays in the page as data for an auditor's tools."""
    from cli.labels import EVENTS as HISTORY

    return HISTORY.get(event_type) or EVENTS.get(event_type.rpartition(".")[2]) or event_type
