"""Verify's re-decision of budgets and a unit's limits after what gives them back (issue 25, issue 24 item 1).

The re-decision works out a fund-year's room (appropriated + returned − committed) and a unit's yearly cap,
once-only marks and platform totals from the awards themselves, less what approved cancellations and
reductions released, plus what a closeout recovered. So an honest ledger that awards again after a
cancellation, a reduction or a closeout verifies, and a forged award over the budget or a limit does not.
Both engines.
"""

from __future__ import annotations

from ledger.grant import Grant
from projections.redecide import CHECK
from tests.attacks import forged_decision
from tests.helpers import ENTERPRISE, run

CLAUSE = "qd2024-01-common-tech"
DAY = "2024-09-01"


class Thief:
    """Enough of the attack kit to forge one award with the clerk's stolen key (``tests.attacks``)."""

    def __init__(self, ledger) -> None:
        from tests.attacks import Kit

        self.kit = Kit(ledger)

    def award(self, ref: str, amount: int, fund: str) -> None:
        run(self.kit.ledger, "apply", "clerk", ref=ref, unit=ENTERPRISE, clause=CLAUSE, amount="1万", date="2024-09-01")
        run(self.kit.ledger, "evaluate", "reviewer", ref=ref, grade="good", date="2024-09-01")
        g = self.kit.grant(ref)
        decision = {"amount": amount, "fund": fund, "doc": f"AW-{ref}", "mode": "grant", "equity_amount": None}
        g._awarded(decision=dict(decision, exception_doc=None, year=2024, grade="good"), actor="clerk", on="2024-09-01")
        self.kit.write(self.kit.stolen(), g)


def small_fund(world, code: str, amount: str) -> None:
    run(world.ledger, "fund create", fund=code, name_=f"专项 {code}")
    run(world.ledger, "fund appropriate", fund=code, year="2024", amount=amount, doc=f"{code}-2024", date="2024-01-05")


def corrected(ledger, kind: str, ref: str, doc: str, **more) -> None:
    run(ledger, kind, "clerk", ref=ref, doc=doc, reason="核减", date="2024-09-02", **more)
    run(ledger, "approve", "approver", voucher=doc, date="2024-09-02")


def rules_line(ledger) -> tuple[bool, str, list[str]]:
    report = ledger.verify("auditor")
    return report.ok, report.checks[CHECK], report.findings


def test_awards_again_after_a_cancellation_and_a_reduction_verify(world):
    ledger = world.ledger
    small_fund(world, "XS", "500万")
    world.awarded("QD-A", CLAUSE, "500万", fund="XS")  # the fund-year's whole budget
    corrected(ledger, "cancel-award", "QD-A", "CX-A")
    world.awarded("QD-B", CLAUSE, "500万", fund="XS")  # only the released commitment makes room for it
    corrected(ledger, "reduce-award", "QD-B", "TJ-B", amount="300万")
    world.awarded("QD-C", CLAUSE, "200万", fund="XS")
    ok, line, findings = rules_line(ledger)
    assert ok and line.startswith("ok"), findings

    Thief(ledger).award("QD-D", 100 * 10_000 * 100, "XS")  # 1万 over: 300万 + 200万 already committed
    ok, line, findings = rules_line(ledger)
    assert not ok and line.startswith("TAMPERED")
    assert "批复不得超出资金年度预算" in line and "QD-D" in line, line
    assert "可用 0" in line, line


def test_an_award_from_money_a_closeout_recovered_verifies(world):
    ledger = world.ledger
    small_fund(world, "XC", "100万")
    world.awarded("QD-E", CLAUSE, "100万", fund="XC")
    run(ledger, "disburse", "clerk", ref="QD-E", amount="60万", voucher="PZ-E", date="2024-09-02")
    run(ledger, "close-project", "clerk", ref="QD-E", result="fail", doc="JT-E", voucher="ZH-E", date="2024-10-01")
    world.awarded("QD-F", CLAUSE, "60万", fund="XC", date="2024-10-02")  # the 60万 the closeout recovered
    ok, line, findings = rules_line(ledger)
    assert ok and line.startswith("ok"), findings
    Thief(ledger).award("QD-G", 1_000_000, "XC")
    ok, line, _ = rules_line(ledger)
    assert not ok and "批复不得超出资金年度预算" in line and "QD-G" in line, line


def test_a_units_limits_are_given_back_by_corrections(world):
    """Once-only, a platform total and a yearly cap, each used up, given back, and used again honestly."""
    ledger = world.ledger
    world.awarded("QD-H1", "qd2024-14-hnte-first", "10万")
    corrected(ledger, "cancel-award", "QD-H1", "CX-H1")
    world.awarded("QD-H2", "qd2024-14-hnte-first", "10万")
    world.awarded("QD-L1", "qd2024-05-municipal-key-lab", "50万")
    corrected(ledger, "reduce-award", "QD-L1", "TJ-L1", amount="20万")
    world.awarded("QD-L2", "qd2024-05-municipal-key-lab", "30万")
    world.awarded("QD-V1", "qd2024-23-innovation-voucher", "20万", base="100万")
    corrected(ledger, "cancel-award", "QD-V1", "CX-V1")
    world.awarded("QD-V2", "qd2024-23-innovation-voucher", "20万", base="100万")
    ok, line, findings = rules_line(ledger)
    assert ok and line.startswith("ok"), findings

    # what was given back is used again: one more of each is beyond the limit
    lab = "qd2024-05-municipal-key-lab"
    run(ledger, "apply", "clerk", ref="QD-L3", unit=ENTERPRISE, clause=lab, amount="1万", date="2024-09-01")
    run(ledger, "evaluate", "reviewer", ref="QD-L3", grade="good", date="2024-09-01")
    kit = Thief(ledger).kit
    forged_decision(kit, "QD-L3", 1_000_000)
    ok, line, findings = rules_line(ledger)
    assert not ok and "平台类条款累计不得超过最高额" in line and "QD-L3" in line, line
    assert "累计已获 50万" in line, line


def test_a_forged_unit_cap_event_lowering_the_used_total_is_named(world):
    """A UnitCap.Released nobody approved: named itself, and the award it let through is over the cap."""
    from tests.attacks import Kit, forged_cap_release_then_award

    kit = Kit(world.ledger)
    forged_cap_release_then_award(kit)
    report = world.ledger.verify("auditor")
    assert not report.ok
    named = [f for f in report.findings if "UnitCap.Released" in f and "释放额度须有已审批的撤销或调减" in f]
    assert named, report.findings
    over = [f for f in report.findings if "批复不得超出单位年度上限" in f and "QD-V2" in f]
    assert over, report.findings
    assert kit.app.load(Grant, Grant.create_id("QD-V2")).status == "awarded"


def test_a_cancelled_platform_or_once_a_year_award_frees_the_unit_and_verifies(world):
    """Issue 24 item 1: a cancellation releases where the award counted — a named platform's own total and the
    year's once-only mark too (it released only the clause's unnamed total and once-per-unit mark)."""
    ledger = world.ledger
    lab, point = "qd2024-05-municipal-key-lab", "qd2024-10-tech-contract-point"
    for ref, clause, amount, platform in (("QD-A1", lab, "50万", "实验室甲"), ("QD-P1", point, "20万", None)):
        run(ledger, "apply", "clerk", ref=ref, unit=ENTERPRISE, clause=clause, amount=amount, date="2024-09-01")
        run(ledger, "evaluate", "reviewer", ref=ref, grade="good", date="2024-09-01")
        run(ledger, "award", "clerk", ref=ref, amount=amount, fund="KJ", doc=f"AW-{ref}", platform=platform, date=DAY)
        corrected(ledger, "cancel-award", ref, f"CX-{ref}")
        again = ref[:-1] + "2"
        run(ledger, "apply", "clerk", ref=again, unit=ENTERPRISE, clause=clause, amount=amount, date="2024-09-03")
        run(ledger, "evaluate", "reviewer", ref=again, grade="good", date="2024-09-03")
        terms = {"amount": amount, "fund": "KJ", "doc": f"AW-{again}", "platform": platform, "date": "2024-09-03"}
        awarded = run(ledger, "award", "clerk", ref=again, **terms)
        assert awarded.changed
    ok, line, findings = rules_line(ledger)
    assert ok and line.startswith("ok"), findings
