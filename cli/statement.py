"""``statement REF``: an award's funds statement (项目资金对账单) for its recipient, as xlsx, PDF, JSON or a table.

What it shows is ``projections.statement``; here are its sections as every format lays them out (the
columns, their Chinese headers, which are amounts and which add up), the JSON document and the table.
"""

from __future__ import annotations

from typing import Any

import click

from .context import guarded, open_ledger, settings
from .statement_layout import (  # noqa: F401 - re-exported
    FIGURES,
    SECTIONS,
    TITLE,
    Section,
    award_lines,
    figure_lines,
    sections,
)


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
    from datetime import datetime

    from ledger.dates import SHANGHAI

    from . import output

    shown_as_of = st.as_of or f"今天 ({datetime.now(SHANGHAI).date().isoformat()})"  # as the PDF and xlsx say
    parts = [f"{TITLE}  截至 {shown_as_of}  单位: {yuan_unit}", ""]
    width = max(output.width(label) for label, _ in award_lines(st))
    parts += [f"{label}{' ' * (width - output.width(label))}  {value}" for label, value in award_lines(st)]
    figures = [{"entry": label, "amount": v} for label, v in figure_lines(st)]
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
    click.echo(f"已写入 {TITLE} {ref}: {path}", err=True)
