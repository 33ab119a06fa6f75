"""``voucher print V --out FILE.pdf``: a voucher's approval form (拨付审批单) to file or print."""

from __future__ import annotations

import click

from .context import guarded, open_ledger, settings


@click.group()
def voucher() -> None:
    """Vouchers on paper: the approval form of a payment."""


@voucher.command(name="print")
@click.argument("number")
@click.option("--out", required=True, metavar="FILE.pdf", help="The PDF to write.")
@guarded
def print_(number: str, out: str) -> None:
    """Write voucher NUMBER's 拨付审批单 as an A4 PDF: the award, the clause and
    its source sentence, the amount in figures and in 大写, maker and approver,
    dates, and the voucher's history.

    \b
    Examples:
      grantledger voucher print PZ-2024-0001 --out PZ-2024-0001.pdf
      grantledger --actor auditor voucher print TZ-2024-0003 --out TZ-2024-0003.pdf
    """
    from ledger.commands import key

    from . import voucher_pdf

    s = settings()
    number = key(number)
    with open_ledger() as ledger:
        form = ledger.voucher_form(number, s.actor)
    voucher_pdf.write(form, out, s.actor)
    click.echo(f"wrote {voucher_pdf.title(form)} {number} to {out}", err=True)
