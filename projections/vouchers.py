"""One voucher as an approval form reads it: the movement, its award, its clause, who made and approved it.

``voucher print`` renders this as a 拨付审批单. The figures come from the
aggregates (the voucher and its application, loaded from the log, so a form
is right even for a movement still pending) and the names from the read
models; the history is the same list ``history V`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Connection, select

from ledger import errors
from ledger.grant import Grant
from ledger.service import GrantLedger, catalogue
from ledger.voucher import Voucher

from . import reports
from . import schema as s

MADE = {"Disbursed", "Invested", "Spent", "Recovered", "Exited", "Issued"}


@dataclass(frozen=True)
class VoucherForm:
    number: str
    kind: str
    status: str
    amount: int  # 分
    effective_date: str
    application: str
    unit: str
    unit_name: str | None
    fund: str | None
    fund_name: str | None
    award_doc: str | None
    awarded: int
    award_date: str | None
    mode: str | None
    clause: str
    clause_title: str | None
    clause_citation: str | None
    clause_quote: str | None
    maker: str | None
    approver: str | None
    approved_on: str | None
    maker_fingerprint: str | None
    approver_fingerprint: str | None
    detail: dict[str, Any]
    history: list[dict]
    made_on: str | None = None
    held: bool = False  # the payment waited (or waits) for a second person
    voided_by: str | None = None
    voided_on: str | None = None
    void_reason: str | None = None
    reversed_by: str | None = None
    reversed_on: str | None = None
    reversal_reason: str | None = None
    closer_fingerprint: str | None = None  # the voider's or the reverser's key


def form(app: GrantLedger, conn: Connection, number: str) -> VoucherForm:
    try:
        voucher = app.load(Voucher, Voucher.create_id(number))
        grant = app.load(Grant, Grant.create_id(voucher.ref))
    except AggregateNotFoundError:
        raise errors.not_found(f"没有凭证号 {number}") from None
    entry = dict(voucher.content, **grant.vouchers.get(number, {}))
    history = reports.history(conn, number)
    made = next((r for r in history if r["type"].rpartition(".")[2] in MADE), None)
    approved = next((r for r in history if r["type"].endswith("Approved")), None)
    voided = next((r for r in history if r["type"].endswith("Voided")), None)
    reversed_ = next((r for r in history if r["type"].endswith("Reversed")), None)
    signed = reports.signers(conn, [r["seq"] for r in (made, approved, reversed_, voided) if r])
    award = grant.award or {}
    clause = catalogue(app).get(grant.clause)  # as it stands: shipped and loaded (issue 28)
    unit_name = conn.execute(select(s.units.c.name).where(s.units.c.unit == grant.unit)).scalar()
    fund_name = conn.execute(select(s.fund_names.c.name).where(s.fund_names.c.fund == award.get("fund"))).scalar()
    kept = ("category", "stake", "valuation", "cost") + (() if voided else ("reason",))
    detail = {k: v for k, v in entry.items() if k in kept}
    status = entry.get("status", "posted")

    def fingerprint(row: dict | None) -> str | None:
        return signed[row["seq"]][1] if row and row["seq"] in signed else None

    return VoucherForm(
        number=number,
        kind=voucher.kind,
        status=status,
        amount=int(entry.get("amount") or entry.get("proceeds") or 0),
        effective_date=voucher.on,
        application=grant.ref,
        unit=grant.unit,
        unit_name=unit_name,
        fund=award.get("fund"),
        fund_name=fund_name,
        award_doc=award.get("doc"),
        awarded=grant.awarded,
        award_date=award.get("on"),
        mode=award.get("mode"),
        clause=grant.clause,
        clause_title=clause.title if clause else None,
        clause_citation=clause.citation if clause else None,
        clause_quote=clause.quote if clause else None,
        maker=entry.get("maker") or (made or {}).get("actor"),
        approver=entry.get("approved_by") or (approved or {}).get("actor"),
        approved_on=(approved or {}).get("effective_date"),
        maker_fingerprint=fingerprint(made),
        approver_fingerprint=fingerprint(approved),
        detail=detail,
        history=history,
        made_on=(made or {}).get("effective_date"),
        held=bool(approved or voided or status == "pending"),
        voided_by=(voided or {}).get("actor"),
        voided_on=(voided or {}).get("effective_date"),
        void_reason=entry.get("reason") if voided else None,
        reversed_by=(reversed_ or {}).get("actor"),
        reversed_on=(reversed_ or {}).get("effective_date"),
        reversal_reason=entry.get("reversal_reason"),
        closer_fingerprint=fingerprint(voided or reversed_),
    )
