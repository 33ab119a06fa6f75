"""Chinese ``--help`` of a project's life after the award (issue 24), laid into ``cli.help_zh``'s catalogue."""

from __future__ import annotations

DATE = "业务日期, YYYY-MM-DD (默认今天; 不能晚于今天)。"

SUMMARIES = {
    "contract": "登记项目任务书: 执行期和分科目预算。",
    "milestone": "记录项目里程碑 (签订任务书、中期检查、验收、绩效评价); 通过的里程碑放行对应的分期资金。",
    "close-project": "验收结题: 追回 (或经批准留用) 结余, 按已拨付金额结算批复; 结题后不再拨付和支出。",
    "extend": "项目变更: 延长执行期。",
    "adjust-budget": "项目变更: 在支出科目之间调剂预算 (包干制: 直接费用调剂权下放给项目承担单位; 间接费用不得调增)。",
}

AWARD_OPTIONS = {
    "--tranches": "分期拨付计划: 百分比:里程碑, 逗号分隔, 合计 100, 如 60:signing,40:acceptance "
    "(signing 签订任务书、midterm 中期检查、acceptance 验收、evaluation 绩效评价); 按分计算, 余数归最后一期。",
}

HELP: dict[str, tuple[str, dict[str, str]]] = {
    "contract": (
        """登记批复 REF 的项目任务书: 执行期截止日期 (逾期未验收的项目列入 report overdue) 和分科目预算
(合计须等于批复金额; 登记后支出不得超出科目预算, 可用 adjust-budget 调剂)。每个项目登记一次, 之后的变更用
extend 和 adjust-budget; 预算须在首笔支出前登记。

\b
示例:
  grantledger contract QD-2024-001 --doc 任务书-2024-001 --end-date 2026-06-30
  grantledger contract QD-2024-002 --doc 任务书-2024-002 --budget equipment:200万,labor:60万,indirect:40万
""",
        {
            "--doc": "任务书编号。",
            "--end-date": "项目执行期截止日期, YYYY-MM-DD。",
            "--budget": "预算: 科目:金额, 逗号分隔, 合计等于批复金额, 如 equipment:200万,labor:60万,indirect:40万。",
            "--date": DATE,
        },
    ),
    "milestone": (
        """记录批复 REF 的一个里程碑及其结论。结论为通过 (pass) 的里程碑放行分期计划中对应的一期;
拨付超出已放行的分期会被拒绝 (NOT_RELEASED), 并说明还缺哪个里程碑。后补助条款 (如「首次通过绩效评价」)
默认按 100:evaluation 分期: 绩效评价通过后才能拨付。

\b
示例:
  grantledger milestone QD-2024-001 --kind signing --result pass --doc 任务书-2024-001
  grantledger milestone QD-2024-001 --kind midterm --result fail --doc 中检-2025-003
""",
        {
            "--kind": "里程碑: signing 签订任务书、midterm 中期检查、acceptance 验收、evaluation 绩效评价。",
            "--result": "结论: pass 通过 或 fail 未通过。",
            "--doc": "记录该里程碑的文件编号; 同一文号重复提交不重复记录。",
            "--date": DATE,
        },
    ),
    "close-project": (
        """验收结题批复 REF: 结余 = 已拨付 − 已支出 − 已追回。结余追回到原资金 (须 --voucher 追回凭证号,
入账方式同 recover); 验收通过且有结余留用批复文件 (--retain-doc) 的, 结余由项目承担单位留用并记录在案。
验收未通过的, 结余全部追回, 不得留用。结题后该项目不再接受拨付、支出、冲正和里程碑。
同时按已拨付金额结算批复 (结算): 未拨付的部分 (如验收未通过而未拨付的分期款) 自结题日起退回资金年度预算承诺、
单位年度上限和平台累计额度 (每单位限一次的标记保留); 结题日之前的报表 (--as-of, --known-at) 不变。
有待审批凭证或仍持有股权时不能结题; 已撤销的批复不能结题。

\b
示例:
  grantledger close-project QD-2024-001 --result pass --doc 验收-2025-001 --voucher ZH-2025-0001
  grantledger close-project QD-2024-002 --result pass --doc 验收-2025-002 --retain-doc 留用-2025-002
  grantledger close-project QD-2024-003 --result fail --doc 验收-2025-003 --voucher ZH-2025-0003
""",
        {
            "--result": "验收结论: pass 通过 或 fail 未通过。",
            "--doc": "验收 (结题) 文号。",
            "--voucher": "追回结余的凭证号 (有结余须追回时必填)。",
            "--retain-doc": "结余留用批复文号 (仅验收通过时可用)。",
            "--date": DATE,
        },
    ),
    "extend": (
        """项目变更: 把批复 REF 的执行期延长到 --to 日期 (须晚于原截止日期), 记录变更文号。

\b
示例:
  grantledger extend QD-2024-001 --to 2026-06-30 --doc 变更-2025-001
""",
        {"--to": "新的执行期截止日期, YYYY-MM-DD。", "--doc": "变更批复文号。", "--date": DATE},
    ),
    "adjust-budget": (
        """项目变更 (预算调剂): 把批复 REF 的预算从一个支出科目调到另一个。包干制下直接费用调剂权下放给
项目承担单位, 无须第二人; 间接费用 (indirect) 只能调减、不得调增; 调出的金额不得超过该科目尚未支出的预算。

\b
示例:
  grantledger adjust-budget QD-2024-001 --from equipment --to labor --amount 10万 --doc 调剂-2025-001
""",
        {
            "--from": "调出的支出科目。",
            "--to": "调入的支出科目 (不能是 indirect 间接费用)。",
            "--amount": "调剂金额。",
            "--doc": "调剂文件编号。",
            "--date": DATE,
        },
    ),
}
