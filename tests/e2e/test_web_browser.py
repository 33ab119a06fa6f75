"""The web view in a real browser (Playwright driving Debian's chromium), on SQLite and PostgreSQL.

A small programme is built through the command line; ``grantledger serve``
runs in its own process on a free loopback port; every figure a page shows is
compared with the same report in JSON, to the 分.
"""

from __future__ import annotations

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from tests.conftest import ENGINES
from tests.e2e.driver import Cli, awarded, standard_world
from tests.e2e.web_server import CHROMIUM, CHROMIUM_ARGS, fen, json_fen, serving, shots_dir
from tests.helpers import ENTERPRISE, read_sheet
from tests.pgserver import create_database, drop_database

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no browser at {CHROMIUM} (scripts/test installs it)"
)

COMMON_TECH = "qd2024-01-common-tech"
VOUCHER_CLAUSE = "qd2024-23-innovation-voucher"
EQUITY = "qd2024-22-equity"
PAGES = {
    "funds": "/funds",
    "awards": "/awards",
    "award": "/awards/QD-1",
    "pending": "/pending",
    "units": "/units",
    "unit": f"/units/{ENTERPRISE}",
    "equity": "/equity",
    "integrity": "/integrity",
}


def build(cli: Cli) -> Cli:
    """Grants paid over three months, spent, recovered and one reversed; a voucher award under a yearly cap;
    an equity award invested and partly sold; one payment held for approval."""
    standard_world(cli)
    awarded(cli, "QD-1", COMMON_TECH, "300万", date="2024-09-01")
    cli.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-1", "--date", "2024-09-02")
    cli.ok("disburse", "QD-1", "--amount", "20.50万", "--voucher", "PZ-2", "--date", "2024-10-11")
    cli.ok("disburse", "QD-1", "--amount", "0.01", "--voucher", "PZ-3", "--date", "2024-12-30")
    cli.ok("spend", "QD-1", "--amount", "30万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-03")
    cli.ok("recover", "QD-1", "--amount", "5万", "--voucher", "ZH-1", "--reason", "结余", "--date", "2024-09-04")
    cli.ok("reverse", "PZ-3", "--reason", "重复录入", "--date", "2024-12-31")
    awarded(cli, "QD-2", COMMON_TECH, "250万", date="2024-09-05")
    cli.ok("disburse", "QD-2", "--amount", "150万", "--voucher", "PZ-9", "--date", "2024-11-20")  # held: ≥ 100万
    awarded(cli, "CQ-1", VOUCHER_CLAUSE, "15万", base="30万", date="2024-09-01")
    awarded(cli, "TZ-A", EQUITY, "800万", fund="TZ", date="2024-09-01", extra=("--mode", "equity"))
    cli.ok(
        "invest",
        "TZ-A",
        "--amount",
        "800万",
        "--stake",
        "8",
        "--valuation",
        "1亿",
        "--voucher",
        "TZ-1",
        "--date",
        "2024-09-02",
    )
    cli.ok("approve", "TZ-1", "--date", "2024-09-03", actor="approver")
    cli.ok("exit", "TZ-A", "--stake", "2", "--proceeds", "300万", "--voucher", "TC-1", "--date", "2024-12-20")
    cli.ok("approve", "TC-1", "--date", "2024-12-20", actor="approver")  # ≥ TZ's threshold: a second person
    cli.ok("seal", actor="auditor")
    cli.ok("verify", actor="auditor")  # recorded for the integrity page's "last verify"
    return cli


@pytest.fixture(scope="module", params=ENGINES)
def programme(request, tmp_path_factory):
    if request.param == "sqlite":
        cli = Cli(f"sqlite:///{tmp_path_factory.mktemp('web')}/ledger.db")
        yield build(cli)
        return
    admin = request.getfixturevalue("pg_admin_url")
    name = f"w_{uuid.uuid4().hex[:12]}"
    try:
        yield build(Cli(create_database(admin, name)))
    finally:
        drop_database(admin, name)


@pytest.fixture(scope="module")
def base(programme):
    with serving(programme.db) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, base):
    context = browser.new_context(base_url=base, accept_downloads=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def report(cli: Cli, name: str, *options: str) -> list[dict]:
    return cli.ok("report", name, *options, actor="auditor")


def cell(page, table: str, key: str, column: str) -> str:
    return page.locator(f'#{table} tr[data-key="{key}"] [data-col="{column}"]').inner_text()


def test_every_page_opens_in_chinese_and_is_screenshotted(page, tmp_path, programme):
    shots = shots_dir(tmp_path)
    engine = programme.db.partition(":")[0].split("+")[0]
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        assert page.locator("h1").inner_text().strip()
        assert page.locator('nav a[aria-current="page"]').count() == 1
        assert "只读" in page.locator("header").inner_text()
        page.screenshot(path=str(shots / f"{engine}-{name}.png"), full_page=True)
    assert page.goto("/awards/NO-SUCH").status == 404
    assert "没有申报 NO-SUCH" in page.locator("#error").inner_text()


def test_the_funds_page_shows_the_funds_report_to_the_fen_and_charts_every_payment(page, programme):
    page.goto("/funds")
    rows = report(programme, "funds")
    assert page.locator("#funds tbody tr").count() == len(rows)
    for row in rows:
        key = f"{row['fund']}:{row['year']}"
        for column in ("appropriated", "committed", "disbursed", "returned", "available"):
            assert fen(cell(page, "funds", key, column)) == json_fen(row[column]), (key, column)
        assert cell(page, "funds", key, "carried_forward") == "—"  # no carry-forward figure on main yet
        bars = page.locator(f'figure.chart[data-key="{key}"] g.bar')
        paid = [int(bars.nth(i).get_attribute("data-fen")) for i in range(bars.count())]
        assert sum(paid) == json_fen(row["disbursed"]), key
    kj = next(r for r in rows if r["fund"] == "KJ")
    rate = Decimal(json_fen(kj["disbursed"]) * 100) / json_fen(kj["appropriated"])
    assert cell(page, "funds", "KJ:2024", "execution_rate") == f"{rate.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"
    bars = page.locator('figure.chart[data-key="KJ:2024"] g.bar')
    months = {
        bars.nth(i).get_attribute("data-month"): int(bars.nth(i).get_attribute("data-fen")) for i in range(bars.count())
    }
    assert (months["2024-09"], months["2024-10"]) == (80_0000_00, 20_5000_00)
    assert months.get("2024-12", 0) == 0  # paid 0.01 and reversed it the same month


def test_every_chart_has_a_value_axis_and_every_label_fits_inside_it(page, programme):
    """Issue 27: the first bar's amount was drawn centred on the bar at the left edge, so 11,999,800.00 read
    1,999,800.00; there was no axis to read the bars against."""
    page.goto("/funds")
    for figure in page.locator("figure.chart").all():
        svg = figure.locator("svg")
        if not svg.count():
            continue
        box = svg.bounding_box()
        ticks = figure.locator("text.tick")
        assert ticks.count() >= 2, "a value axis with at least 0 and a top tick"
        assert ticks.first.text_content() == "0元"
        texts = figure.locator("svg text")
        for i in range(texts.count()):
            label = texts.nth(i).bounding_box()
            assert label["x"] >= box["x"] - 0.5 and label["x"] + label["width"] <= box["x"] + box["width"] + 0.5, (
                texts.nth(i).text_content(),
                label,
                box,
            )
        peak = figure.locator("text.peak")
        bars = figure.locator("g.bar")
        top = max(int(bars.nth(i).get_attribute("data-fen")) for i in range(bars.count()))
        assert fen(peak.text_content()) == top  # the whole amount, not cut


def test_the_awards_page_shows_the_awards_report_and_filters_by_fund_year_unit_and_clause(page, programme):
    page.goto("/awards")
    rows = report(programme, "awards")
    money = ("awarded", "disbursed", "pending", "spent", "recovered", "available")
    assert page.locator("#awards tbody tr").count() == len(rows)
    for row in rows:
        for column in money:
            assert fen(cell(page, "awards", row["application"], column)) == json_fen(row[column])
    for column in money:
        assert fen(cell(page, "awards", "total", column)) == sum(json_fen(r[column]) for r in rows)

    page.select_option('select[name="fund"]', "TZ")
    page.click(".filters button[type=submit]")
    assert page.locator("#awards tbody tr").count() == 1
    assert page.locator('#awards tbody tr[data-key="TZ-A"]').count() == 1

    page.goto(f"/awards?clause={COMMON_TECH}&year=2024&unit={ENTERPRISE}")
    shown = sorted(page.locator("#awards tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)"))
    assert shown == sorted(r["application"] for r in rows if r["clause"] == COMMON_TECH and r["unit"] == ENTERPRISE)
    page.goto("/awards?year=2022")
    assert "共 0 项" in page.locator("#count").inner_text()


def test_search_finds_an_award_and_its_page_shows_its_whole_history(page, programme):
    page.goto("/funds")
    page.fill('header input[name="q"]', "QD-1")
    page.click("header button")
    page.wait_for_url("**/awards/QD-1")
    award = next(r for r in report(programme, "awards") if r["application"] == "QD-1")
    for column in ("awarded", "disbursed", "pending", "spent", "recovered", "available"):
        assert fen(cell(page, "award-figures", "QD-1", column)) == json_fen(award[column])
    history = programme.ok("history", "QD-1", actor="auditor")
    seqs = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => Number(r.dataset.seq))")
    assert seqs == [e["seq"] for e in history]
    actors = page.locator("#history td.actor").all_inner_texts()
    assert actors == [e["actor"] for e in history]
    text = page.locator("#history").inner_text()
    for voucher in ("PZ-1", "PZ-2", "PZ-3", "ZC-1", "ZH-1"):
        assert voucher in text
    assert "800,000.00" in text and "重复录入" in text  # a payment's amount, a reversal's reason

    page.click("#facts a[href^='/units/']")  # drill down to the unit: its awards and yearly caps
    page.wait_for_url(f"**/units/{ENTERPRISE}")
    unit = next(r for r in report(programme, "units") if r["unit"] == ENTERPRISE)
    for column in ("awarded", "disbursed", "spent", "recovered"):
        assert fen(cell(page, "unit-figures", ENTERPRISE, column)) == json_fen(unit[column])
    caps = [c for c in report(programme, "caps") if c["unit"] == ENTERPRISE]
    assert caps, "the voucher award is under a yearly cap"
    for c in caps:
        for column in ("cap", "used", "remaining"):
            assert fen(cell(page, "caps", f"{c['cap_group']}:{c['year']}", column)) == json_fen(c[column])
    page.click('#awards a[href="/awards/CQ-1"]')
    page.wait_for_url("**/awards/CQ-1")


def test_what_waits_for_approval_is_the_held_payment_and_leaves_once_approved(page, programme):
    page.goto("/pending")
    assert page.locator("#pending tbody tr").count() == 1
    assert fen(cell(page, "pending", "PZ-9", "amount")) == 150_0000_00
    award = next(r for r in report(programme, "awards") if r["application"] == "QD-2")
    assert json_fen(award["pending"]) == 150_0000_00
    programme.ok("approve", "PZ-9", "--date", "2024-11-21", actor="approver")  # the CLI writes; the page only reads
    page.reload()
    assert page.locator("#pending tbody tr").count() == 0
    assert "没有待审批的凭证" in page.locator("main").inner_text()


def test_the_units_and_equity_pages_show_their_reports(page, programme):
    page.goto("/units")
    units = report(programme, "units")
    for row in units:
        for column in ("awarded", "disbursed", "spent", "recovered"):
            assert fen(cell(page, "units", row["unit"], column)) == json_fen(row[column])
    page.fill('.filters input[name="q"]', "滨海")
    page.click(".filters button[type=submit]")
    assert page.locator("#units tbody tr").count() == 1

    page.goto("/equity")
    for row in report(programme, "equity"):
        for column in ("invested", "cost", "proceeds", "gain", "written_off"):
            assert fen(cell(page, "equity", row["application"], column)) == json_fen(row[column])
        assert cell(page, "equity", row["application"], "stake") == row["stake"]


def test_the_integrity_page_shows_the_logs_head_and_the_trial_balance(page, programme):
    page.goto("/integrity")
    events = programme.events(actor="auditor")
    assert int(page.locator('[data-col="events"]').inner_text()) == events[-1]["seq"]
    assert page.locator('[data-col="head_hash"]').inner_text().strip() == events[-1]["hash"]
    verified = page.locator('[data-col="last_verify"]').inner_text()
    assert "auditor" in verified and "通过" in verified and "已签名" in verified and "北京时间" in verified
    sealed_at = max(e["seq"] for e in events if e["type"] == "Seal.Written")  # build() verified right after it
    assert f"校验至日志位置 {sealed_at}" in verified
    sealed = page.locator('[data-col="last_seal"]').inner_text()
    fields = [f.strip() for f in sealed.split("·")]
    assert len(fields) == 4 and all(f and f != "—" for f in fields), sealed  # no empty field
    assert "auditor" in sealed and re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", sealed), sealed
    signatures = page.locator('[data-col="signatures"]').inner_text()
    assert "admin (" in signatures and "approver (" in signatures  # who signed how many events, by key
    for row in report(programme, "trial-balance"):
        for column in ("debit", "credit", "balance"):
            assert fen(cell(page, "trial-balance", row["account"], column)) == json_fen(row[column])


def test_a_download_is_the_clis_workbook_and_opens_with_openpyxl(page, programme, tmp_path):
    from openpyxl import load_workbook

    page.goto("/awards")
    with page.expect_download() as caught:
        page.click('.downloads a[href="/download/awards.xlsx"]')
    path = tmp_path / "awards.xlsx"
    caught.value.save_as(path)
    header, body, _totals = read_sheet(load_workbook(path).active)
    assert header[0] == "申报编号"
    assert "尚可拨付" in header and "预算年度" not in header and "例外文号" not in header  # the CLI's printable sheet
    rows = report(programme, "awards")
    column = header.index("已拨付")
    assert {r[0]: round(r[column] * 100) for r in body} == {r["application"]: json_fen(r["disbursed"]) for r in rows}

    csv_text = page.request.get("/download/funds.csv").text()
    assert csv_text.startswith("\ufeff")  # the CLI's CSV: UTF-8 with a BOM, Chinese headers
    assert csv_text[1:].splitlines()[0].startswith("资金,年度,预算")
