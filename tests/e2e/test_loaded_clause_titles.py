"""An award under a clause loaded with ``policy load`` is titled like a shipped one (issue 28).

The titles were baked into generated code (``report_sql.CLAUSE_TITLES``) and the voucher form read the shipped
catalogue only, so such an award showed no ``clause_title`` in ``report awards`` (fast path and full path)
and its 拨付审批单 had no title, citation or quote. Now both come from the catalogue as it stands.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.driver import Cli, awarded, describe, one_json_document, standard_world
from tests.helpers import UNIVERSITY
from tests.integration.test_policy_load import guide_example

TITLE = "青岛领军人才带头人生活补贴(载入)"  # unlike any shipped clause's title
LIVING = "qd2021-talent-living"


@pytest.fixture
def cli(db_url, tmp_path) -> Cli:
    cli = standard_world(Cli(db_url))
    path = tmp_path / "qd2021-talent.toml"
    text = guide_example().replace('title = "产业领军人才(团队)带头人生活补贴"', f'title = "{TITLE}"')
    assert TITLE in text
    path.write_text(text, encoding="utf-8")
    cli.ok("policy", "load", str(path))
    awarded(cli, "T-1", LIVING, "100万", unit=UNIVERSITY, date="2024-06-03")
    cli.ok("disburse", "T-1", "--amount", "20万", "--voucher", "PZ-T-1", "--date", "2024-06-10")
    return cli


@pytest.mark.parametrize("fast", ["1", "0"], ids=["fast-path", "full-path"])
def test_report_awards_titles_an_award_under_a_loaded_clause(cli, fast):
    env = {"GRANTLEDGER_FAST_READ": fast}
    for extra in ((), ("--from", "2024-01-01", "--to", "2024-12-31")):
        result = cli("report", "awards", *extra, fmt="json", env=env)
        assert result.exit_code == 0, describe(result)
        (row,) = one_json_document(result)
        assert row["clause"] == LIVING and row["clause_title"] == TITLE, row
    table = cli("report", "awards", "--columns", "application,clause_title", fmt="table", env=env)
    assert table.exit_code == 0 and TITLE in table.stdout, describe(table)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (scripts/test installs it)")
def test_the_voucher_form_of_such_an_award_has_the_clause_title_citation_and_quote(cli, tmp_path):
    out = tmp_path / "PZ-T-1.pdf"
    result = cli("voucher", "print", "PZ-T-1", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert TITLE in flat
    assert "青人才字〔2021〕1号" in flat  # the citation: the loaded document's 文号
    assert "给予最高500万元的带头人生活补贴" in flat  # the quoted sentence


def test_the_web_views_awards_download_titles_it_too(cli):
    from starlette.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app(cli.db), base_url="http://127.0.0.1") as client:
        response = client.get("/download/awards.csv")
    assert response.status_code == 200, response.text
    assert TITLE in response.content.decode("utf-8-sig")
