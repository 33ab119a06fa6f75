"""The books as plain-text ledgers: Beancount and hledger, one transaction per event and side."""

from __future__ import annotations

from typing import IO, Any

from ledger.money import format_yuan

from .chart_of_accounts import SIDE_NAMES, SIDES, Account, Chart
from .entries import Voucher


def _quote(text: Any) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _accounts_used(chart: Chart, books: list[Voucher]) -> list[Account]:
    used = {line.account for v in books for line in v.lines}
    return [chart.accounts[code] for code in sorted(used)]


def _meta(v: Voucher) -> list[tuple[str, Any]]:
    pairs = [
        ("seq", v.seq),
        ("event", v.event),
        ("voucher-no", f"记-{v.number:04d}"),
        ("voucher", v.voucher),
        ("application", v.application),
        ("clause", v.clause),
        ("fund", v.fund),
        ("actor", v.actor),
    ]
    return [(key, value) for key, value in pairs if value not in (None, "")]


def beancount(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """Beancount: one transaction per event and side (each balances alone), metadata per event."""
    out.write(f"; grantledger books — {chart.name}\n; chart: {chart.source}; basis: {chart.basis}\n")
    out.write('option "title" "grantledger books"\noption "operating_currency" "CNY"\n\n')
    start = min((v.date for v in books), default="2019-01-01")
    out.write(f"{start} commodity CNY\n\n")
    for account in _accounts_used(chart, books):
        out.write(f"{start} open {account.ledger_name} CNY\n")
        out.write(f"  code: {_quote(account.code)}\n  name: {_quote(account.name)}\n  side: {_quote(account.side)}\n")
        out.write(f"  rule: {_quote(account.rule)}\n")
    count = 0
    for v in books:
        summary = v.summary(chart)
        for side in SIDES:
            lines = [line for line in v.merged() if line.side == side]
            if not lines:
                continue
            out.write(f"\n{v.date} * {_quote(SIDE_NAMES[side])} {_quote(summary)}\n")
            for key, value in [*_meta(v), ("side", side)]:
                out.write(f"  {key}: {value if key == 'seq' else _quote(value)}\n")
            for line in lines:
                account = chart.accounts[line.account]
                amount = line.debit if line.debit else -line.credit
                out.write(f"  {account.ledger_name}  {format_yuan(amount)} CNY\n")
                out.write(f"    rule: {_quote(line.rule)}\n")
            count += 1
    return count


def _tag(value: Any) -> str:
    return str(value).replace(",", "，").replace(";", "；").replace("\n", " ")


def hledger(chart: Chart, books: list[Voucher], out: IO[str]) -> int:
    """hledger journal: the same transactions, metadata as tags; accounts and commodity declared (strict)."""
    out.write(f"; grantledger books — {chart.name}\n; chart: {chart.source}; basis: {chart.basis}\n\n")
    out.write("commodity 1000.00 CNY\n\n")
    letters = {"Assets": "A", "Liabilities": "L", "Equity": "E", "Income": "R", "Expenses": "X"}
    for account in _accounts_used(chart, books):
        out.write(f"account {account.ledger_name}  ; type:{letters[account.kind]}, code:{account.code}\n")
    count = 0
    for v in books:
        summary = _tag(v.summary(chart))
        for side in SIDES:
            lines = [line for line in v.merged() if line.side == side]
            if not lines:
                continue
            tags = ", ".join(f"{key}:{_tag(value)}" for key, value in [*_meta(v), ("side", side)])
            out.write(f"\n{v.date} * {SIDE_NAMES[side]} | {summary}  ; {tags}\n")
            for line in lines:
                amount = line.debit if line.debit else -line.credit
                out.write(f"    {chart.accounts[line.account].ledger_name}  {format_yuan(amount)} CNY\n")
            count += 1
    return count
