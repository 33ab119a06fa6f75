"""The second edition of the catalogue through the real apply/award path (policy-clauses.md, "Second edition").

One test (or table) per point: announced talent clauses; 科创16条 第六条 around the 细则's window; the 细则's
start; platform totals per unit over a clause's life (every platform clause, and a hypothesis property);
exact ratios; the three successors of key-tech; each city's clauses for its own units; the two 一事一议
clauses with no amount.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import clauses
from ledger.uscc import make
from tests.helpers import ENTERPRISE, INVESTOR, UNIVERSITY, WH_ENTERPRISE, WH_UNIVERSITY, refused, run

WAN = 1_000_000
CATALOGUE = clauses.default()


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def apply(world, ref, clause, unit=ENTERPRISE, amount="10万", date="2024-09-01", base=None):
    return run(world.ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)


def apply_evaluated(world, ref, clause, unit=ENTERPRISE, amount="10万", date="2024-09-01", grade="good", base=None):
    apply(world, ref, clause, unit, amount, date, base)
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


# -- point 1: announced, not issued ----------------------------------------------------------------


@pytest.mark.parametrize("clause", ["qd2020-kc16-talent-project", "qd2020-kc16-talent-living"])
def test_talent_clauses_were_announced_not_issued(world, clause):
    for day in ("2020-10-21", "2021-06-01", "2026-01-05"):
        error = refused(world.ledger, "apply", ref="T", unit=ENTERPRISE, clause=clause, amount="100万", date=day)
        assert error.code == "NOT_IN_FORCE"
        assert "尚未印发" in error.message and "policy load" in error.message and clause in error.message
    q = world.ledger.quote("admin", clause, ENTERPRISE, None, None, "2021-06-01")
    assert q.refusal.code == "NOT_IN_FORCE" and q.max == 0


# -- point 2: 科创16条 第六条 around the 细则's window ---------------------------------------------------

SIXTH = [
    # clause, the 细则 clause that refines it, the 2024 successor, unit, grade, amount, base
    ("qd2020-kc16-intl-base-national", "qd2020-intl-base-national", "qd2024-16-intl-base-national", "good", None),
    ("qd2020-kc16-belt-road-lab", "qd2020-intl-belt-road-lab", "qd2024-16-belt-road-lab", "good", None),
]


@pytest.mark.parametrize(("clause", "refined_by", "successor", "grade", "base"), SIXTH)
def test_article_six_applies_around_the_rules_window(world, clause, refined_by, successor, grade, base):
    for n, day in enumerate(("2020-10-21", "2020-11-30", "2023-01-01", "2024-07-30")):
        apply_evaluated(world, f"A{n}", clause, UNIVERSITY, "20万", day, grade)
    for day, named in (("2020-12-01", refined_by), ("2022-12-31", refined_by), ("2024-07-31", successor)):
        error = refused(world.ledger, "apply", ref="X", unit=UNIVERSITY, clause=clause, amount="20万", date=day)
        assert error.code == "SUPERSEDED" and named in error.message, (day, error)
    appropriate(world, 2023)
    assert award(world, "A2", "20万", date="2023-06-01").fields["awarded"] == 20 * WAN


def test_the_intl_base_national_of_article_six_pays_50_for_every_passed_evaluation(world):
    appropriate(world, 2023)
    for grade in ("new", "excellent", "good", "pass"):
        apply_evaluated(world, grade, "qd2020-kc16-intl-base-national", UNIVERSITY, "50万", "2023-03-01", grade)
        assert award(world, grade, "50万", date="2023-03-01").fields["awarded"] == 50 * WAN
    apply_evaluated(world, "R", "qd2020-kc16-intl-base-national", UNIVERSITY, "50万", "2023-03-01", "repass")
    assert refuse_award(world, "R", "1万", date="2023-03-01").code == "NOT_ELIGIBLE"


# -- point 3: the 细则 starts on 2020-12-01 --------------------------------------------------------------


def test_the_rules_start_on_the_first_of_december_2020(world):
    error = refused(
        world.ledger,
        "apply",
        ref="X",
        unit=UNIVERSITY,
        clause="qd2020-intl-base-national",
        amount="1万",
        date="2020-11-30",
    )
    assert error.code == "NOT_IN_FORCE" and "2020-12-01" in error.message
    apply(world, "Y", "qd2020-intl-base-national", UNIVERSITY, "1万", "2020-12-01")


# -- point 4: platform maxima are totals per unit over the clause's life -------------------------------


def test_two_awards_of_the_max_under_a_platform_clause_are_not_both_accepted(world):
    # The reproduction: two 1000万 awards to one unit under qd2024-05-national-key-lab-lead.
    apply_evaluated(world, "L1", "qd2024-05-national-key-lab-lead", UNIVERSITY, "1000万")
    apply_evaluated(world, "L2", "qd2024-05-national-key-lab-lead", UNIVERSITY, "1000万", "2024-10-01")
    assert award(world, "L1", "600万").fields["awarded"] == 600 * WAN
    appropriate(world, 2025)
    error = refuse_award(world, "L2", "1000万", date="2025-03-01")
    assert error.code == "EXCEEDS_CLAUSE_MAX"
    assert "600万元" in error.message and "1,000万元" in error.message and "L1" in error.message
    q = world.ledger.quote("admin", "qd2024-05-national-key-lab-lead", UNIVERSITY, None, None, "2025-03-01")
    assert q.max == 400 * WAN and any("已获 600万元" in r for r in q.reasons)
    assert award(world, "L2", "400万", date="2025-03-01").fields["awarded"] == 400 * WAN
    # another unit has its own total
    apply_evaluated(world, "E1", "qd2024-05-national-key-lab-lead", ENTERPRISE, "1000万")
    assert award(world, "E1", "1000万").fields["awarded"] == 1000 * WAN


def test_project_clauses_stay_per_award(world):
    for n in range(3):
        apply_evaluated(world, f"P{n}", "qd2024-01-common-tech", ENTERPRISE, "500万")
        assert award(world, f"P{n}", "500万").fields["awarded"] == 500 * WAN


def test_case_by_case_lifts_the_platform_total_only_with_an_exception_document(world):
    for ref in ("K1", "K2"):
        apply_evaluated(world, ref, "wh2018-1-new-rd-institution", WH_ENTERPRISE, "200万")
    award(world, "K1", "200万")
    assert refuse_award(world, "K2", "100万").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "K2", "100万", exception_doc="威政办〔2024〕9号").fields["exception_doc"] == "威政办〔2024〕9号"


def _platform_case(clause: clauses.Clause) -> tuple[str, str, str | None, str, int]:
    """A unit, grade, date and amount under which this platform clause accepts its whole lifetime max."""
    weihai = clause.document.city == "weihai"
    kinds = clause.unit_types or (tuple(clause.fixed_by_unit_type) if clause.fixed_by_unit_type else ("university",))
    kind = "university" if "university" in kinds else kinds[0]
    grade = next(iter(clause.grades)) if clause.grades else "good"
    day = clause.effective_from
    for s in clause.superseded_by:
        if s.applies(day):
            day = "2020-11-01"
    return kind, ("371000" if weihai else "370200"), grade, day, clause.lifetime_max(kind)


PLATFORM = [c.id for c in CATALOGUE if c.platform]


@pytest.mark.parametrize("clause_id", PLATFORM)
def test_every_platform_clause_totals_per_unit(world, clause_id):
    clause = CATALOGUE.get(clause_id)
    kind, division, grade, day, lifetime = _platform_case(clause)
    tag = uuid.uuid4().hex[:7].upper()
    unit = make(f"{'91' if kind == 'enterprise' else '12'}{division}MA{tag}")
    run(world.ledger, "unit register", code=unit, name_=f"单位{tag}", type=kind)
    appropriate(world, day[:4])
    base = yuan(lifetime) if clause.ratio is not None else None
    apply_evaluated(world, "FIRST", clause_id, unit, yuan(lifetime), day, grade, base)
    apply_evaluated(world, "AGAIN", clause_id, unit, yuan(lifetime), day, grade, base)
    assert award(world, "FIRST", yuan(lifetime), date=day).fields["awarded"] == lifetime
    smallest = clause.fixed or (clause.fixed_by_unit_type or {}).get(kind) or 100
    error = refuse_award(world, "AGAIN", yuan(smallest), date=day)
    expected = "ALREADY_AWARDED_ONCE" if clause.once_per_unit else "EXCEEDS_CLAUSE_MAX"
    assert error.code == expected and clause_id in error.message, error


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    clause_id=st.sampled_from(["qd2024-05-national-key-lab-lead", "qd2024-11-pilot-platform", "qd2024-24-fin-base"]),
    steps=st.lists(
        st.tuples(st.integers(min_value=2024, max_value=2026), st.integers(min_value=1, max_value=1100)),
        min_size=1,
        max_size=6,
    ),
)
def test_any_sequence_of_awards_under_a_platform_clause_sums_to_at_most_its_max(world, clause_id, steps):
    clause = CATALOGUE.get(clause_id)
    lifetime = clause.lifetime_max("enterprise")
    tag = uuid.uuid4().hex[:7].upper()
    unit = make(f"91370200MA{tag}")
    run(world.ledger, "unit register", code=unit, name_=f"单位{tag}", type="enterprise")
    total = 0
    for n, (year, permille) in enumerate(sorted(steps)):
        day = f"{year}-09-01"
        appropriate(world, year)
        amount = max(1, clause.max * permille // 1000 // 100) * 100  # up to 110 % of the max, whole 元
        ref = f"P{n}-{tag}"
        apply_evaluated(world, ref, clause_id, unit, yuan(amount), day)
        if total + amount <= lifetime:
            award(world, ref, yuan(amount), date=day)
            total += amount
        else:
            assert refuse_award(world, ref, yuan(amount), date=day).code == "EXCEEDS_CLAUSE_MAX"
    awarded = sum(r["awarded"] or 0 for r in world.report("awards") if r["unit"] == unit)
    assert awarded == total <= lifetime


# -- point 5: matching and fixed ratios are exact ----------------------------------------------------


def test_vc_reward_is_exactly_ten_percent_rounded_half_up(world):
    apply_evaluated(world, "V", "qd2024-24-vc-reward", INVESTOR, "1234.57", base="12345.65")
    assert refuse_award(world, "V", "1234.56").code == "NOT_ELIGIBLE"
    assert refuse_award(world, "V", "1234.58").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "V", "1234.57").fields["awarded"] == 123457


def test_vc_reward_is_exactly_what_the_yearly_cap_still_leaves_when_that_is_less(world):
    apply_evaluated(world, "V1", "qd2024-24-vc-reward", INVESTOR, "990万", base="9900万")
    award(world, "V1", "990万")
    apply_evaluated(world, "V2", "qd2024-24-vc-reward", INVESTOR, "100万", base="1000万")
    q = world.ledger.quote("admin", "qd2024-24-vc-reward", INVESTOR, None, 1000 * WAN, "2024-09-01")
    assert q.max == 10 * WAN and q.fixed == 10 * WAN
    assert refuse_award(world, "V2", "9万").code == "NOT_ELIGIBLE"
    assert refuse_award(world, "V2", "11万").code == "EXCEEDS_ANNUAL_CAP"
    assert award(world, "V2", "10万").fields["awarded"] == 10 * WAN


def test_provincial_brand_matching_is_exactly_the_provincial_money(world):
    apply_evaluated(world, "B", "wh2018-6-provincial-brand", WH_ENTERPRISE, "80万", base="80万")
    assert refuse_award(world, "B", "79万").code == "NOT_ELIGIBLE"
    assert refuse_award(world, "B", "81万").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "B", "80万").fields["awarded"] == 80 * WAN


def test_ceilings_stay_ceilings(world):
    apply_evaluated(world, "X", "qd2024-16-intl-exchange", UNIVERSITY, "10万", base="50万")
    assert award(world, "X", "10万").fields["awarded"] == 10 * WAN  # 不超过…50%: below the ratio is fine


# -- point 6: key-tech names its three successors ------------------------------------------------------


def test_key_tech_names_all_three_successors(world):
    error = refused(
        world.ledger, "apply", ref="K", unit=ENTERPRISE, clause="qd2020-kc16-key-tech", amount="1万", date="2024-07-31"
    )
    assert error.code == "SUPERSEDED"
    for successor in ("qd2024-01-common-tech", "qd2024-02-key-tech", "qd2024-03-frontier"):
        assert successor in error.message


# -- point 7: each city's clauses are for its own units --------------------------------------------


def test_a_qingdao_institute_is_not_eligible_for_a_weihai_centre(world):
    # The reproduction: a Qingdao institute awarded a Weihai 技术创新中心 300万.
    error = refused(
        world.ledger,
        "apply",
        ref="W",
        unit=UNIVERSITY,
        clause="wh2018-3-tech-center-municipal",
        amount="300万",
        date="2024-09-01",
    )
    assert error.code == "NOT_ELIGIBLE" and "威海市" in error.message and "青岛市" in error.message
    error = refused(
        world.ledger, "apply", ref="Q", unit=WH_UNIVERSITY, clause="qd2024-03-nsf", amount="10万", date="2024-09-01"
    )
    assert error.code == "NOT_ELIGIBLE" and "青岛市" in error.message and "威海市" in error.message
    apply(world, "OK", "wh2018-3-tech-center-municipal", WH_UNIVERSITY, "300万")


def test_a_provincially_registered_unit_is_placed_with_region(world):
    provincial = make("12370000MB0000001")
    run(world.ledger, "unit register", code=provincial, name_="山东省某研究院", type="institute")
    error = refused(world.ledger, "apply", ref="P", unit=provincial, clause="qd2024-03-nsf", amount="1万")
    assert error.code == "NOT_ELIGIBLE" and "--region" in error.message
    # --region needs its document, and only places codes that name no city
    assert (
        refused(
            world.ledger, "unit register", code=provincial, name_="山东省某研究院", type="institute", region="370200"
        )
    ).code == "INVALID_INPUT"
    assert (
        refused(
            world.ledger,
            "unit register",
            code=UNIVERSITY,
            name_="滨海大学",
            type="university",
            region="371000",
            region_doc="X-1",
        )
    ).code == "INVALID_INPUT"
    placed = run(
        world.ledger,
        "unit register",
        code=provincial,
        name_="山东省某研究院",
        type="institute",
        region="370200",
        region_doc="鲁科字〔2024〕1号",
    )
    assert placed.changed and placed.fields["region"] == "370200"
    again = run(
        world.ledger,
        "unit register",
        code=provincial,
        name_="山东省某研究院",
        type="institute",
        region="370200",
        region_doc="鲁科字〔2024〕1号",
    )
    assert not again.changed
    apply(world, "P", "qd2024-03-nsf", provincial, "1万")
    national = make("12100000MB0000002")
    run(
        world.ledger,
        "unit register",
        code=national,
        name_="某国家研究院威海分院",
        type="institute",
        region="371002",
        region_doc="国科发〔2024〕2号",
    )
    apply(world, "N", "wh2018-3-tech-center-municipal", national, "300万")
    assert refused(world.ledger, "apply", ref="N2", unit=national, clause="qd2024-03-nsf", amount="1万").code == (
        "NOT_ELIGIBLE"
    )


# -- point 8: case-by-case clauses with no amount ------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "unit"), [("qd2024-18-major-project", ENTERPRISE), ("wh2018-5-platform-operation", WH_ENTERPRISE)]
)
def test_case_by_case_clauses_need_an_exception_document_for_every_award(world, clause, unit):
    apply_evaluated(world, "C", clause, unit, "5000万")
    error = refuse_award(world, "C", "1万")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "--exception-doc" in error.message
    assert award(world, "C", "5000万", exception_doc="一事一议-1").fields["awarded"] == 5000 * WAN
