"""A project's life after the award (项目管理): ``contract``, ``milestone``, ``close-project``, ``extend``,
``adjust-budget``."""

from __future__ import annotations

import click

from .context import date_option, guarded, submit

CLOSE_HEADERS = {"balance": "结余"}  # close-project's own word for what the project had left


@click.command()
@click.argument("ref")
@click.option("--doc", required=True, help="The task contract's number.")
@click.option("--end-date", default=None, help="The project's end date.")
@click.option("--budget", default=None, help="Budget by category, e.g. equipment:200万,indirect:100万.")
@date_option
@guarded
def contract(ref: str, doc: str, end_date: str | None, budget: str | None, date: str | None) -> None:
    """Record the task contract of award REF: its end date and budget by category.

    \b
    Examples:
      grantledger contract QD-2024-001 --doc 任务书-2024-001 --end-date 2026-06-30 --budget equipment:200万,labor:100万
    """
    submit("contract", ref=ref, doc=doc, end_date=end_date, budget=budget, date=date)


@click.command()
@click.argument("ref")
@click.option("--kind", required=True, help="signing midterm acceptance evaluation")
@click.option("--result", required=True, help="pass or fail")
@click.option("--doc", required=True, help="The document recording the milestone.")
@date_option
@guarded
def milestone(ref: str, kind: str, result: str, doc: str, date: str | None) -> None:
    """Record a milestone of award REF; a passed one releases its tranche.

    \b
    Examples:
      grantledger milestone QD-2024-001 --kind signing --result pass --doc 任务书-2024-001
    """
    submit("milestone", ref=ref, kind=kind, result=result, doc=doc, date=date)


@click.command("close-project")
@click.argument("ref")
@click.option("--result", required=True, help="pass or fail")
@click.option("--doc", required=True, help="The acceptance document.")
@click.option("--voucher", default=None, help="Recovery voucher for the unspent balance.")
@click.option("--retain-doc", default=None, help="Approval to retain the balance (pass only).")
@date_option
@guarded
def close_project(
    ref: str, result: str, doc: str, voucher: str | None, retain_doc: str | None, date: str | None
) -> None:
    """Accept and close award REF; the unspent balance is recovered to the fund or retained.

    \b
    Examples:
      grantledger close-project QD-2024-001 --result pass --doc 验收-2025-001 --voucher ZH-2025-0001
    """
    # 结余 (paid − spent − recovered), not the trial balance's 余额 that the field's shared label reads
    submit(
        "close-project",
        headers=CLOSE_HEADERS,
        ref=ref,
        result=result,
        doc=doc,
        voucher=voucher,
        retain_doc=retain_doc,
        date=date,
    )


@click.command()
@click.argument("ref")
@click.option("--to", "to", required=True, help="The new end date.")
@click.option("--doc", required=True, help="The amendment document.")
@date_option
@guarded
def extend(ref: str, to: str, doc: str, date: str | None) -> None:
    """Extend the end date of award REF.

    \b
    Examples:
      grantledger extend QD-2024-001 --to 2026-06-30 --doc 变更-2025-001
    """
    submit("extend", ref=ref, to=to, doc=doc, date=date)


@click.command("adjust-budget")
@click.argument("ref")
@click.option("--from", "source", required=True, help="Category the money leaves.")
@click.option("--to", "target", required=True, help="Category the money goes to.")
@click.option("--amount", required=True, help="Amount moved.")
@click.option("--doc", required=True, help="The adjustment document.")
@date_option
@guarded
def adjust_budget(ref: str, source: str, target: str, amount: str, doc: str, date: str | None) -> None:
    """Move budget of award REF between expenditure categories.

    \b
    Examples:
      grantledger adjust-budget QD-2024-001 --from equipment --to labor --amount 10万 --doc 调剂-2025-001
    """
    submit("adjust-budget", ref=ref, **{"from": source, "to": target}, amount=amount, doc=doc, date=date)
