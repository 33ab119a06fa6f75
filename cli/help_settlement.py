"""The Chinese ``--help`` of ``recharge`` (项目变更: 调整资金来源, ``cli/recharge.py``), laid into
``cli/help_zh.py``'s catalogue."""

from __future__ import annotations

DATE = "业务日期, YYYY-MM-DD (默认今天; 不能晚于今天)。"

SUMMARIES = {
    "recharge": "提请调整批复的资金来源 (须第二人审批): 预算承诺从原资金移到新资金。",
}

HELP: dict[str, tuple[str, dict[str, str]]] = {
    "recharge": (
        """提请把申报 REF 的批复改由资金 --fund 承担 (项目变更: 调整资金来源, 经办人)。另一人 (审批人或管理员,
不能是提出人) 运行 approve 文号 后生效: 批复的预算承诺从原资金同一年度退回, 在新资金同一年度承诺;
年度上限不变。只有尚未付款的批复可以调整 (已拨付的款项已从原资金账户付出: 须先 reverse 冲正,
待审批的先 void 作废)。新资金须在其使用范围 (fund create --city/--clauses) 内, 两个资金的该年度都未结账,
新资金该年度可用预算足够; 已结题或已撤销的批复不能调整。原批复和调整都留在 history 中。

\b
示例:
  grantledger recharge WH-2024-003 --fund WH --doc 青科变〔2024〕3号 --reason "误记入青岛市资金 KJ"
  grantledger --actor zhao.min approve 青科变〔2024〕3号
  grantledger --actor zhao.min void 青科变〔2024〕3号 --reason "改为撤销批复"
""",
        {
            "--fund": "改由承担该批复的资金代码。",
            "--doc": "项目变更文号; 须另一人运行 approve 文号 后生效, void 文号 --reason 撤回。",
            "--reason": "调整资金来源的理由。",
            "--date": DATE,
        },
    ),
}
