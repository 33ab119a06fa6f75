"""Per-unit limits that span applications: yearly caps, once-per-unit clauses and platform totals.

Each (unit, cap group, year) — or (unit, clause) for a once-per-unit clause, or
(unit, clause, ``life``) for a platform clause whose max is a total over its life —
is one small aggregate saved in the same transaction as the award it limits,
so two clerks awarding at the same moment cannot both squeeze under the cap:
one of them fails on the version and retries against the new total.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from .errors import ALREADY_AWARDED_ONCE, EXCEEDS_ANNUAL_CAP, EXCEEDS_CLAUSE_MAX, LedgerError
from .ids import key_id
from .money import Fen, format_human

ONCE = "once"
LIFE = "life"  # a platform clause: the sum of awards to one unit over the clause's whole life


def year_group(clause: Any, year: int) -> str:
    """The once-a-year mark of a unit under a clause's record (an ONCE aggregate per year)."""
    return f"{clause.record}/year/{year}"


class UnitCap(Aggregate):
    @staticmethod
    def create_id(unit: str, group: str, period: str) -> object:
        return key_id("unit-cap", unit, group, period)

    @event("Opened")
    def __init__(self, unit: str, group: str, period: str, cap: int | None, actor: str, on: str):
        self.unit = unit
        self.group = group
        self.period = period  # a year ("2024") or ONCE
        self.cap = cap
        self.used = 0
        self.refs: list[str] = []
        self.lifted = 0  # what 一事一议 exception documents took the total above its cap (third edition)

    @property
    def remaining(self) -> int | None:
        return None if self.cap is None else self.cap - self.used

    def lift_for(self, amount: Fen, exception_doc: str | None, already: int = 0) -> dict | None:
        """What an award lifted by an exception document takes above the lifetime cap: ``{"doc", "amount"}``.

        None when nothing is lifted (no document, no cap, or the award fits under it): verify's invariant fold
        accepts a total above the cap by exactly the sum of these amounts, no more.
        """
        if exception_doc is None or self.period != LIFE or self.cap is None:
            return None
        used = already + self.used
        over = max(used + amount - self.cap, 0) - max(used - self.cap, 0)
        return {"doc": exception_doc, "amount": over} if over > 0 else None

    def check_can_use(
        self, ref: str, amount: Fen, title: str, source: str, lifted: bool = False, already: int = 0
    ) -> None:
        """``already``: what other totals count against this one (for a named platform, the unit's awards under
        the clause that named no platform; awards under clauses sharing the record)."""
        if self.period == LIFE:
            used = already + self.used
            if not lifted and self.cap is not None and used + amount > self.cap:
                earlier = f", 其中未注明平台或共用记录的奖励 {format_human(already)}" if already else ""
                refs = f" (申报 {', '.join(self.refs)})" if self.refs else ""
                raise LedgerError(
                    EXCEEDS_CLAUSE_MAX,
                    f'单位 {self.unit} 已获"{title}"{format_human(used)}{refs}{earlier}, '
                    f"该平台类条款对同一单位累计最高 {format_human(self.cap)}, 剩余 "
                    f"{format_human(max(self.cap - used, 0))}, 本次 {format_human(amount)} "
                    f"超出 {format_human(used + amount - self.cap)} {source}",
                )
            return
        if self.period == ONCE and self.refs and ref not in self.refs:
            raise LedgerError(
                ALREADY_AWARDED_ONCE,
                f'单位 {self.unit} 已获"{title}" (申报 {self.refs[0]}), 该奖励每单位仅限一次 {source}',
            )
        if self.cap is not None and self.used + amount > self.cap:
            raise LedgerError(
                EXCEEDS_ANNUAL_CAP,
                f'单位 {self.unit} 在 {self.period} 年已获"{title}"{format_human(self.used)}, '
                f"年度上限 {format_human(self.cap)}, 本次 {format_human(amount)} "
                f"超出 {format_human(self.used + amount - self.cap)} {source}",
            )

    def use(
        self,
        ref: str,
        amount: Fen,
        title: str,
        source: str,
        actor: str,
        on: str,
        exception_doc: str | None = None,
        already: int = 0,
    ) -> None:
        """Count an award; ``exception_doc`` is the 一事一议 document that lifts a lifetime total (if any)."""
        self.check_can_use(ref, amount, title, source, exception_doc is not None, already)
        lift = self.lift_for(amount, exception_doc, already)
        self._used(ref=ref, amount=amount, actor=actor, on=on, lift=lift)

    @event("Used")
    def _used(self, ref: str, amount: int, actor: str, on: str, lift: dict | None = None) -> None:
        # ``lift``: third edition; a Used event recorded before it has no such field and replays as None
        self.used += amount
        self.refs.append(ref)
        if lift is not None:
            self.lifted = getattr(self, "lifted", 0) + int(lift["amount"])

    def carry(self, refs: list[str], amount: Fen, actor: str, on: str) -> None:
        """Count awards made before this limit was kept (a platform total opened on a ledger from the first edition)."""
        self._carried(refs=list(refs), amount=amount, actor=actor, on=on)

    @event("Carried")
    def _carried(self, refs: list[str], amount: int, actor: str, on: str) -> None:
        self.used += amount
        self.refs.extend(refs)

    def release(self, ref: str, amount: Fen, whole: bool, doc: str, actor: str, on: str) -> None:
        """Give back what ``ref``'s award used (撤销批复: ``whole``, the award no longer counts; 调减: part of it)."""
        self._released(ref=ref, amount=amount, whole=whole, doc=doc, actor=actor, on=on)

    @event("Released")
    def _released(self, ref: str, amount: int, whole: bool, doc: str, actor: str, on: str) -> None:
        self.used -= amount
        if whole and ref in self.refs:
            self.refs = [r for r in self.refs if r != ref]
