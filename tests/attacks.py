"""The attack kit: a small honest ledger built through the application, and forgeries written around it.

Each attack plays a thief who stole one clerk's keyring (or a clerk with his own database login): he builds
events with the ledger's own classes, signs them with the clerk's real key (or a key he made) and appends them
to the store, as the recorder would. Every signature verifies and the hash chain is intact, so only verify's
re-decision of the rules (``projections.redecide``) can tell that the ledger would never have accepted them.

``ATTACKS`` maps a name to (the forgery, words of the rule verify must name). ``Kit.build`` makes the ledger:

- people: admin, clerk, clerkb (a second clerk), clerk2 (a clerk whose role was revoked), reviewer,
  approver, approver2, auditor;
- QD-1 (行业共性技术攻关, 300万, KJ 2024): PZ-1 150万 held and approved, ZC-1 10万 spent, PZ-2 120万 by
  clerkb waiting for approval;
- QD-2 (the same clause, 300万, KJ 2024): PZ-3 60万 paid (below the 100万 threshold);
- QD-22 (Weihai new R&D institution, 100万, KJ 2022): PZ-22 50万 paid; KJ 2022 closed (JZ-2022).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger import keys, signing
from ledger.actors import Actor
from ledger.grant import Grant
from ledger.periods import STATE_ALGORITHM, Seal, seal_payload
from projections import seals
from tests.helpers import ENTERPRISE, WH_ENTERPRISE, WH_HOSPITAL, World, run

CLAUSE = "qd2024-01-common-tech"  # 最高500万


@dataclasses.dataclass
class Kit:
    ledger: Any

    @property
    def app(self) -> Any:
        return self.ledger.app

    @classmethod
    def build(cls, ledger: Any) -> Kit:
        world = World.build(ledger)
        for person in ("clerkb", "clerk2"):
            run(ledger, "role grant", actor_=person, role="clerk")
        run(ledger, "role revoke", actor_="clerk2", role="clerk")
        world.awarded("QD-1", CLAUSE, "300万")
        run(ledger, "disburse", "clerk", ref="QD-1", amount="150万", voucher="PZ-1", date="2024-09-02")
        run(ledger, "approve", "approver", voucher="PZ-1", date="2024-09-03")
        spent = {"amount": "10万", "voucher": "ZC-1", "category": "equipment", "date": "2024-09-05"}
        run(ledger, "spend", "clerk", ref="QD-1", **spent)
        run(ledger, "disburse", "clerkb", ref="QD-1", amount="120万", voucher="PZ-2", date="2024-09-06")
        world.awarded("QD-2", CLAUSE, "300万")
        run(ledger, "disburse", "clerk", ref="QD-2", amount="60万", voucher="PZ-3", date="2024-09-02")
        world.awarded("QD-22", "wh2018-1-new-rd-institution", "100万", unit=WH_ENTERPRISE, date="2022-03-01")
        run(ledger, "disburse", "clerk", ref="QD-22", amount="50万", voucher="PZ-22", date="2022-03-02")
        run(ledger, "close", year="2022", fund="KJ", doc="JZ-2022", date="2023-01-10")
        return cls(ledger)

    # -- the thief's tools ------------------------------------------------------------------------

    def stolen(self, person: str = "clerk") -> signing.Signer:
        """``person``'s signer from the stolen keyring: the key bound to them, its private half."""
        key = self.app.load(Actor, Actor.create_id(person)).key
        return signing.Signer(person, key, self.app.keyring.private(person, key))

    def grant(self, ref: str) -> Grant:
        return self.app.load(Grant, Grant.create_id(ref))

    def actor(self, person: str) -> Actor:
        return self.app.load(Actor, Actor.create_id(person))

    def write(self, signer: signing.Signer, *aggregates: Any, edit: Callable[[dict], None] | None = None) -> int:
        """Append the aggregates' pending events as one signed range (``edit`` may change their JSON first);
        returns the position of the last one."""
        stored = [self.app.mapper.to_stored_event(e) for a in aggregates for e in a.collect_events()]
        if edit is not None:
            stored = [_edited(s, edit) for s in stored]
        with signing.signing_as(signer):
            self.app.recorder.insert_events(stored)
        return self.app.recorder.max_notification_id()


def _edited(stored: Any, edit: Callable[[dict], None]) -> Any:
    data = json.loads(stored.state)
    edit(data)
    return dataclasses.replace(stored, state=json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())


def new_key() -> tuple[str, Ed25519PrivateKey]:
    private = Ed25519PrivateKey.generate()
    return keys.encode_public(private.public_key()), private


# -- the attacks ----------------------------------------------------------------------------------


def split_payment_unapproved(kit: Kit) -> None:
    """50万 posted straight four days after PZ-3's 60万: together 110万 in the fund's 30-day window."""
    g = kit.grant("QD-2")
    g._disbursed(voucher="PZ-Y", amount=50_000_000, held=False, actor="clerk", on="2024-09-06")
    kit.write(kit.stolen(), g)


def big_payment_unapproved(kit: Kit) -> None:
    """A 150万 payment posted straight (the fund's threshold is 100万)."""
    g = kit.grant("QD-2")
    g._disbursed(voucher="PZ-F", amount=150_000_000, held=False, actor="clerk", on="2024-09-12")
    kit.write(kit.stolen(), g)


def payment_in_closed_year(kit: Kit) -> None:
    g = kit.grant("QD-22")
    g._disbursed(voucher="PZ-23", amount=10_000_000, held=False, actor="clerk", on="2022-12-01")
    kit.write(kit.stolen(), g)


def spending_before_paid(kit: Kit) -> None:
    g = kit.grant("QD-1")
    g._spent(voucher="ZC-X", amount=5_000_000, category="equipment", actor="clerk", on="2024-09-02")
    kit.write(kit.stolen(), g)


def spending_on_negative_list(kit: Kit) -> None:
    g = kit.grant("QD-1")
    g._spent(voucher="ZC-F", amount=1_000_000, category="fine", actor="clerk", on="2024-09-08")
    kit.write(kit.stolen(), g)


def forged_award(kit: Kit, ref: str, amount: int, *, self_evaluated: bool = False) -> None:
    """An award written around the ledger by the clerk. Applied and evaluated honestly (by the reviewer,
    through the ledger), unless ``self_evaluated``: then the clerk forges the whole application."""
    if self_evaluated:
        g = Grant(
            ref=ref,
            unit=ENTERPRISE,
            unit_type="enterprise",
            clause=CLAUSE,
            asked=amount,
            base=None,
            actor="clerk",
            on="2024-09-01",
        )
        g._evaluated(grade="good", score=None, actor="clerk", on="2024-09-01")
    else:
        run(
            kit.ledger,
            "apply",
            "clerk",
            ref=ref,
            unit=ENTERPRISE,
            clause=CLAUSE,
            amount=str(amount // 100),
            date="2024-09-01",
        )
        run(kit.ledger, "evaluate", "reviewer", ref=ref, grade="good", date="2024-09-01")
        g = kit.grant(ref)
    decision = {"amount": amount, "fund": "KJ", "doc": f"DOC-{ref}", "mode": "grant", "equity_amount": None}
    g._awarded(decision=dict(decision, exception_doc=None, year=2024, grade="good"), actor="clerk", on="2024-09-01")
    kit.write(kit.stolen(), g)


def self_evaluated(kit: Kit) -> None:
    forged_award(kit, "QD-S", 100_000_000, self_evaluated=True)


def over_clause_max(kit: Kit) -> None:
    forged_award(kit, "QD-M", 800_000_000)  # the clause's most is 500万


def over_budget(kit: Kit) -> None:
    for n in range(19):  # 19 × 500万 = 9500万 on top of QD-1's and QD-2's 600万: KJ 2024's budget is 1亿
        forged_award(kit, f"QD-B{n}", 500_000_000)


def clerk_grants_himself_admin(kit: Kit) -> None:
    me = kit.actor("clerk")
    me._granted(role="admin", actor="clerk", on="2024-09-10")
    kit.write(kit.stolen(), me)


def clerk_rebinds_approvers_key_then_approves(kit: Kit) -> None:
    public, private = new_key()
    approver = kit.actor("approver")
    approver._key_bound(key=public, custody="enrolled", held_by="approver", actor="clerk", on="2024-09-10")
    kit.write(kit.stolen(), approver)
    g = kit.grant("QD-1")
    g._approved(voucher="PZ-2", kind="disbursement", amount=120_000_000, stake=None, actor="approver", on="2024-09-10")
    kit.write(signing.Signer("approver", public, private), g)


def thief_rotates_clerks_key(kit: Kit) -> None:
    """The thief writes the rotation himself, vouching for his new key with that key (not the clerk's)."""
    public, private = new_key()
    me = kit.actor("clerk")
    proof = base64.b64encode(private.sign(b"grantledger-rotate-v1" + public.encode())).decode()
    me._key_rotated(key=public, previous=me.key, proof=proof, actor="clerk", on="2024-09-10")
    kit.write(kit.stolen(), me)


def thief_rotates_approvers_key(kit: Kit) -> None:
    """With the clerk's stolen key, the approver's key is rotated to one the thief holds."""
    public, _ = new_key()
    approver = kit.actor("approver")
    clerk = kit.stolen()
    proof = base64.b64encode(clerk.sign(b"grantledger-rotate-v1" + public.encode())).decode()
    approver._key_rotated(key=public, previous=approver.key, proof=proof, actor="clerk", on="2024-09-10")
    kit.write(clerk, approver)


def revoked_clerk_acts(kit: Kit) -> None:
    g = kit.grant("QD-1")
    g._disbursed(voucher="PZ-R", amount=1_000_000, held=False, actor="clerk2", on="2024-09-10")
    kit.write(kit.stolen("clerk2"), g)


def clerk_approves_without_the_role(kit: Kit) -> None:
    g = kit.grant("QD-1")
    g._approved(voucher="PZ-2", kind="disbursement", amount=120_000_000, stake=None, actor="clerk", on="2024-09-10")
    kit.write(kit.stolen(), g)


def seal_with_a_key_not_the_auditors(kit: Kit) -> None:
    kit.ledger.catch_up()
    position, head, state = seals.checkpoint(kit.ledger.read_model, kit.app.recorder)
    public, private = new_key()
    signed = signing.sign_as(signing.Signer("auditor", public, private), seal_payload(position, head, state))
    seal = Seal(
        position=position,
        head=head,
        state=state,
        algorithm=STATE_ALGORITHM,
        signed_by="auditor",
        key=signed["key"],
        signature=signed["signature"],
        actor="clerk",
        on="2024-09-10",
    )
    kit.write(kit.stolen(), seal)


def malformed_submission(kit: Kit) -> None:
    g = Grant(
        ref="QD-BAD",
        unit=ENTERPRISE,
        unit_type="enterprise",
        clause=CLAUSE,
        asked=1,
        base=None,
        actor="clerk",
        on="2024-09-01",
    )
    kit.write(kit.stolen(), g, edit=lambda data: data.pop("unit"))


def clerk_cancels_an_award_alone(kit: Kit) -> None:
    """撤销批复 proposed by clerkb and put in force by the clerk's key, no approver (it frees the unit's caps)."""
    kit_world = World(kit.ledger)  # the people are there already: award a fresh application to cancel
    kit_world.awarded("QD-3", CLAUSE, "200万")
    run(kit.ledger, "cancel-award", "clerkb", ref="QD-3", doc="CX-1", reason="录错资金", date="2024-09-10")
    g = kit.grant("QD-3")
    g.record_cancellation(
        doc="CX-1", amount=200 * 10_000 * 100, award_doc="AW-QD-3", fund="KJ", year=2024, actor="clerk", on="2024-09-10"
    )
    kit.write(kit.stolen(), g)


def _applied(kit: Kit, ref: str, clause: str, amount: str, unit: str = ENTERPRISE, base: str | None = None) -> None:
    """Applied and evaluated honestly, through the ledger (a forged award or an honest one follows)."""
    date = "2024-09-01"
    run(kit.ledger, "apply", "clerk", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
    run(kit.ledger, "evaluate", "reviewer", ref=ref, grade="good", date=date)


def _award(kit: Kit, ref: str, amount: str, date: str = "2024-09-01", **more: str) -> None:
    run(kit.ledger, "award", "clerk", ref=ref, amount=amount, fund="KJ", doc=f"AW-{ref}", date=date, **more)


def payment_beyond_the_tranches(kit: Kit) -> None:
    """QD-T 100万 in two tranches (50% on signing, 50% on acceptance): signed, 50万 paid; then 30万 more posted
    with no acceptance (the ledger refuses it: NOT_RELEASED)."""
    _applied(kit, "QD-T", CLAUSE, "100万")
    _award(kit, "QD-T", "100万", tranches="50:signing,50:acceptance")
    run(kit.ledger, "milestone", "clerk", ref="QD-T", kind="signing", result="pass", doc="RW-T", date="2024-09-02")
    run(kit.ledger, "disburse", "clerk", ref="QD-T", amount="50万", voucher="PZ-T1", date="2024-09-03")
    g = kit.grant("QD-T")
    g._disbursed(voucher="PZ-T2", amount=30_000_000, held=False, actor="clerk", on="2024-09-10")
    kit.write(kit.stolen(), g)


def post_subsidy_paid_before_evaluation(kit: Kit) -> None:
    """A 后补助 clause (首次通过绩效评价): the award forged without the project that carries its 100:evaluation
    schedule, then paid with no 绩效评价 at all."""
    _applied(kit, "WH-C", "wh2018-4-clinical-municipal", "100万", unit=WH_HOSPITAL)
    g = kit.grant("WH-C")
    decision = {"amount": 100_000_000, "fund": "KJ", "doc": "AW-WH-C", "mode": "grant", "equity_amount": None}
    g._awarded(decision=dict(decision, exception_doc=None, year=2024, grade="good"), actor="clerk", on="2024-09-01")
    g._disbursed(voucher="PZ-C", amount=90_000_000, held=False, actor="clerk", on="2024-09-02")
    kit.write(kit.stolen(), g)


def _closed_project(kit: Kit, ref: str) -> None:
    """``ref`` 100万, 50万 paid, 10万 spent, accepted and closed with its 40万 结余 retained (结余留用)."""
    _applied(kit, ref, CLAUSE, "100万")
    _award(kit, ref, "100万")
    run(kit.ledger, "disburse", "clerk", ref=ref, amount="50万", voucher=f"PZ-{ref}", date="2024-09-02")
    spent = {"amount": "10万", "voucher": f"ZC-{ref}", "category": "equipment", "date": "2024-09-03"}
    run(kit.ledger, "spend", "clerk", ref=ref, **spent)
    done = {"result": "pass", "doc": f"JT-{ref}", "retain_doc": f"LY-{ref}", "date": "2024-10-01"}
    run(kit.ledger, "close-project", "clerk", ref=ref, **done)


def payment_after_closeout(kit: Kit) -> None:
    _closed_project(kit, "QD-K")
    g = kit.grant("QD-K")
    g._disbursed(voucher="PZ-K2", amount=10_000_000, held=False, actor="clerk", on="2024-10-05")
    kit.write(kit.stolen(), g)


def spending_after_closeout(kit: Kit) -> None:
    _closed_project(kit, "QD-K")
    g = kit.grant("QD-K")
    g._spent(voucher="ZC-K2", amount=5_000_000, category="equipment", actor="clerk", on="2024-10-05")
    kit.write(kit.stolen(), g)


def forged_award_over_the_yearly_cap(kit: Kit) -> None:
    """创新券 (a unit's yearly cap 20万): 15万 awarded honestly, then 10万 more forged, with no UnitCap event."""
    voucher = "qd2024-23-innovation-voucher"
    _applied(kit, "QD-V1", voucher, "15万", base="100万")
    _award(kit, "QD-V1", "15万")
    _applied(kit, "QD-V2", voucher, "10万", base="100万")
    forged_decision(kit, "QD-V2", 10_000_000)


def forged_second_once_only_award(kit: Kit) -> None:
    """首次认定高企 (once per unit): awarded once honestly, then a second application forged into an award."""
    first = "qd2024-14-hnte-first"
    _applied(kit, "QD-H1", first, "10万")
    _award(kit, "QD-H1", "10万")
    _applied(kit, "QD-H2", first, "10万")
    forged_decision(kit, "QD-H2", 10_000_000)


def forged_award_over_the_platform_total(kit: Kit) -> None:
    """市级重点实验室 (a platform clause, 50万 per unit over its life): 50万 honestly, then 30万 forged."""
    lab = "qd2024-05-municipal-key-lab"
    _applied(kit, "QD-L1", lab, "50万")
    _award(kit, "QD-L1", "50万")
    _applied(kit, "QD-L2", lab, "30万")
    forged_decision(kit, "QD-L2", 30_000_000)


def forged_second_award_in_a_year(kit: Kit) -> None:
    """技术合同登记点 (once per unit per year): awarded in 2024, then a second 2024 award forged."""
    point = "qd2024-10-tech-contract-point"
    _applied(kit, "QD-P1", point, "20万")
    _award(kit, "QD-P1", "20万")
    _applied(kit, "QD-P2", point, "20万")
    forged_decision(kit, "QD-P2", 20_000_000)


def forged_cap_release_then_award(kit: Kit) -> None:
    """The thief writes a UnitCap.Released giving back a 20万 innovation voucher award nobody cancelled; the
    ledger then lets the clerk award 15万 more in the same year (its cap aggregate says nothing is used)."""
    from ledger.caps import UnitCap

    voucher = "qd2024-23-innovation-voucher"
    _applied(kit, "QD-V1", voucher, "20万", base="100万")
    _award(kit, "QD-V1", "20万")
    cap = kit.app.load(UnitCap, UnitCap.create_id(ENTERPRISE, voucher, "2024"))
    cap.release("QD-V1", 20_000_000, True, "CX-FAKE", "clerk", "2024-09-05")
    kit.write(kit.stolen(), cap)
    _applied(kit, "QD-V2", voucher, "15万", base="100万")
    _award(kit, "QD-V2", "15万")


def forged_money_back(kit: Kit) -> None:
    """The thief credits KJ 2024 with 5000万 "recovered" that no recovery brought back, so the ledger lets the
    clerk award beyond the year's real budget."""
    from ledger.fund import FundYear

    fund_year = kit.app.load(FundYear, FundYear.create_id("KJ", 2024))
    fund_year.receive("QD-2", "ZH-FAKE", "recovery", 500_000_000_00, "clerk", "2024-09-10")
    kit.write(kit.stolen(), fund_year)


def forged_decision(kit: Kit, ref: str, amount: int) -> None:
    """Only the award event of an honestly evaluated application, signed with the clerk's key."""
    g = kit.grant(ref)
    decision = {"amount": amount, "fund": "KJ", "doc": f"AW-{ref}", "mode": "grant", "equity_amount": None}
    g._awarded(decision=dict(decision, exception_doc=None, year=2024, grade="good"), actor="clerk", on="2024-09-01")
    kit.write(kit.stolen(), g)


ATTACKS: dict[str, tuple[Callable[[Kit], None], str]] = {
    "clerk cancelling an award alone": (clerk_cancels_an_award_alone, "撤销批复审批须由"),
    "payment at the threshold without approval": (big_payment_unapproved, "达到审批阈值的付款须经另一人审批"),
    "split payments reaching the threshold": (split_payment_unapproved, "达到审批阈值的付款须经另一人审批"),
    "payment dated in a closed year": (payment_in_closed_year, "已结账年度不得再记账"),
    "spending before the money was paid": (spending_before_paid, "支出不得早于拨款到位"),
    "spending on the negative list": (spending_on_negative_list, "负面清单"),
    "forged application self-evaluated": (self_evaluated, "评审须由"),
    "forged application over the clause maximum": (over_clause_max, "批复金额不得超过条款上限"),
    "forged applications over the budget": (over_budget, "批复不得超出资金年度预算"),
    "clerk granting himself admin": (clerk_grants_himself_admin, "授予角色须由管理员"),
    "clerk rebinding the approver's key then approving": (
        clerk_rebinds_approvers_key_then_approves,
        "绑定签名钥匙须由管理员",
    ),
    "thief rotating the clerk's key": (thief_rotates_clerks_key, "更换钥匙须有原钥匙签署的证明"),
    "thief rotating the approver's key": (thief_rotates_approvers_key, "只能更换本人的签名钥匙"),
    "revoked clerk acting": (revoked_clerk_acts, "撤销后仍用其钥匙签名"),
    "clerk without the approver role approving": (clerk_approves_without_the_role, "审批须由"),
    "seal signed with a key not bound to the auditor": (
        seal_with_a_key_not_the_auditors,
        "封存须用签名人当时绑定的钥匙签署",
    ),
    "signed event of an unexpected shape": (malformed_submission, "缺少字段 unit"),
    "payment beyond the tranches released": (payment_beyond_the_tranches, "分期拨付不得超出已放行的部分"),
    "后补助 paid before the evaluation": (post_subsidy_paid_before_evaluation, "分期拨付不得超出已放行的部分"),
    "payment after the project's closeout": (payment_after_closeout, "项目结题后不得再拨付、支出或变更"),
    "spending after the project's closeout": (spending_after_closeout, "项目结题后不得再拨付、支出或变更"),
    "forged award over the unit's yearly cap": (forged_award_over_the_yearly_cap, "不得超出单位年度上限"),
    "forged second award of a once-only clause": (forged_second_once_only_award, "每单位仅限一次"),
    "forged award over a platform's lifetime total": (
        forged_award_over_the_platform_total,
        "平台类条款累计不得超过最高额",
    ),
    "forged second award in one year": (forged_second_award_in_a_year, "每单位每年仅限一次"),
    "forged cap release then an award": (forged_cap_release_then_award, "释放额度须有已审批的撤销或调减"),
    "forged money back to a fund-year": (forged_money_back, "收回资金须来自同一操作中的追回"),
}
