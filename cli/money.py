"""Money movements: ``disburse``, ``approve``, ``void``, ``spend``, ``recover``, ``reverse``."""

from __future__ import annotations

import click

from .context import date_option, guarded, submit


@click.command()
@click.argument("ref")
@click.option("--amount", required=True, help="Amount paid.")
@click.option("--voucher", required=True, help="Payment voucher number (凭证号); the key of this payment.")
@date_option
@guarded
def disburse(ref: str, amount: str, voucher: str, date: str | None) -> None:
    """Pay (part of) award REF to the unit (拨付).

    At or above the fund's approval threshold the payment stays pending until
    a different person approves it. Disbursed plus pending never exceeds the award.

    \b
    Examples:
      grantledger disburse QD-2024-001 --amount 150万 --voucher PZ-2024-0001
    """
    submit("disburse", ref=ref, amount=amount, voucher=voucher, date=date)


@click.command()
@click.argument("voucher")
@date_option
@guarded
def approve(voucher: str, date: str | None) -> None:
    """Approve pending VOUCHER (approver role; never the person who entered it).

    \b
    Examples:
      grantledger --actor zhao.min approve PZ-2024-0001
    """
    submit("approve", voucher=voucher, date=date)


@click.command()
@click.argument("voucher")
@click.option("--reason", required=True, help="Why the payment is voided.")
@date_option
@guarded
def void(voucher: str, reason: str, date: str | None) -> None:
    """Void pending VOUCHER; the money is released back to the award.

    \b
    Examples:
      grantledger --actor zhao.min void PZ-2024-0002 --reason "收款账户有误"
    """
    submit("void", voucher=voucher, reason=reason, date=date)


@click.command()
@click.argument("ref")
@click.option("--amount", required=True, help="Amount spent.")
@click.option(
    "--category",
    required=True,
    help="equipment materials testing travel labor consulting publication indirect platform exchange rd "
    "other (负面清单 debt fine donation investment welfare construction is refused)",
)
@click.option("--voucher", required=True, help="Expenditure voucher number.")
@date_option
@guarded
def spend(ref: str, amount: str, category: str, voucher: str, date: str | None) -> None:
    """Record the unit spending earmarked money of award REF (专款专用).

    \b
    Examples:
      grantledger spend QD-2024-001 --amount 40万 --category equipment --voucher ZC-2024-0107
    """
    submit("spend", ref=ref, amount=amount, category=category, voucher=voucher, date=date)


@click.command()
@click.argument("ref")
@click.option("--amount", required=True, help="Amount returned to the fund.")
@click.option("--voucher", required=True, help="Voucher number of the recovery.")
@click.option("--reason", required=True, help="Why the money is recovered.")
@date_option
@guarded
def recover(ref: str, amount: str, voucher: str, reason: str, date: str | None) -> None:
    """Recover (追回) unspent or misused money of award REF to the fund; it may be committed again.

    \b
    Examples:
      grantledger recover QD-2024-001 --amount 5万 --voucher ZH-2025-0003 --reason "项目结余"
    """
    submit("recover", ref=ref, amount=amount, voucher=voucher, reason=reason, date=date)


@click.command()
@click.argument("voucher")
@click.option("--reason", required=True, help="Why the movement is reversed.")
@date_option
@guarded
def reverse(voucher: str, reason: str, date: str | None) -> None:
    """Compensate posted VOUCHER (a disbursement, expenditure or recovery) with a red-ink entry (红字冲正).

    Nothing is deleted: the reversal is a new event citing the original.

    \b
    Examples:
      grantledger reverse ZC-2024-0107 --reason "重复录入"
    """
    submit("reverse", voucher=voucher, reason=reason, date=date)
