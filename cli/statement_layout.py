"""A funds statement's layout, shared by every format (table, JSON, xlsx, PDF): its sections (columns, Chinese
headers, which are amounts and which add up), its figures' words, its title and the award's lines.

Apart from ``cli.statement`` (the command) so that ``cli.statement_pdf`` and ``cli.statement_xlsx``, which the
command imports when it writes a file, never import the command back (no import circle, issue 28).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Section:
    name: str  # the Statement's attribute
    title: str
    columns: tuple[str, ...]
    money: frozenset[str]
    totals: frozenset[str] = frozenset()  # the columns a 合计 row adds up (none: no 合计 row)
    headers: dict[str, str] = field(default_factory=dict)  # this section's own headers, else labels.header
    optional: bool = False  # left out when it has no rows
    not_on_paper: tuple[str, ...] = ()  # columns the PDF leaves out (shown in another section)


SECTIONS = (
    Section(
        "payments",
        "拨付明细",
        ("voucher", "kind", "date", "amount", "status", "paid", "paid_on", "maker", "approved_by", "reversed_on"),
        frozenset(("amount", "paid")),
        frozenset(("paid",)),
        {
            "date": "经办日期",
            "amount": "凭证金额",
            "paid": "入账金额",
            "paid_on": "入账日期",
            "reversed_on": "冲正日期",
        },
        not_on_paper=("reversed_on",),  # the reversals section shows it
    ),
    Section(
        "spending",
        "支出分类",
        ("category", "count", "amount"),
        frozenset(("amount",)),
        frozenset(("amount", "count")),
        {"count": "笔数", "amount": "支出金额"},
    ),
    Section(
        "recoveries",
        "追回",
        ("voucher", "date", "amount", "status", "detail"),
        frozenset(("amount",)),
        headers={"amount": "追回金额"},
    ),
    Section(
        "reversals",
        "红字冲正",
        ("voucher", "kind", "date", "amount", "detail"),
        frozenset(("amount",)),
        headers={"voucher": "原凭证号", "kind": "原业务", "amount": "冲正金额"},
        optional=True,
    ),
    Section(
        "tranches",
        "分期拨付计划",
        ("milestone", "pct", "amount", "released_on"),
        frozenset(("amount",)),
        frozenset(("amount",)),
        {"milestone": "里程碑", "pct": "比例%", "amount": "分期金额", "released_on": "放行日期"},
        optional=True,
    ),
    Section(
        "progress",
        "项目进度与变更",
        ("date", "type", "amount", "voucher", "detail", "actor"),
        frozenset(("amount",)),
        headers={"type": "事项"},
        optional=True,
    ),
)
# The figures, in the order a statement lists them, with the words it uses.
FIGURES = {
    "awarded": "批复金额",
    "disbursed": "累计拨付",
    "pending": "待审批拨付",
    "spent": "累计支出",
    "recovered": "累计追回",
    "available": "结余 (已拨付 − 已支出 − 已追回)",
    "unpaid": "尚未拨付 (批复 − 已拨付 − 待审批)",
}
# Once a closeout settled the award (结算): the award as decided, what the settlement took off, and the award as
# settled (``awarded``) in its own words.
SETTLED_FIGURES = {
    "original_award": "批复金额",
    "settled": "结算核减 (结题时未拨付部分)",
    "awarded": "结算后核定金额 (批复 − 结算核减)",
}
TITLE = "项目资金对账单"


def figure_lines(st: Any) -> list[tuple[str, int]]:
    """The statement's figures as (words, 分) pairs, in order, for every format."""
    words = {**FIGURES, **SETTLED_FIGURES} if "settled" in st.figures else FIGURES
    return [(words[k], v) for k, v in st.figures.items()]


def award_lines(st: Any) -> list[tuple[str, str]]:
    """The award as (label, text) pairs, for the head of every format."""
    clause = " ".join(x for x in (st.clause, st.clause_title) if x)
    fund = " ".join(x for x in (st.fund, st.fund_name) if x)
    from presentation.labels import shown

    lines = [
        ("申报编号", st.application),
        ("承担单位", f"{st.unit_name or ''} ({st.unit})".strip()),
        ("政策条款", clause),
        ("条款出处", st.clause_source or ""),
        ("资金", fund),
        ("预算年度", str(st.fiscal_year or "")),
        ("资助方式", shown("mode", st.mode) or ""),
        ("批复文号", st.doc or ""),
        ("批复日期", st.awarded_on),
    ]
    if st.exception_doc:
        lines.append(("例外文号", st.exception_doc))
    if st.award_detail:
        lines.append(("批复摘要", st.award_detail))
    lines.extend(project_lines(getattr(st, "project", None)))
    return lines


def project_lines(project: dict | None) -> list[tuple[str, str]]:
    """The project's term and closeout (issue 24), for the statement's head."""
    from ledger.money import format_human
    from ledger.tranches import RESULTS

    if not project:
        return []
    lines = [("执行期至", project["end_date"])] if project["end_date"] else []
    if project["closed_on"]:
        done = f"{project['closed_on']} 验收{RESULTS[project['result']]} (文号 {project['close_doc']})"
        retained = project["retained"] or 0
        kept = f", 结余 {format_human(project['balance'])}" + (f", 留用 {format_human(retained)}" if retained else "")
        lines.append(("验收结题", done + kept))
    return lines


def sections(st: Any) -> list[tuple[Section, list[dict]]]:
    """Each section with its rows, the optional ones only when they have some."""
    found = [(section, getattr(st, section.name)) for section in SECTIONS]
    return [(section, rows) for section, rows in found if rows or not section.optional]
