"""Words people read: Chinese column headers, Chinese labels for stored English values, and safe cells.

JSON keys and stored values stay English (the contract in cli.md); tables,
CSV, xlsx, PDF and the web view show these labels instead. ``safe_cell`` keeps
text that a spreadsheet would run as a formula inert (OWASP's advice for CSV
injection), and leaves numbers alone.
"""

from __future__ import annotations

from typing import Any

from ledger.tranches import MILESTONES, RESULTS
from ledger.values import CATEGORIES, CITY_WORDS, GRADES, KINDS, MODES, NEGATIVE_LIST, ROLES, UNIT_TYPES
from ledger.vocabulary import LABELS

HEADERS = {
    "application": "申报编号",
    "unit": "单位",
    "clause": "条款",
    "fund": "资金",
    "year": "年度",
    "fiscal_year": "预算年度",
    "mode": "方式",
    "awarded": "批复金额",
    "disbursed": "已拨付",
    "pending": "待审批",
    "spent": "已支出",
    "recovered": "已追回",
    "available": "结余",
    "doc": "文号",
    "exception_doc": "例外文号",
    "platform": "平台 (奖项)",
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
    "gain": "退出损益",
    "written_off": "核销损失",
    "net_gain": "损益合计",
    "status": "状态",
    "account": "科目",
    "debit": "借方",
    "credit": "贷方",
    "balance": "余额",
    "seq": "序号",
    "effective_date": "业务日期",
    "recorded_at": "记录时间",
    "actor": "操作人",
    "side": "会计",
    # issue 15: names, history details, lists, pending and single results
    "unit_name": "单位名称",
    "clause_title": "条款名称",
    "fund_name": "资金名称",
    "voucher": "凭证号",
    "kind": "类型",
    "maker": "经办人",
    "date": "日期",
    "amount": "金额",
    "detail": "摘要",
    "id": "条款编号",
    "title": "条款名称",
    "source": "来源",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "registered_on": "登记日期",
    "created_on": "设立日期",
    "threshold": "审批阈值",
    "approval_threshold": "审批阈值",
    "approval_window": "累计审批期(天)",
    "former_name": "原名称",
    "roles": "现有角色",
    "role": "角色",
    "grade": "等级",
    "score": "评分",
    "category": "类别",
    "reason": "理由",
    "reasons": "说明",
    "max": "最高可批",
    "approved_by": "审批人",
    "applied_on": "申报日期",
    "awarded_on": "批复日期",
    "valuation": "估值",
    "reversed": "冲正金额",
    "events": "事件数",
    "ok": "通过",
    "admin": "管理员",
    "schema": "数据库版本",
    "upgraded_from": "升级自",
    "rule": "规则",
    "years": "预算年度数",
    "carried_forward": "结转",
    "lapsed": "年末结余",
    "closed": "已结账",
    "paid": "已拨付",  # a project's, or a closed year's (with its 年度); the carryover report's own below
    "closed_on": "结账日期",
    "position": "日志位置",
    "head": "链头哈希",
    "state": "余额哈希",
    "signed_by": "签名人",
    "key": "密钥指纹",
    "custody": "密钥保管",
    "since": "启用日期",
    "signatures": "已核验签名",
    "keys": "密钥",
    "unsigned_history": "未签名的早期事件",
    "signed_from": "签名起始位置",
    "snapshot": "校验快照哈希",  # issue 26: verify --since-seal
    "since_seal": "增量核对起点 (封存位置)",
    # issue 27: what was left in English
    "applied": "已执行",
    "skipped": "已跳过",
    "failed": "被拒绝",
    "public_key": "公钥",
    "previous": "原钥匙",
    "eligible": "符合条件",
    "code": "代码",
    "document": "文件",
    "doc_number": "文号",
    "issuer": "发文机关",
    "quote": "原文",
    "note": "说明",
    "origin": "来源",
    "loaded_by": "载入人",
    "sha256": "文件哈希",
    "payable": "尚可拨付",
    "carried": "结转",
    "seal": "封存",
    "out": "文件",
    "converted_amount": "转股金额",
    "algorithm": "算法",
    "signature": "签名",
    "changed": "有变化",
    # issue 24: what waits for a second person, a period's balances, the monthly execution
    "held_because": "待审批原因",
    "entry": "项目",
    "item": "条目",
    "content": "内容",
    "month": "月份",
    "cumulative": "累计拨付",
    "execution_rate": "执行率",
    "end_date": "执行期至",
    "days_overdue": "逾期天数",
    "retained": "留用",
    "released": "已放行",
    "settled": "结算退回",
    "from_fund": "原资金",
    "to_fund": "改由资金",
    "opening_available": "期初结余",
    "closing_available": "期末结余",
    # issue 27, second pass: the projects' and corrections' results, the province's and verify's words
    "milestone": "里程碑",
    "result": "结论",
    "tranches": "分期计划",
    "pct": "比例%",
    "released_on": "放行日期",
    "budget": "预算",
    "from": "调出科目",
    "to": "调入科目",
    "city": "城市",
    "clauses": "条款范围",
    "finding": "问题",
    **{
        f"{end}_{figure}": f"{word}{title}"
        for end, word in (("opening", "期初"), ("closing", "期末"))
        for figure, title in (
            ("appropriated", "预算"),
            ("committed", "已承诺"),
            ("disbursed", "已拨付"),
            ("returned", "收回"),
            ("carried_forward", "结转"),
            ("awarded", "批复金额"),
            ("pending", "待审批"),
            ("spent", "已支出"),
            ("recovered", "已追回"),
        )
    },
}


# A report's own headers for columns whose meaning is the report's (a period's movements, a month's payments).
PERIOD_HEADERS = {
    "appropriated": "本期预算",
    "committed": "本期承诺",
    "disbursed": "本期拨付",
    "returned": "本期收回",
    "carried_forward": "本期结转转入",
    "awarded": "本期批复",
    "pending": "本期待审批增减",
    "spent": "本期支出",
    "recovered": "本期追回",
}
REPORT_HEADERS = {
    "funds:period": PERIOD_HEADERS,
    "awards:period": PERIOD_HEADERS,
    "monthly": {"appropriated": "预算(截至月末)", "disbursed": "本月拨付"},
    "carryover": {"paid": "年内已拨付"},
}

# Event types as history shows them: the one table, declared with the events (``ledger.vocabulary``).
EVENTS = dict(LABELS)

# Stored English words → what a clerk reads, by column.
VALUES: dict[str, dict[str, str]] = {
    "milestone": MILESTONES,
    "mode": MODES,
    "type": {**UNIT_TYPES, **EVENTS},
    "grade": GRADES,
    "category": {**CATEGORIES, **NEGATIVE_LIST},
    "role": ROLES,
    "roles": ROLES,
    "custody": {"issued": "代管 (授予角色的账户保管)", "enrolled": "本人保管"},
    "status": {
        "initialised": "已初始化",
        "upgraded": "已升级",
        "up-to-date": "已是最新",
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
        "issued": "代管",
        "enrolled": "自持",
        # a correction once a second person put it in force (ledger.corrections.DONE), or withdrew it
        "cancelled": "已撤销",
        "reduced": "已调减",
        "recharged": "已调整资金来源",
        "corrected": "已更正",
        "reevaluated": "已复评",
        "withdrawn": "已撤回",
        # a project (ledger.project)
        "open": "执行中",
        "closed": "已结题",
    },
    "result": RESULTS,
    "from": CATEGORIES,
    "to": CATEGORIES,
    "city": CITY_WORDS,
    "kind": KINDS,
}


# A field that is an amount in one command's result and a stake in a report (``convert`` → ``converted``).
AMOUNT_HEADERS = {"converted": "转股金额"}
# A field that is a date in one command's result and something else in another's (``extend``'s previous end
# date, ``key rotate``'s previous key).
DATE_HEADERS = {"previous": "原截止日期"}


def _is_date(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-" and value[:4].isdigit()


def header(column: str, value: Any = None) -> str:
    from ledger.money import Amount

    if isinstance(value, Amount) and column in AMOUNT_HEADERS:
        return AMOUNT_HEADERS[column]
    if column in DATE_HEADERS and _is_date(value):
        return DATE_HEADERS[column]
    return HEADERS.get(column, column)


def shown(column: str, value: Any) -> Any:
    """The label a person reads for a stored value (unchanged when there is none); a list, each of its values."""
    if isinstance(value, str):
        return VALUES.get(column, {}).get(value, value)
    if isinstance(value, (list, tuple)) and column in VALUES:
        return [shown(column, v) for v in value]
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, tab, CR first) gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Report names as a title block and a sheet tab show them.
REPORT_TITLES = {
    "awards": "项目批复与拨付明细表",
    "funds": "专项资金预算执行表",
    "units": "单位资助汇总表",
    "caps": "年度资助上限使用表",
    "clauses": "政策条款执行汇总表",
    "equity": "股权投资情况表",
    "trial-balance": "试算平衡表",
    "carryover": "结转结余表",
    "pending": "待审批事项表",
    "funds:period": "专项资金期间收支表",
    "awards:period": "项目资金期间变动表",
    "monthly": "月度执行进度表",
    "overdue": "逾期未验收项目表",
}

# Batch keys (cli.md "Batch format") → the header a clerk types in a spreadsheet batch.
BATCH_KEYS = {
    "cmd": "命令",
    "ref": "申报编号",
    "voucher": "凭证号",
    "fund": "资金",
    "name": "名称",
    "code": "单位代码",
    "type": "类型",
    "unit": "单位",
    "clause": "条款",
    "amount": "金额",
    "base": "基数",
    "year": "年度",
    "doc": "文号",
    "date": "日期",
    "grade": "等级",
    "score": "评分",
    "mode": "方式",
    "equity-amount": "股权金额",
    "exception-doc": "例外文号",
    "platform": "平台 (奖项)",
    "tranches": "分期计划",
    "end-date": "执行期至",
    "budget": "预算",
    "kind": "里程碑",
    "result": "结论",
    "to": "调入科目/延期至",
    "from": "调出科目",
    "retain-doc": "留用文号",
    "category": "支出类别",
    "reason": "原因",
    "stake": "持股%",
    "valuation": "估值",
    "proceeds": "退出收入",
    "approval-threshold": "审批限额",
    "approval-window": "累计审批期",
    "actor": "人员",
    "role": "角色",
    "region": "所在地区",
    "region-doc": "地区依据文件",
    "file-name": "文件名",
    "content": "文件内容",
    "key": "公钥",
    "city": "城市",
    "clauses": "条款范围",
}

# Batch commands by their Chinese names (the ``命令`` column may use either).
BATCH_COMMANDS = {
    "role-grant": "授权",
    "role-revoke": "收回角色",
    "fund-create": "设立资金",
    "fund-scope": "资金使用范围",
    "fund-appropriate": "下达预算",
    "unit-register": "登记单位",
    "apply": "申报",
    "evaluate": "评审",
    "award": "批复",
    "reject": "驳回",
    "disburse": "拨付",
    "approve": "审批",
    "void": "作废",
    "spend": "支出",
    "recover": "追回",
    "reverse": "冲正",
    "invest": "股权投资",
    "convert": "转股",
    "exit": "退出",
    "write-off": "核销",
    "contract": "任务书",
    "milestone": "里程碑",
    "close-project": "结题",
    "extend": "延期",
    "adjust-budget": "预算调剂",
    "unit-rename": "单位更名",
    "policy-load": "载入政策",
    "close": "结账",
    "reopen": "重新开账",
    "key-rotate": "更换钥匙",
    "cancel-award": "撤销批复",
    "reduce-award": "调减批复",
    "correct": "更正申报",
    "reevaluate": "复评",
    "recharge": "调整资金来源",
}


def suggest(word: str, choices: list[str], n: int = 3) -> str:
    """A "did you mean" tail for an error message (empty when nothing is close)."""
    from ledger.errors import did_you_mean

    return did_you_mean(word, choices, n)
