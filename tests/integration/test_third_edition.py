"""The third edition of the catalogue (issue 29) through the real apply/award path, on both engines.

1. verify trusts a lawful 一事一议: the lift is recorded on the cap event and verify accepts exactly it;
2. successor clauses share a unit's record (``shares``): once-per-unit marks and lifetime totals carry over;
3. yearly awards once per unit per year (or per cycle: 再次认定, three years);
4. platform clauses counted per platform (``--platform``); a 技术市场奖励's 配套 per award won;
5. real region codes, no exception document where there is no 一事一议, ``ended_by`` in policy show.
"""

from __future__ import annotations

import uuid

import pytest

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


# -- 2. successor clauses share a unit's record ---------------------------------------------------------------

HNTE_SUCCESSOR = """
[document]
id = "qd2025-hnte"
title = "青岛市高新技术企业培育奖补办法"
doc_number = "青科规〔2025〕1号"
issuer = "青岛市科学技术局"
issued = "2025-01-01"
effective_from = "2025-01-01"
city = "qingdao"

[[clauses]]
id = "qd2025-hnte-first"
title = "首次认定高新技术企业奖补(2025)"
item = "第三条"
quote = "对首次认定的高新技术企业给予最高10万元奖补。"
max = "10万"
once_per_unit = true
unit_types = ["enterprise"]
shares = "qd2024-14-hnte-first"
supersedes = [{ clause = "qd2024-14-hnte-first", on = "2025-01-01" }]
"""

WH_SUCCESSOR = """
[document]
id = "wh2025"
title = "威海市科技创新平台奖励办法"
doc_number = "威科字〔2025〕3号"
issuer = "威海市科学技术局"
issued = "2025-01-01"
effective_from = "2025-01-01"
city = "weihai"
ends = [{ clause = "wh2018-6-tech-service-enterprise", last_day = "2024-12-31" }]

[[clauses]]
id = "wh2025-tech-service-enterprise"
title = "技术先进型服务企业一次性奖励(2025)"
item = "第六条"
quote = "经认定的技术先进型服务企业给予30万元一次性奖励。"
fixed = "30万"
once_per_unit = true
unit_types = ["enterprise"]
shares = "wh2018-6-tech-service-enterprise"
"""


def load(world, text: str, name: str):
    from ledger import commands

    return world.ledger.run(commands.build("policy load", {"file-name": name, "content": text}), "admin")


def test_a_loaded_successor_sharing_the_record_refuses_a_second_first_recognition(world):
    apply_evaluated(world, "H1", "qd2024-14-hnte-first", ENTERPRISE, "10万")
    award(world, "H1", "10万")
    load(world, HNTE_SUCCESSOR, "qd2025-hnte.toml")
    appropriate(world, 2025)
    apply_evaluated(world, "H2", "qd2025-hnte-first", ENTERPRISE, "10万", "2025-03-01")
    error = refuse_award(world, "H2", "10万", date="2025-03-01")
    assert error.code == "ALREADY_AWARDED_ONCE" and "H1" in error.message and "qd2024-14-hnte-first" in error.message
    assert refuse_award(world, "H2", "0.01", date="2025-03-01").code == "ALREADY_AWARDED_ONCE"
    q = world.ledger.quote("admin", "qd2025-hnte-first", ENTERPRISE, None, None, "2025-03-01")
    assert q.refusal is not None and q.refusal.code == "ALREADY_AWARDED_ONCE"
    # another enterprise, never recognised, is paid under the successor
    other = _unit(world, "91370203MA", "enterprise")
    apply_evaluated(world, "H3", "qd2025-hnte-first", other, "10万", "2025-03-01")
    assert award(world, "H3", "10万", date="2025-03-01").fields["awarded"] == 10 * WAN


def test_a_weihai_one_off_reward_is_not_paid_again_under_its_successor_and_ended_by_is_shown(world):
    appropriate(world, 2025)
    apply_evaluated(world, "W1", "wh2018-6-tech-service-enterprise", WH_ENTERPRISE, "20万", "2024-09-01")
    award(world, "W1", "20万")
    load(world, WH_SUCCESSOR, "wh2025.toml")
    apply_evaluated(world, "W2", "wh2025-tech-service-enterprise", WH_ENTERPRISE, "30万", "2025-02-01")
    error = refuse_award(world, "W2", "30万", date="2025-02-01")
    assert error.code == "ALREADY_AWARDED_ONCE" and "W1" in error.message
    ended = world.ledger.catalogue().get("wh2018-6-tech-service-enterprise")
    assert ended.ended_by == "威科字〔2025〕3号" and ended.effective_to == "2024-12-31"


def test_article_six_and_the_rules_refining_it_keep_one_total_per_lab(world):
    for year in (2020, 2021):
        appropriate(world, year)
    university = _unit(world, "12370200MB", "university")
    apply_evaluated(world, "B1", "qd2020-kc16-belt-road-lab", university, "500万", "2020-11-01")
    award(world, "B1", "500万", date="2020-11-02", platform="中巴海洋联合实验室")
    kwargs = dict(unit=university, amount="500万", date="2021-06-01", base="500万")
    apply_evaluated(world, "B2", "qd2020-intl-belt-road-lab", **kwargs)
    error = refuse_award(world, "B2", "0.01", date="2021-06-02", platform="中巴海洋联合实验室")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "500万元" in error.message
    # a second lab of the same university is its own platform
    assert award(world, "B2", "500万", date="2021-06-02", platform="中泰联合实验室").fields["awarded"] == 500 * WAN
    assert world.ledger.verify("auditor").ok


def test_unnamed_awards_under_the_two_clauses_of_article_six_share_one_total(world):
    for year in (2020, 2021):
        appropriate(world, year)
    university = _unit(world, "12370200MB", "university")
    apply_evaluated(world, "B1", "qd2020-kc16-belt-road-lab", university, "300万", "2020-11-01")
    award(world, "B1", "300万", date="2020-11-02")
    apply_evaluated(world, "B2", "qd2020-intl-belt-road-lab", university, "500万", "2021-06-01", base="500万")
    assert refuse_award(world, "B2", "2000000.01", date="2021-06-02").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "B2", "200万", date="2021-06-02").fields["awarded"] == 200 * WAN


def _unit(world, prefix: str, kind: str) -> str:
    from ledger.uscc import make

    tag = uuid.uuid4().hex[:7].upper()
    code = make(f"{prefix}{tag}")
    run(world.ledger, "unit register", code=code, name_=f"单位{tag}", type=kind)
    return code


# -- 3. yearly awards once per unit per year (or per cycle) -----------------------------------------------------

YEARLY = [
    ("qd2024-10-tech-contract-point", "50万", "5000万"),
    ("qd2024-23-rd-investment", "500万", None),
    ("qd2024-24-fin-subsidy", "30万", None),
]


@pytest.mark.parametrize(("clause", "most", "base"), YEARLY)
def test_a_yearly_award_is_paid_once_a_year(world, clause, most, base):
    appropriate(world, 2025)
    unit = _unit(world, "91370211MA", "enterprise")
    apply_evaluated(world, "Y1", clause, unit, most, "2024-09-01", base=base)
    apply_evaluated(world, "Y2", clause, unit, most, "2024-10-01", base=base)
    apply_evaluated(world, "Y3", clause, unit, most, "2024-12-01", base=base)
    assert award(world, "Y1", most, date="2024-09-01").fields["awarded"] > 0
    error = refuse_award(world, "Y2", "0.01", date="2024-12-31")
    assert error.code == "ALREADY_AWARDED_ONCE" and "2024 年" in error.message and "Y1" in error.message
    q = world.ledger.quote("admin", clause, unit, None, None, "2024-12-31")
    assert q.refusal is not None and q.refusal.code == "ALREADY_AWARDED_ONCE"
    assert award(world, "Y2", most, date="2025-01-01").fields["awarded"] > 0  # the next year: again, once
    assert refuse_award(world, "Y3", "0.01", date="2025-06-01").code == "ALREADY_AWARDED_ONCE"


def test_renewal_of_a_high_tech_enterprise_is_paid_once_in_a_three_year_cycle(world):
    for year in (2025, 2026):
        appropriate(world, year)
    unit = _unit(world, "91370214MA", "enterprise")
    for n, day in enumerate(("2024-09-01", "2025-09-01", "2026-06-01")):
        apply_evaluated(world, f"R{n}", "qd2024-14-hnte-renewal", unit, "5万", day)
    award(world, "R0", "5万", date="2024-09-01")
    for ref, day in (("R1", "2025-09-01"), ("R2", "2026-06-01")):
        error = refuse_award(world, ref, "0.01", date=day)
        assert error.code == "ALREADY_AWARDED_ONCE" and "3 年" in error.message and "2027" in error.message
    q = world.ledger.quote("admin", "qd2024-14-hnte-renewal", unit, None, None, "2027-09-01")
    assert q.refusal is None and q.max == 5 * WAN  # the next cycle
    q = world.ledger.quote("admin", "qd2024-14-hnte-renewal", unit, None, None, "2026-12-31")
    assert q.refusal is not None


# -- 4. platforms counted per platform -----------------------------------------------------------------------


def test_a_second_national_key_lab_of_one_university_is_paid(world):
    appropriate(world, 2025)
    university = _unit(world, "12370200MB", "university")
    for ref in ("L1", "L2", "L3"):
        apply_evaluated(world, ref, "qd2024-05-national-key-lab-lead", university, "1000万")
    award(world, "L1", "1000万", platform="海洋药物全国重点实验室")
    error = refuse_award(world, "L2", "0.01", platform="海洋药物全国重点实验室")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "海洋药物全国重点实验室" in error.message
    q = world.ledger.quote(
        "admin", "qd2024-05-national-key-lab-lead", university, None, None, "2024-09-01", "深海全国重点实验室"
    )
    assert q.max == 1000 * WAN
    assert award(world, "L2", "1000万", platform="深海全国重点实验室").fields["platform"] == "深海全国重点实验室"
    assert refuse_award(world, "L3", "0.01", date="2025-01-02", platform="深海全国重点实验室").code == (
        "EXCEEDS_CLAUSE_MAX"
    )
    assert world.ledger.verify("auditor").ok


def test_an_unnamed_award_counts_against_every_named_platform(world):
    university = _unit(world, "12370200MB", "university")
    for ref in ("L1", "L2"):
        apply_evaluated(world, ref, "qd2024-05-national-key-lab-lead", university, "1000万")
    award(world, "L1", "600万")
    assert refuse_award(world, "L2", "4000000.01", platform="深海全国重点实验室").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "L2", "400万", platform="深海全国重点实验室").fields["awarded"] == 400 * WAN


def test_a_technology_market_award_is_matched_once_per_prize_won(world):
    for ref in ("M1", "M2", "M3"):
        apply_evaluated(world, ref, "wh2018-7-tech-market-national", WH_ENTERPRISE, "20万")
    award(world, "M1", "20万", platform="2023年度金桥奖")
    error = refuse_award(world, "M2", "20万", platform="2023年度金桥奖")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "奖项 2023年度金桥奖" in error.message
    assert award(world, "M2", "20万", platform="2024年度金桥奖").fields["awarded"] == 20 * WAN


def test_a_platform_on_a_project_clause_is_refused(world):
    apply_evaluated(world, "P1", "qd2024-01-common-tech", ENTERPRISE, "100万")
    error = refuse_award(world, "P1", "100万", platform="某平台")
    assert error.code == "INVALID_INPUT" and "不是平台类条款" in error.message


# -- 5. smaller ------------------------------------------------------------------------------------------------


def test_an_exception_document_on_a_clause_without_case_by_case_is_refused(world):
    apply_evaluated(world, "X1", "qd2024-01-common-tech", ENTERPRISE, "100万")
    error = refuse_award(world, "X1", "100万", exception_doc="青政办〔2024〕7号")
    assert error.code == "INVALID_INPUT" and "一事一议" in error.message and "qd2024-01-common-tech" in error.message
    assert award(world, "X1", "100万").fields["exception_doc"] is None


@pytest.mark.parametrize(("region", "ok"), [("370211", True), ("371003", True), ("370299", False), ("371099", False)])
def test_region_must_be_a_real_division_of_either_city(world, region, ok):
    from ledger.uscc import make

    code = make(f"12370000MB{uuid.uuid4().hex[:7].upper()}")
    raw = dict(code=code, name_="省属单位", type="institute", region=region, region_doc="鲁编〔2020〕1号")
    if ok:
        assert run(world.ledger, "unit register", **raw).fields["region"] == region
    else:
        error = refused(world.ledger, "unit register", **raw)
        assert error.code == "INVALID_INPUT" and region in error.message
