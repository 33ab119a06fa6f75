"""The Chinese ``--help`` of issue 24's corrections (``cli/corrections.py``) and controls (``fund scope``), laid
into ``cli/help_zh.py``'s catalogue."""

from __future__ import annotations

DATE = "业务日期, YYYY-MM-DD (默认今天; 不能晚于今天)。"
SECOND = "文号; 须另一人 (审批人或管理员, 不能是提出人) 运行 approve 文号 后生效, void 文号 --reason 撤回。"

SUMMARIES = {
    "cancel-award": "提请撤销批复 (须第二人审批), 退回预算、年度上限和平台累计额度。",
    "reduce-award": "提请调减批复金额 (须第二人审批), 退回相应预算和额度。",
    "correct": "提请更正未批复申报的金额或条款 (须第二人审批)。",
    "reevaluate": "提请复评, 更正未批复申报的评审等级 (须第二人审批)。",
}

HELP: dict[str, tuple[str, dict[str, str]]] = {
    "cancel-award": (
        """提请撤销申报 REF 的批复 (撤销批复, 经办人)。另一人 (审批人或管理员) 运行 approve 文号 后生效:
退回该批复占用的资金年度预算、单位年度上限、平台类条款累计额度和每单位限一次的标记,
该申报就此终结, 单位以新的申报编号重新申报。已拨付或待审批的款项须先收回 (void 作废, reverse 冲正)。
已结题的项目不能撤销 (已按已拨付金额结算)。
原批复和撤销都留在 history 中。

\b
示例:
  grantledger cancel-award WH-2024-003 --doc 青科撤〔2024〕1号 --reason "误记入青岛市资金 KJ"
  grantledger --actor zhao.min approve 青科撤〔2024〕1号
  grantledger apply WH-2024-013 --unit 91371000MA3C8XKR47 --clause wh2018-6-star-space --amount 100万
""",
        {"--doc": "撤销批复的" + SECOND, "--reason": "撤销的理由。", "--date": DATE},
    ),
    "reduce-award": (
        """提请把申报 REF 的批复调减为 --amount (调减, 经办人)。另一人运行 approve 文号 后生效, 差额退回资金预算、
年度上限和平台累计额度。已拨付加待审批超过调减后金额的, 须先收回超出部分。

\b
示例:
  grantledger reduce-award QD-2024-001 --amount 200万 --doc 青科调〔2024〕2号 --reason "核减设备费"
  grantledger --actor zhao.min approve 青科调〔2024〕2号
""",
        {
            "--amount": "调减后的批复金额 (须低于现批复金额)。",
            "--doc": "调减的" + SECOND,
            "--reason": "调减的理由。",
            "--date": DATE,
        },
    ),
    "correct": (
        """提请更正尚未批复的申报 REF: 申报金额 (--amount) 或条款 (--clause), 至少一项 (经办人)。
另一人运行 approve 文号 后生效; 已批复的请先撤销批复。

\b
示例:
  grantledger correct QD-2024-005 --amount 50万 --doc 更正-2024-01 --reason "申报书金额录错"
  grantledger correct QD-2024-006 --clause qd2024-01-common-tech --doc 更正-2024-02 --reason "条款选错"
""",
        {
            "--amount": "更正后的申报金额。",
            "--clause": "更正后的条款编号 (grantledger policy list)。",
            "--doc": "更正的" + SECOND,
            "--reason": "更正的理由。",
            "--date": DATE,
        },
    ),
    "reevaluate": (
        """提请复评: 更正尚未批复的申报 REF 的评审等级 (评审人)。另一人运行 approve 文号 后生效;
已批复的请先撤销批复。

\b
示例:
  grantledger --actor reviewer reevaluate QD-2024-007 --grade excellent --doc 复评-2024-01 --reason "评分汇总有误"
""",
        {
            "--grade": "更正后的等级: new excellent good pass fail repass (或 新认定 优秀 良好 合格 不合格 复评合格)。",
            "--score": "更正后的评分, 0–100。",
            "--doc": "复评的" + SECOND,
            "--reason": "复评的理由。",
            "--date": DATE,
        },
    ),
    "fund scope": (
        """规定资金的使用范围 (经办人): 只用于某城市的政策 (--city 青岛 或 威海), 也可只用于某些条款 (--clauses)。
此后从该资金批复范围以外的条款会被拒绝 (NOT_ELIGIBLE), 并说明条款所属城市与资金所属城市。
新设立的资金也可在 fund create 时用 --city/--clauses 直接规定。

\b
示例:
  grantledger fund scope KJ --city 青岛 --doc 青财教〔2024〕3号
  grantledger fund scope WH --city 威海 --clauses wh2018-6-star-space,wh2018-1-new-rd-institution --doc 威财〔2024〕2号
""",
        {
            "--city": "资金只用于该城市的政策: 青岛 或 威海。",
            "--clauses": "资金只用于这些条款 (条款编号, 以逗号分隔)。",
            "--doc": "规定使用范围的文件文号。",
            "--date": DATE,
        },
    ),
}
