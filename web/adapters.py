"""Adapters for figures that other issues add after the web view: one small function per figure.

Each returns ``None`` or empty today and the pages show "—" for it; the
integrator wires it to the real figure after merging (see the web view's
issue note). ``pending_vouchers`` works today from the journal, until a
``report pending`` (issue 15) exists to call instead.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from projections import reports
from projections import schema as s


def carried_forward(conn: Connection, fund: str, year: int) -> int | None:
    """结转 of a fund-year in 分 (issue 17: carry-forward and seals). None until wired."""
    return None


def last_seal(conn: Connection) -> dict | None:
    """The last seal of the log: {"period", "sealed_at", "hash"} (issue 17). None until wired."""
    return None


def last_verify(conn: Connection) -> dict | None:
    """The last recorded ``verify`` run: {"at", "events", "ok", "head"}. Nothing records one yet: None."""
    return None


def signature_counts(conn: Connection) -> dict | None:
    """Signed events by key fingerprint, and unsigned ones (issue 13: keys and signatures). None until wired."""
    return None


def event_signers(conn: Connection, seqs: list[int]) -> dict[int, str]:
    """The fingerprint of the key that signed each event, by seq (issue 13). Empty until wired."""
    return {}


def pending_vouchers(conn: Connection) -> list[dict]:
    """Vouchers waiting for a second person's approval, oldest first (issue 15 adds ``report pending``).

    The memorandum account ``pending`` is debited when a payment is held and reversed when it is approved
    or voided, so a voucher whose pending lines do not sum to zero is still waiting. Only awards whose
    running ``pending`` total is non-zero are read (the journal is read by its application index).
    """
    a, j, k = s.awards.c, s.journal.c, s.event_keys.c
    waiting = select(a.application).where(a.pending != 0)
    amount = reports.total(j.debit) - reports.total(j.credit)
    query = (
        select(
            j.voucher,
            j.application,
            j.fund,
            j.year,
            amount.label("amount"),
            func.min(j.effective_date).label("since"),
            func.min(j.seq).label("seq"),
        )
        .where(j.account == "pending", j.application.in_(waiting))
        .group_by(j.voucher, j.application, j.fund, j.year)
        .having(amount != 0)
        .order_by("since", j.voucher)
    )
    rows = [dict(r._mapping) for r in conn.execute(query)]
    if rows:
        first = {
            r.seq: r for r in conn.execute(select(k.seq, k.type, k.actor).where(k.seq.in_([x["seq"] for x in rows])))
        }
        for row in rows:
            event = first.get(row["seq"])
            row["kind"] = "investment" if event is not None and event.type.endswith("Invested") else "disbursement"
            row["actor"] = event.actor if event is not None else None
    return rows
