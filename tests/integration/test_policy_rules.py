"""Each kind of policy rule, accepted and refused through the real award path; quote and award agree.

Rule kinds: max, fixed, fixed by unit type, ratio, grade table, unit type,
yearly cap, once per unit, expiry, supersession, case-by-case, equity-only.
"""

from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.errors import LedgerError
from ledger.uscc import make
from tests.helpers import (
    ENTERPRISE,
    INVESTOR,
    UNIVERSITY,
    WH_ENTERPRISE,
    WH_HOSPITAL,
    WH_UNIVERSITY,
    refused,
    run,
)

WAN = 1_000_000


def apply_evaluated(world, ref, clause, *, unit=ENTERPRISE, amount="10万", date="2024-09-01", grade="good", base=None):
    run(world.ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
    run(world.ledger, "evaluate", ref=ref, grade=grade, date=date)


def award(world, ref, amount, date="2024-09-01", **extra):
    return run(
        world.ledger, "award", ref=ref, amount=amount, fund=extra.pop("fund", "KJ"), doc=f"D-{ref}", date=date, **extra
    )


def refuse_award(world, ref, amount, date="2024-09-01", **extra) -> LedgerError:
    return refused(
        world.ledger, "award", ref=ref, amount=amount, fund=extra.pop("fund", "KJ"), doc=f"D-{ref}", date=date, **extra
    )


def test_max_allows_up_to_the_maximum_and_refuses_one_fen_more(world):
    apply_evaluated(world, "A", "qd2024-14-hnte-first")
    error = refuse_award(world, "A", "100000.01")
    assert error.code == "EXCEEDS_CLAUSE_MAX"
    assert (
        "qd2024-14-hnte-first" in error.message and "10万元" in error.message and "青政字〔2024〕20号" in error.message
    )
    assert award(world, "A", "10万").fields["awarded"] == 10 * WAN


def test_fixed_amount_must_be_exactly_the_fixed_sum(world):
    for ref in ("A", "B", "C"):
        apply_evaluated(world, ref, "wh2018-6-star-space", amount="100万", unit=WH_ENTERPRISE)
    assert refuse_award(world, "A", "101万").code == "EXCEEDS_CLAUSE_MAX"
    assert refuse_award(world, "B", "99万").code == "NOT_ELIGIBLE"
    assert award(world, "C", "100万").fields["awarded"] == 100 * WAN


def test_fixed_by_unit_type_pays_universities_more_than_enterprises(world):
    apply_evaluated(world, "E", "wh2018-3-tech-center-municipal", unit=WH_ENTERPRISE, amount="300万")
    apply_evaluated(world, "U", "wh2018-3-tech-center-municipal", unit=WH_UNIVERSITY, amount="300万")
    assert refuse_award(world, "E", "300万").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "E", "200万").fields["awarded"] == 200 * WAN
    assert award(world, "U", "300万").fields["awarded"] == 300 * WAN


def test_unit_type_outside_the_clause_is_refused_at_application(world):
    error = refused(
        world.ledger,
        "apply",
        ref="H",
        unit=WH_HOSPITAL,
        clause="wh2018-3-tech-center-municipal",
        amount="200万",
        date="2024-09-01",
    )
    assert error.code == "NOT_ELIGIBLE" and "医疗机构" in error.message
    assert (
        refused(
            world.ledger,
            "apply",
            ref="V",
            unit=ENTERPRISE,
            clause="qd2024-24-vc-reward",
            amount="10万",
            base="100万",
            date="2024-09-01",
        ).code
        == "NOT_ELIGIBLE"
    )
    apply_evaluated(world, "I", "qd2024-24-vc-reward", unit=INVESTOR, amount="10万", base="100万")


def test_ratio_caps_the_award_at_the_ratio_of_the_stated_base(world):
    apply_evaluated(world, "R", "qd2024-16-intl-exchange", amount="30万", base="50万", unit=UNIVERSITY)
    error = refuse_award(world, "R", "250000.01")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "25万元" in error.message
    assert award(world, "R", "25万").fields["awarded"] == 25 * WAN


def test_a_ratio_clause_needs_a_base_and_other_clauses_refuse_one(world):
    assert (
        refused(
            world.ledger,
            "apply",
            ref="R",
            unit=ENTERPRISE,
            clause="qd2024-23-innovation-voucher",
            amount="5万",
            date="2024-09-01",
        ).code
        == "INVALID_INPUT"
    )
    assert (
        refused(
            world.ledger,
            "apply",
            ref="S",
            unit=ENTERPRISE,
            clause="qd2024-01-common-tech",
            amount="5万",
            base="10万",
            date="2024-09-01",
        ).code
        == "INVALID_INPUT"
    )


def test_grade_table_sets_the_max_by_grade_and_refuses_unlisted_grades(world):
    apply_evaluated(world, "N", "qd2020-intl-base-national", amount="50万", grade="new", date="2021-05-01")
    apply_evaluated(world, "G", "qd2020-intl-base-national", amount="50万", grade="good", date="2021-05-01")
    apply_evaluated(world, "R", "qd2020-intl-base-national", amount="30万", grade="repass", date="2021-05-01")
    apply_evaluated(world, "F", "qd2020-intl-base-national", amount="30万", grade="fail", date="2021-05-01")
    run(world.ledger, "fund appropriate", fund="KJ", year="2021", amount="1亿", doc="KJ-2021", date="2021-01-05")
    assert award(world, "N", "50万", date="2021-06-01").fields["awarded"] == 50 * WAN
    assert refuse_award(world, "G", "50万", date="2021-06-01").code == "EXCEEDS_CLAUSE_MAX"
    assert award(world, "G", "30万", date="2021-06-01").fields["awarded"] == 30 * WAN
    assert refuse_award(world, "R", "10万", date="2021-06-01").code == "NOT_ELIGIBLE"
    assert refuse_award(world, "F", "10万", date="2021-06-01").code == "NOT_ELIGIBLE"


def test_yearly_cap_counts_every_award_in_the_cap_group_for_the_unit_and_year(world):
    for n in range(7):
        apply_evaluated(world, f"T{n}", "qd2020-kc16-key-project-team", amount="30万", date="2022-03-01")
    for n in range(6):
        award(world, f"T{n}", "30万", date="2022-04-01")
    error = refuse_award(world, f"T{6}", "30万", date="2022-04-01")
    assert error.code == "EXCEEDS_ANNUAL_CAP"
    assert error.message.startswith(
        f'单位 {ENTERPRISE} 在 2022 年已获"国家重点科研项目团队人员奖励"180万元, 年度上限 200万元, '
        "本次 30万元 超出 10万元"
    )
    assert award(world, f"T{6}", "20万", date="2022-04-01").fields["awarded"] == 20 * WAN
    caps = [r for r in world.report("caps") if r["unit"] == ENTERPRISE]
    assert [(c["year"], c["cap"], c["used"], c["remaining"]) for c in caps] == [(2022, 200 * WAN, 200 * WAN, 0)]


def test_the_yearly_cap_starts_again_in_a_new_year(world):
    for n, date in enumerate(("2022-03-01", "2024-03-01")):
        apply_evaluated(world, f"Y{n}", "qd2020-kc16-key-project-team", amount="30万", date=date)
        award(world, f"Y{n}", "30万", date=date)
    assert sorted(c["year"] for c in world.report("caps")) == [2022, 2024]


def test_once_per_unit_refuses_a_second_award_to_the_same_unit(world):
    apply_evaluated(world, "H1", "qd2024-14-hnte-first")
    apply_evaluated(world, "H2", "qd2024-14-hnte-first", date="2025-09-01")
    award(world, "H1", "10万")
    run(world.ledger, "fund appropriate", fund="KJ", year="2025", amount="1亿", doc="KJ-2025", date="2025-01-05")
    error = refuse_award(world, "H2", "5万", date="2025-09-02")
    assert error.code == "ALREADY_AWARDED_ONCE" and "H1" in error.message


def test_an_expired_clause_is_refused_at_application(world):
    error = refused(
        world.ledger,
        "apply",
        ref="X",
        unit=UNIVERSITY,
        clause="qd2020-intl-base-provincial",
        amount="30万",
        date="2023-01-01",
    )
    assert error.code == "NOT_IN_FORCE" and "2022-12-31" in error.message
    apply_evaluated(
        world, "Y", "qd2020-intl-base-provincial", unit=UNIVERSITY, amount="30万", date="2022-12-31", grade="excellent"
    )


def test_a_superseded_clause_names_its_successors(world):
    error = refused(
        world.ledger,
        "apply",
        ref="S",
        unit=ENTERPRISE,
        clause="qd2020-kc16-national-platform",
        amount="100万",
        date="2024-07-31",
    )
    assert error.code == "SUPERSEDED"
    assert "qd2024-05-national-key-lab-lead" in error.message and "qd2024-06-national-center" in error.message
    apply_evaluated(world, "T", "qd2020-kc16-national-platform", amount="100万", date="2024-07-30")


def test_weihai_clauses_are_not_touched_by_qingdao_supersession(world):
    apply_evaluated(world, "W", "wh2018-1-new-rd-institution", amount="100万", date="2025-01-01", unit=WH_ENTERPRISE)


def test_case_by_case_allows_more_than_the_max_only_with_an_exception_document(world):
    apply_evaluated(world, "K", "wh2018-1-new-rd-institution", amount="500万", unit=WH_ENTERPRISE)
    error = refuse_award(world, "K", "500万")
    assert error.code == "EXCEEDS_CLAUSE_MAX" and "--exception-doc" in error.message
    result = award(world, "K", "500万", exception_doc="威政办〔2024〕9号")
    assert result.fields["exception_doc"] == "威政办〔2024〕9号"
    assert world.award_row("K")["exception_doc"] == "威政办〔2024〕9号"


def test_lead_investment_has_no_max_but_always_needs_an_exception(world):
    apply_evaluated(world, "L", "qd2024-22-lead-investment", amount="3000万")
    assert refuse_award(world, "L", "3000万", fund="TZ", mode="equity").code == "EXCEEDS_CLAUSE_MAX"
    assert (
        award(world, "L", "3000万", fund="TZ", mode="equity", exception_doc="青政办〔2024〕7号").fields["awarded"]
        == 3000 * WAN
    )


def test_equity_only_clauses_refuse_grants_and_grant_clauses_refuse_equity(world):
    apply_evaluated(world, "E", "qd2024-22-equity", amount="500万")
    assert refuse_award(world, "E", "500万", fund="TZ").code == "NOT_ELIGIBLE"
    assert award(world, "E", "500万", fund="TZ", mode="equity").fields["mode"] == "equity"
    apply_evaluated(world, "G", "qd2024-14-hnte-first")
    assert refuse_award(world, "G", "10万", mode="equity").code == "NOT_ELIGIBLE"


def test_unknown_clause_is_not_found(world):
    assert (
        refused(
            world.ledger, "apply", ref="Q", unit=ENTERPRISE, clause="qd2099-nothing", amount="1万", date="2024-09-01"
        ).code
        == "NOT_FOUND"
    )


def test_quote_names_the_limits_that_bind(world):
    for n in range(3):
        apply_evaluated(world, f"T{n}", "qd2020-kc16-key-project-team", amount="30万", date="2022-03-01")
        award(world, f"T{n}", "30万" if n < 2 else "20万", date="2022-04-01")
    q = world.ledger.quote("admin", "qd2020-kc16-key-project-team", ENTERPRISE, None, None, "2022-06-01")
    assert q.max == 30 * WAN
    assert any("年度上限 200万元" in r and "已用 80万元" in r for r in q.reasons)
    q = world.ledger.quote("admin", "qd2020-kc16-key-project-team", ENTERPRISE, None, None, "2023-06-01")
    assert q.max == 30 * WAN and any("已用 0元" in r for r in q.reasons)
    q = world.ledger.quote("admin", "qd2024-22-lead-investment", ENTERPRISE, None, None, "2024-09-01")
    assert q.max is None


CLAUSES_FOR_PROPERTY = [  # clause, unit type, grade, base
    ("qd2024-01-common-tech", "enterprise", "good", None),
    ("qd2020-kc16-key-project-team", "enterprise", "good", None),
    ("qd2024-16-intl-exchange", "university", "good", 40 * WAN),
    ("qd2024-23-innovation-voucher", "enterprise", "good", 30 * WAN),
    ("qd2020-intl-base-national", "university", "good", None),
    ("qd2024-14-hnte-first", "enterprise", "new", None),
    ("wh2018-1-new-rd-institution", "institute", "good", None),
]


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    case=st.sampled_from(CLAUSES_FOR_PROPERTY),
    fraction=st.integers(min_value=1, max_value=1000),
    above=st.integers(min_value=1, max_value=10 * WAN),
    used=st.integers(min_value=0, max_value=6),
)
def test_an_award_above_the_quote_is_refused_and_any_amount_up_to_it_is_accepted(world, case, fraction, above, used):
    clause, unit_type, grade, base = case
    date = (
        "2021-05-01"
        if clause.startswith("qd2020-intl")
        else "2024-09-01"
        if clause.startswith("qd2024")
        else "2022-05-01"
    )
    year, tag = date[:4], uuid.uuid4().hex[:10]
    unit = make(f"{'12371000MB' if clause.startswith('wh') else '91370212MA'}{tag[:7].upper()}")
    run(world.ledger, "unit register", code=unit, name_=f"单位{tag}", type=unit_type)
    run(world.ledger, "fund appropriate", fund="KJ", year=year, amount="5亿", doc=f"P-{tag}", date=f"{year}-01-02")
    for n in range(used if clause == "qd2020-kc16-key-project-team" else 0):  # use part of the yearly cap first
        apply_evaluated(world, f"U{n}-{tag}", clause, unit=unit, amount="30万", date=date, grade=grade)
        award(world, f"U{n}-{tag}", "30万", date=date)
    quote = world.ledger.quote("admin", clause, unit, grade, base, date)
    assert quote.refusal is None and quote.max is not None and quote.max > 0
    base_text = yuan(base) if base else None
    for ref in (f"OVER-{tag}", f"UNDER-{tag}"):
        apply_evaluated(world, ref, clause, unit=unit, amount="1万", date=date, grade=grade, base=base_text)
    assert refuse_award(world, f"OVER-{tag}", yuan(quote.max + above), date=date).code in (
        "EXCEEDS_CLAUSE_MAX",
        "EXCEEDS_ANNUAL_CAP",
    )
    fine = max(1, quote.max * fraction // 1000)
    assert award(world, f"UNDER-{tag}", yuan(fine), date=date).fields["awarded"] == fine
