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
from ledger.service import GrantLedger
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
    signed = reports.signers(conn, [r["seq"] for r in (made, approved) if r])
    award = grant.award or {}
    clause = app.catalogue.get(grant.clause)
    unit_name = conn.execute(select(s.units.c.name).where(s.units.c.unit == grant.unit)).scalar()
    fund_name = conn.execute(select(s.fund_names.c.name).where(s.fund_names.c.fund == award.get("fund"))).scalar()
    detail = {k: v for k, v in entry.items() if k in ("category", "reason", "stake", "valuation", "proceeds", "gain")}
    return VoucherForm(
        number=number,
        kind=voucher.kind,
        status=entry.get("status", "posted"),
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
        maker_fingerprint=signed[made["seq"]][1] if made and made["seq"] in signed else None,
        approver_fingerprint=signed[approved["seq"]][1] if approved and approved["seq"] in signed else None,
        detail=detail,
        history=history,
    )
