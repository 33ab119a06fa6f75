"""The ``slow`` marker: left out of a plain ``pytest`` run, run by ``scripts/test`` (and so by CI) and by ``-m``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SLOW_MODULE = "tests/integration/test_concurrency.py"  # every test in it is marked slow


def collected(*args: str, slow: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GRANTLEDGER_SLOW"}
    if slow is not None:
        env["GRANTLEDGER_SLOW"] = slow
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", SLOW_MODULE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return result.stdout


def test_slow_tests_are_deselected_unless_asked_for():
    assert "deselected" in collected(slow=None) and "::" not in collected(slow=None)
    assert "::" in collected(slow="1") and "deselected" not in collected(slow="1")
    assert "::" in collected("-m", "slow", slow=None)


def test_scripts_test_runs_them():
    assert 'export GRANTLEDGER_SLOW="${GRANTLEDGER_SLOW:-1}"' in (ROOT / "scripts" / "test").read_text()
