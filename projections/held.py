"""What waits for a second person: the ``held_acts`` read model behind ``report pending``.

Every act that takes two people is folded here into one row keyed by the voucher or document number that
``approve`` and ``void`` take: a payment or an investment held at its fund's threshold (``Grant.Disbursed``
/``Grant.Invested`` with ``held``, settled by ``Grant.Approved`` or ``Grant.Voided``) and a reopening of a
closed year (``Period.ReopenProposed``, settled by ``Period.Reopened`` or ``Period.ReopenWithdrawn``). A row
keeps who proposed it, when and at which log position, and how it was settled, so ``--as-of`` and
``--known-at`` see it exactly as it stood. A new kind of held act adds its two folds here: ``held`` when it
is proposed, ``settled`` when a second person approves or voids it; ``report pending`` then lists it.
"""

from __future__ import annotations

from .folds import FOLDED_BY_CORRECTIONS, handled_in, on
from .page import Event, Page

PENDING, APPROVED, VOIDED = "pending", "approved", "voided"
THRESHOLD, TWO_PERSON = "threshold", "two-person"  # why an act is held: its fund's threshold, or always


def held(e: Event, page: Page, key: str, kind: str, rule: str, **dims: object) -> None:
    """An act proposed by ``e``'s actor and held for a second person (``dims``: application, unit, clause,
    fund, year, amount, reason, as far as the act has them)."""
    page.put(
        "held_acts",
        (key,),
        kind=kind,
        rule=rule,
        maker=e.actor,
        made_on=e.on,
        made_seq=e.seq,
        status=PENDING,
        **dims,
    )


def settled(e: Event, page: Page, key: str, status: str, reason: str | None = None) -> None:
    """The second person's answer to the act held under ``key``: approved, or voided (withdrawn)."""
    page.put(
        "held_acts",
        (key,),
        status=status,
        settled_by=e.actor,
        settled_on=e.on,
        settled_seq=e.seq,
        settled_reason=reason,
    )


@on("Grant.Disbursed", "Grant.Invested")
def _payment_held(e: Event, page: Page) -> None:
    if not e.data["held"]:
        return
    o = e.origin
    held(
        e,
        page,
        e.data["voucher"],
        "investment" if e.name == "Grant.Invested" else "disbursement",
        THRESHOLD,
        application=o["key"],
        unit=o["unit"],
        clause=o["clause"],
        fund=o["fund"],
        year=o["year"],
        amount=e.data["amount"],
    )


@on("Grant.Approved")
def _payment_approved(e: Event, page: Page) -> None:
    settled(e, page, e.data["voucher"], APPROVED)


@on("Grant.Voided")
def _payment_voided(e: Event, page: Page) -> None:
    settled(e, page, e.data["voucher"], VOIDED, e.data["reason"])


@on("Period.ReopenProposed")
def _reopen_proposed(e: Event, page: Page) -> None:
    o = e.origin
    held(e, page, e.data["doc"], "reopen", TWO_PERSON, fund=o["fund"], year=o["year"], reason=e.data["reason"])


@on("Period.Reopened")
def _reopened(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], APPROVED)


@on("Period.ReopenWithdrawn")
def _reopen_withdrawn(e: Event, page: Page) -> None:
    settled(e, page, e.data["doc"], VOIDED, e.data["reason"])


# Where each declared event (``ledger.vocabulary``) stands with this module's folds (tests/unit/test_vocabulary.py).
HANDLES = handled_in(__name__)
IGNORES = FOLDED_BY_CORRECTIONS | frozenset(
    {
        "Project.*",  # a project's acts move no money (a closeout's 追回 is a Grant.Recovered)
        "Actor.*",
        "Fund.*",
        "FundYear.*",
        "Grant.Awarded",
        "Grant.Converted",
        "Grant.Evaluated",
        "Grant.Exited",
        "Grant.Recovered",
        "Grant.Rejected",
        "Grant.Reversed",
        "Grant.Spent",
        "Grant.Submitted",
        "Grant.WrittenOff",
        "Installation.*",
        "KeyBinding.*",
        "Period.Closed",
        "Period.Opened",
        "PolicyRegister.*",
        "Seal.*",
        "Unit.*",
        "UnitCap.*",
        "Voucher.*",
    }
)
