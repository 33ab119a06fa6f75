"""How a closeout's settlement (结算) and a re-charge to another fund (调整资金来源) change the read models
(ledger/settlement.py).

A settlement lowers the award's running totals by what was never paid (the award stands at what was paid); the
fund-year's released commitment is a ``FundYear.Released`` dated the closeout's day, folded with the
corrections (its journal lines are the award's in red ink, memo only in the books), so every as-of and
known-at figure before that day is unchanged. A re-charge is a held act (``report pending``) until a second
person approves or withdraws it; approved, the award carries the new fund, the award's later
money posts to it, and the commitment moves with ``FundYear.Released`` and ``FundYear.Committed``.
"""

from __future__ import annotations

from ledger import vocabulary

from .folds import handled_in, on, originate
from .held import APPROVED, TWO_PERSON, VOIDED, held, settled
from .page import Event, Page


@on("Grant.Settled")
def _settled(e: Event, page: Page) -> None:
    o, d = e.origin, e.data
    page.add("awards", (o["key"],), awarded=-d["amount"])
    page.add("units", (o["unit"],), awarded=-d["amount"])
    page.add("clause_totals", (o["clause"], d["year"]), awarded=-d["amount"])


@on("Grant.RechargeProposed")
def _proposed(e: Event, page: Page) -> None:
    o, d = e.origin, e.data
    held(
        e,
        page,
        d["doc"],
        "recharge",
        TWO_PERSON,
        application=o["key"],
        unit=o["unit"],
        clause=o["clause"],
        fund=o["fund"],
        year=o["year"],
        amount=None,
        reason=d["reason"],
    )


@on("Grant.RechargeWithdrawn")
def _withdrawn(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], VOIDED, e.data["reason"])


@on("Grant.Recharged")
def _recharged(e: Event, page: Page) -> None:
    d, ref = e.data, e.origin["key"]
    settled(e, page, d["doc"], APPROVED)
    page.put("awards", (ref,), fund=d["to_fund"])
    originate(e, page, **{**e.origin, "fund": d["to_fund"]})
    e.origin = page.origins.get(e.originator_id)  # the project's row keeps the fund it opened with (the
    # awards row, which every report reads, carries the fund in force)


# Where each declared event (``ledger.vocabulary``) stands with this module (tests/unit/test_vocabulary.py).
HANDLES = handled_in(__name__)
IGNORES = vocabulary.NAMES - HANDLES
