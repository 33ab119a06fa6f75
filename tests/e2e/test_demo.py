"""``grantledger demo`` as a user runs it: the installed executable, in a fresh folder, in a real process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

GRANTLEDGER = Path(sys.prefix) / "bin" / "grantledger"  # the venv running the tests


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    return subprocess.run(
        [str(GRANTLEDGER), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    assert GRANTLEDGER.exists(), f"the venv has no grantledger executable at {GRANTLEDGER}"
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "demo.db"
    return run("demo", "--db-file", str(database), cwd=folder), database


def test_the_demo_exits_0(demo):
    finished, _ = demo
    assert finished.returncode == 0, finished.stderr


def test_the_demo_prints_the_awards_report(demo):
    finished, _ = demo
    report = finished.stdout.split("report awards", 1)[1]
    header = report.splitlines()[1]
    assert header.split()[:3] == ["申报编号", "单位名称", "条款"] and "批复金额" in header
    assert re.search(r"^QD-2024-001\s.*\s5,000,000\.00\s", report, re.M), report


def test_the_demo_ends_with_a_verify_that_is_ok(demo):
    finished, _ = demo
    verify = finished.stdout.split(" verify\n", 1)[1]
    assert re.search(r"^通过\s+是$", verify, re.M), verify


def test_the_demo_leaves_its_database_for_the_user_to_explore(demo):
    _, database = demo
    assert database.is_file()
    verified = run(
        "--db", f"sqlite:///{database}", "--actor", "audit.office", "--format", "json", "verify", cwd=database.parent
    )
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["ok"] is True
    awards = run(
        "--db",
        f"sqlite:///{database}",
        "--actor",
        "audit.office",
        "--format",
        "json",
        "report",
        "awards",
        cwd=database.parent,
    )
    assert {row["application"] for row in json.loads(awards.stdout)} == {"QD-2024-001", "QD-2024-002", "QD-2024-004"}


def test_everything_the_demo_prints_is_chinese(demo):
    """The README's first command is the demo: its narration, results, refusals and verify's check lines
    (哈希链 通过 …) leave no English for a new user to read but codes, identifiers and commands typed."""
    from tests.e2e.test_chinese_throughout import english

    finished, _ = demo
    leftovers = english(finished.stdout) + english(finished.stderr)
    assert leftovers == [], "\n".join(leftovers)
    assert re.search(r"^哈希链\s+通过$", finished.stdout, re.M) and "试算平衡" in finished.stdout
