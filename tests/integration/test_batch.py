"""Batch entry: each line atomic, repeats skipped, refusals reported — and a batch killed with SIGKILL
half-way and run again applies every line exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.facade import Ledger
from bench.generate import programme
from ledger import commands
from ledger.batch import BatchRunner
from ledger.errors import LedgerError
from ledger.service import execute
from tests.helpers import ENTERPRISE, event_count


def lines(*items: dict | str) -> list[tuple[int, str]]:
    """Numbered batch lines; a str is put in as it is (for malformed lines)."""
    return [
        (n, item if isinstance(item, str) else json.dumps(item, ensure_ascii=False))
        for n, item in enumerate(items, start=1)
    ]


def award_lines(ref: str, amount: str = "100万") -> list[dict]:
    return [
        {
            "cmd": "apply",
            "ref": ref,
            "unit": ENTERPRISE,
            "clause": "qd2024-01-common-tech",
            "amount": amount,
            "date": "2024-09-01",
        },
        {"cmd": "evaluate", "ref": ref, "grade": "good", "date": "2024-09-02"},
        {"cmd": "award", "ref": ref, "amount": amount, "fund": "KJ", "doc": f"D-{ref}", "date": "2024-09-03"},
    ]


def test_a_batch_reports_each_refused_line_and_applies_the_rest(world):
    ledger = world.ledger
    summary = ledger.batch(
        lines(
            *award_lines("B-1"),
            {"cmd": "disburse", "ref": "B-1", "amount": "30万", "voucher": "P-1", "date": "2024-09-04"},
            {"cmd": "disburse", "ref": "B-1", "amount": "80万", "voucher": "P-2", "date": "2024-09-04"},  # too much
            {"cmd": "disburse", "ref": "B-1", "amount": "abc", "voucher": "P-3"},  # malformed
            {"cmd": "spend", "ref": "B-1", "amount": "5万", "category": "fine", "voucher": "S-1", "date": "2024-09-05"},
            "not json",
            {"cmd": "disburse", "ref": "B-1", "amount": "30万", "voucher": "P-1", "date": "2024-09-04"},  # a repeat
            {"cmd": "spend", "ref": "B-1", "amount": "5万", "category": "rd", "voucher": "S-2", "date": "2024-09-05"},
        ),
        "admin",
    )
    assert (summary.applied, summary.skipped, summary.failed) == (5, 1, 4)
    assert [(e.line, e.code) for e in summary.errors] == [
        (5, "EXCEEDS_AWARD"),
        (6, "INVALID_INPUT"),
        (7, "NEGATIVE_LIST"),
        (8, "INVALID_INPUT"),
    ]
    row = world.award_row("B-1")
    assert (row["disbursed"], row["spent"]) == (30_0000_00, 5_0000_00)


def test_stop_on_error_applies_nothing_after_the_first_refusal(world):
    batch = lines(
        *award_lines("B-1"),
        {"cmd": "disburse", "ref": "B-1", "amount": "300万", "voucher": "P-1", "date": "2024-09-04"},
        {"cmd": "disburse", "ref": "B-1", "amount": "30万", "voucher": "P-2", "date": "2024-09-04"},
    )
    summary = world.ledger.batch(batch, "admin", stop_on_error=True)
    assert (summary.applied, summary.failed) == (3, 1)
    assert world.award_row("B-1")["disbursed"] == 0


def test_lines_are_grouped_into_transactions_but_a_refusal_never_takes_its_neighbours_with_it(world):
    ledger = world.ledger
    batch = lines(
        *award_lines("B-1"),
        *[
            {"cmd": "disburse", "ref": "B-1", "amount": "9万", "voucher": f"P-{k}", "date": "2024-09-04"}
            for k in range(12)
        ],  # 108万 asked of 100万: the twelfth is refused
    )
    summary = ledger.batch(batch, "admin", group_size=4)
    assert (summary.applied, summary.failed) == (14, 1)
    assert summary.errors[0].line == 15 and summary.errors[0].code == "EXCEEDS_AWARD"
    assert world.award_row("B-1")["disbursed"] == 99_0000_00


def test_a_group_that_loses_a_race_is_redone_line_by_line(world, monkeypatch):
    """Another clerk writes between the group's reads and its save: the group fails as a whole and is redone."""
    ledger = world.ledger
    ledger.batch(lines(*award_lines("B-1")), "admin")
    original = BatchRunner._commit

    def interfere(self, uow, group, summary):
        execute(
            ledger.app,
            commands.build("disburse", {"ref": "B-1", "amount": "50万", "voucher": "OTHER", "date": "2024-09-04"}),
            "clerk",
        )
        monkeypatch.setattr(BatchRunner, "_commit", original)
        return original(self, uow, group, summary)

    monkeypatch.setattr(BatchRunner, "_commit", interfere)
    summary = ledger.batch(
        lines(
            {"cmd": "disburse", "ref": "B-1", "amount": "40万", "voucher": "P-1", "date": "2024-09-04"},
            {"cmd": "disburse", "ref": "B-1", "amount": "40万", "voucher": "P-2", "date": "2024-09-04"},
        ),
        "admin",
    )
    assert (summary.applied, summary.failed) == (1, 1) and summary.errors[0].code == "EXCEEDS_AWARD"
    assert world.award_row("B-1")["disbursed"] == 90_0000_00


def test_a_refusal_that_left_events_behind_makes_the_group_redo_line_by_line(world, monkeypatch):
    """Belt and braces: should a command ever refuse after triggering an event, its group is not saved as is."""
    from ledger import service
    from ledger.grant import Grant

    ledger = world.ledger
    original = service.HANDLERS[commands.Spend]

    def sloppy(uow, cmd, actor):
        grant = uow.find(Grant, cmd.ref)
        if grant is not None and cmd.voucher == "S-BAD":
            grant.spend(cmd.voucher, cmd.amount, cmd.category, actor, "2024-09-05")  # an event…
            raise LedgerError("INVALID_STATE", "…and then a refusal")
        return original(uow, cmd, actor)

    monkeypatch.setitem(service.HANDLERS, commands.Spend, sloppy)
    summary = ledger.batch(
        lines(
            *award_lines("B-1"),
            {"cmd": "disburse", "ref": "B-1", "amount": "50万", "voucher": "P-1", "date": "2024-09-04"},
            {"cmd": "spend", "ref": "B-1", "amount": "1万", "category": "rd", "voucher": "S-BAD", "date": "2024-09-05"},
            {"cmd": "spend", "ref": "B-1", "amount": "2万", "category": "rd", "voucher": "S-OK", "date": "2024-09-05"},
        ),
        "admin",
    )
    assert (summary.applied, summary.failed) == (5, 1)
    assert world.award_row("B-1")["spent"] == 2_0000_00
    assert ledger.verify("admin").ok


# -- SIGKILL ---------------------------------------------------------------------------------


def write_programme(path: Path, events: int) -> int:
    rows = list(programme(events, seed=7))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return len(rows)


def grantledger(*args: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        **kwargs,
    )


@pytest.mark.slow
def test_a_batch_killed_half_way_and_run_again_applies_every_line_exactly_once(db_url, tmp_path, request):
    batch = tmp_path / "programme.jsonl"
    total = write_programme(batch, 6000)
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("bench")
        proc = grantledger("--db", db_url, "--actor", "bench", "batch", "--group-size", "50", str(batch))
        deadline = time.time() + 120
        while event_count(ledger) < 1500 and time.time() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert proc.poll() is None, "the batch finished before it could be killed; make it longer"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = event_count(ledger)
        assert 0 < killed_at
        again = grantledger("--db", db_url, "--actor", "bench", "--format", "json", "batch", str(batch))
        out, err = again.communicate(timeout=300)
        summary = json.loads(out)
        assert again.returncode == 0, err
        assert summary["failed"] == 0 and summary["applied"] + summary["skipped"] == total
        assert summary["skipped"] > 0 and summary["applied"] > 0
        assert ledger.verify("bench").ok
        after_kill = {name: ledger.report(name, "bench") for name in ("awards", "funds", "trial-balance")}

    reference = request.getfixturevalue("sqlite_url").replace("ledger.db", "reference.db")
    with Ledger(reference, create_tables=True) as clean:
        clean.init("bench")
        clean_run = grantledger("--db", reference, "--actor", "bench", "--format", "json", "batch", str(batch))
        out, _ = clean_run.communicate(timeout=300)
        assert json.loads(out)["applied"] == total
        assert {name: clean.report(name, "bench") for name in ("awards", "funds", "trial-balance")} == after_kill
