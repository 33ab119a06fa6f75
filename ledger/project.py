"""A project's life after the award (项目管理): schedule, milestones, term, budget, acceptance and closeout.

One ``Project`` per awarded application, keyed by its REF, opened by the award when the award carries a
schedule (分期拨付), a term (执行期) or a budget (预算), or when the clause pays after the fact (后补助);
otherwise opened by the first milestone, extension or closeout. An award without a project is paid as in
the first edition. The money itself stays in ``Grant``: a closeout's 追回 is an ordinary ``Grant.Recovered``
(so the books, the fund and the statement take it like ``recover``); the project records the acts.

Every command checks before it triggers its event; apply code only copies event fields into state.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from . import errors, tranches
from .errors import LedgerError
from .ids import key_id
from .money import format_human
from .values import CATEGORIES

OPEN, CLOSED = "open", "closed"
DIRECT_ONLY = "indirect"  # 包干制: 直接费用调剂权下放; 间接费用 is never raised by an adjustment


def _state(message: str) -> LedgerError:
    return LedgerError(errors.INVALID_STATE, message)


class Project(Aggregate):
    @staticmethod
    def create_id(ref: str) -> object:
        return key_id("project", ref)

    @event("Opened")
    def __init__(
        self,
        ref: str,
        unit: str,
        clause: str,
        fund: str,
        year: int,
        awarded: int,
        tranches: list[dict] | None,
        actor: str,
        on: str,
    ):
        self.ref, self.unit, self.clause, self.fund, self.year = ref, unit, clause, fund, year
        self.awarded = awarded
        self.tranches = tranches
        self.end: str | None = None
        self.budget: dict[str, int] | None = None
        self.contract: dict | None = None
        self.status = OPEN
        self.milestones: list[dict] = []
        self.passed: dict[str, str] = {}  # milestone kind → first date it passed
        self.closed: dict | None = None
        self.extensions: list[dict] = []
        self.adjustments: list[dict] = []

    # -- 任务书: term and budget ------------------------------------------------

    def record_contract(self, doc: str, end: str | None, budget: dict | None, spent: int, actor: str, on: str) -> bool:
        if self.contract is not None:
            if self.contract == {"doc": doc, "end": end, "budget": budget}:
                return False
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"申报 {self.ref} 已登记任务书 {self.contract['doc']}; 之后的变更请用 extend 或 adjust-budget",
            )
        self.check_open("登记任务书")
        if budget is not None and spent:
            raise _state(f"申报 {self.ref} 已有支出 {format_human(spent)}, 预算须在首笔支出前登记")
        self._contracted(doc=doc, end=end, budget=budget, actor=actor, on=on)
        return True

    @event("Contracted")
    def _contracted(self, doc: str, end: str | None, budget: dict | None, actor: str, on: str) -> None:
        self.contract = {"doc": doc, "end": end, "budget": budget}
        self.end = end
        self.budget = dict(budget) if budget else None

    # -- checks the payment handlers ask -------------------------------------

    def check_open(self, what: str) -> None:
        if self.closed is not None:
            c = self.closed
            raise LedgerError(
                errors.PROJECT_CLOSED,
                f"申报 {self.ref} 已于 {c['on']} 结题 (验收{tranches.RESULTS[c['result']]}, 文号 {c['doc']}), "
                f"不能再{what}",
            )

    def check_payment(self, paid: int, amount: int, on: str) -> None:
        self.check_open("拨付")
        if self.tranches:
            tranches.refuse_beyond_release(self.ref, self.tranches, self.passed, paid, amount, on)

    def check_spending(self, category: str, spent_in: int, amount: int) -> None:
        self.check_open("支出")
        if self.budget is not None:
            room = self.budget.get(category, 0) - spent_in
            if amount > room:
                name = CATEGORIES.get(category, category)
                raise LedgerError(
                    errors.EXCEEDS_AVAILABLE,
                    f"申报 {self.ref} 预算中{name} ({category}) {format_human(self.budget.get(category, 0))}, "
                    f"已支出 {format_human(spent_in)}, 尚余 {format_human(max(room, 0))}; 本次 {format_human(amount)} "
                    f"超出预算 {format_human(amount - max(room, 0))} (可先用 adjust-budget 预算调剂)",
                )

    # -- milestones ------------------------------------------------------------

    def record_milestone(self, kind: str, result: str, doc: str, actor: str, on: str) -> bool:
        for m in self.milestones:
            if m["doc"] == doc:
                if (m["milestone"], m["result"]) == (kind, result) and m["on"] == on:
                    return False
                if (m["milestone"], m["result"]) == (kind, result):
                    return False
                raise LedgerError(
                    errors.DUPLICATE_KEY,
                    f"文号 {doc} 已用于申报 {self.ref} 的{tranches.MILESTONES[m['milestone']]}"
                    f"{tranches.RESULTS[m['result']]} ({m['on']}), 内容不同",
                )
        self.check_open("记录里程碑")
        first = result == "pass" and kind not in self.passed
        released = sum(t["amount"] for t in self.tranches or [] if t["milestone"] == kind) if first else 0
        self._milestone(milestone=kind, result=result, doc=doc, released=released, actor=actor, on=on)
        return True

    @event("MilestoneRecorded")
    def _milestone(self, milestone: str, result: str, doc: str, released: int, actor: str, on: str) -> None:
        self.milestones.append({"milestone": milestone, "result": result, "doc": doc, "on": on})
        if result == "pass" and (milestone not in self.passed or on < self.passed[milestone]):
            self.passed[milestone] = on

    def released(self, on: str) -> int:
        if not self.tranches:
            return self.awarded
        return tranches.released_by(self.tranches, self.passed, on)

    # -- amendments (项目变更) -------------------------------------------------

    def extend(self, to: str, doc: str, actor: str, on: str) -> bool:
        if any(x["doc"] == doc for x in self.extensions):
            done = next(x for x in self.extensions if x["doc"] == doc)
            if done["end"] == to:
                return False
            raise LedgerError(errors.DUPLICATE_KEY, f"文号 {doc} 已用于将申报 {self.ref} 延期至 {done['end']}")
        self.check_open("延期")
        if self.end is None:
            raise _state(f"申报 {self.ref} 没有登记执行期 (contract --end-date), 无从延期")
        if to <= self.end:
            raise _state(f"申报 {self.ref} 执行期截止于 {self.end}; 延期后的日期 {to} 须晚于它")
        if to < on:
            raise _state(f"申报 {self.ref} 延期后的截止日期 {to} 早于变更日期 {on}")
        self._extended(end=to, previous=self.end, doc=doc, actor=actor, on=on)
        return True

    @event("Extended")
    def _extended(self, end: str, previous: str | None, doc: str, actor: str, on: str) -> None:
        self.end = end
        self.extensions.append({"end": end, "previous": previous, "doc": doc, "on": on})

    def adjust_budget(
        self, source: str, target: str, amount: int, spent_in: int, doc: str, actor: str, on: str
    ) -> bool:
        done = next((x for x in self.adjustments if x["doc"] == doc), None)
        if done is not None:
            if (done["source"], done["target"], done["amount"]) == (source, target, amount):
                return False
            raise LedgerError(errors.DUPLICATE_KEY, f"文号 {doc} 已用于申报 {self.ref} 的另一次预算调剂")
        self.check_open("预算调剂")
        if self.budget is None:
            raise _state(f"申报 {self.ref} 任务书未列预算 (contract --budget), 没有可调剂的预算科目")
        if source == target:
            raise errors.invalid("调出与调入科目相同")
        if target == DIRECT_ONLY:
            raise _state(f"申报 {self.ref}: 间接费用只能调减、不能调增; 包干制下放给项目承担单位的是直接费用调剂权")
        room = self.budget.get(source, 0) - spent_in
        if amount > room:
            raise LedgerError(
                errors.EXCEEDS_AVAILABLE,
                f"申报 {self.ref} 预算中{CATEGORIES.get(source, source)} {format_human(self.budget.get(source, 0))}, "
                f"已支出 {format_human(spent_in)}, 可调出 {format_human(max(room, 0))}; "
                f"本次调剂 {format_human(amount)} 超出 {format_human(amount - max(room, 0))}",
            )
        self._adjusted(source=source, target=target, amount=amount, doc=doc, actor=actor, on=on)
        return True

    @event("BudgetAdjusted")
    def _adjusted(self, source: str, target: str, amount: int, doc: str, actor: str, on: str) -> None:
        assert self.budget is not None
        self.budget[source] = self.budget.get(source, 0) - amount
        self.budget[target] = self.budget.get(target, 0) + amount
        self.adjustments.append({"source": source, "target": target, "amount": amount, "doc": doc, "on": on})

    # -- acceptance and closeout (验收/结题) -------------------------------------

    def same_close(self, result: str, doc: str) -> bool:
        return self.closed is not None and (self.closed["result"], self.closed["doc"]) == (result, doc)

    def close(
        self,
        result: str,
        doc: str,
        amount: int,
        recovered: int,
        retained: int,
        voucher: str | None,
        retain_doc: str | None,
        actor: str,
        on: str,
    ) -> None:
        self.check_open("结题")
        self._closed(
            result=result,
            doc=doc,
            amount=amount,
            recovered=recovered,
            retained=retained,
            voucher=voucher,
            retain_doc=retain_doc,
            actor=actor,
            on=on,
        )

    @event("Closed")
    def _closed(
        self,
        result: str,
        doc: str,
        amount: int,
        recovered: int,
        retained: int,
        voucher: str | None,
        retain_doc: str | None,
        actor: str,
        on: str,
    ) -> None:
        self.status = CLOSED
        self.closed = {
            "result": result,
            "doc": doc,
            "balance": amount,
            "recovered": recovered,
            "retained": retained,
            "voucher": voucher,
            "retain_doc": retain_doc,
            "on": on,
        }
