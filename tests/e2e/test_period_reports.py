"""A period's report and the month's execution (issue 24, item 6), through the command line on both engines.

``report funds|awards --from D --to T``: every figure's opening (as of D−1, what ``--as-of D−1`` prints), its
movement in the period and its closing (what ``--as-of T`` prints), with the filters and ``--known-at``;
Chinese headers and a 合计 row in tables, CSV and xlsx. ``report monthly --year Y`` (月度执行进度): each
fund-year's payments month by month, net of reversals, cumulative, and 执行率 = cumulative ÷ appropriated to a
tenth of a percent rounded half up, with a 合计 row per month.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.e2e.driver import Cli, awarded, describe, is_yuan, standard_world, yuan
from tests.e2e.test_cli_help_and_formats import read_table
from tests.helpers import ENTERPRISE, UNIVERSITY, read_sheet

COMMON_TECH = "qd2024-01-common-tech"
FUND_FIGURES = ("appropriated", "committed", "disbursed", "returned", "carried_forward")
AWARD_FIGURES = ("awarded", "disbursed", "pending", "spent", "recovered")


@pytest.fixture
def office(db_url) -> Cli:
    """KJ: 1亿 (2024-01-05) and 2000万 more (09-15); QD-1 300万 paid 80万 (08-10) and 50万 (09-10), spent 20万
    (09-11), 5万 recovered (10-01), the 50万 reversed (10-02); QD-2 100万 paid 100万, held (09-21) and approved
    (10-05). TZ: 1亿, nothing paid."""
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", COMMON_TECH, "300万", date="2024-08-01")
    cli.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "P1", "--date", "2024-08-10")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "P2", "--date", "2024-09-10")
    cli.ok("spend", "QD-1", "--amount", "20万", "--category", "equipment", "--voucher", "S1", "--date", "2024-09-11")
    cli.ok(*"fund appropriate KJ --year 2024 --amount 2000万 --doc KJ-2024-2 --date 2024-09-15".split())
    awarded(cli, "QD-2", COMMON_TECH, "100万", unit=UNIVERSITY, date="2024-09-20")
    cli.ok("disburse", "QD-2", "--amount", "100万", "--voucher", "P3", "--date", "2024-09-21")  # held: ≥ 100万
    cli.ok("recover", "QD-1", "--amount", "5万", "--voucher", "R1", "--reason", "结余", "--date", "2024-10-01")
    cli.ok("reverse", "P2", "--reason", "重复录入", "--date", "2024-10-02")
    cli.ok("approve", "P3", "--date", "2024-10-05", actor="approver")
    return cli


def keyed(rows: list[dict], *key: str) -> dict:
    return {tuple(r[k] for k in key): r for r in rows}


def check_period(period: list[dict], before: list[dict], after: list[dict], key: tuple, figures, balance) -> None:
    """Opening = the report as of the day before, closing = as of the last day, movement = closing − opening."""
    period, before, after = keyed(period, *key), keyed(before, *key), keyed(after, *key)
    assert set(period) == set(after)
    for k, row in period.items():
        for m in figures:
            opening = yuan(before[k][m]) if k in before else Decimal(0)
            assert yuan(row[f"opening_{m}"]) == opening, (k, m)
            assert yuan(row[f"closing_{m}"]) == yuan(after[k][m]), (k, m)
            assert yuan(row[m]) == yuan(row[f"closing_{m}"]) - yuan(row[f"opening_{m}"]), (k, m)
        for end in ("opening", "closing"):
            assert yuan(row[f"{end}_available"]) == balance({m: yuan(row[f"{end}_{m}"]) for m in figures})
        assert yuan(row["closing_available"]) == yuan(after[k]["available"])


def fund_balance(f: dict) -> Decimal:
    return f["appropriated"] + f["returned"] - f["committed"]


def award_balance(f: dict) -> Decimal:
    return f["disbursed"] - f["spent"] - f["recovered"]


def test_a_funds_period_has_opening_movements_and_closing_as_the_as_of_reports_say(office):
    rows = office.ok("report", "funds", "--from", "2024-09-01", "--to", "2024-09-30")
    before = office.ok("report", "funds", "--as-of", "2024-08-31")
    after = office.ok("report", "funds", "--as-of", "2024-09-30")
    check_period(rows, before, after, ("fund", "year"), FUND_FIGURES, fund_balance)
    kj = keyed(rows, "fund", "year")[("KJ", 2024)]
    assert (kj["appropriated"], kj["committed"], kj["disbursed"]) == ("20000000.00", "1000000.00", "500000.00")
    assert (kj["opening_available"], kj["closing_available"]) == ("97000000.00", "116000000.00")
    assert all(is_yuan(v) for k, v in kj.items() if k not in ("fund", "year"))
    october = keyed(office.ok("report", "funds", "--from", "2024-10-01", "--to", "2024-10-31"), "fund", "year")
    assert october[("KJ", 2024)]["disbursed"] == "500000.00"  # P3 approved 100万, P2 reversed −50万
    assert october[("KJ", 2024)]["returned"] == "50000.00"


def test_an_awards_period_agrees_with_the_as_of_reports_and_takes_the_filters(office):
    rows = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-10-31")
    before = office.ok("report", "awards", "--as-of", "2024-08-31")
    after = office.ok("report", "awards", "--as-of", "2024-10-31")
    check_period(rows, before, after, ("application",), AWARD_FIGURES, award_balance)
    qd1 = keyed(rows, "application")[("QD-1",)]
    assert (qd1["opening_available"], qd1["disbursed"], qd1["spent"], qd1["recovered"]) == (
        "800000.00",
        "0.00",  # 50万 paid in September and reversed in October
        "200000.00",
        "50000.00",
    )
    assert qd1["closing_available"] == "550000.00" and qd1["unit_name"] == "海澜智能"
    qd2 = keyed(rows, "application")[("QD-2",)]
    assert (qd2["opening_awarded"], qd2["awarded"], qd2["disbursed"], qd2["pending"]) == (
        "0.00",
        "1000000.00",  # awarded inside the period
        "1000000.00",
        "0.00",  # held in September, approved in October: no change over the period
    )
    for option, value in (("--unit", ENTERPRISE), ("--fund", "KJ"), ("--clause", COMMON_TECH)):
        narrowed = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-10-31", option, value)
        assert narrowed == [r for r in rows if r[option[2:]] == value]
    assert office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-10-31", "--year", "2023") == []


def test_a_period_known_at_a_position_is_the_period_as_then_recorded(office):
    position = office.ok("seal")["position"]
    before = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-12-31")
    office.ok("spend", "QD-1", "--amount", "1万", "--category", "travel", "--voucher", "S2", "--date", "2024-09-20")
    later = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-12-31")
    assert keyed(later, "application")[("QD-1",)]["spent"] == "210000.00"
    known = office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-12-31", "--known-at", str(position))
    assert known == before
    since_start = office.ok("report", "funds", "--to", "2024-09-30")  # no --from: from the first entry
    assert all(yuan(r["opening_available"]) == 0 for r in since_start)
    assert [r["closing_available"] for r in since_start] == [
        r["available"] for r in office.ok("report", "funds", "--as-of", "2024-09-30")
    ]


def test_period_tables_and_csv_speak_chinese_and_end_with_a_total(office):
    result = office("report", "awards", "--from", "2024-09-01", "--to", "2024-10-31", fmt="table")
    assert result.exit_code == 0, describe(result)
    table = read_table(result.stdout)
    assert list(table[0])[:5] == ["申报编号", "单位名称", "资金", "年度", "本期批复"]
    assert {"期初结余", "本期拨付", "本期支出", "本期追回", "期末结余"} <= set(table[0])
    assert table[-1]["申报编号"].strip() == "合计" and table[-1]["期末结余"].strip() == "1,550,000.00"
    csv = office("report", "funds", "--from", "2024-09-01", "--to", "2024-09-30", fmt="csv")
    head, *lines = csv.stdout.lstrip("\ufeff").splitlines()
    assert head.startswith("资金,年度,期初预算,期初已承诺") and "本期拨付" in head and "期末结余" in head
    assert lines[-1].startswith("合计")


def test_a_period_workbook_has_its_title_block_headers_numbers_and_total(office, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "q3.xlsx"
    result = office(
        *("report", "funds", "--from", "2024-07-01", "--to", "2024-09-30", "--format", "xlsx", "--out", str(out)),
        fmt="table",
    )
    assert result.exit_code == 0, describe(result)
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "专项资金期间收支表" and "期间: 2024-07-01 至 2024-09-30" in sheet["A2"].value
    headers, body, totals = read_sheet(sheet)
    rows = keyed(office.ok("report", "funds", "--from", "2024-07-01", "--to", "2024-09-30"), "fund", "year")
    for line in body:
        row = rows[(line[0], line[1])]
        for name, title in (
            ("opening_available", "期初结余"),
            ("disbursed", "本期拨付"),
            ("closing_available", "期末结余"),
        ):
            cell = line[headers.index(title)]
            assert isinstance(cell, int | float) and Decimal(str(cell)) == yuan(row[name]), name
    assert totals is not None and totals[0] == "合计"
    assert sheet.freeze_panes is not None


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (("report", "funds", "--from", "2024-10-01", "--to", "2024-09-30"), "晚于"),
        (("report", "pending", "--from", "2024-10-01"), "只用于"),
        (("report", "funds", "--to", "2024-10-01", "--as-of", "2024-10-01"), "--as-of"),
        (("report", "awards", "--from", "2024-13-01"), "--from"),
    ],
)
def test_a_period_the_ledger_cannot_answer_is_invalid_input(office, args, complaint):
    exit_code, code, message = office.refused(*args)
    assert (exit_code, code) == (2, "INVALID_INPUT") and complaint in message


# -- report monthly ---------------------------------------------------------------------------------------


def test_monthly_execution_per_fund_with_cumulative_rate_and_totals(office):
    rows = office.ok("report", "monthly", "--year", "2024")
    kj = [r for r in rows if r["fund"] == "KJ"]
    assert [r["month"] for r in kj] == [f"2024-{m:02d}" for m in range(1, 13)]
    paid = {r["month"]: r["disbursed"] for r in kj}
    assert (paid["2024-08"], paid["2024-09"], paid["2024-10"]) == ("800000.00", "500000.00", "500000.00")
    assert paid["2024-01"] == paid["2024-11"] == "0.00"
    cumulative = Decimal(0)
    for row in kj:
        cumulative += yuan(row["disbursed"])
        assert yuan(row["cumulative"]) == cumulative
        rate = (cumulative / yuan(row["appropriated"]) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert row["execution_rate"] == f"{rate}%"
    assert kj[7]["appropriated"] == "100000000.00" and kj[8]["appropriated"] == "120000000.00"  # +2000万 in Sep
    funds_2024 = keyed(office.ok("report", "funds", "--year", "2024"), "fund")
    assert kj[-1]["cumulative"] == funds_2024[("KJ",)]["disbursed"] == "1800000.00"
    assert kj[-1]["execution_rate"] == "1.5%"  # 180万 ÷ 1.2亿 = 1.5 %
    totals = [r for r in rows if r["fund"] == "total"]
    assert [r["month"] for r in totals] == [r["month"] for r in kj] and totals[0]["fund_name"] == "合计"
    for total, mine in zip(totals, kj, strict=True):
        tz = next(r for r in rows if r["fund"] == "TZ" and r["month"] == mine["month"])
        for column in ("appropriated", "disbursed", "cumulative"):
            assert yuan(total[column]) == yuan(mine[column]) + yuan(tz[column])
    assert totals[-1]["execution_rate"] == "0.8%"  # 180万 ÷ 2.2亿 = 0.818… %


def test_monthly_as_of_a_date_and_for_one_fund(office):
    rows = office.ok("report", "monthly", "--year", "2024", "--as-of", "2024-09-30", "--fund", "KJ")
    assert {r["fund"] for r in rows} == {"KJ", "total"}
    kj = [r for r in rows if r["fund"] == "KJ"]
    assert kj[9]["disbursed"] == "0.00" and kj[-1]["cumulative"] == "1300000.00"  # nothing after September
    assert [r["cumulative"] for r in rows if r["fund"] == "total"] == [r["cumulative"] for r in kj]
    assert office.ok("report", "monthly", "--year", "2019") == []


def test_monthly_table_csv_and_workbook(office, tmp_path):
    from openpyxl import load_workbook

    table = read_table(office("report", "monthly", "--year", "2024", fmt="table").stdout)
    assert list(table[0]) == ["资金", "资金名称", "月份", "预算(截至月末)", "本月拨付", "累计拨付", "执行率"]
    assert table[-1]["资金名称"].strip() == "合计" and table[-1]["执行率"].strip() == "0.8%"
    csv = office("report", "monthly", "--year", "2024", fmt="csv").stdout
    assert csv.lstrip("\ufeff").startswith("资金,资金名称,年度,月份,预算(截至月末),本月拨付,累计拨付,执行率")
    out = tmp_path / "monthly.xlsx"
    result = office("report", "monthly", "--year", "2024", "--format", "xlsx", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    sheet = load_workbook(out).active
    assert sheet["A1"].value == "月度执行进度表"
    headers, body, totals = read_sheet(sheet)
    assert totals is None  # the monthly report carries its own 合计 rows, one per month
    last = body[-1]
    assert last[headers.index("资金名称")] == "合计"
    rate = last[headers.index("执行率")]
    assert Decimal(str(rate)) == Decimal("0.008")  # a number, shown as a percentage
    assert Decimal(str(last[headers.index("累计拨付")])) == Decimal("1800000")


def test_the_funds_page_shows_the_monthly_execution_of_the_chosen_year(office):
    import re

    from starlette.testclient import TestClient

    from web.app import create_app

    client = TestClient(create_app(office.db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    try:
        page = client.get("/funds?year=2024").text
        assert 'id="monthly"' in page and "月度执行进度" in page
        for row in office.ok("report", "monthly", "--year", "2024"):
            found = re.search(rf'data-key="{row["fund"]}:{row["month"]}".*?</tr>', page, re.S)
            assert found, row
            cells = dict(re.findall(r'data-col="(\w+)">([^<]*)<', found.group(0)))
            assert cells["cumulative"] == f"{yuan(row['cumulative']):,.2f}"
            assert cells["execution_rate"] == (row["execution_rate"] or "—")
        assert 'id="monthly"' not in client.get("/funds").text  # every year at once: the chart, not the table
        book = client.get("/download/monthly.xlsx?year=2024")
        assert book.status_code == 200 and book.content[:2] == b"PK"  # the CLI's own workbook
    finally:
        client.app.state.engine.dispose()
