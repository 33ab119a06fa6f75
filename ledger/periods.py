"""The year's end (年终结账): a ``Period`` per fund and fiscal year, and the seals that anchor the log.

``Period`` carries invariant 10 of the domain — no event dated inside a closed
period of a fund touches that fund's money unless a recorded reopening is in
force. Every money handler asks ``closed_years.check_open(uow, fund, day…)`` before it
triggers an event; a closed period refuses with ``PERIOD_CLOSED`` naming the
close and its document. A close records what carries into the next year
(结转: committed − paid by the year's last day) and what lapses (结余:
appropriated + returned − committed). Reopening takes two people: an admin
proposes (keyed by its document number, like a payment voucher) and another
admin or an approver confirms with ``approve``.

A ``Seal`` records a checkpoint: the log position, the chain's head hash there
and the state hash of every balance at that position (``state_hash``, defined
here once). ``sign_seal`` is where the actor's signature is attached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from eventsourcing.domain import Aggregate, event

from .errors import INVALID_STATE, PERIOD_CLOSED, SAME_ACTOR, LedgerError
from .ids import key_id
from .money import format_human
from .signing import Signer, sign_as

STATE_ALGORITHM = "sha256/sorted-balances/v1"


class Period(Aggregate):
    @staticmethod
    def create_id(fund: str, year: int) -> object:
        return key_id("period", fund, year)

    @event("Opened")
    def __init__(self, fund: str, year: int, actor: str, on: str):
        self.fund = fund
        self.year = year
        self.closed: dict | None = None  # the close in force: doc, on, figures
        self.proposal: dict | None = None  # a reopening waiting for a second person
        self.reopened: list[str] = []  # documents of confirmed reopenings
        self.withdrawn: list[str] = []  # documents of withdrawn proposals

    def check_open(self, day: str | int) -> None:
        if self.closed is None:
            return
        c = self.closed
        when = f"日期 {day} 落在" if isinstance(day, str) else "该笔涉及"
        raise LedgerError(
            PERIOD_CLOSED,
            f"资金 {self.fund} {self.year} 年度已于 {c['on']} 结账 (文号 {c['doc']}, 结转 "
            f"{format_human(c['carried_forward'])}, 结余 {format_human(c['lapsed'])}); {when}已结账年度, "
            f"请记入未结账年度, 或经两人复核重新开账 (grantledger reopen {self.year} --fund {self.fund})",
        )

    def check_can_close(self, doc: str) -> bool:
        """False when this close is already in force (a repeat); refuses a second close under another document."""
        if self.closed is None:
            return True
        if self.closed["doc"] == doc:
            return False
        raise LedgerError(INVALID_STATE, f"资金 {self.fund} {self.year} 年度已结账 (文号 {self.closed['doc']})")

    def close(self, doc: str, figures: dict, actor: str, on: str) -> bool:
        """Close the year; closing again under the document in force changes nothing."""
        if not self.check_can_close(doc):
            return False
        self._closed(doc=doc, figures=figures, actor=actor, on=on)
        return True

    @event("Closed")
    def _closed(self, doc: str, figures: dict, actor: str, on: str) -> None:
        self.closed = dict(figures, doc=doc, on=on, by=actor)

    def propose_reopen(self, doc: str, reason: str, actor: str, on: str) -> bool:
        if self.proposal is not None and self.proposal["doc"] == doc:
            return False
        if self.closed is None:
            raise LedgerError(INVALID_STATE, f"资金 {self.fund} {self.year} 年度未结账, 无需重新开账")
        if self.proposal is not None:
            raise LedgerError(
                INVALID_STATE, f"资金 {self.fund} {self.year} 年度已有待复核的重新开账 ({self.proposal['doc']})"
            )
        self._reopen_proposed(doc=doc, reason=reason, actor=actor, on=on)
        return True

    @event("ReopenProposed")
    def _reopen_proposed(self, doc: str, reason: str, actor: str, on: str) -> None:
        self.proposal = {"doc": doc, "reason": reason, "maker": actor, "on": on}

    def _pending(self, doc: str) -> dict:
        if self.proposal is None or self.proposal["doc"] != doc:
            raise LedgerError(INVALID_STATE, f"重新开账 {doc} 不是待复核状态")
        return self.proposal

    def confirm_reopen(self, doc: str, actor: str, on: str) -> bool:
        if doc in self.reopened:
            return False
        proposal = self._pending(doc)
        if actor == proposal["maker"]:
            raise LedgerError(
                SAME_ACTOR, f"重新开账 {doc} 由 {actor} 提出, 须由另一名管理员或审批人复核 (不相容岗位分离)"
            )
        assert self.closed is not None
        c = self.closed
        self._reopened(
            doc=doc, close_doc=c["doc"], carried_forward=c["carried_forward"], lapsed=c["lapsed"], actor=actor, on=on
        )
        return True

    @event("Reopened")
    def _reopened(self, doc: str, close_doc: str, carried_forward: int, lapsed: int, actor: str, on: str) -> None:
        self.closed, self.proposal = None, None
        self.reopened.append(doc)

    def withdraw_reopen(self, doc: str, reason: str, actor: str, on: str) -> bool:
        if doc in self.withdrawn:
            return False
        self._pending(doc)
        self._reopen_withdrawn(doc=doc, reason=reason, actor=actor, on=on)
        return True

    @event("ReopenWithdrawn")
    def _reopen_withdrawn(self, doc: str, reason: str, actor: str, on: str) -> None:
        self.proposal = None
        self.withdrawn.append(doc)


# -- seals -------------------------------------------------------------------------------


class Seal(Aggregate):
    """One checkpoint, keyed by its log position: sealing the same position again changes nothing."""

    @staticmethod
    def create_id(position: int) -> object:
        return key_id("seal", position)

    @event("Written")
    def __init__(
        self,
        position: int,
        head: str,
        state: str,
        algorithm: str,
        signed_by: str,
        key: str | None,
        signature: str | None,
        actor: str,
        on: str,
        snapshot: str | None = None,
    ):
        self.position, self.head, self.state = position, head, state
        self.algorithm, self.signed_by, self.key, self.signature = algorithm, signed_by, key, signature
        self.snapshot = snapshot  # sha256 of verify's fold states there (issue 26); absent on older seals

    def document(self) -> dict:
        found = {
            "position": self.position,
            "head": self.head,
            "state": self.state,
            "algorithm": self.algorithm,
            "signed_by": self.signed_by,
            "key": self.key,
            "signature": self.signature,
        }
        if getattr(self, "snapshot", None):
            found["snapshot"] = self.snapshot
        return found


def seal_payload(position: int, head: str, state: str, snapshot: str | None = None) -> bytes:
    """The bytes a seal's signature covers: canonical JSON of what it asserts. ``snapshot`` (the sha256 of
    verify's fold states at the position, ``projections.resume``) is covered when the seal has one; a seal
    written before it existed signs the same bytes as it always did."""
    asserted = {"position": position, "head": head, "state": state, "algorithm": STATE_ALGORITHM}
    if snapshot is not None:
        asserted["snapshot"] = snapshot
    return json.dumps(asserted, sort_keys=True, separators=(",", ":")).encode()


def sign_seal(payload: bytes, signer: Signer | None) -> dict | None:
    """The actor's signature over a seal: ``{"key": …, "signature": …}`` (None only when nobody signs)."""
    return sign_as(signer, payload) if signer is not None else None


def state_hash(balances: Iterable[tuple[str, str | None, int | None, int, int]]) -> str:
    """The hash of every balance at a position: the seal's ``state``.

    ``balances`` are (account, fund, year, debit, credit): the journal's totals per account, fund and fiscal
    year (the trial balance split by fund and year), as ``report trial-balance`` and the journal define them.
    Rows with debit = credit = 0 are left out; the rest are written one line each,
    ``account|fund|year|debit|credit`` (amounts in 分, fund and year empty when absent), sorted, joined with
    newlines, and hashed with SHA-256. Sorting makes the hash independent of the order rows are read or events
    were folded in, so an auditor can recompute it from ``export events`` with any tool.
    """
    lines = sorted(
        f"{account}|{fund or ''}|{'' if year is None else year}|{debit}|{credit}"
        for account, fund, year, debit, credit in balances
        if debit or credit
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
