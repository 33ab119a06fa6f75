"""cli.md "Closing a year, seals, and asking the past", through the command line on both engines."""

from __future__ import annotations

import json

import pytest

from tests.e2e.driver import Cli, awarded, describe, is_yuan, standard_world


@pytest.fixture
def world(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-10-08")
    return cli


def test_close_prints_carried_forward_lapsed_and_a_seal_and_locks_the_year(world):
    closed = world.ok("close", "2024", "--fund", "KJ", "--doc", "JZ-1", "--date", "2025-01-05")
    assert (closed["fund"], closed["year"], closed["carried_forward"], closed["lapsed"]) == (
        "KJ",
        2024,
        "2500000.00",
        "97000000.00",
    )
    assert {"position", "head", "state", "signed_by"} <= set(closed["seal"])
    exit_code, code, message = world.refused(
        "disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-2", "--date", "2024-12-30"
    )
    assert (exit_code, code) == (1, "PERIOD_CLOSED") and "JZ-1" in message
    rows = world.ok("report", "carryover", "--year", "2024")
    kj = next(r for r in rows if r["fund"] == "KJ")
    assert kj["closed"] is True and kj["carried_forward"] == "2500000.00"
    assert all(is_yuan(kj[k]) for k in ("appropriated", "returned", "committed", "disbursed", "lapsed"))
    csv = world("report", "carryover", fmt="csv")
    assert csv.exit_code == 0 and "KJ" in csv.stdout, describe(csv)
    funds = {(r["fund"], r["year"]): r for r in world.ok("report", "funds")}
    assert funds[("KJ", 2025)]["carried_forward"] == "2500000.00"


def test_reopen_waits_for_a_second_person(world):
    world.ok("close", "2024", "--fund", "KJ", "--doc", "JZ-1", "--date", "2025-01-05")
    proposed = world.ok("reopen", "2024", "--fund", "KJ", "--doc", "KZ-1", "--reason", "补记", "--date", "2025-01-06")
    assert proposed["status"] == "pending"
    assert world.refused("approve", "KZ-1")[1] == "SAME_ACTOR"
    assert world.ok("approve", "KZ-1", actor="approver")["status"] == "reopened"
    world.ok("disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-2", "--date", "2024-12-30")


def test_a_seal_file_verifies_as_a_checkpoint_and_a_forged_one_does_not(world, tmp_path):
    out = tmp_path / "seal.json"
    sealed = world.ok("seal", "--out", str(out), actor="auditor")
    assert json.loads(out.read_text(encoding="utf-8"))["head"] == sealed["head"]
    assert sealed["signed_by"] == "auditor"
    verified = world.ok("verify", "--checkpoint", str(out), actor="auditor")
    assert verified["ok"] is True and verified["checkpoint"] == "ok (1)"
    forged = dict(sealed, state="0" * 64)
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(forged), encoding="utf-8")
    result = world("verify", "--checkpoint", str(bad), actor="auditor", fmt="table")
    checks = dict(line.split(maxsplit=1) for line in result.stdout.splitlines() if line.startswith("封存文件核对"))
    assert result.exit_code == 1 and checks == {"封存文件核对": "未通过 (TAMPERED)"}, describe(result)
    assert result.stderr.startswith(f"error[TAMPERED]: 封存文件 {bad} (第 {sealed['position']} 条)"), describe(result)
    assert "该处的余额已不再得到封存的余额哈希" in result.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{}", encoding="utf-8")
    assert world.refused("verify", "--checkpoint", str(garbage), actor="auditor")[:2] == (2, "INVALID_INPUT")


def test_report_known_at_leaves_out_what_was_recorded_later_in_every_format(world, tmp_path):
    position = world.ok("seal")["position"]
    before = world.ok("report", "awards", "--as-of", "2024-12-31")
    world.ok("disburse", "QD-1", "--amount", "10万", "--voucher", "PZ-3", "--date", "2024-10-09")
    assert world.ok("report", "awards", "--as-of", "2024-12-31") != before
    assert world.ok("report", "awards", "--as-of", "2024-12-31", "--known-at", str(position)) == before
    for fmt in ("table", "csv"):
        result = world("report", "funds", "--known-at", str(position), fmt=fmt)
        assert result.exit_code == 0, describe(result)
    xlsx = tmp_path / "tb.xlsx"
    result = world("report", "trial-balance", "--known-at", "2020-01-01T08:00", "--format", "xlsx", "--out", str(xlsx))
    assert result.exit_code == 0 and xlsx.exists(), describe(result)
    assert world.refused("report", "funds", "--known-at", "yesterday")[:2] == (2, "INVALID_INPUT")
