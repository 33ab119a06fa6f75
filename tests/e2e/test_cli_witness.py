"""The office keeps its seals outside the database (issue 25, item 3): ``seal --witness DIR``, ``close`` sealing
into the same directory, and ``verify --witness DIR`` — which names a log cut back or restored from an older copy.
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from projections.witness import FIELDS
from tests.e2e.driver import Cli, awarded, describe, standard_world

NAME = re.compile(r"seal-(\d{9})-\d{8}T\d{12}Z\.json")


@pytest.fixture
def world(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-10-08")
    return cli


def kept(folder) -> dict[int, dict]:
    found = {}
    for path in sorted(folder.iterdir()):
        match = NAME.fullmatch(path.name)
        assert match, path.name
        found[int(match.group(1))] = json.loads(path.read_text(encoding="utf-8"))
    return found


def test_an_honest_ledger_verifies_against_its_witness_directory(world, tmp_path):
    folder = tmp_path / "seals"
    closed = world.ok(
        "close", "2024", "--fund", "KJ", "--doc", "JZ-1", "--date", "2025-01-05", "--witness", str(folder)
    )
    result = world("seal", actor="auditor", env={"GRANTLEDGER_WITNESS": str(folder)})  # or from the environment
    assert result.exit_code == 0 and "留存到" in result.stderr, describe(result)
    sealed = json.loads(result.stdout)
    files = kept(folder)
    assert set(files) == {closed["seal"]["position"], sealed["position"]}
    assert files[sealed["position"]] == {k: sealed[k] for k in FIELDS}  # the seal's public fields, nothing else
    assert files[closed["seal"]["position"]]["signed_by"] == "admin"
    text = "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())
    assert "PRIVATE" not in text and "private" not in text
    again = world("seal", "--witness", str(folder), actor="auditor")  # the same position: no second file
    assert again.exit_code == 0, describe(again)
    assert len(list(folder.iterdir())) == len(kept(folder)) == 3  # the first seal is an event: a new position
    verified = world.ok("verify", "--witness", str(folder), actor="auditor")
    assert verified["ok"] is True and verified["witness"] == "ok (3)", verified
    table = world("verify", "--witness", str(folder), actor="auditor", fmt="table")
    assert table.exit_code == 0 and "留存封存核对" in table.stdout, describe(table)


def test_a_witness_directory_that_cannot_be_written_refuses_before_sealing(world, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    before = world.event_count()
    exit_code, code, message = world.refused("seal", "--witness", str(blocker / "seals"), actor="auditor")
    assert (exit_code, code) == (2, "INVALID_INPUT") and "留存目录无法写入" in message
    assert world.event_count() == before  # nothing sealed that the office could not keep
    exit_code, code, message = world.refused("verify", "--witness", str(tmp_path / "nowhere"), actor="auditor")
    assert (exit_code, code) == (2, "INVALID_INPUT") and "留存目录不存在" in message


def test_a_database_restored_from_an_older_copy_fails_verify_witness(sqlite_url, tmp_path):
    world = standard_world(Cli(sqlite_url))
    folder, path = tmp_path / "seals", sqlite_url[len("sqlite:///") :]
    awarded(world, "QD-1", "qd2024-01-common-tech", "300万")
    world.ok("seal", "--witness", str(folder), actor="auditor")
    backup = tmp_path / "backup.db"
    with sqlite3.connect(path) as source, sqlite3.connect(backup) as copy:
        source.backup(copy)  # last night's copy of the whole file
    old_end = world.event_count(actor="auditor")
    world.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-10-08")
    later = world.ok("seal", "--witness", str(folder), actor="auditor")
    assert world.ok("verify", "--witness", str(folder), actor="auditor")["witness"] == "ok (2)"
    with sqlite3.connect(backup) as copy, sqlite3.connect(path) as live:
        copy.backup(live)  # the whole file restored: the payment and the later seal are gone
    assert world.ok("verify", actor="auditor")["ok"] is True  # consistent with itself
    result = world("verify", "--witness", str(folder), actor="auditor", fmt="table")
    assert result.exit_code == 1, describe(result)
    assert result.stderr.startswith("error[TAMPERED]: 留存目录中的封存文件 seal-"), describe(result)
    assert f"日志比您持有的封存记录短: 日志到第 {old_end} 条, 封存在第 {later['position']} 条" in result.stderr
    checks = dict(line.split(maxsplit=1) for line in result.stdout.splitlines() if line.startswith("留存封存核对"))
    assert checks == {"留存封存核对": "未通过 (TAMPERED)"}, describe(result)
