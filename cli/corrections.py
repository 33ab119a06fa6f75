"""Corrections by two people: ``cancel-award`` (撤销批复), ``reduce-award`` (调减), ``correct``, ``reevaluate`` (复评).

Each proposes under a document number; it takes effect when a second person runs ``approve DOC`` (an approver
or an admin, not the proposer), and ``void DOC --reason`` withdraws it. See ``ledger/corrections.py``.
"""

from __future__ import annotations

import click

from .context import date_option, guarded, submit


@click.command("cancel-award")
@click.argument("ref")
@click.option("--doc", required=True, help="The cancellation's document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the award is cancelled.")
@date_option
@guarded
def cancel_award(ref: str, doc: str, reason: str, date: str | None) -> None:
    """Propose cancelling the award of REF (撤销批复); in force once another person approves DOC.

    \b
    Examples:
      grantledger cancel-award WH-2024-003 --doc 青科撤〔2024〕1号 --reason "误记入青岛市资金 KJ"
      grantledger --actor approver approve 青科撤〔2024〕1号
    """
    submit("cancel-award", ref=ref, doc=doc, reason=reason, date=date)


@click.command("reduce-award")
@click.argument("ref")
@click.option("--amount", required=True, help="The award's new, lower amount.")
@click.option("--doc", required=True, help="The reduction's document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the award is reduced.")
@date_option
@guarded
def reduce_award(ref: str, amount: str, doc: str, reason: str, date: str | None) -> None:
    """Propose reducing the award of REF to AMOUNT (调减); in force once another person approves DOC.

    \b
    Examples:
      grantledger reduce-award QD-2024-001 --amount 200万 --doc 青科调〔2024〕2号 --reason "核减设备费"
    """
    submit("reduce-award", ref=ref, amount=amount, doc=doc, reason=reason, date=date)


@click.command()
@click.argument("ref")
@click.option("--doc", required=True, help="The correction's document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the application is corrected.")
@click.option("--amount", default=None, help="The amount asked, corrected.")
@click.option("--clause", default=None, help="The clause, corrected.")
@date_option
@guarded
def correct(ref: str, doc: str, reason: str, amount: str | None, clause: str | None, date: str | None) -> None:
    """Propose correcting application REF before its award: its amount or its clause.

    \b
    Examples:
      grantledger correct QD-2024-005 --amount 50万 --doc 更正-2024-01 --reason "申报书金额录错"
    """
    submit("correct", ref=ref, doc=doc, reason=reason, amount=amount, clause=clause, date=date)


@click.command()
@click.argument("ref")
@click.option("--grade", required=True, help="The corrected grade.")
@click.option("--score", default=None, help="The corrected score, 0–100.")
@click.option("--doc", required=True, help="The re-evaluation's document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the grade is corrected.")
@date_option
@guarded
def reevaluate(ref: str, grade: str, score: str | None, doc: str, reason: str, date: str | None) -> None:
    """Propose a corrected grade for REF before its award (复评, reviewer).

    \b
    Examples:
      grantledger --actor reviewer reevaluate QD-2024-007 --grade excellent --doc 复评-2024-01 --reason "评分汇总有误"
    """
    submit("reevaluate", ref=ref, grade=grade, score=score, doc=doc, reason=reason, date=date)
