"""The shipped policy catalogue (ledger/policies/*.toml) against the spec and the seeds.

Table-driven over every clause: the ids are exactly those of
``policy-clauses.md``, every quote is a verbatim substring of its seed, every
window is consistent, every rule kind is exercised, and a sample of values is
checked against the spec. The last tests show the loader refusing bad files.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from ledger import clauses

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WAN = 1_000_000  # 分 per 万元

# Copied from /work/shared/spec/policy-clauses.md, in the spec's order.
EXPECTED_IDS = [
    # qd2020-kc16
    "qd2020-kc16-national-platform",
    "qd2020-kc16-innovation-community",
    "qd2020-kc16-clinical-center",
    "qd2020-kc16-key-project-team",
    "qd2020-kc16-key-tech",
    "qd2020-kc16-talent-project",
    "qd2020-kc16-talent-living",
    "qd2020-kc16-intl-base-national",  # second edition, point 2
    "qd2020-kc16-belt-road-lab",  # second edition, point 2
    # qd2020-intl
    "qd2020-intl-base-national",
    "qd2020-intl-base-provincial",
    "qd2020-intl-base-municipal",
    "qd2020-intl-belt-road-lab",
    # qd2024
    "qd2024-01-common-tech",
    "qd2024-01-demo",
    "qd2024-02-key-tech",
    "qd2024-02-demo",
    "qd2024-03-frontier",
    "qd2024-03-nsf",
    "qd2024-04-marine-tech",
    "qd2024-04-marine-demo",
    "qd2024-05-national-key-lab-lead",
    "qd2024-05-national-key-lab-participant",
    "qd2024-05-provincial-key-lab",
    "qd2024-05-municipal-key-lab",
    "qd2024-06-clinical-center",
    "qd2024-06-national-center",
    "qd2024-07-new-rd-institution",
    "qd2024-10-tech-contract-point",
    "qd2024-11-proof-of-concept",
    "qd2024-11-pilot-platform",
    "qd2024-12-scenario-demo",
    "qd2024-12-livelihood",
    "qd2024-14-sme-project",
    "qd2024-14-hnte-first",
    "qd2024-14-hnte-renewal",
    "qd2024-16-belt-road-lab",
    "qd2024-16-intl-base-national",
    "qd2024-16-intl-base-provincial",
    "qd2024-16-intl-base-municipal",
    "qd2024-16-intl-exchange",
    "qd2024-17-park-challenge",
    "qd2024-18-major-project",  # second edition, point 8
    "qd2024-22-equity",
    "qd2024-22-lead-investment",
    "qd2024-23-rd-investment",
    "qd2024-23-innovation-voucher",
    "qd2024-24-vc-reward",
    "qd2024-24-fin-subsidy",
    "qd2024-24-fin-base",
    "qd2024-25-think-tank",
    # wh2018
    "wh2018-1-new-rd-institution",
    "wh2018-3-tech-center-municipal",
    "wh2018-3-tech-center-provincial",
    "wh2018-3-tech-center-national",
    "wh2018-4-clinical-municipal",
    "wh2018-4-clinical-upgrade",
    "wh2018-6-incubator-national",
    "wh2018-6-star-space",
    "wh2018-6-provincial-brand",
    "wh2018-6-tech-service-enterprise",
    "wh2018-5-platform-operation",  # second edition, point 8
    "wh2018-7-transfer-org-national",
    "wh2018-7-transfer-org-provincial",
    "wh2018-7-tech-market-national",
    "wh2018-7-tech-market-provincial",
]

ALL_RULE_KINDS = {
    "max",
    "fixed",
    "fixed_by_unit_type",
    "ratio",
    "grade",
    "unit_type",
    "annual_cap",
    "once_per_unit",
    "expiry",
    "superseded",
    "case_by_case",
    "equity",
    "announced",
    "platform",
    "exact",
}

# document id → (clause count, issued, effective_from, effective_to, doc_number, city)
DOCUMENTS = {
    "qd2020-kc16": (9, "2020-10-21", "2020-10-21", None, None, "qingdao"),
    # Second edition, point 3: the 细则 is in force from 2020-12-01 (its day is not printed).
    "qd2020-intl": (4, "2020-12-01", "2020-12-01", "2022-12-31", None, "qingdao"),
    "qd2024": (38, "2024-07-31", "2024-07-31", "2028-12-31", "青政字〔2024〕20号", "qingdao"),
    "wh2018": (15, "2018-11-30", "2018-11-30", None, "威政办字〔2018〕106号", "weihai"),
}


def rule_kinds(c) -> tuple[str, ...]:
    """The kinds of rule clause ``c`` exercises (moved here from ``ledger.clauses``: only these tests ask)."""
    kinds = [
        kind
        for kind, present in (
            ("max", c.max is not None),
            ("fixed", c.fixed is not None),
            ("fixed_by_unit_type", c.fixed_by_unit_type is not None),
            ("ratio", c.ratio is not None),
            ("grade", c.grades is not None),
            ("unit_type", c.unit_types is not None),
            ("annual_cap", c.annual_cap is not None),
            ("once_per_unit", c.once_per_unit),
            ("expiry", c.effective_to is not None),
            ("superseded", bool(c.superseded_by)),
            ("case_by_case", c.case_by_case or c.exception_required),
            ("equity", "grant" not in c.modes),
            ("announced", c.status == "announced"),
            ("platform", c.platform),
            ("exact", c.exact),
        )
        if present
    ]
    return tuple(kinds)


@pytest.fixture(scope="module")
def catalogue() -> clauses.Catalogue:
    return clauses.load(clauses.POLICY_DIR)


def _seed_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def test_expected_ids_are_66_and_unique():
    assert len(EXPECTED_IDS) == 66
    assert len(set(EXPECTED_IDS)) == 66


def test_exactly_the_spec_ids_load(catalogue):
    assert sorted(c.id for c in catalogue) == sorted(EXPECTED_IDS)
    assert len(catalogue) == 66


@pytest.mark.parametrize("doc_id", sorted(DOCUMENTS))
def test_documents(catalogue, doc_id):
    count, issued, start, end, number, city = DOCUMENTS[doc_id]
    members = [c for c in catalogue if c.document.id == doc_id]
    assert len(members) == count
    for c in members:
        assert c.id.startswith(doc_id + "-")
        assert c.document.issued == issued
        assert c.document.doc_number == number
        assert c.document.city == city
        assert (c.effective_from, c.effective_to) == (start, end)
        for seed in c.document.seeds:
            assert (SEEDS / seed).is_file(), seed


def test_qd2024_lists_the_briefing_seed(catalogue):
    seeds = catalogue.get("qd2024-01-demo").document.seeds
    assert seeds[0].startswith("002_")
    assert any(s.startswith("001_") for s in seeds)


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_quote_is_verbatim_in_its_seed(catalogue, clause_id):
    c = catalogue.get(clause_id)
    path = SEEDS / c.seed
    assert path.is_file(), f"{clause_id}: seed {c.seed} not in {SEEDS}"
    assert c.quote in _seed_text(c.seed), f"{clause_id}: quote not found verbatim in {c.seed}"
    assert c.title.strip() and c.item.strip()


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_sentences_quoted_in_notes_are_verbatim(catalogue, clause_id):
    # Notes mark sentences copied from a seed with 「…」; each must be found in some seed.
    c = catalogue.get(clause_id)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for quoted in re.findall(r"「(.*?)」", c.note or ""):
        assert any(quoted in t for t in texts), f"{clause_id}: note quotes {quoted!r}, not in any seed"


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_window_is_valid(catalogue, clause_id):
    c = catalogue.get(clause_id)
    assert c.document.issued <= c.effective_from
    if c.effective_to is not None:
        assert c.effective_from <= c.effective_to
    for s in c.superseded_by:
        assert c.effective_from <= s.on
        successor = catalogue.get(s.successor)
        assert successor is not None
        assert successor.effective_from <= s.on
        assert successor.document.city == c.document.city


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_every_clause_has_a_limit(catalogue, clause_id):
    c = catalogue.get(clause_id)
    assert any(x is not None for x in (c.max, c.fixed, c.fixed_by_unit_type, c.ratio, c.grades)) or c.exception_required
    if c.ratio is not None:
        assert c.base


def test_every_rule_kind_is_exercised(catalogue):
    seen = {kind for c in catalogue for kind in rule_kinds(c)}
    assert seen == ALL_RULE_KINDS


# -- spot checks against policy-clauses.md ------------------------------------

MAXES = {
    "qd2020-kc16-national-platform": 1000,
    "qd2020-kc16-innovation-community": 2000,
    "qd2020-kc16-clinical-center": 200,
    "qd2020-kc16-key-project-team": 30,
    "qd2020-kc16-key-tech": 500,
    "qd2020-kc16-talent-project": 10000,
    "qd2020-kc16-talent-living": 500,
    "qd2020-kc16-belt-road-lab": 500,
    "qd2020-intl-belt-road-lab": 500,
    "qd2024-01-common-tech": 500,
    "qd2024-01-demo": 1000,
    "qd2024-02-key-tech": 500,
    "qd2024-02-demo": 1000,
    "qd2024-03-frontier": 500,
    "qd2024-03-nsf": 100,
    "qd2024-04-marine-tech": 500,
    "qd2024-04-marine-demo": 1000,
    "qd2024-05-national-key-lab-lead": 1000,
    "qd2024-05-national-key-lab-participant": 300,
    "qd2024-05-provincial-key-lab": 100,
    "qd2024-05-municipal-key-lab": 50,
    "qd2024-06-clinical-center": 200,
    "qd2024-06-national-center": 1000,
    "qd2024-07-new-rd-institution": 50,
    "qd2024-10-tech-contract-point": 50,
    "qd2024-11-proof-of-concept": 2000,
    "qd2024-11-pilot-platform": 200,
    "qd2024-12-scenario-demo": 200,
    "qd2024-12-livelihood": 200,
    "qd2024-14-sme-project": 100,
    "qd2024-14-hnte-first": 10,
    "qd2024-14-hnte-renewal": 5,
    "qd2024-16-belt-road-lab": 500,
    "qd2024-16-intl-exchange": 50,
    "qd2024-17-park-challenge": 50,
    "qd2024-22-equity": 1000,
    "qd2024-23-rd-investment": 500,
    "qd2024-24-fin-subsidy": 30,
    "qd2024-24-fin-base": 50,
    "qd2024-25-think-tank": 100,
    "wh2018-1-new-rd-institution": 200,
}

FIXED = {
    "wh2018-3-tech-center-provincial": 500,
    "wh2018-3-tech-center-national": 1000,
    "wh2018-4-clinical-municipal": 100,
    "wh2018-4-clinical-upgrade": 200,
    "wh2018-6-incubator-national": 200,
    "wh2018-6-star-space": 100,
    "wh2018-6-tech-service-enterprise": 20,
    "wh2018-7-transfer-org-national": 200,
    "wh2018-7-transfer-org-provincial": 100,
    "wh2018-7-tech-market-national": 20,
    "wh2018-7-tech-market-provincial": 10,
}


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_max_and_fixed_amounts(catalogue, clause_id):
    c = catalogue.get(clause_id)
    expected_max = MAXES.get(clause_id)
    expected_fixed = FIXED.get(clause_id)
    assert c.max == (expected_max * WAN if expected_max is not None else None)
    assert c.fixed == (expected_fixed * WAN if expected_fixed is not None else None)


def test_hnte_first(catalogue):
    c = catalogue.get("qd2024-14-hnte-first")
    assert c.max == 10 * WAN == 10_000_000
    assert c.once_per_unit
    assert c.unit_types == ("enterprise",)
    assert not catalogue.get("qd2024-14-hnte-renewal").once_per_unit


def test_grade_tables(catalogue):
    national = catalogue.get("qd2020-intl-base-national").grades
    assert dict(national) == {"new": 50 * WAN, "excellent": 50 * WAN, "good": 30 * WAN, "pass": 30 * WAN}
    assert "repass" not in national and "fail" not in national
    assert dict(catalogue.get("qd2020-intl-base-provincial").grades) == {"excellent": 30 * WAN}
    assert dict(catalogue.get("qd2020-intl-base-municipal").grades) == {"excellent": 20 * WAN}
    kc16 = catalogue.get("qd2020-kc16-intl-base-national").grades
    assert dict(kc16) == {"new": 50 * WAN, "excellent": 50 * WAN, "good": 50 * WAN, "pass": 50 * WAN}
    assert dict(catalogue.get("qd2024-16-intl-base-national").grades) == {"new": 50 * WAN}
    assert dict(catalogue.get("qd2024-16-intl-base-provincial").grades) == {"new": 30 * WAN}
    assert dict(catalogue.get("qd2024-16-intl-base-municipal").grades) == {"excellent": 20 * WAN}
    for c in catalogue:
        assert c.grades is None or "fail" not in c.grades


def test_fixed_by_unit_type(catalogue):
    c = catalogue.get("wh2018-3-tech-center-municipal")
    assert dict(c.fixed_by_unit_type) == {"enterprise": 200 * WAN, "university": 300 * WAN, "institute": 300 * WAN}
    assert set(c.unit_types) == {"enterprise", "university", "institute"}
    assert c.fixed is None and c.max is None


def test_ratios(catalogue):
    vc = catalogue.get("qd2024-24-vc-reward")
    assert vc.ratio == Fraction(1, 10)
    assert vc.base == "实际投资额"
    assert vc.annual_cap == 1000 * WAN
    assert vc.cap_group == "qd2024-24-vc-reward"
    assert vc.unit_types == ("investor",)
    assert vc.seed.startswith("001_")
    assert vc.max is None
    assert vc.exact  # second edition, point 5: exactly 10%
    voucher = catalogue.get("qd2024-23-innovation-voucher")
    assert voucher.ratio == Fraction(1, 2) and voucher.annual_cap == 20 * WAN and voucher.max is None
    exchange = catalogue.get("qd2024-16-intl-exchange")
    assert exchange.ratio == Fraction(1, 2) and exchange.max == 50 * WAN
    lab = catalogue.get("qd2020-intl-belt-road-lab")
    assert lab.ratio == 1 and lab.max == 500 * WAN
    brand = catalogue.get("wh2018-6-provincial-brand")
    assert brand.ratio == 1 and brand.base == "省拨资金" and brand.max is None and brand.fixed is None
    assert brand.exact  # second edition, point 5: 1:1 matching is exact
    assert {c.id for c in catalogue if c.exact} == {"qd2024-24-vc-reward", "wh2018-6-provincial-brand"}
    assert not lab.exact and not exchange.exact and not voucher.exact  # 不超过1:1 and 按…50% with 最高 stay ceilings
    point = catalogue.get("qd2024-10-tech-contract-point")
    assert point.base == "上年度登记技术合同成交额" and point.ratio is None and point.max == 50 * WAN


def test_annual_caps(catalogue):
    caps = {c.id: (c.max, c.annual_cap, c.cap_group) for c in catalogue if c.annual_cap is not None}
    assert caps == {
        "qd2020-kc16-key-project-team": (30 * WAN, 200 * WAN, "qd2020-kc16-key-project-team"),
        "qd2024-23-innovation-voucher": (None, 20 * WAN, "qd2024-23-innovation-voucher"),
        "qd2024-24-vc-reward": (None, 1000 * WAN, "qd2024-24-vc-reward"),
    }


def test_once_per_unit(catalogue):
    assert {c.id for c in catalogue if c.once_per_unit} == {
        "qd2024-14-hnte-first",
        "wh2018-6-incubator-national",
        "wh2018-6-tech-service-enterprise",
    }


def test_case_by_case(catalogue):
    assert {c.id for c in catalogue if c.case_by_case} == {"qd2020-kc16-key-tech", "wh2018-1-new-rd-institution"}
    lead = catalogue.get("qd2024-22-lead-investment")
    assert lead.exception_required and lead.max is None and lead.fixed is None
    assert {c.id for c in catalogue if c.exception_required} == {
        "qd2024-22-lead-investment",
        "qd2024-18-major-project",  # second edition, point 8
        "wh2018-5-platform-operation",
    }
    for clause_id in ("qd2024-18-major-project", "wh2018-5-platform-operation"):
        c = catalogue.get(clause_id)
        assert c.max is None and c.fixed is None and c.ratio is None and not c.platform
        assert "一事一议" in c.quote and "第二版第8点" in c.note


def test_supersessions(catalogue):
    found = {(c.id, s.successor, s.on, s.scope) for c in catalogue for s in c.superseded_by}
    assert found == {
        ("qd2020-kc16-national-platform", "qd2024-05-national-key-lab-lead", "2024-07-31", "labs"),
        ("qd2020-kc16-national-platform", "qd2024-06-national-center", "2024-07-31", "centres"),
        ("qd2020-kc16-clinical-center", "qd2024-06-clinical-center", "2024-07-31", None),
        # Second edition, point 6: all three successors of key-tech.
        ("qd2020-kc16-key-tech", "qd2024-01-common-tech", "2024-07-31", "共性技术攻关"),
        ("qd2020-kc16-key-tech", "qd2024-02-key-tech", "2024-07-31", "关键技术攻关"),
        ("qd2020-kc16-key-tech", "qd2024-03-frontier", "2024-07-31", "重大原创性、颠覆性技术"),
        # Second edition, point 2: 第六条 is refined by the 细则 inside its window and replaced in 2024.
        ("qd2020-kc16-intl-base-national", "qd2020-intl-base-national", "2020-12-01", "细则有效期内按细则"),
        ("qd2020-kc16-intl-base-national", "qd2024-16-intl-base-national", "2024-07-31", None),
        ("qd2020-kc16-belt-road-lab", "qd2020-intl-belt-road-lab", "2020-12-01", "细则有效期内按细则"),
        ("qd2020-kc16-belt-road-lab", "qd2024-16-belt-road-lab", "2024-07-31", None),
    }
    untils = {(c.id, s.successor): s.until for c in catalogue for s in c.superseded_by if s.until}
    assert untils == {
        ("qd2020-kc16-intl-base-national", "qd2020-intl-base-national"): "2022-12-31",
        ("qd2020-kc16-belt-road-lab", "qd2020-intl-belt-road-lab"): "2022-12-31",
    }
    for clause_id in ("qd2020-kc16-national-platform", "qd2020-kc16-clinical-center", "qd2020-kc16-key-tech"):
        assert "此前发布的有关文件规定,与本文件政策措施不一致的,按本文件政策措施执行" in catalogue.get(clause_id).note
    assert all(not c.superseded_by for c in catalogue if c.document.city == "weihai")


def test_in_force(catalogue):
    ids_2021 = {c.id for c in catalogue.in_force("2021-06-01")}
    assert "qd2020-intl-base-national" in ids_2021 and "qd2024-01-demo" not in ids_2021
    ids_2023 = {c.id for c in catalogue.in_force("2023-01-01")}
    assert "qd2020-intl-base-national" not in ids_2023  # 细则 expired 2022-12-31
    assert "qd2020-kc16-key-tech" in ids_2023
    assert {"qd2020-kc16-intl-base-national", "qd2020-kc16-belt-road-lab"} <= ids_2023  # no gap any more
    assert "qd2020-intl-base-national" not in {c.id for c in catalogue.in_force("2020-11-30")}  # point 3
    assert not any(c.id.startswith("qd2020-kc16-talent") for c in catalogue.in_force("2021-06-01"))  # point 1
    ids_2029 = {c.id for c in catalogue.in_force("2029-01-01")}
    assert not any(i.startswith("qd2024-") for i in ids_2029)
    assert "wh2018-6-star-space" in ids_2029
    assert not any(c.document.id == "wh2018" for c in catalogue.in_force("2018-11-29"))


ALL_MODES = ("grant", "equity", "mixed", "convertible")


def test_modes(catalogue):
    modes = {c.id: c.modes for c in catalogue if c.modes != ("grant",)}
    expected = {
        clause_id: ALL_MODES
        for clause_id in EXPECTED_IDS
        if clause_id.startswith(("qd2024-01-", "qd2024-02-", "qd2024-03-", "qd2024-04-"))
    }
    # The NSF is grant only: the seeds name equity for 攻关 and 示范, not for the 自然科学基金.
    del expected["qd2024-03-nsf"]
    # The briefing names 科技型中小企业技术创新 beside 攻关 and 示范 for equity or 拨投结合.
    expected["qd2024-14-sme-project"] = ALL_MODES
    expected["qd2024-22-equity"] = ("equity",)
    # The briefing: 政府领投 by 直接投资、"拨投结合"、"股债联动".
    expected["qd2024-22-lead-investment"] = ("equity", "mixed")
    expected["qd2020-kc16-talent-project"] = ("equity",)
    expected["qd2024-18-major-project"] = ("grant",)
    del expected["qd2024-18-major-project"]
    assert modes == expected
    equity_only = {c.id for c in catalogue if "equity" in rule_kinds(c)}
    assert "announced" in rule_kinds(catalogue.get("qd2020-kc16-talent-project"))
    assert equity_only == {"qd2024-22-equity", "qd2024-22-lead-investment", "qd2020-kc16-talent-project"}


def test_unit_types(catalogue):
    assert catalogue.get("qd2024-24-vc-reward").unit_types == ("investor",)
    for clause_id in (
        "qd2024-14-sme-project",
        "qd2024-14-hnte-first",
        "qd2024-14-hnte-renewal",
        "qd2024-23-innovation-voucher",
        "qd2024-23-rd-investment",
        "qd2024-24-fin-subsidy",
        "wh2018-6-tech-service-enterprise",
    ):
        assert catalogue.get(clause_id).unit_types == ("enterprise",), clause_id
    assert catalogue.get("wh2018-4-clinical-municipal").unit_types == ("hospital",)


# -- second edition ---------------------------------------------------------------

# Point 4: clauses that fund the recognition or building of a platform; the max is a lifetime total per unit.
PLATFORM = {
    "qd2020-kc16-national-platform": 1000,
    "qd2020-kc16-innovation-community": 2000,
    "qd2020-kc16-clinical-center": 200,
    "qd2020-kc16-belt-road-lab": 500,
    "qd2020-intl-belt-road-lab": 500,
    "qd2024-05-national-key-lab-lead": 1000,
    "qd2024-05-national-key-lab-participant": 300,
    "qd2024-05-provincial-key-lab": 100,
    "qd2024-05-municipal-key-lab": 50,
    "qd2024-06-clinical-center": 200,
    "qd2024-06-national-center": 1000,
    "qd2024-07-new-rd-institution": 50,
    "qd2024-11-proof-of-concept": 2000,
    "qd2024-11-pilot-platform": 200,
    "qd2024-16-belt-road-lab": 500,
    "qd2024-16-intl-base-national": 50,
    "qd2024-16-intl-base-provincial": 30,
    "qd2024-16-intl-base-municipal": 20,
    "qd2024-24-fin-base": 50,
    "wh2018-1-new-rd-institution": 200,
    "wh2018-3-tech-center-municipal": 300,  # enterprise 200 (see below)
    "wh2018-3-tech-center-provincial": 500,
    "wh2018-3-tech-center-national": 1000,
    "wh2018-4-clinical-municipal": 100,
    "wh2018-4-clinical-upgrade": 200,
    "wh2018-6-incubator-national": 200,
    "wh2018-6-star-space": 100,
    "wh2018-6-tech-service-enterprise": 20,
    "wh2018-7-transfer-org-national": 200,
    "wh2018-7-transfer-org-provincial": 100,
    "wh2018-7-tech-market-national": 20,
    "wh2018-7-tech-market-provincial": 10,
}


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_platform_clauses(catalogue, clause_id):
    c = catalogue.get(clause_id)
    assert c.platform == (clause_id in PLATFORM)
    expected = PLATFORM.get(clause_id)
    assert c.lifetime_max() == (expected * WAN if expected is not None else None)
    if c.platform:
        assert "第二版第4点" in c.note


def test_platform_lifetime_by_unit_type(catalogue):
    c = catalogue.get("wh2018-3-tech-center-municipal")
    assert c.lifetime_max("enterprise") == 200 * WAN and c.lifetime_max("university") == 300 * WAN
    assert "「在建设期内,对牵头组建单位给予最高1000万元」" in catalogue.get("qd2024-05-national-key-lab-lead").note


@pytest.mark.parametrize("clause_id", EXPECTED_IDS)
def test_announced_clauses(catalogue, clause_id):
    c = catalogue.get(clause_id)
    announced = clause_id in ("qd2020-kc16-talent-project", "qd2020-kc16-talent-living")
    assert c.status == ("announced" if announced else "issued")
    if announced:
        assert "「目前新政策正在进一步的修改完善,近期将会出台」" in c.note
        assert "「根据项目认定层次给予一定的资助」" in c.note


def test_second_edition_notes_cite_the_seed(catalogue):
    assert "「今年12月份科技部正式下文批复该中心的建设」" in catalogue.get("qd2020-intl-base-national").document.note
    assert (
        "「对新认定和通过定期评估的国家国际科技合作基地给予最高50万元奖励」"
        in catalogue.get("qd2020-kc16-intl-base-national").note
    )
    assert "「按照省拨资金1:1配套」" in catalogue.get("wh2018-6-provincial-brand").note
    assert "「根据实际投资额10%给予奖励」" in catalogue.get("qd2024-24-vc-reward").note
    assert "qd2024-03-frontier" in catalogue.get("qd2020-kc16-key-tech").note


def test_citation_names_document_number_and_item(catalogue):
    c = catalogue.get("qd2024-14-hnte-first")
    assert "青政字〔2024〕20号" in c.citation and "14." in c.citation
    w = catalogue.get("wh2018-3-tech-center-municipal")
    assert "威政办字〔2018〕106号" in w.citation and "四、(三)" in w.citation


# -- the loader refuses bad files, naming the clause ---------------------------

_DOC = """\
[document]
id = "tst"
title = "测试文件"
issuer = "测试"
issued = "2024-01-01"
seeds = ["000_test.txt"]
effective_from = "2024-01-01"
city = "qingdao"
"""

_GOOD = """
[[clauses]]
id = "tst-good"
title = "好的条款"
item = "1."
quote = "给予最高10万元支持"
max = "10万"
"""


def _write(tmp_path: Path, clause: str) -> Path:
    (tmp_path / "tst.toml").write_text(_DOC + _GOOD + clause, encoding="utf-8")
    return tmp_path


def test_a_good_minimal_file_loads(tmp_path):
    cat = clauses.load(_write(tmp_path, ""))
    assert list(cat.clauses) == ["tst-good"]


@pytest.mark.parametrize(
    ("name", "clause", "message"),
    [
        (
            "unknown key",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "最高10万元"\n'
            'max = "10万"\nmaximum = "20万"\n',
            "不认识的字段",
        ),
        (
            "fixed with max",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "给予10万元"\n'
            'fixed = "10万"\nmax = "10万"\n',
            "定额 (fixed) 不能再有 max",
        ),
        (
            "bad amount",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "最高十万元"\nmax = "十万"\n',
            "不是金额",
        ),
        (
            "float amount",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "最高10万元"\nmax = 100000.5\n',
            "金额须为文本",
        ),
        (
            "missing quote",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nmax = "10万"\n',
            "quote 须是非空文字",
        ),
        (
            "unknown successor",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "最高10万元"\nmax = "10万"\n'
            'superseded_by = [{ clause = "tst-nowhere", on = "2024-07-31" }]\n',
            "取代它的 tst-nowhere 不在政策目录中",
        ),
        (
            "没有任何限额",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "给予支持"\n',
            "没有任何限额",
        ),
        (
            "unit types disagree with fixed_by_unit_type",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "给予200万元"\n'
            'fixed_by_unit_type = { enterprise = "200万" }\nunit_types = ["university"]\n',
            "列的单位类型不同",
        ),
        (
            "grade fail",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "最高10万元"\n'
            'grades = { fail = "10万" }\n',
            "永远不能获得资助",
        ),
        (
            "case by case without max",
            '\n[[clauses]]\nid = "tst-bad"\ntitle = "坏"\nitem = "2."\nquote = "一事一议"\n'
            'ratio = "0.5"\nbase = "实际支出"\ncase_by_case = true\n',
            "所以须有 max",
        ),
    ],
)
def test_loader_refuses(tmp_path, name, clause, message):
    with pytest.raises(clauses.CatalogueError) as info:
        clauses.load(_write(tmp_path, clause))
    text = str(info.value)
    assert "tst-bad" in text, f"{name}: message does not name the clause: {text}"
    assert message in text, f"{name}: {text}"


def test_loader_refuses_a_duplicate_id(tmp_path):
    with pytest.raises(clauses.CatalogueError, match="tst-good"):
        clauses.load(_write(tmp_path, _GOOD))


def test_loader_refuses_an_empty_directory(tmp_path):
    with pytest.raises(clauses.CatalogueError):
        clauses.load(tmp_path)
