"""``recharge`` (项目变更: 调整资金来源): move an award's commitment to another fund, by two people.

Proposed under a document number; it takes effect when a second person runs ``approve DOC`` (an approver or an
admin, not the proposer), and ``void DOC --reason`` withdraws it. See ``ledger/settlement.py``.
"""

from __future__ import annotations

import click

from .context import date_option, guarded, submit


@click.command("recharge")
@click.argument("ref")
@click.option("--fund", required=True, help="The fund that is to carry the award instead.")
@click.option("--doc", required=True, help="The amendment's document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the award changes its source of funds.")
@date_option
@guarded
def recharge(ref: str, fund: str, doc: str, reason: str, date: str | None) -> None:
    """Propose charging the award of REF to another fund (调整资金来源); in force once another person approves DOC.

    \b
    Examples:
      grantledger recharge WH-2024-003 --fund WH --doc 青科变〔2024〕3号 --reason "误记入青岛市资金 KJ"
      grantledger --actor approver approve 青科变〔2024〕3号
    """
    submit("recharge", ref=ref, fund=fund, doc=doc, reason=reason, date=date)
