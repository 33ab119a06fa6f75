"""Every attack of the kit (tests/attacks.py) is named by verify: exit 1, TAMPERED, the rule in words.

Each forgery is signed with a real key and keeps the hash chain intact, so before verify re-decided the rules
it said ok to all of them (the malformed event: a traceback). The honest ledger they start from verifies.
"""

from __future__ import annotations

import re

import pytest

from cli.main import main
from projections.redecide import CHECK
from tests.attacks import ATTACKS, Kit
from tests.e2e.driver import runner


@pytest.fixture
def kit(ledger) -> Kit:
    return Kit.build(ledger)


def test_the_kits_honest_ledger_verifies(kit):
    report = kit.ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks[CHECK].startswith("ok")


@pytest.mark.parametrize("name", list(ATTACKS))
def test_verify_names_the_attack(kit, db_url, name):
    attack, rule = ATTACKS[name]
    attack(kit)
    report = kit.ledger.verify("auditor")
    assert not report.ok
    assert report.checks["hash chain"] == "ok" and report.checks["signatures"].startswith("ok"), report.findings
    assert report.checks[CHECK].startswith("TAMPERED"), report.checks
    named = [f for f in report.findings if rule in f]
    assert named, report.findings
    assert re.search(r"第 \d+ 条事件", named[0]), named[0]
    result = runner().invoke(main, ["--db", db_url, "--actor", "auditor", "verify"])
    assert result.exit_code == 1, result.output
    assert "TAMPERED" in result.output and "Traceback" not in result.output
    assert rule in result.output  # the report's 规则复核 line names the first violation
