"""``verify --since-seal`` and ``verify --from-checkpoint FILE`` from the command line (issue 26, item 5): the JSON
fields, the seal file kept by the auditor, and the refusals in words (exit 2, never a traceback)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.driver import Cli, awarded, describe, standard_world


@pytest.fixture
def world(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-10-08")
    return cli


def test_verify_since_the_latest_seal_and_from_a_kept_seal_file(world, tmp_path):
    kept = tmp_path / "seal.json"
    sealed = world.ok("seal", "--out", str(kept), actor="auditor")
    assert (
        len(sealed["snapshot"]) == 64 and json.loads(kept.read_text(encoding="utf-8"))["snapshot"] == sealed["snapshot"]
    )
    world.ok("disburse", "QD-1", "--amount", "10万", "--voucher", "PZ-2", "--date", "2024-10-09")
    full = world.ok("verify", actor="auditor")
    since = world.ok("verify", "--since-seal", actor="auditor")
    assert since["ok"] is True and since["since_seal"] == sealed["position"], since
    assert (since["events"], since["head"]) == (full["events"], full["head"])
    assert since["since seal"].startswith("ok") and "since_seal" not in full
    kept_file = world.ok("verify", "--from-checkpoint", str(kept), actor="auditor")
    assert kept_file["ok"] is True and kept_file["since_seal"] == sealed["position"]
    table = world("verify", "--since-seal", actor="auditor", fmt="table")
    assert table.exit_code == 0 and "增量核对起点" in table.stdout, describe(table)


def said(result) -> str:
    return result.stdout + result.stderr


def test_refusals_are_words_with_exit_2(world, tmp_path):
    none = world("verify", "--since-seal", actor="auditor")
    assert none.exit_code == 2 and "还没有封存" in said(none) and "Traceback" not in said(none), describe(none)
    kept = tmp_path / "seal.json"
    world.ok("seal", "--out", str(kept), actor="auditor")
    old = tmp_path / "old.json"
    document = json.loads(kept.read_text(encoding="utf-8"))
    document.pop("snapshot")
    old.write_text(json.dumps(document), encoding="utf-8")
    refused = world("verify", "--from-checkpoint", str(old), actor="auditor")
    assert refused.exit_code == 2 and "没有校验快照" in said(refused), describe(refused)
    both = world("verify", "--since-seal", "--witness", str(tmp_path), actor="auditor")
    assert both.exit_code == 2 and "完整的 verify" in said(both), describe(both)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{", encoding="utf-8")
    bad = world("verify", "--from-checkpoint", str(garbage), actor="auditor")
    assert bad.exit_code == 2 and "--from-checkpoint" in said(bad) and "不是封存文件" in said(bad), describe(bad)
