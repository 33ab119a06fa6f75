"""One award's funds statement (项目资金对账单) for its recipient, from the read models.

``statement REF`` prints it (xlsx, PDF, JSON or a table). What it shows, and where each part comes from:

- the award: unit, clause (with its citation, from the catalogue), fund, document, date and the decision's
  details (the award's history row, so whatever an award records — a tranche schedule — is shown);
- its figures, as ``report awards --as-of`` computes them from the journal (one definition:
  ``projections.movements.award_measures``): awarded, disbursed, pending, spent, recovered, the balance
  (结余 = disbursed − spent − recovered) and what is left to pay; once a closeout settled the award
  (结算), the award as decided and what the settlement took off (结算核减) come first, and ``awarded`` is the
  award as settled (结算后核定金额);
- every payment (disbursement or investment): voucher, dates, amount, who made and approved it, and its
  status as it stood (posted, pending, approved, voided, reversed), the held ones from ``held_acts``;
- spending by category, recoveries and reversals (红字冲正), from the journal lines, with each line's reason
  from the history;
- every other event of the award, oldest first (milestones, tranches, amendments, closeout, equity): read
  generically from its history, so a new kind of act appears without a change here; none, nothing shown.

``--as-of D`` and ``--known-at P`` limit every part to the lines dated by D and recorded by P, as the reports do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from ledger import errors

from . import listings, movements
from . import schema as s
from .query_parts import fund_then, upto
from .report_rows import FAR

PAID = movements.PAID
# Events the statement shows in its own sections; every other event of the award goes to its progress section.
SHOWN = frozenset(
    f"Grant.{name}"
    for name in (
        "Submitted",
        "Evaluated",
        "Rejected",
        "Awarded",
        "Disbursed",
        "Invested",
        "Approved",
        "Voided",
        "Spent",
        "Recovered",
        "Reversed",
    )
)
MADE = {"Grant.Disbursed": "disbursement", "Grant.Invested": "investment"}
FIGURES = ("awarded", "disbursed", "pending", "spent", "recovered", "available", "unpaid")
# and, once the award is settled at its closeout, "original_award" and "settled" before them (``_settled``)


@dataclass(frozen=True)
class Statement:
    application: str
    unit: str
    unit_name: str | None
    clause: str
    clause_title: str | None
    clause_source: str | None
    fund: str | None
    fund_name: str | None
    fiscal_year: int | None
    mode: str | None
    doc: str | None
    exception_doc: str | None
    awarded_on: str
    award_detail: str | None
    as_of: str | None
    known_at: int | None
    figures: dict[str, int]  # 分: FIGURES
    payments: list[dict] = field(default_factory=list)
    spending: list[dict] = field(default_factory=list)
    recoveries: list[dict] = field(default_factory=list)
    reversals: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    tranches: list[dict] = field(default_factory=list)  # 分期拨付 (issue 24): milestone, pct, amount, released_on
    project: dict | None = None  # 执行期至, and how the project was closed (验收结论, 结余, 追回, 留用)


def build(
    conn: Connection, ref: str, catalogue: Any = None, as_of: str | None = None, known_at: int | None = None
) -> Statement:
    """The statement of application ``ref`` (``catalogue``: the policy catalogue, for the clause's title and
    citation)."""
    a, u, n = s.awards.c, s.units.c, s.fund_names.c
    columns = [s.awards, u.name.label("unit_name"), n.name.label("fund_name")]
    if as_of is not None or known_at is not None:  # the fund of then (a re-charge, 调整资金来源, moves it later)
        columns.append(fund_then(as_of, known_at).label("fund_then"))
    row = conn.execute(
        select(*columns)
        .select_from(s.awards.outerjoin(s.units, u.unit == a.unit).outerjoin(s.fund_names, n.fund == a.fund))
        .where(a.application == ref)
    ).first()
    if row is None:
        raise errors.not_found(f"申报 {ref} 不存在", ("application", ref))
    award = dict(row._mapping)
    if award.get("fund_then") not in (None, award["fund"]):
        award["fund"] = award["fund_then"]
        award["fund_name"] = conn.execute(select(n.name).where(n.fund == award["fund"])).scalar()
    day = as_of or FAR
    if award["awarded_on"] is None or award["awarded_on"] > day:
        when = f"截至 {as_of} " if as_of and award["awarded_on"] else ""
        raise errors.LedgerError(errors.INVALID_STATE, f"申报 {ref} {when}尚未批复, 没有资金对账单")
    history = [
        h
        for h in listings.history(conn, ref)
        if (h["effective_date"] or "") <= day and (known_at is None or h["seq"] <= known_at)
    ]
    lines = _lines(conn, ref, as_of, known_at)
    figures = _settled(_figures(conn, ref, as_of, known_at), history)
    awarded_row = next((h for h in history if h["type"] == "Grant.Awarded"), None)
    clause = catalogue.get(award["clause"]) if catalogue is not None else None
    return Statement(
        application=ref,
        unit=award["unit"],
        unit_name=award["unit_name"],
        clause=award["clause"],
        clause_title=getattr(clause, "title", None),
        clause_source=getattr(clause, "citation", None),
        fund=award["fund"],
        fund_name=award["fund_name"],
        fiscal_year=award["fiscal_year"],
        mode=award["mode"],
        doc=award["doc"],
        exception_doc=award["exception_doc"],
        awarded_on=award["awarded_on"],
        award_detail=awarded_row["detail"] if awarded_row else None,
        as_of=as_of,
        known_at=known_at,
        figures=figures,
        payments=_payments(conn, ref, history, lines, as_of, known_at),
        spending=_spending(lines),
        recoveries=_recoveries(lines, history),
        reversals=_reversals(lines, history),
        progress=[_event(h) for h in history if h["type"] not in SHOWN],
        **_project(conn, ref, day),
    )


def _project(conn: Connection, ref: str, day: str) -> dict:
    """The tranches of the award's schedule, each with the day its milestone released it (by ``day``), and the
    project's term and closeout (``projections.projects``); an award without a project: none."""
    row = conn.execute(select(s.projects).where(s.projects.c.application == ref)).first()
    if row is None:
        return {}
    p = row._mapping
    tranches = []
    for part in (p["tranches"] or "").split(";"):
        if part:
            pct, milestone, amount = part.split(":")
            released = p[f"{milestone}_on"]
            on = released if released is not None and released <= day else None
            tranches.append({"milestone": milestone, "pct": int(pct), "amount": int(amount), "released_on": on})
    closed = p["closed_on"] is not None and p["closed_on"] <= day
    project = {
        "end_date": p["end_date"],
        "closed_on": p["closed_on"] if closed else None,
        "result": p["result"] if closed else None,
        "close_doc": p["close_doc"] if closed else None,
        "balance": p["balance"] if closed else None,
        "retained": p["retained"] if closed else None,
    }
    return {"tranches": tranches, "project": project}


def _lines(conn: Connection, ref: str, as_of: str | None, known_at: int | None) -> list[dict]:
    j = s.journal.c
    query = (
        select(j.seq, j.effective_date, j.movement, j.account, j.voucher, j.debit, j.credit)
        .where(j.application == ref, *upto(as_of, known_at))
        .order_by(j.seq, j.line)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def _figures(conn: Connection, ref: str, as_of: str | None, known_at: int | None) -> dict[str, int]:
    """The award's figures from its journal lines, by the measures of ``report awards``."""
    j = s.journal.c
    query = select(*movements.sums(movements.award_measures())).where(j.application == ref, *upto(as_of, known_at))
    sums = {k: int(v) for k, v in conn.execute(query).one()._mapping.items()}
    sums["available"] = sums["disbursed"] - sums["spent"] - sums["recovered"]
    sums["unpaid"] = sums["awarded"] - sums["disbursed"] - sums["pending"]
    return {k: sums[k] for k in FIGURES}


def _settled(figures: dict[str, int], history: Sequence[dict]) -> dict[str, int]:
    """A closeout's settlement (结算, ``Grant.Settled``) seen by the statement, as figures of their own: the
    award as decided (批复金额), the unpaid part settled (结算核减), then the award as settled (``awarded``,
    what ``report awards`` shows). None seen: the figures as they are."""
    settled = sum(h["amount"] or 0 for h in history if h["type"] == "Grant.Settled")
    if not settled:
        return figures
    return {"original_award": figures["awarded"] + settled, "settled": settled, **figures}


def _held(conn: Connection, ref: str, as_of: str | None, known_at: int | None) -> dict[str, dict]:
    """The award's held payments by voucher, each with its status as it stood then."""
    h = s.held_acts.c
    found = {}
    for r in conn.execute(select(s.held_acts).where(h.application == ref)):
        act = dict(r._mapping)
        settled = act["settled_seq"] is not None and (as_of is None or act["settled_on"] <= as_of)
        settled = settled and (known_at is None or act["settled_seq"] <= known_at)
        if not settled:
            act.update(status="pending", settled_by=None, settled_on=None)
        found[act["key"]] = act
    return found


def _payments(
    conn: Connection, ref: str, history: Sequence[dict], lines: Sequence[dict], as_of: str | None, known_at: int | None
) -> list[dict]:
    held = _held(conn, ref, as_of, known_at)
    paid: dict[str, int] = {}
    for line in lines:
        if line["account"] == "earmarked" and line["movement"] in PAID:
            paid[line["voucher"]] = paid.get(line["voucher"], 0) + line["debit"]
    reversed_on = {h["voucher"]: h["effective_date"] for h in history if h["type"] == "Grant.Reversed"}
    rows = []
    for h in history:
        kind = MADE.get(h["type"])
        if kind is None:
            continue
        voucher, act = h["voucher"], held.get(h["voucher"])
        status, paid_on = (act["status"], act["settled_on"]) if act else ("posted", h["effective_date"])
        if status == "voided":
            paid_on = None
        if voucher in reversed_on and status in ("posted", "approved"):
            status = "reversed"
        rows.append(
            {
                "voucher": voucher,
                "kind": kind,
                "date": h["effective_date"],
                "amount": h["amount"],
                "status": status,
                "paid": paid.get(voucher, 0),
                "paid_on": paid_on,
                "maker": h["actor"],
                "approved_by": act["settled_by"] if act and act["status"] == "approved" else None,
                "reversed_on": reversed_on.get(voucher) if status == "reversed" else None,
            }
        )
    return rows


def _spending(lines: Sequence[dict]) -> list[dict]:
    """Spending by category (net of reversals), with the number of expenditure vouchers that still count."""
    from ledger.values import CATEGORIES, NEGATIVE_LIST

    totals: dict[str, dict[str, int]] = {}
    for line in lines:
        if line["account"].startswith("expense:"):
            category = line["account"][len("expense:") :]
            by_voucher = totals.setdefault(category, {})
            by_voucher[line["voucher"]] = by_voucher.get(line["voucher"], 0) + line["debit"]
    words = {**CATEGORIES, **NEGATIVE_LIST}
    rows = []
    for category in sorted(totals, key=lambda c: list(words).index(c) if c in words else len(words)):
        vouchers = totals[category]
        rows.append(
            {
                "category": category,
                "count": sum(1 for amount in vouchers.values() if amount),
                "amount": sum(vouchers.values()),
            }
        )
    return [r for r in rows if r["count"] or r["amount"]]


def _detail(history: Sequence[dict]) -> dict[int, str | None]:
    return {h["seq"]: h["detail"] for h in history}


def _recoveries(lines: Sequence[dict], history: Sequence[dict]) -> list[dict]:
    """Money returned to the fund (追回, a closeout's recovery…): each voucher, its date, amount and reason."""
    details, rows, index = _detail(history), [], {}
    for line in lines:
        if line["account"] != "earmarked" or line["movement"] != "recovery":
            continue
        if line["credit"] > 0:
            index[line["voucher"]] = len(rows)
            rows.append(
                {
                    "voucher": line["voucher"],
                    "date": line["effective_date"],
                    "amount": line["credit"],
                    "status": "posted",
                    "detail": details.get(line["seq"]),
                }
            )
        elif line["voucher"] in index:
            rows[index[line["voucher"]]]["status"] = "reversed"
    return rows


def _reversals(lines: Sequence[dict], history: Sequence[dict]) -> list[dict]:
    """Every 红字冲正 of a payment, an expenditure or a recovery: the voucher it reverses, date, amount, reason."""
    details, rows = _detail(history), []
    for line in lines:
        if line["account"] != "earmarked" or line["movement"] not in (*PAID, "expenditure", "recovery"):
            continue
        amount = line["debit"] if line["movement"] in PAID else line["credit"]
        if amount < 0:
            rows.append(
                {
                    "voucher": line["voucher"],
                    "kind": line["movement"],
                    "date": line["effective_date"],
                    "amount": -amount,
                    "detail": details.get(line["seq"]),
                }
            )
    return rows


def _event(h: dict) -> dict:
    return {
        "date": h["effective_date"],
        "type": h["type"],
        "amount": h["amount"],
        "voucher": h["voucher"],
        "detail": h["detail"],
        "actor": h["actor"],
    }
