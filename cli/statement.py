"""``statement REF``: an award's funds statement (项目资金对账单) for its recipient, as xlsx, PDF, JSON or a table.

What it shows is ``projections.statement``; here are its sections as every format lays them out (the
columns, their Chinese headers, which are amounts and which add up), the JSON document and the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click

from .context import guarded, open_ledger, settings


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
TITLE = "项目资金对账单"


def award_lines(st: Any) -> list[tuple[str, str]]:
    """The award as (label, text) pairs, for the head of every format."""
    clause = " ".join(x for x in (st.clause, st.clause_title) if x)
    fund = " ".join(x for x in (st.fund, st.fund_name) if x)
    from .labels import shown

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


def document(st: Any) -> dict:
    """The statement as one JSON document: amounts as ``Amount`` (printed in 元), sections as arrays."""
    from ledger.money import Amount

    def amounts(rows: list[dict], money: frozenset[str]) -> list[dict]:
        return [{k: Amount(v) if k in money and v is not None else v for k, v in row.items()} for row in rows]

    head = {
        k: getattr(st, k)
        for k in (
            "application",
            "unit",
            "unit_name",
            "clause",
            "clause_title",
            "clause_source",
            "fund",
            "fund_name",
            "fiscal_year",
            "mode",
            "doc",
            "exception_doc",
            "awarded_on",
            "award_detail",
            "project",
            "as_of",
            "known_at",
        )
    }
    figures = {k: Amount(v) for k, v in st.figures.items()}
    if head["project"]:
        head["project"] = {
            k: Amount(v) if k in ("balance", "retained") and v is not None else v for k, v in head["project"].items()
        }
    return head | figures | {s.name: amounts(getattr(st, s.name), s.money) for s in SECTIONS}


def text(st: Any, yuan_unit: str = "元") -> str:
    """The statement for a terminal: the award, the figures, then each section as a table."""
    from . import output

    shown_as_of = st.as_of or "今"
    parts = [f"{TITLE}  截至 {shown_as_of}  单位: {yuan_unit}", ""]
    width = max(output.width(label) for label, _ in award_lines(st))
    parts += [f"{label}{' ' * (width - output.width(label))}  {value}" for label, value in award_lines(st)]
    figures = [{"entry": FIGURES[k], "amount": v} for k, v in st.figures.items()]
    parts += ["", output.table(figures, ["entry", "amount"], {"amount"}, yuan_unit=yuan_unit)]
    for section, rows in sections(st):
        table = output.table(
            rows,
            list(section.columns),
            section.money,
            total=bool(section.totals) and bool(rows),
            yuan_unit=yuan_unit,
            headers=section.headers,
        )
        parts += ["", f"【{section.title}】", table]
    return "\n".join(parts)


def default_out(ref: str, fmt: str) -> str:
    """``对账单-REF.pdf`` in the current folder, the REF's path separators made harmless."""
    safe = "".join("_" if ch in '/\\:*?"<>|' or ord(ch) < 32 else ch for ch in ref)
    return f"对账单-{safe}.{fmt}"


@click.command()
@click.argument("ref")
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["table", "json", "xlsx", "pdf"]),
    help="xlsx or pdf writes a file (--out, default 对账单-REF.xlsx|pdf); table and json print it.",
)
@click.option("--out", default=None, metavar="FILE", help="The file to write (xlsx or pdf).")
@click.option("--as-of", default=None, metavar="DATE", help="As of an effective date (YYYY-MM-DD); default today.")
@click.option(
    "--known-at",
    default=None,
    metavar="POSITION|TIMESTAMP",
    help="As the ledger could have printed it then (see report --known-at).",
)
@guarded
def statement(ref: str, fmt: str | None, out: str | None, as_of: str | None, known_at: str | None) -> None:
    """An award's funds statement (项目资金对账单) for its recipient: the award
    (unit, clause with its citation, fund, document, amount), its figures
    (awarded, disbursed, pending, spent, recovered, balance, in 元 and in 大写),
    every payment with its voucher, date, amount and status, spending by
    category, recoveries, reversals, and the award's other acts (milestones,
    tranches, changes) when it has any. Anyone who may read history may print it.

    \b
    Examples:
      grantledger statement QD-2025-001 --format pdf --out 对账单-QD-2025-001.pdf
      grantledger statement QD-2025-001 --format xlsx --as-of 2025-12-31
      grantledger --format json statement QD-2025-001
    """
    from ledger import errors
    from ledger.commands import key, parse

    from . import output
    from .reports import _known_at

    s = settings()
    fmt = fmt or ("json" if s.fmt == "json" else "table")
    if out and fmt in ("table", "json"):
        raise errors.invalid("--out 只用于 --format xlsx 或 pdf")
    ref = key(ref)
    day = parse("any_date", as_of, "--as-of") if as_of else None
    known = _known_at(known_at) if known_at else None
    with open_ledger() as ledger:
        st = ledger.statement(ref, s.actor, day, known)
    if fmt == "json":
        click.echo(output.as_json(document(st)))
        return
    if fmt == "table":
        click.echo(text(st))
        return
    path = out or default_out(ref, fmt)
    if fmt == "pdf":
        from . import statement_pdf

        statement_pdf.write(st, path, s.actor)
    else:
        from . import statement_xlsx

        statement_xlsx.write(st, path, s.actor)
    click.echo(f"wrote {TITLE} {ref} to {path}", err=True)
