"""Concurrent writers in real processes never break invariants 1–3 (SQLite and PostgreSQL).

Each worker is a separate Python process running the real command line; they
wait at a barrier (a file appearing) so that they really do race.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers import ENTERPRISE, run

pytestmark = pytest.mark.slow

WORKER = textwrap.dedent("""
    import json, os, sys, time
    go = sys.argv[1]
    while not os.path.exists(go):
        time.sleep(0.001)
    from cli.main import main
    try:
        main.main(sys.argv[2:], prog_name="grantledger", standalone_mode=False)
        sys.exit(0)
    except SystemExit as stop:
        sys.exit(stop.code or 0)
""")


def race(tmp_path: Path, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Start one process per command, release them together, and collect what each said."""
    go = tmp_path / "go"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(go), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
        for args in commands
    ]
    time.sleep(1.5)  # let every interpreter import the CLI and reach the barrier
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def codes(results) -> list[str]:
    found = []
    for r in results:
        if r.returncode == 0:
            found.append("ok")
        else:
            found.append(json.loads(r.stdout)["error"]["code"] if r.stdout.strip() else r.stderr.strip())
    return found


def test_eight_processes_paying_one_award_never_overpay_it(world, db_url, tmp_path):
    world.awarded("QD-1", "qd2024-01-common-tech", "100万")
    results = race(
        tmp_path,
        [
            [
                "--db",
                db_url,
                "--actor",
                "clerk",
                "--format",
                "json",
                "disburse",
                "QD-1",
                "--amount",
                "30万",
                "--voucher",
                f"PZ-{n}",
                "--date",
                "2024-09-02",
            ]
            for n in range(8)
        ],
    )
    outcome = codes(results)
    assert sorted(outcome) == ["EXCEEDS_AWARD"] * 5 + ["ok"] * 3, [r.stderr for r in results]
    row = world.award_row("QD-1")
    assert (row["disbursed"], row["pending"]) == (90_0000_00, 0)
    assert world.ledger.verify("admin").ok


def test_racing_awards_never_push_a_unit_over_its_yearly_cap(world, db_url, tmp_path):
    ledger = world.ledger
    for n in range(8):
        run(
            ledger,
            "apply",
            ref=f"T{n}",
            unit=ENTERPRISE,
            clause="qd2020-kc16-key-project-team",
            amount="30万",
            date="2022-03-01",
        )
        run(ledger, "evaluate", ref=f"T{n}", grade="good", date="2022-03-02")
    results = race(
        tmp_path,
        [
            [
                "--db",
                db_url,
                "--actor",
                "clerk",
                "--format",
                "json",
                "award",
                f"T{n}",
                "--amount",
                "30万",
                "--fund",
                "KJ",
                "--doc",
                f"D-{n}",
                "--date",
                "2022-04-01",
            ]
            for n in range(8)
        ],
    )
    outcome = codes(results)
    assert sorted(outcome) == ["EXCEEDS_ANNUAL_CAP"] * 2 + ["ok"] * 6, [r.stderr for r in results]
    caps = [r for r in world.report("caps") if r["unit"] == ENTERPRISE]
    assert [(c["used"], c["cap"]) for c in caps] == [(180_0000_00, 200_0000_00)]
    fund = next(r for r in world.report("funds") if (r["fund"], r["year"]) == ("KJ", 2022))
    assert fund["committed"] == 180_0000_00
    assert ledger.verify("admin").ok


def test_racing_awards_never_commit_more_than_the_fund_holds(world, db_url, tmp_path):
    ledger = world.ledger
    run(ledger, "fund create", fund="SMALL", name_="小额")
    run(ledger, "fund appropriate", fund="SMALL", year="2024", amount="250万", doc="S-1", date="2024-01-01")
    for n in range(6):
        run(
            ledger,
            "apply",
            ref=f"S{n}",
            unit=ENTERPRISE,
            clause="qd2024-01-common-tech",
            amount="100万",
            date="2024-09-01",
        )
        run(ledger, "evaluate", ref=f"S{n}", grade="good", date="2024-09-01")
    results = race(
        tmp_path,
        [
            [
                "--db",
                db_url,
                "--actor",
                "clerk",
                "--format",
                "json",
                "award",
                f"S{n}",
                "--amount",
                "100万",
                "--fund",
                "SMALL",
                "--doc",
                f"D-{n}",
                "--date",
                "2024-09-02",
            ]
            for n in range(6)
        ],
    )
    assert sorted(codes(results)) == ["INSUFFICIENT_FUNDS"] * 4 + ["ok"] * 2
    fund = next(r for r in world.report("funds") if r["fund"] == "SMALL")
    assert fund["committed"] == 200_0000_00 <= fund["appropriated"]
