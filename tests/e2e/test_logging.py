"""Structured logs: one JSON line per command in --log-file, readable lines with -v, nothing on the terminal
otherwise."""

from __future__ import annotations

import json

from tests.e2e.driver import runner
from tests.helpers import ENTERPRISE


def invoke(*args: str):
    from cli.main import main

    return runner().invoke(main, list(args))


def test_each_command_leaves_one_structured_line_and_a_refusal_says_why(sqlite_url, tmp_path):
    log = tmp_path / "grantledger.log"
    common = ["--db", sqlite_url, "--actor", "admin", "--log-file", str(log)]
    assert invoke(*common, "init").exit_code == 0
    ok = invoke(*common, "unit", "register", ENTERPRISE, "--name", "海澜", "--type", "enterprise")
    assert ok.exit_code == 0 and ok.stderr == ""  # nothing on the terminal but the result
    again = invoke(*common, "unit", "register", ENTERPRISE, "--name", "海澜", "--type", "enterprise")
    assert again.exit_code == 0
    refused = invoke(*common, "fund", "appropriate", "NOPE", "--year", "2024", "--amount", "1万", "--doc", "D")
    assert refused.exit_code == 3
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["event"], e.get("command")) for e in lines[1:]] == [
        ("applied", "unit register"),
        ("repeat", "unit register"),
        ("refused", "fund appropriate"),
    ]
    assert all(e["actor"] == "admin" and "timestamp" in e and e["ms"] >= 0 for e in lines[1:])
    assert lines[1]["result"]["unit"] == ENTERPRISE and lines[1]["events"] == 1
    assert lines[3]["code"] == "NOT_FOUND" and lines[3]["level"] == "warning"


def test_verbose_writes_readable_logs_to_stderr(sqlite_url):
    invoke("--db", sqlite_url, "--actor", "admin", "init")
    result = invoke("--db", sqlite_url, "--actor", "admin", "-v", "fund", "create", "KJ", "--name", "科技")
    assert result.exit_code == 0
    assert "applied" in result.stderr and "command='fund create'" in result.stderr
