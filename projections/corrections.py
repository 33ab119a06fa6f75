"""How corrections (ledger/corrections.py) change the read models: held acts, awards, funds, caps, the journal.

A proposal is a held act (``report pending``) until a second person approves or withdraws it. A cancelled
award (撤销批复) leaves the awards table's running totals (status ``cancelled``, awarded less by its amount; an
award made again under the application is folded as any award); a reduction (调减) lowers them. The fund-year's
released commitment posts the award's journal lines again in red ink (movement ``award``, negative), so
``committed``, ``awarded`` and every as-of and period figure read from the journal fall by it, and the books
stay memo only: an award books no entry (``charts/gov2019.toml``), nor does its cancellation.

An exit or a write-off held at its fund's threshold is a held act too, until approved (its ``Grant.Exited`` /
``Grant.WrittenOff`` then follows and is folded as ever) or voided.
"""

from __future__ import annotations

from ledger import vocabulary

from .folds import handled_in, on, originate
from .held import APPROVED, THRESHOLD, TWO_PERSON, VOIDED, held, settled
from .journal import post
from .page import Event, Page


@on("Grant.CorrectionProposed")
def _proposed(e: Event, page: Page) -> None:
    o, d = e.origin, e.data
    held(
        e,
        page,
        d["doc"],
        d["kind"],
        TWO_PERSON,
        application=o["key"],
        unit=o["unit"],
        clause=d.get("clause") or o["clause"],
        fund=o["fund"],
        year=o["year"],
        amount=d.get("amount"),
        reason=d["reason"],
    )


@on("Grant.CorrectionWithdrawn")
def _withdrawn(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], VOIDED, e.data["reason"])


def _less_awarded(e: Event, page: Page, amount: int) -> None:
    o, d = e.origin, e.data
    page.add("awards", (o["key"],), awarded=-amount)
    page.add("units", (o["unit"],), awarded=-amount)
    page.add("clause_totals", (o["clause"], d["year"]), awarded=-amount)


@on("Grant.AwardCancelled")
def _cancelled(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], APPROVED)
    page.put("awards", (e.origin["key"],), status="cancelled")
    _less_awarded(e, page, e.data["amount"])
    page.add("clause_totals", (e.origin["clause"], e.data["year"]), count=-1)


@on("Grant.AwardReduced")
def _reduced(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], APPROVED)
    _less_awarded(e, page, e.data["amount"])


@on("Grant.ApplicationCorrected")
def _corrected(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], APPROVED)
    before, after = e.data["before"], e.data["after"]
    page.add("awards", (e.origin["key"],), asked=after["asked"] - before["asked"])
    if after["clause"] != before["clause"]:
        page.put("awards", (e.origin["key"],), clause=after["clause"])
        originate(e, page, **{**e.origin, "clause": after["clause"]})
        e.origin = page.origins.get(e.originator_id)


@on("Grant.Reevaluated")
def _reevaluated(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], APPROVED)
    page.put("awards", (e.origin["key"],), grade=e.data["grade"])


@on("FundYear.Released")
def _released(e: Event, page: Page) -> None:
    fund, year, amount = e.origin["fund"], e.origin["year"], e.data["amount"]
    page.add("funds", (fund, year), committed=-amount)
    post(
        e,
        page,
        "award",
        [("commitment", -amount, 0, fund, year), ("fund_available", 0, -amount, fund, year)],
        e.data["ref"],
    )


@on("UnitCap.Released")
def _cap_released(e: Event, page: Page) -> None:
    o = e.origin
    page.add("caps", (o["unit"], o["clause"], o["key"]), used=-e.data["amount"], awards=-1 if e.data["whole"] else 0)


# -- exits and write-offs held at the fund's threshold (ledger/holds.py) ---------------------------------------


@on("Grant.EquityActHeld")
def _equity_act_held(e: Event, page: Page) -> None:
    o, d = e.origin, e.data
    amount = d["cost"] if d["proceeds"] is None else max(d["proceeds"], d["cost"])  # what reached the threshold
    held(
        e,
        page,
        d["key"],
        d["kind"],
        THRESHOLD,
        application=o["key"],
        unit=o["unit"],
        clause=o["clause"],
        fund=o["fund"],
        year=o["year"],
        amount=amount,
        reason=d["reason"],
    )


@on("Grant.EquityActApproved")
def _equity_act_approved(e: Event, page: Page) -> None:
    settled(e, page, e.data["key"], APPROVED)


@on("Grant.EquityActVoided")
def _equity_act_voided(e: Event, page: Page) -> None:
    settled(e, page, e.data["key"], VOIDED, e.data["reason"])


# Where each declared event (``ledger.vocabulary``) stands with this module (tests/unit/test_vocabulary.py): the
# events named in ``folds.FOLDED_BY_CORRECTIONS`` are folded here, every other one is left to the other folds.
HANDLES = handled_in(__name__)
IGNORES = vocabulary.NAMES - HANDLES
