"""The third edition of the catalogue (issue 29) through the real apply/award path, on both engines.

1. verify trusts a lawful 一事一议: the lift is recorded on the cap event and verify accepts exactly it;
2. successor clauses share a unit's record (``shares``): once-per-unit marks and lifetime totals carry over;
3. yearly awards once per unit per year (or per cycle: 再次认定, three years);
4. platform clauses counted per platform (``--platform``); a 技术市场奖励's 配套 per award won;
5. real region codes, no exception document where there is no 一事一议, ``ended_by`` in policy show.
"""

from __future__ import annotations

import uuid

from tests.helpers import ENTERPRISE, WH_ENTERPRISE, refused, run

WAN = 1_000_000


def apply_evaluated(world, ref, clause, unit=ENTERPRISE, amount="10万", date="2024-09-01", grade="good", base=None):
    run(world.ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
    run(world.ledger, "evaluate", ref=ref, grade=grade, date=date)


def award(world, ref, amount, date="2024-09-01", **extra):
    return run(
        world.ledger, "award", ref=ref, amount=amount, fund=extra.pop("fund", "KJ"), doc=f"D-{ref}", date=date, **extra
    )


def refuse_award(world, ref, amount, date="2024-09-01", **extra):
    return refused(
        world.ledger, "award", ref=ref, amount=amount, fund=extra.pop("fund", "KJ"), doc=f"D-{ref}", date=date, **extra
    )


def appropriate(world, year: int | str) -> None:
    run(world.ledger, "fund appropriate", fund="KJ", year=str(year), amount="100亿", doc=f"P-{uuid.uuid4().hex[:8]}")


# -- 1. verify trusts a lawful 一事一议 ------------------------------------------------------------------------


def test_a_lifted_lifetime_total_verifies_and_records_the_lift(world):
    for ref in ("K1", "K2"):
        apply_evaluated(world, ref, "wh2018-1-new-rd-institution", WH_ENTERPRISE, "200万")
    award(world, "K1", "200万")
    assert refuse_award(world, "K2", "100万").code == "EXCEEDS_CLAUSE_MAX"
    award(world, "K2", "100万", exception_doc="威政办〔2024〕9号")
    report = world.ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks["invariants"] != "TAMPERED"
    used = [e for e in _events(world, "UnitCap.Used") if e["data"]["ref"] in ("K1", "K2")]
    assert [e["data"].get("lift") for e in used] == [None, {"doc": "威政办〔2024〕9号", "amount": 100 * WAN}]


def test_a_lift_counts_only_what_went_above_the_total(world):
    apply_evaluated(world, "K1", "wh2018-1-new-rd-institution", WH_ENTERPRISE, "200万")
    apply_evaluated(world, "K2", "wh2018-1-new-rd-institution", WH_ENTERPRISE, "200万")
    award(world, "K1", "150万")
    award(world, "K2", "100万", exception_doc="威政办〔2024〕9号")  # 50万 under the total, 50万 above it
    lifts = [e["data"].get("lift") for e in _events(world, "UnitCap.Used") if e["data"]["ref"] == "K2"]
    assert lifts == [{"doc": "威政办〔2024〕9号", "amount": 50 * WAN}]
    assert world.ledger.verify("auditor").ok


def _events(world, name: str) -> list[dict]:
    import io
    import json

    out = io.StringIO()
    world.ledger.export("auditor", out)
    rows = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return [r for r in rows if r["type"] == name]
