"""A grant: one application (申报), its evaluation, its award and every 元 paid under it.

``Grant`` carries invariant 1 of the domain — per award,
0 ≤ spent + recovered ≤ disbursed ≤ disbursed + pending ≤ awarded — and it
holds on every effective date, not only today: money cannot be spent before
the day it was paid (专款专用 on a timeline). Every command checks before it
triggers its event; apply code only copies event fields into state.

Award modes: ``grant`` is paid by ``disburse``; ``equity`` by ``invest``;
``mixed`` (拨投结合) has an equity part paid by ``invest`` and the rest by
``disburse``; ``convertible`` (先投后股) is disbursed and later converted.
"""

from __future__ import annotations

from datetime import date, timedelta

from eventsourcing.domain import Aggregate, event

from . import errors
from .errors import LedgerError
from .ids import key_id
from .money import Fen, format_human
from .values import CATEGORIES, GRADES, KINDS, MODES, VOUCHER_STATUSES, format_stake

SUBMITTED, EVALUATED, AWARDED, REJECTED = "submitted", "evaluated", "awarded", "rejected"
CANCELLED = "cancelled"  # 撤销批复 by two people (ledger/corrections.py): final; the unit applies again
POSTED, PENDING, VOIDED, REVERSED = "posted", "pending", "voided", "reversed"
GRANT_PART, EQUITY_PART = "grant", "equity"


def _state(message: str) -> LedgerError:
    return LedgerError(errors.INVALID_STATE, message)


class Grant(Aggregate):
    @staticmethod
    def create_id(ref: str) -> object:
        return key_id("application", ref)

    # -- submission and decision -------------------------------------------

    @event("Submitted")
    def __init__(
        self, ref: str, unit: str, unit_type: str, clause: str, asked: int, base: int | None, actor: str, on: str
    ):
        self.ref, self.unit, self.unit_type, self.clause = ref, unit, unit_type, clause
        self.asked, self.base, self.applied_on = asked, base, on
        self.status = SUBMITTED
        self.grade: str | None = None
        self.score: str | None = None
        self.evaluated_on: str | None = None
        self.reason: str | None = None
        self.award: dict | None = None
        self.paid = {GRANT_PART: 0, EQUITY_PART: 0}
        self.pending = {GRANT_PART: 0, EQUITY_PART: 0}
        self.spent = 0
        self.recovered = 0
        self.vouchers: dict[str, dict] = {}
        self.flows: list[list] = []  # [effective date, change of money held by the unit]
        self.payments: list[list] = []  # [effective date, money paid (negative when reversed)]
        self.equity = {
            "stake": 0,
            "cost": 0,
            "invested": 0,
            "exited_stake": 0,
            "proceeds": 0,
            "gain": 0,
            "converted": None,
            "written_off": None,
        }

    def same_submission(self, unit: str, clause: str, asked: int, base: int | None, on: str | None) -> bool:
        mine = (self.unit, self.clause, self.asked, self.base)
        return mine == (unit, clause, asked, base) and on in (None, self.applied_on)

    def evaluate(self, grade: str, score: str | None, actor: str, on: str, given_on: str | None = None) -> bool:
        """Record the grade; the same grade again (on the same date, if one is given) changes nothing."""
        if (
            self.grade is not None
            and (grade, score) == (self.grade, self.score)
            and given_on in (None, self.evaluated_on)
        ):
            return False
        if self.status == EVALUATED and not (self.grade == "fail" and grade == "repass"):
            raise LedgerError(
                errors.DUPLICATE_KEY,
                f"申报 {self.ref} 已评估为 {self.grade}({GRADES[self.grade]}); 只有不合格经整改后可复评为 repass",
            )
        if self.status != SUBMITTED and self.status != EVALUATED:
            done = {AWARDED: "已批复", CANCELLED: "的批复已撤销"}.get(self.status, "已驳回")
            raise _state(f"申报 {self.ref} {done}, 不能再评估")
        self._check_not_before(on, self.applied_on, "评估", "申报")
        self._evaluated(grade=grade, score=score, actor=actor, on=on)
        return True

    @event("Evaluated")
    def _evaluated(self, grade: str, score: str | None, actor: str, on: str) -> None:
        self.status, self.grade, self.score, self.evaluated_on = EVALUATED, grade, score, on

    def reject(self, reason: str, actor: str, on: str) -> bool:
        if self.status == REJECTED:
            if reason != self.reason:
                raise LedgerError(errors.DUPLICATE_KEY, f"申报 {self.ref} 已以不同理由驳回: {self.reason}")
            return False
        if self.status == AWARDED:
            raise _state(f"申报 {self.ref} 已批复 {format_human(self.awarded)}, 不能驳回")
        if self.status == CANCELLED:
            raise _state(f"申报 {self.ref} 的批复已撤销, 不能驳回")
        self._check_not_before(on, self.applied_on, "驳回", "申报")
        self._rejected(reason=reason, actor=actor, on=on)
        return True

    @event("Rejected")
    def _rejected(self, reason: str, actor: str, on: str) -> None:
        self.status, self.reason = REJECTED, reason

    def check_can_award(self, on: str) -> None:
        if self.status == REJECTED:
            raise _state(f"申报 {self.ref} 已驳回 ({self.reason}), 不能批复")
        if self.status == SUBMITTED:
            raise _state(f"申报 {self.ref} 尚未评估, 不能批复 (先运行 evaluate)")
        if self.status == AWARDED:
            raise _state(f"申报 {self.ref} 已批复")
        if self.status == CANCELLED:
            raise _state(f"申报 {self.ref} 的批复已撤销, 不能再批复; 请以新的申报编号重新申报 (apply)")
        self._check_not_before(on, self.evaluated_on, "批复", "评估")

    def same_award(self, decision: dict, on: str | None) -> bool:
        assert self.award is not None
        mine = {k: self.award[k] for k in decision}
        return mine == decision and on in (None, self.award["on"])

    def award_it(self, decision: dict, actor: str, on: str) -> None:
        """Record the award; the caller has checked the policy, the fund and the caps."""
        self.check_can_award(on)
        self._awarded(decision=decision, actor=actor, on=on)

    @event("Awarded")
    def _awarded(self, decision: dict, actor: str, on: str) -> None:
        self.status = AWARDED
        self.award = dict(decision, on=on)

    @property
    def awarded(self) -> int:
        return self.award["amount"] if self.award else 0

    @property
    def mode(self) -> str | None:
        return self.award["mode"] if self.award else None

    def part_size(self, part: str) -> int:
        equity = self.award.get("equity_amount") or 0 if self.award else 0
        if self.mode == "equity":
            equity = self.awarded
        return equity if part == EQUITY_PART else self.awarded - equity

    @property
    def disbursed(self) -> int:
        return self.paid[GRANT_PART] + self.paid[EQUITY_PART]

    def paid_by(self, day: str) -> int:
        """What was paid (disbursed or invested, net of reversals) on effective dates up to ``day``."""
        return sum(amount for on, amount in self.payments if on <= day)

    @property
    def available(self) -> int:
        """Money the unit holds under this award: disbursed − spent − recovered."""
        return self.disbursed - self.spent - self.recovered

    # -- paying ---------------------------------------------------------------

    def needs_approval(self, amount: Fen, on: str, threshold: int, window: int) -> bool:
        """Held for a second person: this payment alone, or with this award's other payments in some window of
        ``window`` days around ``on``, reaches the fund's threshold (a cumulative limit, so splitting a payment
        does not avoid the checker). ``window=0`` is the first edition's rule: the payment alone."""
        return amount >= threshold or self.heaviest_window(amount, on, window)[0] >= threshold

    def heaviest_window(
        self, amount: Fen, on: str, window: int, leave_out: str | None = None
    ) -> tuple[int, str, str, list[tuple[str, str, int]]]:
        """The ``window``-day span holding ``on`` whose payments plus ``amount`` weigh most:
        (total, first day, last day, [(voucher, date, amount) of the other payments in it]).

        Counted: disbursements and investments of this award that one person moved alone, i.e. posted without an
        approval. Not approved ones (a second person has looked at each), not pending ones (a second person will,
        or they are voided), nor voided or reversed ones. Spans on either side of ``on`` count, so a back-dated
        payment is not exempt. So no window ever holds ``threshold`` or more paid by one person alone."""
        day = date.fromisoformat(on)
        others = [
            (number, v["on"], v["amount"])
            for number, v in self.vouchers.items()
            if v["kind"] in ("disbursement", "investment")
            and number != leave_out
            and v["status"] == POSTED
            and not v.get("approved_by")
            and abs((date.fromisoformat(v["on"]) - day).days) < window
        ]
        best = (amount, on, on, [])
        if not others:
            return best
        for shift in range(window):
            first = (day - timedelta(days=window - 1 - shift)).isoformat()
            last = (day + timedelta(days=shift)).isoformat()
            inside = sorted((when, number, paid) for number, when, paid in others if first <= when <= last)
            total = amount + sum(paid for _, _, paid in inside)
            if total > best[0]:
                best = (total, first, last, [(number, when, paid) for when, number, paid in inside])
        return best

    def _check_awarded(self, what: str, on: str) -> None:
        if self.status != AWARDED:
            state = {SUBMITTED: "尚未评估", EVALUATED: "尚未批复", REJECTED: "已驳回", CANCELLED: "的批复已撤销"}[
                self.status
            ]
            raise _state(f"申报 {self.ref} {state}, 不能{what}")
        self._check_not_before(on, self.award["on"], what, "批复")

    def _check_not_before(self, on: str, earlier: str | None, what: str, prior: str) -> None:
        if earlier is not None and on < earlier:
            raise _state(f"申报 {self.ref} 的{what}日期 {on} 早于{prior}日期 {earlier}")

    def _check_room(self, part: str, amount: Fen, what: str) -> None:
        room = self.part_size(part) - self.paid[part] - self.pending[part]
        if amount > room:
            label = (
                "股权投资部分"
                if self.mode == "mixed" and part == EQUITY_PART
                else ("拨款部分" if self.mode == "mixed" else "批复金额")
            )
            raise LedgerError(
                errors.EXCEEDS_AWARD,
                f"申报 {self.ref} {label} {format_human(self.part_size(part))}, "
                f"已拨付 {format_human(self.paid[part])}, "
                f"待审批 {format_human(self.pending[part])}, 尚可{what} {format_human(room)}; "
                f"本次 {format_human(amount)} 超出 {format_human(amount - room)}",
            )

    def disburse(self, voucher: str, amount: Fen, threshold: int, actor: str, on: str, window: int = 0) -> str:
        self._check_awarded("拨付", on)
        if self.mode == "equity":
            raise _state(f"申报 {self.ref} 以股权投资方式批复 (拨改投), 只能通过 invest 拨付")
        if self.equity["converted"]:
            raise _state(f"申报 {self.ref} 已于 {self.equity['converted']['on']} 转股, 不能再拨付")
        self._check_room(GRANT_PART, amount, "拨付")
        held = self.needs_approval(amount, on, threshold, window)
        self._disbursed(voucher=voucher, amount=amount, held=held, actor=actor, on=on)
        return PENDING if held else POSTED

    @event("Disbursed")
    def _disbursed(self, voucher: str, amount: int, held: bool, actor: str, on: str) -> None:
        self._pay(voucher, "disbursement", GRANT_PART, amount, held, actor, on, {})

    def invest(
        self,
        voucher: str,
        amount: Fen,
        stake: int,
        valuation: int,
        threshold: int,
        actor: str,
        on: str,
        window: int = 0,
    ) -> str:
        self._check_awarded("投资", on)
        if self.mode not in ("equity", "mixed"):
            mode = MODES.get(self.mode, self.mode)
            raise _state(f"申报 {self.ref} 以{mode} ({self.mode}) 方式批复, 只有股权投资或拨投结合的批复可以 invest")
        self._check_room(EQUITY_PART, amount, "投资")
        held = self.needs_approval(amount, on, threshold, window)
        self._invested(voucher=voucher, amount=amount, stake=stake, valuation=valuation, held=held, actor=actor, on=on)
        return PENDING if held else POSTED

    @event("Invested")
    def _invested(self, voucher: str, amount: int, stake: int, valuation: int, held: bool, actor: str, on: str) -> None:
        self._pay(voucher, "investment", EQUITY_PART, amount, held, actor, on, {"stake": stake, "valuation": valuation})

    def _pay(self, voucher: str, kind: str, part: str, amount: int, held: bool, actor: str, on: str, extra: dict):
        self.vouchers[voucher] = dict(
            extra, kind=kind, part=part, amount=amount, on=on, maker=actor, status=PENDING if held else POSTED
        )
        if held:
            self.pending[part] += amount
        else:
            self._post(voucher, on)

    def _post(self, voucher: str, on: str) -> None:
        v = self.vouchers[voucher]
        self.paid[v["part"]] += v["amount"]
        self.flows.append([on, v["amount"]])
        self.payments.append([on, v["amount"]])
        if v["kind"] == "investment":
            self.equity["stake"] += v["stake"]
            self.equity["cost"] += v["amount"]
            self.equity["invested"] += v["amount"]

    def pending_voucher(self, voucher: str, what: str) -> dict:
        v = self.vouchers[voucher]
        if v["status"] != PENDING:
            raise _state(f"凭证 {voucher} {VOUCHER_STATUSES.get(v['status'], v['status'])}, 不是待审批, 不能{what}")
        return v

    def approve(self, voucher: str, actor: str, on: str) -> bool:
        v = self.vouchers[voucher]
        if v["status"] == POSTED and v.get("approved_by"):
            return False
        v = self.pending_voucher(voucher, "审批")
        if actor == v["maker"]:
            raise LedgerError(
                errors.SAME_ACTOR, f"凭证 {voucher} 由 {actor} 经办, 须由另一名审批人审批 (不相容岗位分离)"
            )
        self._check_not_before(on, v["on"], "审批", "凭证")
        self._approved(voucher=voucher, kind=v["kind"], amount=v["amount"], stake=v.get("stake"), actor=actor, on=on)
        return True

    @event("Approved")
    def _approved(self, voucher: str, kind: str, amount: int, stake: int | None, actor: str, on: str) -> None:
        v = self.vouchers[voucher]
        v["status"], v["approved_by"] = POSTED, actor
        self.pending[v["part"]] -= v["amount"]
        self._post(voucher, on)

    def void(self, voucher: str, reason: str, actor: str, on: str) -> bool:
        v = self.vouchers[voucher]
        if v["status"] == VOIDED:
            if v.get("reason") != reason:
                raise LedgerError(errors.DUPLICATE_KEY, f"凭证 {voucher} 已以不同理由作废: {v.get('reason')}")
            return False
        self.pending_voucher(voucher, "作废 (已入账的请用 reverse 冲正)")
        self._check_not_before(on, v["on"], "作废", "凭证")
        self._voided(voucher=voucher, kind=v["kind"], amount=v["amount"], reason=reason, actor=actor, on=on)
        return True

    @event("Voided")
    def _voided(self, voucher: str, kind: str, amount: int, reason: str, actor: str, on: str) -> None:
        v = self.vouchers[voucher]
        v["status"], v["reason"] = VOIDED, reason
        self.pending[v["part"]] -= v["amount"]

    # -- using the money ------------------------------------------------------

    def available_from(self, on: str) -> int:
        """The least the unit held at the end of any day from ``on`` onwards."""
        by_day: dict[str, int] = {}
        for day, change in self.flows:
            by_day[day] = by_day.get(day, 0) + change
        balance = sum(change for day, change in by_day.items() if day <= on)
        lowest = balance
        for day in sorted(d for d in by_day if d > on):
            balance += by_day[day]
            lowest = min(lowest, balance)
        return lowest

    def _check_available(self, amount: Fen, on: str, what: str) -> None:
        room = self.available_from(on)
        if amount > room:
            when = "" if room == self.available else f" (自 {on} 起最少时仅 {format_human(room)})"
            raise LedgerError(
                errors.EXCEEDS_AVAILABLE,
                f"申报 {self.ref} 已拨付 {format_human(self.disbursed)}, 已支出 {format_human(self.spent)}, "
                f"已追回 {format_human(self.recovered)}, 结余 {format_human(self.available)}{when}; "
                f"本次{what} {format_human(amount)} 超出 {format_human(amount - room)} (专款专用)",
            )

    def spend(self, voucher: str, amount: Fen, category: str, actor: str, on: str) -> None:
        self._check_awarded("支出", on)
        if self.equity["written_off"]:
            done = self.equity["written_off"]
            raise _state(f"申报 {self.ref} 的股权已于 {done['on']} 核销 ({done['reason']}), 不能再支出")
        self._check_available(amount, on, f"{CATEGORIES[category]}支出")
        self._spent(voucher=voucher, amount=amount, category=category, actor=actor, on=on)

    @event("Spent")
    def _spent(self, voucher: str, amount: int, category: str, actor: str, on: str) -> None:
        self.spent += amount
        self.flows.append([on, -amount])
        self.vouchers[voucher] = {
            "kind": "expenditure",
            "amount": amount,
            "category": category,
            "on": on,
            "maker": actor,
            "status": POSTED,
        }

    def recover(self, voucher: str, amount: Fen, reason: str, actor: str, on: str) -> None:
        self._check_awarded("追回", on)
        self._check_available(amount, on, "追回")
        self._recovered(voucher=voucher, amount=amount, reason=reason, actor=actor, on=on)

    @event("Recovered")
    def _recovered(self, voucher: str, amount: int, reason: str, actor: str, on: str) -> None:
        self.recovered += amount
        self.flows.append([on, -amount])
        self.vouchers[voucher] = {
            "kind": "recovery",
            "amount": amount,
            "reason": reason,
            "on": on,
            "maker": actor,
            "status": POSTED,
        }

    def reverse(self, voucher: str, reason: str, actor: str, on: str) -> bool:
        """红字冲正 of a posted disbursement, expenditure or recovery."""
        v = self.vouchers[voucher]
        if v["status"] == REVERSED:
            if v.get("reversal_reason") != reason:
                raise LedgerError(errors.DUPLICATE_KEY, f"凭证 {voucher} 已冲正, 理由: {v.get('reversal_reason')}")
            return False
        if v["kind"] not in ("disbursement", "expenditure", "recovery"):
            kind = KINDS.get(v["kind"], v["kind"])
            raise _state(f"凭证 {voucher} 是{kind}凭证, 只有拨付、支出、追回可以冲正 (股权请用 exit 或 write-off)")
        if v["status"] != POSTED:
            shown = VOUCHER_STATUSES.get(v["status"], v["status"])
            raise _state(f"凭证 {voucher} {shown}, 只有已入账的可以冲正 (待审批的请用 void 作废)")
        self._check_not_before(on, v["on"], "冲正", "原凭证")
        if v["kind"] == "disbursement":
            if self.equity["converted"]:
                raise _state(f"申报 {self.ref} 已转股, 拨付不能冲正")
            self._check_available(v["amount"], on, "冲正拨付")
        self._reversed(
            voucher=voucher,
            kind=v["kind"],
            amount=v["amount"],
            category=v.get("category"),
            original_on=v["on"],
            reason=reason,
            actor=actor,
            on=on,
        )
        return True

    @event("Reversed")
    def _reversed(
        self,
        voucher: str,
        kind: str,
        amount: int,
        category: str | None,
        original_on: str,
        reason: str,
        actor: str,
        on: str,
    ) -> None:
        v = self.vouchers[voucher]
        v["status"], v["reversal_reason"] = REVERSED, reason
        if kind == "disbursement":
            self.paid[v["part"]] -= amount
            self.flows.append([on, -amount])
            self.payments.append([on, -amount])
        elif kind == "expenditure":
            self.spent -= amount
            self.flows.append([on, amount])
        else:
            self.recovered -= amount
            self.flows.append([on, amount])

    # -- corrections: ledger/corrections.py decides; a second person puts each in force ---------------

    def _correction(self, doc: str, **changes: object) -> None:
        self.corrections = {**getattr(self, "corrections", {})}
        self.corrections[doc] = {**self.corrections[doc], **changes}

    @event("CorrectionProposed")
    def propose_correction(
        self,
        doc: str,
        kind: str,
        amount: int | None,
        clause: str | None,
        grade: str | None,
        score: str | None,
        reason: str,
        actor: str,
        on: str,
    ) -> None:
        self.corrections = {**getattr(self, "corrections", {})}
        self.corrections[doc] = {
            **dict(kind=kind, amount=amount, clause=clause, grade=grade, score=score, reason=reason),
            **dict(maker=actor, on=on, status="pending"),
        }

    @event("CorrectionWithdrawn")
    def withdraw_correction(self, doc: str, kind: str, reason: str, actor: str, on: str) -> None:
        self._correction(doc, status="withdrawn", withdrawn_reason=reason)

    @event("AwardCancelled")
    def record_cancellation(
        self, doc: str, amount: int, award_doc: str, fund: str, year: int, actor: str, on: str
    ) -> None:
        """撤销批复: final for this application (its record of the award stays as it was); the unit applies again."""
        self._correction(doc, status="approved", by=actor, done_on=on)
        self.cancelled = {"doc": award_doc, "amount": amount, "on": on}
        self.status, self.award = CANCELLED, None

    @event("AwardReduced")
    def record_reduction(
        self, doc: str, amount: int, before: int, after: int, fund: str, year: int, actor: str, on: str
    ) -> None:
        self._correction(doc, status="approved", by=actor, done_on=on)
        self.award = {**self.award, "amount": after}

    @event("ApplicationCorrected")
    def record_correction(self, doc: str, before: dict, after: dict, actor: str, on: str) -> None:
        self._correction(doc, status="approved", by=actor, done_on=on)
        self.asked, self.clause = after["asked"], after["clause"]

    @event("Reevaluated")
    def record_reevaluation(self, doc: str, before: dict, grade: str, score: str | None, actor: str, on: str) -> None:
        self._correction(doc, status="approved", by=actor, done_on=on)
        self.grade, self.score = grade, score

    # -- settlement at closeout and re-charge to another fund (ledger/settlement.py) ---------------------

    @event("Settled")
    def record_settlement(
        self, doc: str, amount: int, awarded: int, paid: int, fund: str, year: int, actor: str, on: str
    ) -> None:
        """结算: the closeout (文号 ``doc``) settles the award at what was paid; ``amount`` (the unpaid part) is
        given back from ``on``."""
        self.settled = {"doc": doc, "amount": amount, "awarded": awarded, "paid": paid, "on": on}
        self.award = {**self.award, "amount": paid}

    def recharges_of(self) -> dict[str, dict]:
        return getattr(self, "recharges", None) or {}

    @event("RechargeProposed")
    def propose_recharge(self, doc: str, fund: str, reason: str, actor: str, on: str) -> None:
        self.recharges = {**self.recharges_of()}
        self.recharges[doc] = {"fund": fund, "reason": reason, "maker": actor, "on": on, "status": "pending"}

    @event("RechargeWithdrawn")
    def withdraw_recharge(self, doc: str, reason: str, actor: str, on: str) -> None:
        self.recharges = {**self.recharges_of()}
        self.recharges[doc] = {**self.recharges[doc], "status": "withdrawn", "withdrawn_reason": reason}

    @event("Recharged")
    def record_recharge(
        self, doc: str, amount: int, from_fund: str, to_fund: str, year: int, actor: str, on: str
    ) -> None:
        """调整资金来源: the award is committed against ``to_fund`` from ``on`` (``from_fund`` gave it back)."""
        self.recharges = {**self.recharges_of()}
        self.recharges[doc] = {**self.recharges[doc], "status": "approved", "by": actor, "done_on": on}
        self.recharges[doc].update(source=from_fund, amount=amount)
        self.award = {**self.award, "fund": to_fund}

    # -- equity acts held for a second person (ledger/holds.py) --------------------------------------

    @event("EquityActHeld")
    def hold_equity_act(
        self,
        key: str,
        kind: str,
        stake: int,
        proceeds: int | None,
        cost: int,
        reason: str | None,
        threshold: int,
        actor: str,
        on: str,
    ) -> None:
        """An exit or a write-off at or above the fund's threshold: it waits under ``key`` for a second person."""
        self.held_acts = {**getattr(self, "held_acts", {})}
        self.held_acts[key] = dict(kind=kind, stake=stake, proceeds=proceeds, cost=cost, reason=reason)
        self.held_acts[key].update(maker=actor, on=on, status="pending")

    @event("EquityActApproved")
    def approve_equity_act(self, key: str, kind: str, actor: str, on: str) -> None:
        self.held_acts = {**self.held_acts, key: {**self.held_acts[key], "status": "approved", "by": actor}}

    @event("EquityActVoided")
    def void_equity_act(self, key: str, kind: str, reason: str, actor: str, on: str) -> None:
        self.held_acts = {**self.held_acts, key: {**self.held_acts[key], "status": "voided", "void_reason": reason}}

    # -- equity ---------------------------------------------------------------

    def convert(self, stake: int, valuation: int, doc: str, actor: str, on: str) -> bool:
        """先投后股: what was paid on a convertible award becomes a holding."""
        converted = self.equity["converted"]
        if converted:
            if (converted["stake"], converted["valuation"], converted["doc"]) != (stake, valuation, doc):
                raise LedgerError(errors.DUPLICATE_KEY, f"申报 {self.ref} 已按文件 {converted['doc']} 转股")
            return False
        self._check_awarded("转股", on)
        if self.mode != "convertible":
            mode = MODES.get(self.mode, self.mode)
            raise _state(f"申报 {self.ref} 以{mode} ({self.mode}) 方式批复, 只有先投后股 (convertible) 的批复可以转股")
        if self.pending[GRANT_PART]:
            raise _state(f"申报 {self.ref} 还有待审批拨付 {format_human(self.pending[GRANT_PART])}, 审批或作废后再转股")
        cost = self.paid[GRANT_PART] - self.recovered
        if cost <= 0:
            raise _state(f"申报 {self.ref} 尚无已拨付资金可转股")
        self._converted(stake=stake, valuation=valuation, doc=doc, cost=cost, actor=actor, on=on)
        return True

    @event("Converted")
    def _converted(self, stake: int, valuation: int, doc: str, cost: int, actor: str, on: str) -> None:
        self.equity["converted"] = {"stake": stake, "valuation": valuation, "doc": doc, "cost": cost, "on": on}
        self.equity["stake"] += stake
        self.equity["cost"] += cost
        self.equity["invested"] += cost

    def exit_terms(self, stake: int) -> int:
        """The cost of the part sold: all that is left when the whole holding goes, else pro rata."""
        held, cost = self.equity["stake"], self.equity["cost"]
        if stake > held:
            raise LedgerError(
                errors.EXCEEDS_AVAILABLE,
                f"申报 {self.ref} 持股 {format_stake(held)}%, 不能退出 {format_stake(stake)}%",
            )
        return cost if stake == held else (cost * stake * 2 + held) // (2 * held)

    def check_exit(self, stake: int, on: str) -> None:
        if not self.equity["stake"]:
            raise _state(f"申报 {self.ref} 没有持有的股权")
        self._check_not_before(on, self.award["on"], "退出", "批复")
        self.exit_terms(stake)

    def exit(self, voucher: str, stake: int, proceeds: Fen, actor: str, on: str) -> tuple[int, int]:
        self.check_exit(stake, on)
        cost = self.exit_terms(stake)
        gain = proceeds - cost
        self._exited(voucher=voucher, stake=stake, proceeds=proceeds, cost=cost, gain=gain, actor=actor, on=on)
        return cost, gain

    @event("Exited")
    def _exited(self, voucher: str, stake: int, proceeds: int, cost: int, gain: int, actor: str, on: str) -> None:
        e = self.equity
        e["stake"] -= stake
        e["cost"] -= cost
        e["exited_stake"] += stake
        e["proceeds"] += proceeds
        e["gain"] += gain
        self.vouchers[voucher] = {
            "kind": "exit",
            "amount": proceeds,
            "stake": stake,
            "cost": cost,
            "on": on,
            "maker": actor,
            "status": POSTED,
        }

    def check_write_off(self, reason: str, on: str) -> None:
        if not self.equity["stake"]:
            raise _state(f"申报 {self.ref} 没有持有的股权可核销")
        self._check_not_before(on, self.award["on"], "核销", "批复")

    def write_off(self, reason: str, actor: str, on: str) -> bool:
        done = self.equity["written_off"]
        if done:
            if done["reason"] != reason:
                raise LedgerError(errors.DUPLICATE_KEY, f"申报 {self.ref} 的股权已核销, 理由: {done['reason']}")
            return False
        self.check_write_off(reason, on)
        self._written_off(stake=self.equity["stake"], cost=self.equity["cost"], reason=reason, actor=actor, on=on)
        return True

    @event("WrittenOff")
    def _written_off(self, stake: int, cost: int, reason: str, actor: str, on: str) -> None:
        self.equity["written_off"] = {"stake": stake, "cost": cost, "reason": reason, "on": on}
        self.equity["stake"] = 0
        self.equity["cost"] = 0
