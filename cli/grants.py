"""``apply``, ``evaluate``, ``award``, ``reject``."""

from __future__ import annotations

import click

from .context import DATE_HELP, date_option, guarded, submit


@click.command()
@click.argument("ref")
@click.option("--unit", required=True, help="The applicant's 统一社会信用代码.")
@click.option("--clause", required=True, help="Clause id (grantledger policy list).")
@click.option("--amount", required=True, help="The amount asked for.")
@click.option("--base", default=None, help="The base amount, for clauses that pay a ratio of one.")
@click.option("--date", default=None, help="Application date; the clause must be in force on it.")
@guarded
def apply(ref: str, unit: str, clause: str, amount: str, base: str | None, date: str | None) -> None:
    """Submit application REF (申报编号) under a clause.

    Refused at once when the clause is not in force on the date, has been
    superseded (the message names the successor), or does not cover the
    unit's type.

    \b
    Examples:
      grantledger apply QD-2024-001 --unit 91370200MA3C1A2B3K --clause qd2024-01-common-tech --amount 300万
      grantledger apply QD-2024-002 --unit 91370200MA3C1A2B3K --clause qd2024-23-innovation-voucher \\
          --amount 10万 --base 20万 --date 2024-09-01
    """
    submit("apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)


@click.command()
@click.argument("ref")
@click.option(
    "--grade", required=True, help="new excellent good pass fail repass (or 新认定 优秀 良好 合格 不合格 复评合格)"
)
@click.option("--score", default=None, help="Optional score, 0–100.")
@date_option
@guarded
def evaluate(ref: str, grade: str, score: str | None, date: str | None) -> None:
    """Record the evaluation of application REF.

    \b
    Examples:
      grantledger evaluate QD-2024-001 --grade excellent --score 92
      grantledger evaluate QD-2024-003 --grade 良好
    """
    submit("evaluate", ref=ref, grade=grade, score=score, date=date)


@click.command()
@click.argument("ref")
@click.option("--amount", required=True, help="The amount awarded.")
@click.option("--fund", required=True, help="The fund committed against (its appropriation for the award's year).")
@click.option("--doc", required=True, help="The decision document number (批复文号).")
@click.option("--date", default=None, help=DATE_HELP + " Its year is the fiscal year.")
@click.option("--mode", default=None, help="grant (default), equity, mixed (拨投结合) or convertible (先投后股).")
@click.option("--equity-amount", default=None, help="For mixed: the part paid as equity.")
@click.option("--exception-doc", default=None, help="一事一议: the exception document, to exceed a case-by-case max.")
@click.option("--tranches", default=None, help="分期拨付: e.g. 60:signing,40:acceptance.")
@guarded
def award(
    ref: str,
    amount: str,
    fund: str,
    doc: str,
    date: str | None,
    mode: str | None,
    equity_amount: str | None,
    exception_doc: str | None,
    tranches: str | None,
) -> None:
    """Award application REF: the policy's limits, the unit's yearly caps and the fund are all checked.

    \b
    Examples:
      grantledger award QD-2024-001 --amount 300万 --fund KJ2024 --doc 青科字〔2024〕35号
      grantledger award QD-2024-009 --amount 800万 --fund TZ --doc 青科字〔2024〕40号 --mode mixed --equity-amount 500万
      grantledger award QD-2024-010 --amount 3000万 --fund TZ --doc 青科字〔2024〕41号 --mode equity \\
          --exception-doc 青政办〔2024〕7号
    """
    submit(
        "award",
        ref=ref,
        amount=amount,
        fund=fund,
        doc=doc,
        date=date,
        mode=mode,
        equity_amount=equity_amount,
        exception_doc=exception_doc,
        tranches=tranches,
    )


@click.command()
@click.argument("ref")
@click.option("--reason", required=True, help="Why the application is refused.")
@date_option
@guarded
def reject(ref: str, reason: str, date: str | None) -> None:
    """Refuse application REF.

    \b
    Examples:
      grantledger reject QD-2024-004 --reason "不符合申报条件"
    """
    submit("reject", ref=ref, reason=reason, date=date)
