"""Invariants 1–3 and 10–12 of domain.md, against a plain Python model, after every step of random command sequences.

The state machine drives appropriate / apply / evaluate / award / disburse /
approve / void / spend / recover / reverse (and the equity commands, and the corrections by two people:
cancel-award 撤销批复, reduce-award 调减 and recharge 调整资金来源, approved or withdrawn; close-project settles
the award at what was paid, 结算) through
the application, and predicts each outcome — accepted, or refused with which
code — from a model of the balances that knows nothing of the implementation.
After every step it checks, from the read models and from the aggregates:

1. per award: 0 ≤ spent + recovered ≤ disbursed ≤ disbursed + pending ≤ awarded;
2. per fund and year: committed ≤ appropriated + returned;
3. per unit, cap group and year: the sum of awards ≤ the cap (and per unit and platform clause, over its
   life: the sum of awards ≤ the clause's max);

and that every balance equals the model's. Random year-end closes and
reopenings run among the other commands (with payments entered late, dated
in the closed year), and it checks:

10. no journal line dated inside a closed period of a fund was recorded while
    the close was in force, and every refusal the model predicts is PERIOD_CLOSED;
11. every seal written (each close writes one) still verifies at the end;
12. reports recorded as the machine goes equal the reports asked ``--known-at``
    those positions later;

and the carryover figures (结转, 结余) against the model. Examples share one
database (per engine); each uses its own funds, units and references.
"""

from __future__ import annotations

import tempfile
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from ledger.caps import LIFE, UnitCap
from ledger.errors import LedgerError
from ledger.grant import Grant
from ledger.keys import Keyring
from ledger.uow import UnitOfWork
from ledger.uscc import make
from projections import schema
from projections.invariants import InvariantCheck
from tests.helpers import run

WAN = 1_000_000  # 分 per 万元
OUTCOMES: Counter[str] = Counter()  # what the runs exercised: "award: accepted", "disburse: EXCEEDS_AWARD", …
SEALS: list[dict] = []  # every seal the closes wrote, across examples: all must still verify at the end
FOLDS: dict[int, dict] = {}  # verify's invariant fold over each ledger's log, folded step by step (by ledger)
KNOWN_AT_REPORTS = ("awards", "funds", "units", "equity", "trial-balance", "carryover")
YEAR_END = "2024-12-31"
# clause → (max, fixed, yearly cap, once per unit); the innovation voucher pays half a stated base
CLAUSES = {
    "qd2024-01-common-tech": (500 * WAN, None, None, False),
    "qd2020-kc16-key-project-team": (30 * WAN, None, 200 * WAN, False),
    "qd2024-14-hnte-first": (10 * WAN, None, None, True),
    "wh2018-6-star-space": (None, 100 * WAN, None, False),
    "qd2024-23-innovation-voucher": (15 * WAN, None, 20 * WAN, False),  # base 30万 × 1/2
}
# platform clauses: per unit, the sum of awards over the clause's life never exceeds this (second edition, point 4)
LIFETIME = {"wh2018-6-star-space": 100 * WAN}
VOUCHER_BASE = 30 * WAN
# awards paid in equity: 拨改投 (equity only) and 先投后股 (convertible)
EQUITY_CLAUSES = {"equity": "qd2024-22-equity", "convertible": "qd2024-02-demo"}
EQUITY_MAX = 1000 * WAN


def stake_text(millionths: int) -> str:
    return f"{millionths // 10_000}.{millionths % 10_000:04d}"


THRESHOLD = {"A": 100 * WAN, "B": 50 * WAN}  # fund A: the default 1,000,000 元; fund B: 50万
WINDOW = {"A": 30, "B": 10}  # days in which one award's payments count together (fund A: the default)
amounts = st.integers(min_value=1, max_value=600).map(lambda n: n * 10_000 * 100)  # 1万 … 600万, whole 万元
shares = st.one_of(st.just(100), st.integers(min_value=1, max_value=120))  # percent of what is left


def share_of(room: int, share: int) -> int:
    """An amount in whole 元 near ``share`` % of ``room`` (1 元 when there is no room)."""
    return max(100, room * share // 100 // 100 * 100)


def wan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


class LedgerMachine(RuleBasedStateMachine):
    ledger = None  # set by the test

    grants = Bundle("grants")
    awarded = Bundle("awarded")
    pending = Bundle("pending")
    posted = Bundle("posted")

    def __init__(self):
        super().__init__()
        self.tag = uuid.uuid4().hex[:8]
        self.day = date(2024, 8, 1)
        self.funds: dict[tuple[str, int], dict] = {}
        self.model: dict[str, dict] = {}
        self.paid: dict[str, dict] = {}  # voucher → movement
        self.caps: dict[tuple[str, str, int], int] = {}
        self.once: dict[tuple[str, str], str] = {}
        self.life: dict[tuple[str, str], int] = {}
        self.counter = 0
        mark = self.tag[:6].upper().translate(str.maketrans("IOSVZ", "12345"))
        self.units = [make(f"9137021{n}MA{mark}{n}") for n in range(2)]
        self.wh_units = [make(f"9137100{n}MA{mark}{n}") for n in range(2)]  # Weihai clauses need Weihai units
        self.closed: set[tuple[str, int]] = set()  # (fund, year) closed now
        self.printed: list[tuple[int, dict]] = []  # (position, reports) as printed along the way

    # -- helpers --------------------------------------------------------------------

    def fund(self, letter: str) -> str:
        return f"{letter}{self.tag}"

    def next(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.tag}-{self.counter}"

    @property
    def on(self) -> str:
        return self.day.isoformat()

    def attempt(self, expected: str | None, name: str, actor: str, **raw):
        """Run the command; it must be accepted when ``expected`` is None, else refused with that code."""
        OUTCOMES[f"{name}: {expected or 'accepted'}"] += 1
        try:
            result = run(self.ledger, name, actor, **raw)
        except LedgerError as error:
            assert expected is not None, f"{name} {raw} was refused ({error}) but the model accepts it"
            assert error.code == expected, f"{name} {raw}: expected {expected}, got {error}"
            return None
        assert expected is None, f"{name} {raw} was accepted but the model expects {expected}"
        return result

    def unit_for(self, clause: str, n: int) -> str:
        return (self.wh_units if clause.startswith("wh") else self.units)[n]

    def window_sum(self, ref: str, on: str) -> int:
        """The most this award's other payments weigh in one window of its fund's days that holds ``on``
        (disbursed or invested and posted without approval: not pending, approved, voided or reversed)."""
        g = self.model[ref]
        window, day = WINDOW[g["fund"][0]], date.fromisoformat(on)
        made = [
            (date.fromisoformat(m["on"]), m["amount"])
            for m in self.paid.values()
            if m["ref"] == ref
            and m["kind"] in ("disbursement", "investment")
            and m["status"] == "posted"
            and not m.get("approved")
        ]
        starts = [day - timedelta(days=back) for back in range(window)]
        return max(sum(a for d, a in made if s <= d <= s + timedelta(days=window - 1)) for s in starts)

    def held(self, ref: str, amount: int, on: str) -> bool:
        """Held for a second person: alone, or with the window's other payments, at or above the threshold."""
        return amount + self.window_sum(ref, on) >= THRESHOLD[self.model[ref]["fund"][0]]

    def below(self, ref: str, on: str) -> int:
        """The most a payment dated ``on`` may be and still post at once."""
        return THRESHOLD[self.model[ref]["fund"][0]] - self.window_sum(ref, on) - 100

    def project_refusal(self, ref: str, amount: int, on: str) -> str | None:
        """What a project refuses a payment dated ``on`` for (issue 24): a closed project takes none, and a
        payment beyond the tranches its milestones released by ``on`` is NOT_RELEASED."""
        g = self.model[ref]
        if g.get("closed"):
            return "PROJECT_CLOSED"
        if g.get("tranches"):
            passed = g.setdefault("passed", {})
            released = sum(a for kind, a in g["tranches"] if passed.get(kind, "9999") <= on)
            if g["paid"] + g["pending"] + amount > released:
                return "NOT_RELEASED"
        return None

    def year_of(self, fund: str, year: int) -> dict:
        return self.funds.setdefault((fund, year), {"appropriated": 0, "committed": 0, "returned": 0})

    # -- rules ------------------------------------------------------------------------

    @initialize()
    def set_up(self):
        if self.funds:
            return
        for code in [*self.units, *self.wh_units]:
            run(self.ledger, "unit register", "clerk", code=code, name_=f"单位{code[-4:]}", type="enterprise")
        run(self.ledger, "fund create", "clerk", fund=self.fund("A"), name_="A")
        run(
            self.ledger,
            "fund create",
            "clerk",
            fund=self.fund("B"),
            name_="B",
            approval_threshold="50万",
            approval_window="10",
        )
        # A starting budget so that most examples reach the money; fund B's is small and runs out.
        self.appropriate("A", 2024, 2000 * WAN)
        self.appropriate("B", 2024, 300 * WAN)

    # Every example starts with material for every command: awards with money paid, a payment waiting for
    # approval and posted movements to reverse (initialize rules run first, in any order).

    def _seed_award(self, letter: str, amount: int) -> str:
        self.set_up()
        ref = self._apply(0, "qd2024-01-common-tech", amount, "good")
        self.award(ref, letter, amount * 100 // (500 * WAN))
        assert self.model[ref]["status"] == "awarded"
        return ref

    def _seed_payment(self, ref: str, amount: int) -> str:
        voucher = self.next("PZ")
        self.attempt(None, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=self.on)
        g = self.model[ref]
        held = self.held(ref, amount, self.on)
        g["pending" if held else "paid"] += amount
        self.paid[voucher] = {
            "ref": ref,
            "kind": "disbursement",
            "amount": amount,
            "status": "pending" if held else "posted",
            "on": self.on,
        }
        return voucher

    @initialize(target=awarded)
    def seed_awards(self):
        refs = [self._seed_award("A", 300 * WAN), self._seed_award("B", 200 * WAN)]
        self._seed_payment(refs[0], 60 * WAN)
        self._seed_payment(refs[1], 30 * WAN)
        return multiple(*refs)

    @initialize(target=awarded)
    def seed_equity(self):
        """A 拨改投 award with a holding, and a 先投后股 award with money paid and ready to convert."""
        self.set_up()
        equity = self.award(self._apply(0, EQUITY_CLAUSES["equity"], EQUITY_MAX, "good"), "A", 20, "equity")
        self.invest(equity, 50, 50_000)  # 100万 of 200万: at fund A's threshold, so held for approval …
        self.approve(next(v for v, m in self.paid.items() if m["ref"] == equity))  # … and approved
        convertible = self.award(
            self._apply(1, EQUITY_CLAUSES["convertible"], EQUITY_MAX, "good"), "A", 10, "convertible"
        )
        self._seed_payment(convertible, 30 * WAN)
        self.exit(equity, 120, WAN)  # more than is held
        self.exit(equity, 40, 80 * WAN)  # 40 % of it, at a gain
        self.invest(equity, 120, 10_000)  # more than the award
        self.disburse(equity, 10)  # an equity award is not disbursed
        self.exit(equity, 50, 120 * WAN)  # 120万 ≥ fund A's threshold: held, then approved by a second person
        return multiple(equity, convertible)

    @initialize()
    def seed_every_path(self):
        """Every outcome the test insists on, once, through the model: the random rules then go further.

        Each step makes its own award, so the order in which initialize rules run does not matter.
        """
        self.set_up()
        for clause in ("qd2024-14-hnte-first", "qd2024-14-hnte-first"):  # once per unit
            self.award(self._apply(1, clause, CLAUSES[clause][0], "good"), "A", 100)
        for _ in range(2):  # 15万 + 15万 > the 20万 yearly cap
            self.award(self._apply(1, "qd2024-23-innovation-voucher", 15 * WAN, "good"), "A", 100)
        self.award(self._apply(1, "qd2024-01-common-tech", 500 * WAN, "good"), "A", 120)  # above the max
        self.award(self._apply(1, "qd2024-01-common-tech", 500 * WAN, "fail"), "A", 10)  # a failed evaluation
        self.award(self._apply(1, "qd2024-01-common-tech", 500 * WAN, "good"), "B", 80)  # 400万 > fund B's 300万
        grant = self._seed_award("A", 200 * WAN)
        once = self.award(self._apply(0, "qd2024-14-hnte-first", 10 * WAN, "good"), "A", 100)
        self.cancel_award(once, "clerk", "approver")  # 撤销批复 by two people: the once-per-unit mark comes back …
        self.cancel_award(once, "clerk", "approver")  # (nothing left to cancel)
        self.award(self._apply(0, "qd2024-14-hnte-first", 10 * WAN, "good"), "A", 100)  # … so this one is accepted
        self.award(once, "A", 100)  # not the cancelled application itself: final
        self.cancel_award(self._seed_award("A", 50 * WAN), "admin", "approver")  # proposed by an admin
        self._seed_payment(grant, 10 * WAN)
        self.cancel_award(grant, "clerk", "approver")  # paid: refused until it comes back
        self.reduce_award(grant, 1, "clerk", "approver")  # below what is paid: refused
        self.reduce_award(grant, 60, "admin", "approver")  # accepted
        self.reduce_award(grant, 90, "clerk", "withdrawn")  # proposed, then withdrawn
        self.disburse(grant, 120)  # more than the award
        payment = self._seed_payment(grant, 100 * WAN)  # at the threshold: pending …
        self.void(payment)  # … and voided
        self._seed_payment(grant, 50 * WAN)
        self.spend(grant, 120, "rd")  # more than was paid
        spent = self.spend(grant, 20, "rd")
        self.recover(grant, 120)  # more than is left
        self.recover(grant, 10)
        self.reverse(spent)
        self.invest(grant, 10, 10_000)  # a grant award is not invested
        self.convert(grant, 10_000)  # nor converted
        self.exit(grant, 50, WAN)  # and holds no shares
        convertible = self.award(
            self._apply(0, EQUITY_CLAUSES["convertible"], EQUITY_MAX, "good"), "A", 10, "convertible"
        )
        self._seed_payment(convertible, 40 * WAN)
        self.convert(convertible, 30_000)

    @initialize(target=awarded)
    def seed_tranches(self):
        """分期拨付 (issue 24): nothing is paid before the 任务书 is signed; then half, then the rest on acceptance."""
        self.set_up()
        ref = self._apply(0, "qd2024-01-common-tech", 500 * WAN, "good")
        self.award(ref, "A", 20, tranches="50:signing,50:acceptance")  # 100万: 50万 + 50万
        self.disburse_below_threshold(ref, 10)  # before any milestone: NOT_RELEASED
        self.milestone(ref, "signing", "pass")
        self.disburse_below_threshold(ref, 100)  # 50万 released: all of it may be paid …
        self.disburse_below_threshold(ref, 10)  # … and nothing more until the acceptance
        return ref

    @initialize(target=pending)
    def seed_pending(self):
        voucher = self._seed_payment(self._seed_award("A", 300 * WAN), 100 * WAN)
        self.approve_under_anothers_name(voucher)  # every example tries it once, whichever rules it then draws
        return voucher

    @initialize(target=posted)
    def seed_posted(self):
        return self._seed_payment(self._seed_award("B", 100 * WAN), 20 * WAN)

    @rule(days=st.integers(min_value=0, max_value=120))
    def tick(self, days):
        self.day = min(self.day + timedelta(days=days), date(2025, 12, 31))

    @rule(letter=st.sampled_from("AB"), year=st.sampled_from([2024, 2025]), amount=amounts)
    def appropriate(self, letter, year, amount):
        fund = self.fund(letter)
        expected = "PERIOD_CLOSED" if {(fund, year), (fund, self.day.year)} & self.closed else None
        self.attempt(
            expected,
            "fund appropriate",
            "clerk",
            fund=fund,
            year=str(year),
            amount=wan(amount),
            doc=self.next("DOC"),
            date=self.on,
        )
        if expected is None:
            self.year_of(fund, year)["appropriated"] += amount

    @rule(
        target=grants,
        unit=st.integers(0, 1),
        clause=st.sampled_from(sorted(CLAUSES)),
        amount=amounts,
        grade=st.sampled_from([None, "good", "excellent"]),
    )
    def apply(self, unit, clause, amount, grade):
        return self._apply(unit, clause, amount, grade)

    @rule(
        target=awarded,
        unit=st.integers(0, 1),
        clause=st.sampled_from([*sorted(CLAUSES), "qd2024-23-innovation-voucher", "qd2024-14-hnte-first"]),
        grade=st.sampled_from(["good", "excellent", "good", "fail"]),
        letter=st.sampled_from("AB"),
        share=st.one_of(st.just(100), st.just(100), shares),
    )
    def apply_and_award(self, unit, clause, grade, letter, share):
        """A clerk taking one application from submission to award in one sitting."""
        ref = self._apply(unit, clause, CLAUSES[clause][0] or CLAUSES[clause][1], grade)
        return self.award(ref, letter, share)

    @rule(
        target=awarded,
        unit=st.integers(0, 1),
        letter=st.sampled_from("AB"),
        share=st.integers(min_value=1, max_value=20),
        confirmer=st.sampled_from(["approver", "approver", "withdrawn"]),
    )
    def award_then_recharge(self, unit, letter, share, confirmer):
        """An award booked against the wrong fund, re-charged before anything is paid (调整资金来源); the office
        first tops up both funds' year, so the move usually finds room."""
        for fund in "AB":
            self.appropriate(fund, self.day.year, 100 * WAN)
        ref = self._apply(unit, "qd2024-01-common-tech", 500 * WAN, "good")
        self.award(ref, letter, share)
        if self.model[ref]["status"] != "awarded":  # refused (no room): nothing to re-charge
            return multiple()
        self.recharge(ref, "other", "clerk", confirmer)
        return ref

    @rule(
        target=awarded,
        unit=st.integers(0, 1),
        mode=st.sampled_from(["equity", "convertible", "grant"]),
        grade=st.sampled_from(["good", "excellent"]),
        letter=st.sampled_from("AB"),
        share=st.one_of(st.just(20), shares),
    )
    def apply_and_award_equity(self, unit, mode, grade, letter, share):
        """拨改投 and 先投后股 awards (and, now and then, a grant asked of an equity-only clause)."""
        clause = EQUITY_CLAUSES.get(mode, EQUITY_CLAUSES["equity"])
        return self.award(self._apply(unit, clause, EQUITY_MAX, grade), letter, share, mode)

    def _apply(self, unit, clause, amount, grade):
        ref = self.next("R")
        base = wan(VOUCHER_BASE) if clause == "qd2024-23-innovation-voucher" else None
        self.attempt(
            None,
            "apply",
            "clerk",
            ref=ref,
            unit=self.unit_for(clause, unit),
            clause=clause,
            amount=wan(amount),
            base=base,
            date=self.on,
        )
        self.model[ref] = {
            "unit": self.unit_for(clause, unit),
            "clause": clause,
            "status": "submitted",
            "grade": None,
            "awarded": 0,
            "paid": 0,
            "pending": 0,
            "spent": 0,
            "recovered": 0,
            "fund": None,
            "year": None,
            "mode": "grant",
            "paid_e": 0,
            "pending_e": 0,
            "stake": 0,
            "cost": 0,
            "converted": None,
        }
        if grade is not None:  # most applications are evaluated straight away
            self.evaluate(ref, grade)
        return ref

    @rule(ref=grants, grade=st.sampled_from(["excellent", "good", "pass", "fail"]))
    def evaluate(self, ref, grade):
        g = self.model[ref]
        if g["status"] == "submitted" or (g["grade"], g.get("evaluated_on")) == (grade, self.on):
            expected = None  # a first evaluation, or an exact repeat of it (whatever came since)
        elif g["status"] == "evaluated":
            expected = "DUPLICATE_KEY"
        else:
            expected = "INVALID_STATE"
        self.attempt(expected, "evaluate", "reviewer", ref=ref, grade=grade, date=self.on)
        if expected is None and g["status"] == "submitted":
            g["status"], g["grade"], g["evaluated_on"] = "evaluated", grade, self.on

    @rule(target=awarded, ref=grants, letter=st.sampled_from("AB"), share=shares)
    def award(self, ref, letter, share, mode="grant", tranches=None):
        g, fund, year = self.model[ref], self.fund(letter), self.day.year
        maximum, fixed, cap, once = CLAUSES.get(g["clause"], (EQUITY_MAX, None, None, False))
        amount = max(1, (maximum or fixed) * share // 100 // 100) * 100  # a share of the clause's limit, whole 元
        allowed = {"qd2024-22-equity": ("equity",), "qd2024-02-demo": ("grant", "equity", "mixed", "convertible")}
        budget = self.funds.get((fund, year))
        cap_key = (g["unit"], g["clause"], year)
        life_key = (g["unit"], g["clause"])
        if g["status"] == "awarded":  # the same decision again is a repeat; anything else reuses the key
            same = (g["awarded"], g["fund"], g["on"]) == (amount, fund, self.on)
            expected = None if same else "DUPLICATE_KEY"
        elif g["status"] != "evaluated":
            expected = "INVALID_STATE"
        elif mode not in allowed.get(g["clause"], ("grant",)):
            expected = "NOT_ELIGIBLE"
        elif g["grade"] == "fail" or (once and (g["unit"], g["clause"]) in self.once):
            expected = "NOT_ELIGIBLE" if g["grade"] == "fail" else "ALREADY_AWARDED_ONCE"
        elif (maximum is not None and amount > maximum) or (fixed is not None and amount > fixed):
            expected = "EXCEEDS_CLAUSE_MAX"
        elif fixed is not None and amount < fixed:
            expected = "NOT_ELIGIBLE"
        elif budget is None or amount > budget["appropriated"] + budget["returned"] - budget["committed"]:
            expected = "INSUFFICIENT_FUNDS"
        elif cap is not None and self.caps.get(cap_key, 0) + amount > cap:
            expected = "EXCEEDS_ANNUAL_CAP"
        elif g["clause"] in LIFETIME and self.life.get(life_key, 0) + amount > LIFETIME[g["clause"]]:
            expected = "EXCEEDS_CLAUSE_MAX"
        else:
            expected = None
        self.attempt(
            expected,
            "award",
            "clerk",
            ref=ref,
            amount=wan(amount),
            fund=fund,
            doc=f"D-{ref}",
            date=self.on,
            mode=mode if mode != "grant" else None,
            tranches=tranches if g["status"] != "awarded" else None,
        )
        if expected is not None or g["status"] == "awarded":
            return multiple()
        if tranches:  # 分期拨付: each tranche's amount in 分, the last taking the remainder
            parts = [(int(p), kind) for p, kind in (t.split(":") for t in tranches.split(","))]
            amounts_ = [amount * p // 100 for p, _ in parts[:-1]]
            g["tranches"] = [(kind, a) for (_, kind), a in zip(parts, [*amounts_, amount - sum(amounts_)], strict=True)]
        g.update(status="awarded", awarded=amount, fund=fund, year=year, on=self.on, mode=mode)
        budget["committed"] += amount
        if cap is not None:
            self.caps[cap_key] = self.caps.get(cap_key, 0) + amount
        if once:
            self.once[(g["unit"], g["clause"])] = ref
        if g["clause"] in LIFETIME:
            self.life[life_key] = self.life.get(life_key, 0) + amount
        return ref

    @rule(target=pending, ref=awarded, share=shares)
    def disburse(self, ref, share):
        g, voucher = self.model[ref], self.next("PZ")
        amount = share_of(g["awarded"] - g["paid"] - g["pending"], share)
        if g["status"] != "awarded" or g["mode"] == "equity" or g["converted"]:
            expected = "INVALID_STATE"
        elif amount > g["awarded"] - g["paid"] - g["pending"]:
            expected = "EXCEEDS_AWARD"
        else:
            expected = None
        if g["status"] == "awarded":
            expected = self.project_refusal(ref, amount, self.on) or expected
        result = self.attempt(expected, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=self.on)
        if expected is not None:
            return multiple()
        held = self.held(ref, amount, self.on)
        assert result.fields["status"] == ("pending" if held else "posted")
        g["pending" if held else "paid"] += amount
        self.paid[voucher] = {
            "ref": ref,
            "kind": "disbursement",
            "amount": amount,
            "status": "pending" if held else "posted",
            "on": self.on,
        }
        return voucher if held else multiple()

    @rule(target=pending, ref=awarded)
    def disburse_at_threshold(self, ref):
        """A payment of exactly the threshold: it must wait for a second person."""
        g = self.model[ref]
        amount = THRESHOLD[g["fund"][0]]
        if amount > g["awarded"] - g["paid"] - g["pending"] or g["mode"] == "equity" or g["converted"]:
            return multiple()
        voucher = self.next("PZ")
        refusal = self.project_refusal(ref, amount, self.on)
        if refusal is not None:
            self.attempt(refusal, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=self.on)
            return multiple()
        result = self.attempt(None, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=self.on)
        assert result.fields["status"] == "pending"
        g["pending"] += amount
        self.paid[voucher] = {"ref": ref, "kind": "disbursement", "amount": amount, "status": "pending", "on": self.on}
        return voucher

    @rule(target=posted, ref=awarded, share=shares)
    def disburse_below_threshold(self, ref, share):
        """Small payments post at once; they are what spending and reversals draw on."""
        g = self.model[ref]
        if g["mode"] == "equity" or g["converted"]:
            return multiple()
        room = min(g["awarded"] - g["paid"] - g["pending"], self.below(ref, self.on))
        amount, voucher = share_of(room, share), self.next("PZ")
        expected = "EXCEEDS_AWARD" if amount > g["awarded"] - g["paid"] - g["pending"] else None
        expected = self.project_refusal(ref, amount, self.on) or expected
        if g["status"] != "awarded":  # cancelled (撤销批复)
            expected = "INVALID_STATE"
        if self.held(ref, amount, self.on):  # the window is full: this one would wait for a second person
            return multiple()
        if (
            self.attempt(expected, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=self.on)
            is None
        ):
            return multiple()
        g["paid"] += amount
        self.paid[voucher] = {"ref": ref, "kind": "disbursement", "amount": amount, "status": "posted", "on": self.on}
        return voucher

    def _pending(self, voucher) -> str | None:
        movement = self.paid.get(voucher)
        if movement is None:
            return "NOT_FOUND"
        return None if movement["status"] == "pending" else "INVALID_STATE"

    @rule(voucher=consumes(pending))
    def approve(self, voucher):
        movement = self.paid.get(voucher)
        expected = self._pending(voucher)
        if movement is not None and movement["status"] == "posted" and movement.get("approved"):
            expected = None  # an exact repeat
        self.attempt(expected, "approve", "approver", voucher=voucher, date=self.on)
        if expected is None and movement["status"] == "pending":
            g = self.model[movement["ref"]]
            g["pending"] -= movement["amount"]
            g["paid"] += movement["amount"]
            if movement["kind"] == "investment":
                g["pending_e"] -= movement["amount"]
                g["paid_e"] += movement["amount"]
                g["stake"] += movement["stake"]
                g["cost"] += movement["amount"]
            movement.update(status="posted", approved=True, on=self.on)

    @rule(voucher=pending)
    def approve_under_anothers_name(self, voucher):
        """A clerk types the approver's name from the clerk's own account: refused at the door, nothing written."""
        app = self.ledger.app
        own = app.keyring
        app.keyring = Keyring(Path(tempfile.mkdtemp(prefix="clerks-account-")))  # none of the approvers' keys
        try:
            self.attempt("FORBIDDEN", "approve", "approver", voucher=voucher, date=self.on)
        finally:
            app.keyring = own

    @rule(voucher=consumes(pending))
    def void(self, voucher):
        movement = self.paid.get(voucher)
        expected = self._pending(voucher)
        if movement is not None and movement["status"] == "voided":
            expected = None  # an exact repeat (same reason)
        self.attempt(expected, "void", "approver", voucher=voucher, reason="核对有误", date=self.on)
        if expected is None and movement["status"] == "pending":
            self.model[movement["ref"]]["pending"] -= movement["amount"]
            if movement["kind"] == "investment":
                self.model[movement["ref"]]["pending_e"] -= movement["amount"]
            movement["status"] = "voided"

    def _use(self, kind: str, ref: str, amount: int) -> str | None:
        g = self.model[ref]
        if g["status"] != "awarded":
            return "INVALID_STATE"
        if amount > g["paid"] - g["spent"] - g["recovered"]:
            return "EXCEEDS_AVAILABLE"
        return None

    def _room(self, ref: str) -> int:
        g = self.model[ref]
        return g["paid"] - g["spent"] - g["recovered"]

    @rule(target=posted, ref=awarded, share=shares, category=st.sampled_from(["equipment", "labor", "rd"]))
    def spend(self, ref, share, category):
        voucher, amount = self.next("ZC"), share_of(self._room(ref), share)
        expected = self._use("expenditure", ref, amount)
        if self.model[ref].get("closed"):
            expected = "PROJECT_CLOSED"
        self.attempt(
            expected, "spend", "clerk", ref=ref, amount=wan(amount), category=category, voucher=voucher, date=self.on
        )
        if expected is not None:
            return multiple()
        self.model[ref]["spent"] += amount
        self.paid[voucher] = {"ref": ref, "kind": "expenditure", "amount": amount, "status": "posted", "on": self.on}
        return voucher

    @rule(target=posted, ref=awarded, share=shares)
    def recover(self, ref, share):
        voucher, amount = self.next("ZH"), share_of(self._room(ref), share)
        expected = self._use("recovery", ref, amount)
        self.attempt(
            expected, "recover", "clerk", ref=ref, amount=wan(amount), voucher=voucher, reason="追回", date=self.on
        )
        if expected is not None:
            return multiple()
        g = self.model[ref]
        g["recovered"] += amount
        self.year_of(g["fund"], self.day.year)["returned"] += amount
        self.paid[voucher] = {"ref": ref, "kind": "recovery", "amount": amount, "status": "posted", "on": self.on}
        return voucher

    @rule(voucher=consumes(posted))
    def reverse(self, voucher):
        movement = self.paid.get(voucher)
        if movement is None:
            expected = "NOT_FOUND"
        elif self.model[movement["ref"]].get("closed") and movement["status"] != "reversed":
            expected = "PROJECT_CLOSED"
        elif movement["status"] != "posted" or movement["kind"] == "investment":
            expected = "INVALID_STATE"
        elif movement["kind"] == "disbursement" and self.model[movement["ref"]]["converted"]:
            expected = "INVALID_STATE"
        else:
            g = self.model[movement["ref"]]
            amount = movement["amount"]
            budget = self.funds.get((g["fund"], int(movement["on"][:4])))
            if movement["kind"] == "recovery" and (g["fund"], int(movement["on"][:4])) in self.closed:
                expected = "PERIOD_CLOSED"  # unreturning money of a closed year
            elif movement["kind"] == "disbursement" and amount > g["paid"] - g["spent"] - g["recovered"]:
                expected = "EXCEEDS_AVAILABLE"
            elif (
                movement["kind"] == "recovery"
                and budget["committed"] > budget["appropriated"] + budget["returned"] - amount
            ):
                expected = "INSUFFICIENT_FUNDS"
            else:
                expected = None
        self.attempt(expected, "reverse", "clerk", voucher=voucher, reason="冲正", date=self.on)
        if expected is None:
            g, amount = self.model[movement["ref"]], movement["amount"]
            column = {"disbursement": "paid", "expenditure": "spent", "recovery": "recovered"}[movement["kind"]]
            g[column] -= amount
            if movement["kind"] == "recovery":
                budget["returned"] -= amount
            movement.update(status="reversed", reversed_on=self.on)

    # -- corrections by two people (撤销批复, 调减) -------------------------------------------

    def _correctable(self, ref: str, new: int, reduce: bool) -> str | None:
        """What refuses a cancellation (to 0) or a reduction (to ``new``) of ``ref``'s award, if anything."""
        g = self.model[ref]
        if g["status"] != "awarded":
            return "INVALID_STATE"
        if g.get("closed"):
            return "PROJECT_CLOSED"  # settled at closeout (ledger/settlement.py)
        if reduce and new >= g["awarded"]:
            return "INVALID_INPUT"
        if not reduce and g["converted"]:
            return "INVALID_STATE"
        if g["paid"] + g["pending"] > new:
            return "EXCEEDS_AWARD"  # money paid or waiting must come back first
        if {(g["fund"], g["year"]), (g["fund"], self.day.year)} & self.closed:
            return "PERIOD_CLOSED"
        return None

    def _release(self, ref: str, amount: int, whole: bool) -> None:
        """What the award gives back: the fund-year's commitment, the yearly cap, the platform total, the mark."""
        g = self.model[ref]
        _, _, cap, once = CLAUSES.get(g["clause"], (EQUITY_MAX, None, None, False))
        self.funds[(g["fund"], g["year"])]["committed"] -= amount
        if cap is not None:
            self.caps[(g["unit"], g["clause"], g["year"])] -= amount
        if once and whole:
            self.once.pop((g["unit"], g["clause"]), None)
        if g["clause"] in LIFETIME:
            self.life[(g["unit"], g["clause"])] -= amount

    def _second_person(self, doc: str, proposer: str, confirmer: str) -> bool:
        """The proposer cannot approve; an approver approves (True) or withdraws it."""
        self.attempt("SAME_ACTOR" if proposer == "admin" else "FORBIDDEN", "approve", proposer, voucher=doc)
        if confirmer == "withdrawn":
            self.attempt(None, "void", "approver", voucher=doc, reason="撤回", date=self.on)
            self.attempt("INVALID_STATE", "approve", "approver", voucher=doc, date=self.on)
            return False
        self.attempt(None, "approve", "approver", voucher=doc, date=self.on)
        return True

    @rule(
        ref=awarded,
        proposer=st.sampled_from(["clerk", "admin"]),
        confirmer=st.sampled_from(["approver", "approver", "withdrawn"]),
    )
    def cancel_award(self, ref, proposer, confirmer):
        """撤销批复 by two people: everything the award held comes back, and the unit may be awarded again."""
        g, doc = self.model[ref], self.next("CX")
        expected = self._correctable(ref, 0, reduce=False)
        self.attempt(expected, "cancel-award", proposer, ref=ref, doc=doc, reason="批复有误", date=self.on)
        if expected is None and self._second_person(doc, proposer, confirmer):
            self._release(ref, g["awarded"], whole=True)
            g.update(status="cancelled", awarded=0)  # final: the unit applies again

    @rule(
        ref=awarded,
        share=st.integers(min_value=1, max_value=110),
        proposer=st.sampled_from(["clerk", "admin"]),
        confirmer=st.sampled_from(["approver", "approver", "withdrawn"]),
    )
    def reduce_award(self, ref, share, proposer, confirmer):
        """调减 by two people: the difference comes back to the fund-year and the caps."""
        g, doc = self.model[ref], self.next("TJ")
        new = share_of(g["awarded"], share)
        expected = self._correctable(ref, new, reduce=True)
        self.attempt(expected, "reduce-award", proposer, ref=ref, amount=wan(new), doc=doc, reason="核减", date=self.on)
        if expected is None and self._second_person(doc, proposer, confirmer):
            self._release(ref, g["awarded"] - new, whole=False)
            g["awarded"] = new

    @rule(
        ref=awarded,
        to=st.sampled_from(["other", "other", "other", "same"]),
        proposer=st.sampled_from(["clerk", "admin"]),
        confirmer=st.sampled_from(["approver", "approver", "withdrawn"]),
    )
    def recharge(self, ref, to, proposer, confirmer):
        """调整资金来源 by two people: an award nothing was paid under moves its commitment to the other fund."""
        g, doc = self.model[ref], self.next("BG")
        mine = (g.get("fund") or self.fund("A"))[0]
        target = self.fund(mine if to == "same" else {"A": "B", "B": "A"}[mine])
        year = g.get("year")
        budget = self.funds.get((target, year)) if year is not None else None
        if g["status"] != "awarded":
            expected = "INVALID_STATE"
        elif g.get("closed"):
            expected = "PROJECT_CLOSED"
        elif target == g["fund"]:
            expected = "INVALID_INPUT"
        elif g["paid"] or g["pending"] or g["spent"] or g["recovered"]:
            expected = "INVALID_STATE"  # money moved under the old fund: reverse or void it first
        elif {(g["fund"], year), (target, year), (g["fund"], self.day.year), (target, self.day.year)} & self.closed:
            expected = "PERIOD_CLOSED"
        elif budget is None or g["awarded"] > budget["appropriated"] + budget["returned"] - budget["committed"]:
            expected = "INSUFFICIENT_FUNDS"
        else:
            expected = None
        self.attempt(expected, "recharge", proposer, ref=ref, fund=target, doc=doc, reason="资金来源有误", date=self.on)
        if expected is None and self._second_person(doc, proposer, confirmer):
            self.funds[(g["fund"], year)]["committed"] -= g["awarded"]
            budget["committed"] += g["awarded"]
            g["fund"] = target

    # -- equity -------------------------------------------------------------------------

    @rule(target=pending, ref=awarded, share=shares, stake=st.integers(min_value=1, max_value=200_000))
    def invest(self, ref, share, stake):
        g, voucher = self.model[ref], self.next("TZ")
        room = g["awarded"] - g["paid_e"] - g["pending_e"]
        amount = share_of(room, share)
        if g["status"] != "awarded" or g["mode"] not in ("equity", "mixed"):
            expected = "INVALID_STATE"
        elif amount > room:
            expected = "EXCEEDS_AWARD"
        else:
            expected = None
        if g["status"] == "awarded":
            expected = self.project_refusal(ref, amount, self.on) or expected
        result = self.attempt(
            expected,
            "invest",
            "clerk",
            ref=ref,
            amount=wan(amount),
            stake=stake_text(stake),
            valuation="10亿",
            voucher=voucher,
            date=self.on,
        )
        if expected is not None:
            return multiple()
        held = self.held(ref, amount, self.on)
        assert result.fields["status"] == ("pending" if held else "posted")
        self.paid[voucher] = {
            "ref": ref,
            "kind": "investment",
            "amount": amount,
            "stake": stake,
            "status": "pending" if held else "posted",
            "on": self.on,
        }
        if held:
            g["pending"] += amount
            g["pending_e"] += amount
            return voucher
        g["paid"] += amount
        g["paid_e"] += amount
        g["stake"] += stake
        g["cost"] += amount
        return multiple()

    @rule(ref=awarded, stake=st.integers(min_value=1, max_value=100_000))
    def convert(self, ref, stake):
        g = self.model[ref]
        terms = (stake, "CV-" + ref)
        if g["converted"]:
            expected = None if g["converted"] == terms else "DUPLICATE_KEY"
        elif g["status"] != "awarded" or g["mode"] != "convertible" or g["pending"] or g["paid"] - g["recovered"] <= 0:
            expected = "INVALID_STATE"
        else:
            expected = None
        self.attempt(
            expected, "convert", "clerk", ref=ref, stake=stake_text(stake), valuation="1亿", doc=terms[1], date=self.on
        )
        if expected is None and not g["converted"]:
            g["converted"] = terms
            g["stake"] += stake
            g["cost"] += g["paid"] - g["recovered"]

    @rule(ref=awarded, share=shares, proceeds=st.integers(min_value=1, max_value=500).map(lambda n: n * WAN))
    def exit(self, ref, share, proceeds):
        g, voucher = self.model[ref], self.next("TC")
        stake = max(1, g["stake"] * share // 100)
        if not g["stake"]:
            expected = "INVALID_STATE"
        elif stake > g["stake"]:
            expected = "EXCEEDS_AVAILABLE"
        else:
            expected = None
        result = self.attempt(
            expected,
            "exit",
            "clerk",
            ref=ref,
            stake=stake_text(stake),
            proceeds=wan(proceeds),
            voucher=voucher,
            date=self.on,
        )
        if expected is not None:
            return
        cost = g["cost"] if stake == g["stake"] else (g["cost"] * stake * 2 + g["stake"]) // (2 * g["stake"])
        assert (result.fields["cost"], result.fields["gain"]) == (cost, proceeds - cost)
        held = max(proceeds, cost) >= THRESHOLD[g["fund"][0]]  # at the fund's threshold: a second person
        assert result.fields["status"] == ("pending" if held else "posted")
        if held:
            OUTCOMES["exit: held"] += 1
            self.attempt(None, "approve", "approver", voucher=voucher, date=self.on)
        g["stake"] -= stake
        g["cost"] -= cost
        self.year_of(g["fund"], self.day.year)["returned"] += proceeds

    # -- the year's end ------------------------------------------------------------------

    def paid_in_year(self, fund: str, year: int) -> int:
        """What was paid on the fund's awards of ``year`` by its last day, net of reversals by then."""
        last = f"{year}-12-31"
        total = 0
        for m in self.paid.values():
            g = self.model[m["ref"]]
            if m["kind"] not in ("disbursement", "investment") or (g["fund"], g["year"]) != (fund, year):
                continue
            if m["status"] in ("posted", "reversed") and m["on"] <= last:
                total += m["amount"]
                if m["status"] == "reversed" and m["reversed_on"] <= last:
                    total -= m["amount"]
        return total

    @rule(letter=st.sampled_from("AB"))
    def close(self, letter):
        """The office closes 2024 in January (or later): the figures must be the model's, and a seal is left."""
        self.day = max(self.day, date(2025, 1, 2))
        fund = self.fund(letter)
        expected = "INVALID_STATE" if (fund, 2024) in self.closed else None
        result = self.attempt(expected, "close", "admin", year="2024", fund=fund, doc=self.next("JZ"), date=self.on)
        if expected is not None:
            return
        budget = self.funds.get((fund, 2024), {"appropriated": 0, "committed": 0, "returned": 0})
        paid = self.paid_in_year(fund, 2024)
        f = result.fields
        assert (f["committed"], f["paid"], f["returned"]) == (budget["committed"], paid, budget["returned"])
        assert f["carried_forward"] == budget["committed"] - paid
        assert f["lapsed"] == budget["appropriated"] + budget["returned"] - budget["committed"]
        SEALS.append(f["seal"])
        self.closed.add((fund, 2024))
        # a clerk then enters a payment of the closed year late: refused (every fund has a 2024 award by now)
        late = [r for r, g in self.model.items() if (g["fund"], g["year"], g["status"]) == (fund, 2024, "awarded")]
        if late:
            self.late_payment(late[0], 10)

    @rule(letter=st.sampled_from("AB"), confirmer=st.sampled_from(["approver", "approver", "withdrawn"]))
    def reopen(self, letter, confirmer):
        """An admin proposes reopening; the same admin cannot confirm it; an approver confirms or withdraws it."""
        fund, doc = self.fund(letter), self.next("KZ")
        if (fund, 2024) not in self.closed:  # there is something to reopen in every example that gets here
            self.close(letter)
        closed = (fund, 2024) in self.closed
        expected = None if closed else "INVALID_STATE"
        self.attempt(expected, "reopen", "admin", year="2024", fund=fund, doc=doc, reason="补记", date=self.on)
        if expected is not None:
            return
        self.attempt("SAME_ACTOR", "approve", "admin", voucher=doc, date=self.on)  # not the proposer
        if confirmer == "approver":
            self.attempt(None, "approve", confirmer, voucher=doc, date=self.on)
            self.closed.discard((fund, 2024))
        else:
            self.attempt(None, "void", "approver", voucher=doc, reason="撤回", date=self.on)

    @rule(target=posted, ref=awarded, share=shares)
    def late_payment(self, ref, share):
        """A payment entered in 2025 but dated on 2024's last day: refused once the award's fund closed 2024."""
        if self.day.year < 2025:
            return multiple()
        g, voucher = self.model[ref], self.next("PZ")
        room = min(g["awarded"] - g["paid"] - g["pending"], self.below(ref, YEAR_END))
        amount = share_of(room, share)
        if g["status"] != "awarded":
            expected = "INVALID_STATE"
        elif (g["fund"], 2024) in self.closed:
            expected = "PERIOD_CLOSED"
        elif g["on"] > YEAR_END or g["mode"] == "equity" or g["converted"]:
            expected = "INVALID_STATE"
        elif amount > g["awarded"] - g["paid"] - g["pending"]:
            expected = "EXCEEDS_AWARD"
        else:
            expected = None
        if g["status"] == "awarded" and expected != "PERIOD_CLOSED":
            expected = self.project_refusal(ref, amount, YEAR_END) or expected
        if expected is None and self.held(ref, amount, YEAR_END):
            return multiple()
        if self.attempt(expected, "disburse", "clerk", ref=ref, amount=wan(amount), voucher=voucher, date=YEAR_END):
            g["paid"] += amount
            self.paid[voucher] = {
                "ref": ref,
                "kind": "disbursement",
                "amount": amount,
                "status": "posted",
                "on": YEAR_END,
            }
            return voucher
        return multiple()

    # -- a project's life after the award (issue 24) ------------------------------------

    @rule(
        target=awarded,
        unit=st.integers(0, 1),
        letter=st.sampled_from("AB"),
        share=st.one_of(st.just(100), shares),
        schedule=st.sampled_from(["50:signing,50:acceptance", "60:signing,30:midterm,10:acceptance"]),
    )
    def apply_and_award_in_tranches(self, unit, letter, share, schedule):
        """分期拨付: an award paid as its milestones release its tranches."""
        ref = self._apply(unit, "qd2024-01-common-tech", 500 * WAN, "good")
        return self.award(ref, letter, share, tranches=schedule)

    @rule(
        ref=awarded,
        kind=st.sampled_from(["signing", "midterm", "acceptance"]),
        result=st.sampled_from(["pass", "pass", "fail"]),
    )
    def milestone(self, ref, kind, result):
        g = self.model[ref]
        expected = "PROJECT_CLOSED" if g.get("closed") else None
        if g["status"] != "awarded":
            expected = "INVALID_STATE"
        doc = self.next("LC")
        self.attempt(expected, "milestone", "clerk", ref=ref, kind=kind, result=result, doc=doc, date=self.on)
        if expected is None and result == "pass":
            passed = g.setdefault("passed", {})
            passed[kind] = min(passed.get(kind, "9999"), self.on)

    @rule(target=posted, ref=consumes(awarded), result=st.sampled_from(["pass", "fail"]))
    def close_project(self, ref, result):
        """验收/结题: the balance (结余) goes back to the fund with a voucher; the project takes nothing more."""
        g, voucher = self.model[ref], self.next("JT")
        if g.get("closed"):
            expected = "DUPLICATE_KEY"  # closed already, under another document
        elif g["status"] != "awarded" or g["pending"] or g["stake"]:
            expected = "INVALID_STATE"  # not awarded, payments waiting for approval, or a holding not yet exited
        else:
            expected = None
        balance = g["paid"] - g["spent"] - g["recovered"]
        doc = self.next("YS")
        self.attempt(expected, "close-project", "clerk", ref=ref, result=result, doc=doc, voucher=voucher, date=self.on)
        if expected is not None:
            return multiple()
        g["closed"] = True
        unpaid = g["awarded"] - g["paid"]  # 结算: the award stands at what was paid; the rest comes back
        if unpaid:
            self._release(ref, unpaid, whole=False)
            g["awarded"] = g["paid"]
        if not balance:
            return multiple()
        g["recovered"] += balance
        self.year_of(g["fund"], self.day.year)["returned"] += balance
        self.paid[voucher] = {"ref": ref, "kind": "recovery", "amount": balance, "status": "posted", "on": self.on}
        return voucher

    @invariant()
    def closed_projects_hold_nothing(self):
        """A closed project's balance went back to the fund: the awards report shows nothing left with the unit."""
        closed = {ref for ref, g in self.model.items() if g.get("closed")}
        if not closed:
            return
        rows = {r["application"]: r for r in self.ledger.report("awards", "admin") if r["application"] in closed}
        assert all(rows[ref]["available"] == 0 and rows[ref]["pending"] == 0 for ref in closed)

    @rule()
    def print_reports(self):
        """Print the reports now (with and without an as-of date), to ask for them --known-at later."""
        if len(self.printed) < 3:
            self.printed.append((self.ledger.position(), self.reports()))

    def reports(self, **options) -> dict:
        return {
            (name, as_of): self.ledger.report(name, "admin", as_of=as_of, **options)
            for name in KNOWN_AT_REPORTS
            for as_of in (None, YEAR_END)
        }

    def teardown(self):
        for position, printed in self.printed:
            assert self.reports(known_at=position) == printed, f"--known-at {position} differs from what was printed"

    @invariant()
    def carryover_matches_the_model(self):
        rows = {(r["fund"], r["year"]): r for r in self.ledger.report("carryover", "admin") if self.tag in r["fund"]}
        for (fund, year), budget in self.funds.items():
            paid = self.paid_in_year(fund, year)
            if (fund, year) not in rows:  # the report leaves out a year whose every figure is zero (e.g. a
                # recovery since reversed) and that is not closed
                assert not any(budget.values()) and not paid and (fund, year) not in self.closed
                continue
            r = rows[(fund, year)]
            assert (r["appropriated"], r["returned"], r["committed"], r["disbursed"]) == (
                budget["appropriated"],
                budget["returned"],
                budget["committed"],
                paid,
            )
            assert r["carried_forward"] == budget["committed"] - paid
            assert r["lapsed"] == budget["appropriated"] + budget["returned"] - budget["committed"]
            assert r["closed"] == ((fund, year) in self.closed)

    @invariant()
    def nothing_moves_in_a_closed_period(self):
        """Invariant 10 from the journal itself: no line dated in a fund's closed year was recorded while the
        close was in force (between a close and the reopening that undid it)."""
        if not self.closed and not self.printed:
            return
        j = schema.journal.c
        with self.ledger.engine.connect() as conn:
            lines = conn.execute(
                select(j.seq, j.movement, j.account, j.fund, j.year, j.effective_date)
                .where(j.fund.like(f"%{self.tag}"))
                .order_by(j.seq)
            ).all()
        closed_since: dict[tuple[str, int], int] = {}
        for seq, movement, account, fund, year, day in lines:
            if account == "lapsed":
                if movement == "close":
                    closed_since[(fund, year)] = seq
                elif movement == "reopen":
                    closed_since.pop((fund, year), None)
                continue
            if movement in ("close", "reopen"):
                continue
            since = closed_since.get((fund, int(day[:4])))
            assert since is None or seq == since, f"line {seq} ({movement}, {day}) moved {fund}'s closed year"

    @invariant()
    def holdings_match_the_model(self):
        rows = {r["application"]: r for r in self.ledger.report("equity", "admin") if self.tag in r["application"]}
        for ref, g in self.model.items():
            if g["paid_e"] or g["converted"]:
                r = rows[ref]
                assert (r["stake"], r["cost"]) == (stake_text(g["stake"]).rstrip("0").rstrip("."), g["cost"])

    # -- invariants -------------------------------------------------------------------

    @invariant()
    def awards_keep_invariant_1_and_match_the_model(self):
        if not self.model:
            return
        rows = {r["application"]: r for r in self.ledger.report("awards", "admin") if self.tag in r["application"]}
        for ref, g in self.model.items():
            if g["status"] != "awarded":
                assert ref not in rows
                continue
            r = rows[ref]
            assert 0 <= r["spent"] + r["recovered"] <= r["disbursed"] <= r["disbursed"] + r["pending"] <= r["awarded"]
            assert (r["awarded"], r["disbursed"], r["pending"], r["spent"], r["recovered"]) == (
                g["awarded"],
                g["paid"],
                g["pending"],
                g["spent"],
                g["recovered"],
            )
            assert r["available"] == g["paid"] - g["spent"] - g["recovered"]
        # the write side holds the same numbers
        for ref, g in list(self.model.items())[-3:]:
            grant = self.ledger.app.repository.get(Grant.create_id(ref))
            assert (grant.awarded, grant.disbursed, sum(grant.pending.values()), grant.spent, grant.recovered) == (
                g["awarded"],
                g["paid"],
                g["pending"],
                g["spent"],
                g["recovered"],
            )

    @invariant()
    def verifys_own_fold_agrees_with_the_aggregates_step_by_step(self):
        """Issue 28: verify's fold (``projections.invariants``) keeps its own arithmetic, independent of the
        aggregates; after every step it has found nothing and holds the aggregates' numbers."""
        fold = FOLDS.setdefault(id(self.ledger), {"check": InvariantCheck(), "after": 0})
        check = fold["check"]
        while rows := self.ledger.app.recorder.select_raw(fold["after"], 5000):
            for seq, originator, topic, state in rows:
                check.event(seq, topic.rpartition(":")[2], state, originator)
            fold["after"] = rows[-1][0]
        assert check.finding is None
        for ref, g in list(self.model.items())[-3:]:
            if g["status"] != "awarded":
                continue
            grant = self.ledger.app.repository.get(Grant.create_id(ref))
            folded = check.awards[Grant.create_id(ref).bytes]
            assert (folded["awarded"], folded["paid"], folded["pending"], folded["spent"], folded["recovered"]) == (
                grant.awarded,
                grant.disbursed,
                sum(grant.pending.values()),
                grant.spent,
                grant.recovered,
            )

    @invariant()
    def funds_keep_invariant_2_and_match_the_model(self):
        rows = {(r["fund"], r["year"]): r for r in self.ledger.report("funds", "admin") if self.tag in r["fund"]}
        for key, budget in self.funds.items():
            r = rows[key]
            assert r["committed"] <= r["appropriated"] + r["returned"]
            assert (r["appropriated"], r["committed"], r["returned"]) == (
                budget["appropriated"],
                budget["committed"],
                budget["returned"],
            )

    @invariant()
    def caps_keep_invariant_3(self):
        rows = [r for r in self.ledger.report("caps", "admin") if r["unit"] in [*self.units, *self.wh_units]]
        for r in rows:
            assert r["used"] <= r["cap"]
            assert r["used"] == self.caps.get((r["unit"], r["cap_group"], r["year"]), 0)
        assert len(rows) == len(self.caps)  # a cap given back by a cancellation keeps its row, at 0
        for (unit, clause), used in self.life.items():  # platform totals live in their cap aggregates
            life = UnitOfWork(self.ledger.app).find(UnitCap, unit, clause, LIFE)
            assert life.used == used <= life.cap == LIFETIME[clause]

    @invariant()
    def books_balance_on_each_side(self):
        """政府会计制度 books (平行记账): the financial and the budget trial balance are each zero, and grants paid
        less recovered are the same figure on both sides (业务活动费用 = 行政支出)."""
        rows = self.ledger.report("trial-balance", "admin", side="both")
        assert [(r["side"], r["balance"]) for r in rows if r["account"] == "total"] == [("financial", 0), ("budget", 0)]
        balance = {r["account"]: r["balance"] for r in rows}
        assert balance.get("5001", 0) == balance.get("7101", 0)


MUST_EXERCISE = [
    "fund appropriate: accepted",
    "apply: accepted",
    "evaluate: accepted",
    "award: accepted",
    "disburse: accepted",
    "approve: accepted",
    "void: accepted",
    "spend: accepted",
    "recover: accepted",
    "reverse: accepted",
    "award: EXCEEDS_CLAUSE_MAX",
    "award: INSUFFICIENT_FUNDS",
    "award: EXCEEDS_ANNUAL_CAP",
    "award: ALREADY_AWARDED_ONCE",
    "award: NOT_ELIGIBLE",
    "disburse: EXCEEDS_AWARD",
    "spend: EXCEEDS_AVAILABLE",
    "recover: EXCEEDS_AVAILABLE",
    "invest: accepted",
    "invest: EXCEEDS_AWARD",
    "invest: INVALID_STATE",
    "convert: accepted",
    "convert: INVALID_STATE",
    "exit: accepted",
    "exit: EXCEEDS_AVAILABLE",
    "exit: INVALID_STATE",
    "disburse: INVALID_STATE",
    "approve: FORBIDDEN",
    "close: accepted",
    "reopen: accepted",
    "approve: SAME_ACTOR",
    "disburse: PERIOD_CLOSED",
    "cancel-award: accepted",
    "cancel-award: EXCEEDS_AWARD",
    "cancel-award: INVALID_STATE",
    "reduce-award: accepted",
    "reduce-award: EXCEEDS_AWARD",
    "exit: held",
    "milestone: accepted",
    "close-project: accepted",
    "disburse: NOT_RELEASED",
    "recharge: accepted",
    "recharge: INVALID_STATE",
]


def test_invariants_hold_after_any_sequence_of_commands(world):
    LedgerMachine.ledger = world.ledger
    OUTCOMES.clear()
    SEALS.clear()
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # A machine that only ever hit refusals would prove little: every path must have been taken.
    missing = [outcome for outcome in MUST_EXERCISE if not OUTCOMES[outcome]]
    assert not missing, f"never exercised: {missing}; exercised: {dict(OUTCOMES)}"
    # Every command was signed, by several people, each with their own key; verify checks them all.
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings
    signers = {r[2] for r in world.ledger.app.recorder.select_signatures(0, 10**9)}
    assert {"admin", "clerk", "reviewer", "approver"} <= signers
    assert report.signatures >= len(signers)
    # Invariant 11: every seal ever written still verifies, and so does each as a checkpoint file.
    report = world.ledger.verify("auditor", checkpoint=SEALS[0])
    assert report.ok, report.findings
    assert report.checks["seals"] == f"ok ({len(SEALS)})" and report.checks["checkpoint"] == "ok (1)"
