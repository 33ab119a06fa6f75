"""``voucher print V --out F.pdf``: the 拨付审批单 read back with pypdf.

cli.md: the award, the clause and its source, the amount in figures and in
Chinese capitals (大写), the maker and approver, dates — and the figures equal
what the JSON commands reported, to the 分.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ledger.capitals import capitals
from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.helpers import ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"
EQUITY = "qd2024-22-equity"


@pytest.fixture
def world(sqlite_url) -> Cli:
    cli = standard_world(Cli(sqlite_url))
    awarded(cli, "QD-2024-001", COMMON_TECH, "500万")
    return cli


def printed(cli: Cli, voucher: str, tmp_path, actor: str = "admin") -> str:
    from pypdf import PdfReader

    out = tmp_path / f"{voucher}.pdf"
    result = cli("voucher", "print", voucher, "--out", str(out), actor=actor, fmt="table")
    assert result.exit_code == 0, describe(result)
    reader = PdfReader(out)
    width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_an_approved_disbursement_prints_its_award_clause_amounts_people_and_history(world, tmp_path):
    paid = world.ok("disburse", "QD-2024-001", "--amount", "1,234,567.89", "--voucher", "PZ-1", "--date", "2024-09-02")
    assert paid["status"] == "pending"  # above KJ's 100万 threshold: a second person approves
    world.ok("approve", "PZ-1", "--date", "2024-09-03", actor="approver")
    clause = world.ok("policy", "show", COMMON_TECH)
    text = printed(world, "PZ-1", tmp_path)

    assert "专项资金拨付审批单" in text
    for shown in ("PZ-1", "QD-2024-001", ENTERPRISE, "海澜智能", "KJ科技创新专项资金", "DOC-QD-2024-001", COMMON_TECH):
        assert shown in text, shown
    assert re.sub(r"\s+", "", clause["source"]) in text  # the clause's citation
    assert re.sub(r"\s+", "", clause["quote"]) in text  # and the sentence it quotes
    fen = int(Decimal(paid["amount"]) * 100)
    assert f"¥{Decimal(paid['amount']):,.2f}" in text
    assert "人民币" + capitals(fen) == "人民币壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"
    assert "人民币" + capitals(fen) in text
    assert "经办人admin" in text and "审批人approver" in text
    assert "2024-09-02" in text and "2024-09-03" in text
    assert "已入账" in text
    assert "拨付" in text and "审批通过" in text  # the voucher's history
    assert "指纹" in text
    roles = {r["actor"]: r["key"] for r in world.ok("role", "list")}
    assert roles["admin"] in text and roles["approver"] in text  # the maker's and the approver's key fingerprints
    assert "未签名" not in text


def test_a_pending_disbursement_prints_as_waiting_for_approval(world, tmp_path):
    world.ok("disburse", "QD-2024-001", "--amount", "200万", "--voucher", "PZ-2", "--date", "2024-09-02")
    text = printed(world, "PZ-2", tmp_path, actor="auditor")  # a reader may print
    assert "待审批" in text and "人民币贰佰万元整" in text and "¥2,000,000.00" in text


def test_an_investment_prints_as_an_equity_approval_form_with_its_stake(world, tmp_path):
    awarded(world, "QD-2024-009", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    world.ok(
        "invest",
        *("QD-2024-009", "--amount", "300万", "--stake", "5.25", "--valuation", "1亿"),
        *("--voucher", "TZ-1", "--date", "2024-09-04"),
    )
    text = printed(world, "TZ-1", tmp_path)
    assert "股权投资拨付审批单" in text and "人民币叁佰万元整" in text and "股权投资" in text


def test_a_unit_name_with_markup_is_printed_as_written(world, tmp_path):
    from tests.helpers import HOSPITAL

    world.ok("unit", "register", HOSPITAL, "--name", "<b>医院&</b>", "--type", "hospital")
    awarded(world, "QD-2024-010", COMMON_TECH, "10万", unit=HOSPITAL)
    world.ok("disburse", "QD-2024-010", "--amount", "0.01", "--voucher", "PZ-10", "--date", "2024-09-02")
    text = printed(world, "PZ-10", tmp_path)
    assert "<b>医院&</b>" in text and "人民币壹分" in text


def test_an_unknown_voucher_is_not_found(world, tmp_path):
    exit_code, code, message = world.refused("voucher", "print", "PZ-404", "--out", str(tmp_path / "x.pdf"))
    assert (exit_code, code) == (3, "NOT_FOUND") and "PZ-404" in message
    assert not (tmp_path / "x.pdf").exists()
