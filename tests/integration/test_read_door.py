"""The read side's one front door (``app.reads``, issue 28): every read command goes through it, it takes the full
path when the fast path cannot answer (same bytes either way), it owns the ``--read-db`` note rule, and no
``cli/`` module asks ``projections.fastread`` itself any more."""

from __future__ import annotations

import ast
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import reads
from app.facade import Ledger
from projections import fastread, policy_catalogue
from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.helpers import ENTERPRISE

ROOT = Path(__file__).resolve().parents[2]

# (the door's function, the facade's method behind it, the fast path's module and function, the command)
COMMANDS = [
    ("listing", "listing", (fastread, "listing"), ("fund", "list")),
    ("listing", "listing", (fastread, "listing"), ("unit", "list")),
    ("unit", "unit", (fastread, "listing"), ("unit", "show", ENTERPRISE)),
    ("report", "report", (fastread, "report"), ("report", "awards")),
    ("report", "report", (fastread, "report"), ("report", "funds", "--year", "2024")),
    ("history", "history", (fastread, "listing"), ("history", "QD-2024-001")),
    ("people", "roles", (fastread, "people"), ("role", "list")),
    ("catalogue", "catalogue", (policy_catalogue, "catalogue"), ("policy", "list")),
    ("catalogue", "catalogue", (policy_catalogue, "catalogue"), ("policy", "show", "qd2024-01-common-tech")),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Cli:
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('door') / 'ledger.db'}"))
    awarded(cli, "QD-2024-001", "qd2024-01-common-tech", "500万")
    cli.ok("disburse", "QD-2024-001", "--amount", "120万", "--voucher", "PZ-1", "--date", "2024-09-02")
    return cli


def counted(monkeypatch, owner, name: str, calls: list[str], answer=None):
    """Replace ``owner.name`` by a wrapper that records each call (and, given ``answer``, returns it instead)."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs) if answer is None else answer()

    monkeypatch.setattr(owner, name, wrapper)


@pytest.mark.parametrize(("door", "full", "fast", "command"), COMMANDS, ids=[" ".join(c[3]) for c in COMMANDS])
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_each_read_command_goes_through_the_door_and_the_full_path_answers_the_same(
    world, monkeypatch, door, full, fast, command, fmt
):
    with monkeypatch.context() as m:
        calls: list[str] = []
        counted(m, reads, door, calls)
        counted(m, Ledger, full, calls)
        quick = world(*command, fmt=fmt)
        assert quick.exit_code == 0, describe(quick)
        assert calls == [door], "the door answers, from the fast path"
    with monkeypatch.context() as m:
        calls = []
        counted(m, reads, door, calls)
        counted(m, *fast, calls, answer=lambda: None)  # the fast path cannot answer
        counted(m, Ledger, full, calls)
        slow = world(*command, fmt=fmt)
        assert slow.exit_code == 0, describe(slow)
        assert calls == [door, fast[1], full], "the door asks the fast path, then the facade"
    assert (slow.stdout, slow.stderr) == (quick.stdout, quick.stderr)


class FakeLedger:
    def report(self, *args, **kwargs) -> list[dict]:
        return [{"from": "full"}]

    def history(self, *args) -> list[dict]:
        return [{"from": "full"}]


def door_to(read_db: str | None, said: list[str], opened: list[bool]) -> reads.Door:
    @contextmanager
    def open_full(read: bool = False):
        opened.append(read)
        yield FakeLedger()

    return reads.Door("sqlite:///primary.db", read_db, "auditor", open_full, said.append)


@pytest.mark.parametrize("read", ["report", "history"])
@pytest.mark.parametrize(
    ("read_db", "note", "answer", "said", "opened"),
    [
        (None, None, "fast", [], []),  # no --read-db: no note asked for
        ("postgresql://standby/x", "数据来自只读副本, 已追上主库", "fast", ["数据来自只读副本, 已追上主库"], []),
        ("sqlite:///elsewhere.db", "", "fast", [], []),  # a SQLite --read-db: no note
        ("postgresql://standby/x", None, "full", [], [True]),  # the standby could not be asked: the full path
    ],
)
def test_the_door_owns_the_read_db_note_rule(monkeypatch, read, read_db, note, answer, said, opened):
    monkeypatch.setattr(fastread, "report", lambda url, *a: [{"from": "fast", "url": url}])
    monkeypatch.setattr(fastread, "listing", lambda url, *a: [{"from": "fast", "url": url}])
    monkeypatch.setattr(fastread, "replica_note", lambda url, primary: note)
    got_said: list[str] = []
    got_opened: list[bool] = []
    door = door_to(read_db, got_said, got_opened)
    if read == "report":
        rows = reads.report(door, "awards", None, None, {}, None, None)
    else:
        rows = reads.history(door, "QD-1")
    assert rows[0]["from"] == answer
    if answer == "fast":
        assert rows[0]["url"] == (read_db or "sqlite:///primary.db")  # --read-db when given, else --db
    assert (got_said, got_opened) == (said, opened)


def test_a_report_off_the_journal_side_takes_the_full_path_without_asking_the_fast_one(monkeypatch):
    monkeypatch.setattr(fastread, "report", lambda *a: pytest.fail("the fast path serves the journal side only"))
    opened: list[bool] = []
    door = door_to(None, [], opened)
    assert reads.report(door, "trial-balance", None, None, {}, None, None, side="both") == [{"from": "full"}]
    assert opened == [True]


def test_no_cli_module_asks_the_fast_path_itself():
    """The CLI reads through ``app.reads``; the fast path is behind the door."""
    offenders = []
    for path in sorted((ROOT / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "projections":
                names = {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {node.module or ""}
            elif isinstance(node, ast.Import):
                names = {alias.name for alias in node.names}
            else:
                continue
            if names & {"fastread", "projections.fastread"}:
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
