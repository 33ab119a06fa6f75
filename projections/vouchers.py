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
from ledger.holds import held_acts
from ledger.service import GrantLedger, catalogue
from ledger.voucher import Voucher

from . import listings, log_reads
from . import schema as s

MADE = {"Disbursed", "Invested", "Spent", "Recovered", "Exited", "Issued"}
# A correction (ledger.corrections) is filed under its document number, as a voucher; a second person puts it
# in force with one of these events, or withdraws it.
CORRECTIONS = frozenset(("cancel-award", "reduce-award", "correct", "reevaluate"))
IN_FORCE = {"AwardCancelled", "AwardReduced", "ApplicationCorrected", "Reevaluated"}


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
    correction: dict[str, Any] | None = None  # a correction's facts (``correction_facts``), for its 审批单


def form(app: GrantLedger, conn: Connection, number: str) -> VoucherForm:
    try:
        voucher = app.load(Voucher, Voucher.create_id(number))
    except AggregateNotFoundError:
        raise errors.not_found(f"没有凭证号 {number}") from None
    if voucher.kind == "reopen":  # a period's document, not a movement of an award's money
        fund, _, year = voucher.ref.partition("/")
        raise errors.invalid(
            f"{number} 是资金 {fund} {year} 年度重新开账的文号, 不是资金凭证, 没有凭单可打印; "
            f"其记录见 grantledger history {number}"
        )
    try:
        grant = app.load(Grant, Grant.create_id(voucher.ref))
    except AggregateNotFoundError:
        raise errors.not_found(f"没有凭证号 {number}") from None
    if voucher.kind in CORRECTIONS:
        return correction_form(app, conn, voucher, grant)
    if number in held_acts(grant):
        return held_form(app, conn, voucher, grant)
    entry = dict(voucher.content, **grant.vouchers.get(number, {}))
    history = listings.history(conn, number)
    made = next((r for r in history if r["type"].rpartition(".")[2] in MADE), None)
    approved = next((r for r in history if r["type"].endswith("Approved")), None)
    voided = next((r for r in history if r["type"].endswith("Voided")), None)
    reversed_ = next((r for r in history if r["type"].endswith("Reversed")), None)
    signed = log_reads.signers(conn, [r["seq"] for r in (made, approved, reversed_, voided) if r])
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


def correction_form(app: GrantLedger, conn: Connection, voucher: Voucher, grant: Grant) -> VoucherForm:
    """A correction's 审批单: what it changes (before and after, from the event that put it in force, or the
    application as it stands while it waits), why, who proposed it, who approved or withdrew it, and when."""
    from ledger.corrections import DONE, corrections_of

    number = voucher.number
    c = corrections_of(grant).get(number, {})
    # Its history: the number's own rows and the application's rows that name it (proposed, in force, withdrawn).
    named = [r for r in listings.history(conn, grant.ref) if f"文号 {number}" in f"{r.get('detail') or ''};"]
    own = {r["seq"] for r in named}
    history = sorted(named + [r for r in listings.history(conn, number) if r["seq"] not in own], key=lambda r: r["seq"])
    proposed = next((r for r in history if r["type"].endswith("CorrectionProposed")), None)
    done = next((r for r in history if r["type"].rpartition(".")[2] in IN_FORCE), None)
    withdrawn = next((r for r in history if r["type"].endswith("CorrectionWithdrawn")), None)
    signed = log_reads.signers(conn, [r["seq"] for r in (proposed, done, withdrawn) if r])
    facts = correction_facts(app, grant, number, c, voucher.kind)
    status = {"pending": "pending", "withdrawn": "withdrawn"}.get(c.get("status"), DONE[voucher.kind])
    award = conn.execute(
        select(s.awards.c.fund, s.awards.c.doc, s.awards.c.awarded_on, s.awards.c.mode).where(
            s.awards.c.application == grant.ref
        )
    ).first()
    fund = (grant.award or {}).get("fund") or (award.fund if award else None)
    fund_name = conn.execute(select(s.fund_names.c.name).where(s.fund_names.c.fund == fund)).scalar()
    clause = catalogue(app).get(grant.clause)

    def fingerprint(row: dict | None) -> str | None:
        return signed[row["seq"]][1] if row and row["seq"] in signed else None

    return VoucherForm(
        number=number,
        kind=voucher.kind,
        status=status,
        amount=facts["amount"],
        effective_date=voucher.on,
        application=grant.ref,
        unit=grant.unit,
        unit_name=conn.execute(select(s.units.c.name).where(s.units.c.unit == grant.unit)).scalar(),
        fund=fund,
        fund_name=fund_name,
        award_doc=(grant.award or {}).get("doc") or (getattr(grant, "cancelled", None) or {}).get("doc"),
        awarded=grant.awarded if grant.award else facts["amount"] if voucher.kind == "cancel-award" else 0,
        award_date=(grant.award or {}).get("on") or (award.awarded_on if award else None),
        mode=(grant.award or {}).get("mode") or (award.mode if award else None),
        clause=grant.clause,
        clause_title=clause.title if clause else None,
        clause_citation=clause.citation if clause else None,
        clause_quote=clause.quote if clause else None,
        maker=c.get("maker") or voucher.content.get("maker") or (proposed or {}).get("actor"),
        approver=c.get("by") if c.get("status") == "approved" else None,
        approved_on=c.get("done_on") if c.get("status") == "approved" else None,
        maker_fingerprint=fingerprint(proposed),
        approver_fingerprint=fingerprint(done),
        detail={"reason": c.get("reason") or voucher.content.get("reason")},
        history=history,
        made_on=c.get("on") or voucher.on,
        held=True,
        voided_by=(withdrawn or {}).get("actor"),
        voided_on=(withdrawn or {}).get("effective_date"),
        void_reason=c.get("withdrawn_reason"),
        closer_fingerprint=fingerprint(withdrawn),
        correction=facts,
    )


def correction_facts(app: GrantLedger, grant: Grant, number: str, c: dict, kind: str) -> dict[str, Any]:
    """Before: the application as it stood when the correction was proposed (the aggregate at that version);
    after: what the event that put it in force recorded, else what the proposal asks. ``amount``: the money the
    form states in figures and in 大写 (分)."""
    events = list(app.events.get(grant.id))
    proposal = next((e for e in events if type(e).__name__ == "CorrectionProposed" and e.doc == number), None)
    then = app.repository.get(grant.id, version=proposal.originator_version) if proposal is not None else grant
    done = next((e for e in events if getattr(e, "doc", None) == number and type(e).__name__ in IN_FORCE), None)
    if kind == "cancel-award":
        return {"amount": int(done.amount if done is not None else then.awarded)}
    if kind == "reduce-award":
        before = int(done.before) if done is not None else then.awarded
        after = int(done.after) if done is not None else int(c.get("amount") or 0)
        return {"amount": before - after, "before": before, "after": after}
    if kind == "correct":
        was = {"asked": then.asked, "clause": then.clause}
        asked = c.get("amount") if c.get("amount") is not None else was["asked"]
        now = {"asked": c.get("amount"), "clause": c.get("clause")}
        return {"amount": int(asked or 0), "before": was, "after": now}
    was = {"grade": then.grade, "score": then.score}
    return {"amount": 0, "before": was, "after": {"grade": c.get("grade"), "score": c.get("score")}}


HELD_EVENTS = ("EquityActHeld", "EquityActApproved", "EquityActVoided")


def held_form(app: GrantLedger, conn: Connection, voucher: Voucher, grant: Grant) -> VoucherForm:
    """An exit or a write-off held for a second person (``ledger.holds``): the stake, the cost and proceeds
    it was held with, who made it (not the approver whose command then recorded it), who approved or voided
    it, and its status as it is — 待审批, 已作废, or the movement's own once approved."""
    number = voucher.number
    act = held_acts(grant)[number]
    events = list(app.events.get(grant.id))
    # The grant's own history rows are its events in order: the held act's rows by their place.
    rows = [r for r in listings.history(conn, grant.ref) if str(r["type"]).startswith("Grant.")]
    placed = zip(events, rows, strict=True) if len(rows) == len(events) else ((e, None) for e in events)
    mine = {type(e).__name__: (e, row) for e, row in placed if type(e).__name__ in HELD_EVENTS and e.key == number}
    own = listings.history(conn, number)
    seen = {r["seq"] for r in own}
    history = sorted(own + [row for _, row in mine.values() if row and row["seq"] not in seen], key=lambda r: r["seq"])
    made, approved, voided = (mine.get(name, (None, None)) for name in HELD_EVENTS)
    signed = log_reads.signers(conn, [row["seq"] for _, row in (made, approved, voided) if row])
    entry = {**act, **grant.vouchers.get(number, {})}
    status = {"pending": "pending", "voided": "voided"}.get(act["status"]) or entry.get("status", "posted")
    award = grant.award or {}
    clause = catalogue(app).get(grant.clause)

    def fingerprint(row: dict | None) -> str | None:
        return signed[row["seq"]][1] if row and row["seq"] in signed else None

    amount = act["proceeds"] if act["kind"] == "exit" else act["cost"]
    return VoucherForm(
        number=number,
        kind=voucher.kind,
        status=status,
        amount=int(amount or 0),
        effective_date=voucher.on,
        application=grant.ref,
        unit=grant.unit,
        unit_name=conn.execute(select(s.units.c.name).where(s.units.c.unit == grant.unit)).scalar(),
        fund=award.get("fund"),
        fund_name=conn.execute(select(s.fund_names.c.name).where(s.fund_names.c.fund == award.get("fund"))).scalar(),
        award_doc=award.get("doc"),
        awarded=grant.awarded,
        award_date=award.get("on"),
        mode=award.get("mode"),
        clause=grant.clause,
        clause_title=clause.title if clause else None,
        clause_citation=clause.citation if clause else None,
        clause_quote=clause.quote if clause else None,
        maker=act["maker"],
        approver=act.get("by") if act["status"] == "approved" else None,
        approved_on=getattr(approved[0], "on", None),
        maker_fingerprint=fingerprint(made[1]),
        approver_fingerprint=fingerprint(approved[1]),
        detail={k: entry.get(k) for k in ("stake", "cost", "reason") if entry.get(k) is not None},
        history=history,
        made_on=act["on"],
        held=True,
        voided_by=getattr(voided[0], "actor", None),
        voided_on=getattr(voided[0], "on", None),
        void_reason=act.get("void_reason"),
        reversed_by=None,
        closer_fingerprint=fingerprint(voided[1]),
    )
