"""Funds (专项资金) and their yearly budgets.

``FundYear`` carries invariant 2 — per fund and year, committed ≤
appropriated + returned — so every award is saved together with the
``FundYear`` it commits against, and a racing award loses on its version.
Money returned (追回, equity exits) is credited to the year it comes back in,
where it may be committed again (财政资金循环使用).
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from .errors import DUPLICATE_KEY, INSUFFICIENT_FUNDS, LedgerError
from .ids import key_id
from .money import Fen, format_human

DEFAULT_APPROVAL_THRESHOLD = Fen(1_000_000 * 100)  # 1,000,000 元
DEFAULT_APPROVAL_WINDOW = 30  # days: payments on one award within this many days count together


class Fund(Aggregate):
    @staticmethod
    def create_id(code: str) -> object:
        return key_id("fund", code)

    @event("Created")
    def __init__(
        self,
        code: str,
        name: str,
        threshold: int,
        actor: str,
        on: str,
        window: int | None = None,
        city: str | None = None,
        clauses: list[str] | None = None,
    ):
        self.code = code
        self.name = name
        self.threshold = threshold
        # Absent on funds created before split payments were counted: those use the default window.
        self.window = window if window is not None else DEFAULT_APPROVAL_WINDOW
        # The scope (ledger/scope.py): absent on funds created before it, which pay any clause.
        self.city, self.clauses = city, list(clauses) if clauses else None

    def same_as(self, name: str, threshold: int, window: int, city: str | None = None, clauses=None) -> bool:
        mine = (self.name, self.threshold, self.window, getattr(self, "city", None), getattr(self, "clauses", None))
        return mine == (name, threshold, window, city, list(clauses) if clauses else None)

    def scope(self, city: str, clauses: list[str] | None, doc: str, actor: str, on: str) -> bool:
        """Name the city (and clauses) the fund pays for; the same scope again changes nothing."""
        if (getattr(self, "city", None), getattr(self, "clauses", None)) == (city, clauses or None):
            return False
        self._scoped(city=city, clauses=clauses or None, doc=doc, actor=actor, on=on)
        return True

    @event("Scoped")
    def _scoped(self, city: str, clauses: list[str] | None, doc: str, actor: str, on: str) -> None:
        self.city, self.clauses = city, list(clauses) if clauses else None


class FundYear(Aggregate):
    @staticmethod
    def create_id(fund: str, year: int) -> object:
        return key_id("fund-year", fund, year)

    @event("Opened")
    def __init__(self, fund: str, year: int, actor: str, on: str):
        self.fund = fund
        self.year = year
        self.appropriated = 0
        self.committed = 0
        self.returned = 0
        self.docs: dict[str, int] = {}

    @property
    def available(self) -> int:
        return self.appropriated + self.returned - self.committed

    def appropriate(self, amount: Fen, doc: str, actor: str, on: str) -> bool:
        """Add budget under a document number; the same document again changes nothing."""
        if doc in self.docs:
            if self.docs[doc] != amount:
                raise LedgerError(
                    DUPLICATE_KEY,
                    f"预算文号 {doc} 已为 {self.fund} {self.year} 年度拨入 {format_human(self.docs[doc])}, "
                    f"不能再以 {format_human(amount)} 登记",
                )
            return False
        self._appropriated(amount=amount, doc=doc, actor=actor, on=on)
        return True

    @event("Appropriated")
    def _appropriated(self, amount: int, doc: str, actor: str, on: str) -> None:
        self.appropriated += amount
        self.docs[doc] = amount

    def check_can_commit(self, amount: Fen) -> None:
        if amount > self.available:
            raise LedgerError(
                INSUFFICIENT_FUNDS,
                f"资金 {self.fund} {self.year} 年度可用 {format_human(self.available)} "
                f"(预算 {format_human(self.appropriated)} + 收回 {format_human(self.returned)} "
                f"- 已承诺 {format_human(self.committed)}), 本次 {format_human(amount)} "
                f"超出 {format_human(amount - self.available)}",
            )

    def commit(self, ref: str, amount: Fen, actor: str, on: str) -> None:
        self.check_can_commit(amount)
        self._committed(ref=ref, amount=amount, actor=actor, on=on)

    @event("Committed")
    def _committed(self, ref: str, amount: int, actor: str, on: str) -> None:
        self.committed += amount

    def release(self, ref: str, amount: Fen, doc: str, actor: str, on: str) -> None:
        """Give back what an award committed (撤销批复 or 调减, approved by a second person under ``doc``)."""
        self._released(ref=ref, amount=amount, doc=doc, actor=actor, on=on)

    @event("Released")
    def _released(self, ref: str, amount: int, doc: str, actor: str, on: str) -> None:
        self.committed -= amount

    def receive(self, ref: str, voucher: str, kind: str, amount: Fen, actor: str, on: str) -> None:
        """Money coming back to the fund (a recovery or equity exit proceeds)."""
        self._returned(ref=ref, voucher=voucher, kind=kind, amount=amount, actor=actor, on=on)

    @event("Returned")
    def _returned(self, ref: str, voucher: str, kind: str, amount: int, actor: str, on: str) -> None:
        self.returned += amount

    def check_can_unreturn(self, amount: Fen) -> None:
        if self.committed > self.appropriated + self.returned - amount:
            raise LedgerError(
                INSUFFICIENT_FUNDS,
                f"冲正将使资金 {self.fund} {self.year} 年度已承诺 {format_human(self.committed)} "
                f"超过预算与收回之和 {format_human(self.appropriated + self.returned - amount)}",
            )

    def unreturn(self, ref: str, voucher: str, amount: Fen, actor: str, on: str) -> None:
        """Compensate a return (红字冲正 of a recovery); never below what is committed."""
        self.check_can_unreturn(amount)
        self._return_reversed(ref=ref, voucher=voucher, amount=amount, actor=actor, on=on)

    @event("ReturnReversed")
    def _return_reversed(self, ref: str, voucher: str, amount: int, actor: str, on: str) -> None:
        self.returned -= amount
