"""The web view's history of the later acts (issue 27's standard for issues 24's corrections and projects): each
event's fields named in Chinese, amounts in 元 (never raw 分), and stored words — a milestone, a result, a
budget's categories, a correction's before and after — as a clerk reads them."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.e2e.test_chinese_throughout import english
from tests.helpers import ENTERPRISE
from web.app import create_app

CLAUSE = "qd2024-01-common-tech"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    db = f"sqlite:///{tmp_path_factory.mktemp('web-later')}/ledger.db"
    cli = standard_world(Cli(db))
    awarded(cli, "QD-1", CLAUSE, "500万")
    awarded(cli, "QD-2", CLAUSE, "300万")
    cli.ok("apply", "QD-3", "--unit", ENTERPRISE, "--clause", CLAUSE, "--amount", "50万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-3", "--grade", "good", "--date", "2024-09-01")
    steps = [
        ("clerk", "cancel-award", "QD-2", "--doc", "撤-1", "--reason", "误批", "--date", "2024-09-10"),
        ("approver", "approve", "撤-1", "--date", "2024-09-11"),
        ("clerk", "reduce-award", "QD-1", "--amount", "400万", "--doc", "减-1", "--reason", "核减", "--date",
         "2024-09-12"),
        ("approver", "approve", "减-1", "--date", "2024-09-13"),
        ("clerk", "correct", "QD-3", "--amount", "40万", "--doc", "更-1", "--reason", "录错", "--date", "2024-09-02"),
        ("approver", "approve", "更-1", "--date", "2024-09-03"),
        ("reviewer", "reevaluate", "QD-3", "--grade", "excellent", "--doc", "复-1", "--reason", "汇总有误",
         "--date", "2024-09-04"),
        ("approver", "approve", "复-1", "--date", "2024-09-05"),
        ("clerk", "contract", "QD-1", "--doc", "任务书-1", "--end-date", "2025-06-30", "--budget",
         "equipment:300万,labor:60万,indirect:40万", "--date", "2024-09-14"),
        ("clerk", "milestone", "QD-1", "--kind", "signing", "--result", "pass", "--doc", "签-1", "--date",
         "2024-09-15"),
        ("clerk", "disburse", "QD-1", "--amount", "60万", "--voucher", "PZ-1", "--date", "2024-09-16"),
        ("clerk", "spend", "QD-1", "--amount", "5万", "--category", "equipment", "--voucher", "ZC-1", "--date",
         "2024-09-17"),
        ("clerk", "adjust-budget", "QD-1", "--from", "equipment", "--to", "labor", "--amount", "10万", "--doc",
         "调-1", "--date", "2024-09-18"),
        ("clerk", "extend", "QD-1", "--to", "2025-12-31", "--doc", "变-1", "--date", "2024-09-19"),
        ("clerk", "close-project", "QD-1", "--result", "pass", "--doc", "验-1", "--voucher", "ZH-1", "--date",
         "2024-10-01"),
    ]  # fmt: skip
    for actor, *args in steps:
        result = cli(*args, actor=actor)
        assert result.exit_code == 0, describe(result)
    client = TestClient(create_app(db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    try:
        return {ref: client.get(f"/awards/{ref}").text for ref in ("QD-1", "QD-2", "QD-3")}
    finally:
        client.app.state.engine.dispose()


def fields(page: str) -> list[str]:
    """Each event's field list as text, as the page shows it."""
    found = re.findall(r'<ul class="fields">(.*?)</ul>', page, re.S)
    return [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", f))).strip() for f in found]


def test_every_later_events_fields_are_in_chinese_with_amounts_in_yuan(pages):
    for ref, page in pages.items():
        for shown in fields(page):
            assert not re.search(r"\b[a-z_]{3,}\b", shown.replace("qd2024-01-common-tech", "")), (ref, shown)
            assert not re.search(r"(?<![\d,.])\d{6,}(?![\d,.])", shown.replace(ENTERPRISE, "")), (ref, shown)
            assert english(shown) == [], (ref, shown)


def test_a_projects_acts_and_a_reduction_read_as_a_clerk_reads_them(pages):
    shown = "\n".join(fields(pages["QD-1"]))
    assert "里程碑 签订任务书 结论 通过" in shown
    assert "设备费 3,000,000.00 元 劳务费 600,000.00 元 间接费用 400,000.00 元" in shown
    assert "调出科目 设备费 调入科目 劳务费" in shown
    assert "调减前 5,000,000.00 元 调减后 4,000,000.00 元" in shown
    assert "已追回 550,000.00 元" in shown  # 60万 paid − 5万 spent, back at the closeout


def test_a_correction_shows_its_before_and_after(pages):
    shown = "\n".join(fields(pages["QD-3"]))
    assert "原申报金额 500,000.00 元" in shown and "更正后申报金额 400,000.00 元" in shown
    assert "原评审等级 良好" in shown
