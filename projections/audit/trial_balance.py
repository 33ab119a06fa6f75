"""Check 6, the books: the trial balance sums to zero, and the journal agrees with every balance."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ledger.money import format_human

from .. import schema
from ..journal import account_name
from ..reports import total
from .report import Report


def check_books(conn: Connection, report: Report) -> None:
    b, j = schema.balances.c, schema.journal.c
    debit, credit = conn.execute(select(total(b.debit), total(b.credit))).one()
    if debit != credit:
        report.findings.append(f"试算不平衡: 借方合计 {format_human(debit)}, 贷方合计 {format_human(credit)}")
        report.checks["trial balance"] = "TAMPERED"
        return
    journal = dict(conn.execute(select(j.account, total(j.debit) - total(j.credit)).group_by(j.account)).all())
    for account, d, c in conn.execute(select(b.account, b.debit, b.credit)):
        if journal.get(account, 0) != d - c:
            report.findings.append(
                f"科目 {account} ({account_name(account)}) 的余额 {format_human(d - c)} 与它的日记账分录不符"
            )
            report.checks["trial balance"] = "TAMPERED"
            return
    report.checks["trial balance"] = f"ok (debits = credits = {format_human(debit)})"
