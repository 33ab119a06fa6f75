"""The benchmark keeps working: a small run prints its figures and writes them as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ENGINES

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_benchmark_run_measures_everything(tmp_path):
    out = tmp_path / "figures.json"
    pg = "postgresql" in ENGINES
    pg_args = ["--pg", os.environ.get("GRANTLEDGER_TEST_PG") or "auto"] if pg else []
    args = ["--events", "2000", "--out", str(out), "--workdir", str(tmp_path / "work"), *pg_args]
    done = subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())["sizes"][0]
    assert figures["events"] > 1500
    for what in ("ingest_sqlite", "replay", "verify"):
        assert figures[what]["events_per_s"] > 0 and figures[what]["ratio"] > 0
    assert set(figures["reports"]) >= {"awards", "funds", "caps"}
    assert set(figures["web"]) >= {"awards", "funds"}
    assert all(page["ms"] > 0 and page["ratio"] > 0 for page in figures["web"].values())
    assert 0 < figures["one_command_s"] < 30
    assert figures["baseline"]["grouped_per_s"] > 0 and not figures["ingest_sqlite"]["failed"]
    assert set(figures["report_process"]) >= {"awards", "trial-balance"}
    assert all(0 < seconds < 30 for seconds in figures["report_process"].values())
    assert {"fund list", "role list"} <= set(figures["read_commands"]) and "one read command" in done.stdout
    assert all(0 < seconds < 30 for seconds in figures["read_commands"].values())
    assert set(figures["read_commands_cpu"]) == set(figures["read_commands"])
    assert set(figures["report_process_cpu"]) == set(figures["report_process"])
    assert all(0 < seconds < 30 for seconds in figures["report_process_cpu"].values())
    assert figures["hledger"] is None or figures["hledger"]["ratio"] > 0
    assert "baseline" in done.stdout and "one command" in done.stdout and "web page /funds" in done.stdout
    assert "grouped append" in done.stdout and "one report as a new process" in done.stdout
    assert "hledger balance" in done.stdout
    since = figures["since_seal"]  # issue 26: verify --since-seal beside the full verify of the same ledger
    assert since["new_events"] > 0 and since["events"] > since["sealed_at"] > 0
    assert since["full_s"] > 0 and since["since_seal_s"] > 0 and since["ratio"] > 0
    assert "verify --since-seal" in done.stdout and "full verify of the same" in done.stdout
    if pg:  # PostgreSQL's reads as new processes, beside SQLite's from the same run
        assert not figures["ingest_postgresql"]["failed"]
        assert set(figures["report_process_pg"]) == set(figures["report_process"])
        assert all(0 < seconds < 30 for seconds in figures["report_process_pg"].values())
        assert len(figures["read_commands_pg"]) == len(figures["read_commands"])
        assert all(0 < seconds < 30 for seconds in figures["read_commands_pg"].values())
        assert set(figures["report_process_pg_cpu"]) == set(figures["report_process"])
        assert 0 < figures["report_process_pg_full_path"] < 60
        assert "one report as a new process (report awards): SQLite " in done.stdout
        assert ", PostgreSQL " in done.stdout.split("one report as a new process (report awards)")[1].splitlines()[0]
        before = figures["report_process_pg_psycopg"]  # each PostgreSQL read beside the same on psycopg
        assert set(before) == set(figures["report_process"])
        assert all(f["wall_s"] > 0 and f["cpu_s"] > 0 for f in before.values())
        assert len(figures["read_commands_pg_psycopg"]) == len(figures["read_commands"])
        assert "[on psycopg, GRANTLEDGER_LIBPQ=0: " in done.stdout
    startup = figures["startup"]  # issue 26: commands as new processes beside the same run's baselines
    for label in ("python -c pass", "grantledger --version", "write", "policy list", "policy show"):
        assert startup[label]["new"]["wall_ms"] > 0 and startup[label]["new"]["cpu_ms"] > 0, label
    assert "start-up baselines" in done.stdout and "policy list (new process)" in done.stdout


def test_the_start_up_section_alone_reuses_a_ledger_and_runs_the_old_code_beside(tmp_path):
    """``--startup-only`` (here with this very checkout as the "old" one): the figures of both sides."""
    work, out = tmp_path / "work", tmp_path / "figures.json"
    base = [sys.executable, "-m", "bench", "--events", "600", "--startup-only", "--workdir", str(work)]
    for extra in ([], ["--reuse", "--old", str(ROOT)]):
        done = subprocess.run([*base, *extra, "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    assert "reusing" in done.stdout and "previous code" in done.stdout
    startup = json.loads(out.read_text())["sizes"][0]["startup"]
    assert startup["write"]["old"]["cpu_ms"] > 0 and startup["policy list, no ledger"]["new"]["wall_ms"] > 0


def test_the_reads_alone_are_measured_beside_the_same_reads_on_psycopg(tmp_path):
    """``--reads-only``: ingest, then only the reads as new processes (PostgreSQL's beside the same on psycopg)."""
    out = tmp_path / "figures.json"
    pg = "postgresql" in ENGINES
    pg_args = ["--pg", os.environ.get("GRANTLEDGER_TEST_PG") or "auto"] if pg else []
    args = ["--events", "600", "--reads-only", "--out", str(out), "--workdir", str(tmp_path / "work"), *pg_args]
    done = subprocess.run([sys.executable, "-m", "bench", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())["sizes"][0]
    assert set(figures["report_process"]) >= {"awards", "trial-balance"} and len(figures["read_commands"]) == 6
    assert "replay" not in figures and "web" not in figures and "load average at the end" in done.stdout
    assert {"policy list", "policy show qd2024-14-hnte-first"} <= set(figures["read_commands"])
    if pg:
        assert set(figures["report_process_pg_psycopg"]) == set(figures["report_process"])
        assert "[on psycopg, GRANTLEDGER_LIBPQ=0: " in done.stdout
