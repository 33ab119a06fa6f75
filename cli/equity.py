"""Equity: ``invest`` (拨改投), ``convert`` (先投后股), ``exit``, ``write-off``."""

from __future__ import annotations

import click

from .context import date_option, guarded, submit


@click.command()
@click.argument("ref")
@click.option("--amount", required=True, help="Amount invested.")
@click.option("--stake", required=True, help="Stake acquired, in percent (5, 5.25).")
@click.option("--valuation", required=True, help="The company's valuation for this investment.")
@click.option("--voucher", required=True, help="Voucher number of the investment.")
@date_option
@guarded
def invest(ref: str, amount: str, stake: str, valuation: str, voucher: str, date: str | None) -> None:
    """Pay an equity or mixed award REF as an equity investment (拨改投); it counts as disbursed.

    \b
    Examples:
      grantledger invest QD-2024-009 --amount 500万 --stake 5 --valuation 1亿 --voucher TZ-2024-0001
    """
    submit("invest", ref=ref, amount=amount, stake=stake, valuation=valuation, voucher=voucher, date=date)


@click.command()
@click.argument("ref")
@click.option("--stake", required=True, help="Stake received, in percent.")
@click.option("--valuation", required=True, help="Valuation at conversion.")
@click.option("--doc", required=True, help="The conversion decision document.")
@date_option
@guarded
def convert(ref: str, stake: str, valuation: str, doc: str, date: str | None) -> None:
    """先投后股: turn what was paid on convertible award REF into an equity holding.

    \b
    Examples:
      grantledger convert QD-2024-011 --stake 3 --valuation 2亿 --doc 青科投〔2025〕2号
    """
    submit("convert", ref=ref, stake=stake, valuation=valuation, doc=doc, date=date)


@click.command("exit")
@click.argument("ref")
@click.option("--stake", required=True, help="Stake sold, in percent (never more than held).")
@click.option("--proceeds", required=True, help="Money received; it returns to the fund.")
@click.option("--voucher", required=True, help="Voucher number of the exit.")
@date_option
@guarded
def exit_(ref: str, stake: str, proceeds: str, voucher: str, date: str | None) -> None:
    """Sell (part of) the holding of award REF; gain = proceeds − cost of the part sold.

    \b
    Examples:
      grantledger exit QD-2024-009 --stake 2 --proceeds 300万 --voucher TC-2026-0001
    """
    submit("exit", ref=ref, stake=stake, proceeds=proceeds, voucher=voucher, date=date)


@click.command("write-off")
@click.argument("ref")
@click.option("--reason", required=True, help="Why the holding is written off.")
@click.option("--doc", default=None, help="The write-off's document number (needed when a second person approves).")
@date_option
@guarded
def write_off(ref: str, reason: str, doc: str | None, date: str | None) -> None:
    """Write off what is left of the holding of award REF (a failed company).

    \b
    Examples:
      grantledger write-off QD-2024-012 --reason "企业破产清算"
    """
    submit("write-off", ref=ref, reason=reason, doc=doc, date=date)
