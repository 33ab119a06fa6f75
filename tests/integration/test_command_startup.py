"""A command as a new process imports only what it uses (issue 26), and answers exactly as before.

A writing command on a SQLite file writes its events with the event store's own driver and folds them into
the read models with ``sqlite3`` (``read_model.SqliteReadModel``): no SQLAlchemy, alembic, the report queries, the
spreadsheet/PDF/web libraries, nor structlog when nothing is logged. ``policy list`` and ``policy show`` read the
documents loaded into the ledger from the register's events (``projections.policy_catalogue``): no
eventsourcing, SQLAlchemy or cryptography. Each test here runs the command line as a new process and looks
at ``sys.modules`` when it ends; the read models the light path wrote pass ``verify`` (rebuilt from zero with
the full path and compared row by row), and both paths of the catalogue print the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.facade import Ledger
from projections import policy_catalogue
from tests.helpers import ENTERPRISE, UNIVERSITY, World, run

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "policy-format.md"
PROBE = """
import sys
names = sys.argv.pop(1).split(",")
from cli.main import main
sys.argv[0] = "grantledger"
code = 0
try:
    main()
except SystemExit as stop:
    code = stop.code
print("LOADED", sorted(m for m in names if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""
# What a writing command does not use (structlog: only with --log-file or -v).
NOT_FOR_A_WRITE = (
    "sqlalchemy",
    "alembic",
    "openpyxl",
    "reportlab",
    "jinja2",
    "starlette",
    "uvicorn",
    "psycopg",
    "structlog",
    "asyncio",
    "multiprocessing",
    "projections.reports",
    "projections.report_awards",
    "projections.report_funds",
    "projections.listings",
    "projections.log_reads",
    "projections.schema",
    "projections.audit",
    "projections.chart_of_accounts",
    "projections.entries",
    "projections.plain_books",
    "projections.u8",
    "projections.kingdee",
    "ledger.batch",
)
# What listing or showing the public catalogue does not use (``--in-force`` parses its date with ledger.commands).
NOT_FOR_IN_FORCE = (*NOT_FOR_A_WRITE, "eventsourcing", "ledger.service", "ledger.eventstore")
NOT_FOR_THE_CATALOGUE = (*NOT_FOR_IN_FORCE, "cryptography", "ledger.commands")


def cli(url: str | None, *args: str, modules: tuple[str, ...] = (), env: dict | None = None, cwd: Path = ROOT):
    """``grantledger [--db URL] ARGS`` as a new process; with ``modules``, which of them it had imported."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    clean["PYTHONPATH"] = str(ROOT)
    db = ["--db", url] if url else []
    command = [sys.executable, "-c", PROBE, ",".join(modules)] if modules else [sys.executable, "-m", "cli.main"]
    return subprocess.run(
        [*command, *db, *args], cwd=cwd, env={**clean, **(env or {})}, capture_output=True, timeout=120
    )


def loaded(done: subprocess.CompletedProcess) -> list[str]:
    line = next(x for x in done.stderr.decode().splitlines() if x.startswith("LOADED "))
    return eval(line[len("LOADED ") :])  # a list of names printed by the probe above


@pytest.fixture
def ledger_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/ledger.db"
    with Ledger(url, create_tables=True) as ledger:
        ledger.init("admin")
        World.build(ledger)
    return url


CLAUSE = "qd2024-01-common-tech"
WRITES = [
    ("clerk", "apply", "QD-S1", "--unit", ENTERPRISE, "--clause", CLAUSE, "--amount", "300万", "--date", "2024-09-01"),
    ("clerk", "apply", "QD-S2", "--unit", ENTERPRISE, "--clause", CLAUSE, "--amount", "100万", "--date", "2024-09-02"),
    ("reviewer", "evaluate", "QD-S1", "--grade", "good", "--score", "85", "--date", "2024-09-10"),
    (
        "clerk",
        "award",
        "QD-S1",
        "--amount",
        "300万",
        "--fund",
        "KJ",
        "--doc",
        "青科字〔2024〕9号",
        "--date",
        "2024-09-20",
    ),
    ("clerk", "disburse", "QD-S1", "--amount", "80万", "--voucher", "PZ-S1", "--date", "2024-09-25"),
    ("clerk", "disburse", "QD-S1", "--amount", "80万", "--voucher", "PZ-S1", "--date", "2024-09-25"),  # a repeat
    (
        "clerk",
        "spend",
        "QD-S1",
        "--amount",
        "20万",
        "--category",
        "equipment",
        "--voucher",
        "ZC-S1",
        "--date",
        "2024-10-01",
    ),
    ("clerk", "reverse", "ZC-S1", "--reason", "重复录入", "--date", "2024-10-02"),
    (
        "clerk",
        "unit",
        "rename",
        ENTERPRISE,
        "--name",
        "海澜智能科技",
        "--doc",
        "青市监变〔2024〕8号",
        "--date",
        "2024-10-03",
    ),
    ("clerk", "disburse", "QD-S1", "--amount", "9亿", "--voucher", "PZ-S9", "--date", "2024-10-04"),  # refused
]


def test_a_writing_command_imports_no_sqlalchemy_no_report_queries_and_no_logging(ledger_file):
    for actor, *args in WRITES:
        done = cli(ledger_file, "--actor", actor, "--format", "json", *args, modules=NOT_FOR_A_WRITE)
        assert loaded(done) == [], (args, done.stderr.decode()[-2000:])
        assert done.returncode == (1 if "PZ-S9" in args else 0), (args, done.stderr.decode()[-2000:])
    assert b'"changed": false' in cli(ledger_file, "--actor", "clerk", "--format", "json", *WRITES[5][1:]).stdout
    # what the light path folded is what a rebuild from zero gives (verify compares every table row by row)
    verified = cli(ledger_file, "--actor", "auditor", "--format", "json", "verify")
    assert verified.returncode == 0 and b'"ok": true' in verified.stdout, verified.stdout.decode()[-2000:]
    report = cli(ledger_file, "--actor", "clerk", "--format", "json", "report", "awards")
    full = cli(
        ledger_file, "--actor", "clerk", "--format", "json", "report", "awards", env={"GRANTLEDGER_FAST_READ": "0"}
    )
    assert report.stdout == full.stdout and b"QD-S1" in report.stdout


# What a payment does not use (issue 26): the families of other commands and the aggregates only they load.
NOT_FOR_A_PAYMENT = (
    "ledger.caps",
    "ledger.unit",
    "ledger.clauses",
    "ledger.rules",
    "ledger.policy_register",
    "ledger.corrections",
    "ledger.settlement",
    "ledger.holds",
    "ledger.regions",
    "ledger.handlers.applications",
    "ledger.handlers.corrections",
    "ledger.handlers.equity",
    "ledger.handlers.holds",
    "ledger.handlers.periods",
    "ledger.handlers.policies",
    "ledger.handlers.projects",
    "ledger.handlers.settlement",
    "ledger.handlers.setup",
    "ledger.handlers.upgrade",
    "ledger.command_families.applications",
    "ledger.command_families.corrections",
    "ledger.command_families.equity",
    "ledger.command_families.policies",
    "ledger.command_families.projects",
    "ledger.command_families.settlement",
    "ledger.command_families.setup",
    # found by topic (uow.Deferred) and absent here: no closed year, no project; the keys family only binds keys
    "ledger.periods",
    "ledger.project",
    "ledger.handlers.keys",
    "ledger.command_families.keys",
    "ledger.command_families.periods",
)


def test_a_disbursement_loads_its_own_family_and_the_aggregates_it_uses_only(ledger_file):
    """Handlers and command classes are imported by family on first use; a payment needs no caps, units,
    catalogue or rules, and what it wrote is what the full path rebuilds (``verify``)."""
    award = ("clerk", "award", "QD-S1", "--amount", "300万", "--fund", "KJ", "--doc", "青科字〔2024〕9号")
    for actor, *args in (WRITES[0], WRITES[2], (*award, "--date", "2024-09-20")):
        assert cli(ledger_file, "--actor", actor, *args).returncode == 0
    for voucher, amount, code in (("PZ-L1", "80万", 0), ("PZ-L1", "80万", 0), ("PZ-L2", "9亿", 1)):
        args = ("disburse", "QD-S1", "--amount", amount, "--voucher", voucher, "--date", "2024-09-25")
        done = cli(ledger_file, "--actor", "clerk", "--format", "json", *args, modules=NOT_FOR_A_PAYMENT)
        assert done.returncode == code, done.stderr.decode()[-2000:]
        assert loaded(done) == [], (args, loaded(done))
    for actor, *args in (
        (
            "clerk",
            "spend",
            "QD-S1",
            "--amount",
            "1万",
            "--category",
            "equipment",
            "--voucher",
            "ZC-L1",
            "--date",
            "2024-10-01",
        ),
        ("clerk", "reverse", "ZC-L1", "--reason", "重复录入"),
    ):
        done = cli(ledger_file, "--actor", actor, *args, modules=NOT_FOR_A_PAYMENT)
        assert done.returncode == 0 and loaded(done) == [], (args, done.stderr.decode()[-2000:])
    verified = cli(ledger_file, "--actor", "auditor", "--format", "json", "verify")
    assert verified.returncode == 0 and b'"ok": true' in verified.stdout, verified.stdout.decode()[-2000:]


def test_logging_is_loaded_when_asked_for_and_a_refusal_may_use_the_full_stack(ledger_file, tmp_path):
    log = tmp_path / "log.jsonl"
    done = cli(
        ledger_file,
        "--actor",
        "admin",
        "--log-file",
        str(log),
        "fund",
        "create",
        "LOG",
        "--name",
        "日志资金",
        modules=("structlog",),
    )
    assert done.returncode == 0 and loaded(done) == ["structlog"]
    assert '"applied"' in log.read_text(encoding="utf-8")
    mistyped = cli(
        ledger_file,
        "--actor",
        "clerk",
        "disburse",
        "QD-NONE",
        "--amount",
        "1万",
        "--voucher",
        "PZ-X",
        "--date",
        "2024-09-25",
    )
    assert mistyped.returncode == 3 and "不存在" in mistyped.stderr.decode()


def guide_example() -> str:
    import re

    return re.findall(r"```toml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)[0]


@pytest.fixture
def any_ledger(db_url) -> str:
    """An initialised ledger with the standard world, on each engine (``db_url``: a fresh database)."""
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        World.build(ledger)
    return db_url


def test_policy_list_and_show_need_no_application_and_print_what_the_full_path_prints(any_ledger, tmp_path):
    """On either engine (PostgreSQL: the register's events read with libpq alone, ``fastread.Reader``)."""
    ledger_file = any_ledger
    pg = not ledger_file.startswith("sqlite")
    document = tmp_path / "qd2021-talent.toml"
    document.write_text(guide_example(), encoding="utf-8")
    loaded_ = cli(ledger_file, "--actor", "admin", "policy", "load", str(document))
    assert loaded_.returncode == 0, loaded_.stderr.decode()
    if pg:
        documents = policy_catalogue.loaded_documents_pg(ledger_file)
    else:
        documents = policy_catalogue.loaded_documents(ledger_file[len("sqlite:///") :])
    assert documents and documents[0]["file_name"] == "qd2021-talent.toml"
    with Ledger(ledger_file) as ledger:
        full = ledger.catalogue()
    light = policy_catalogue.catalogue(ledger_file)
    assert light is not None and [c.id for c in light] == [c.id for c in full] and list(light) == list(full)
    new = next(c.id for c in full if c.document.sha256 is not None)
    for fmt in ("table", "json", "csv"):
        for args in (["policy", "list"], ["policy", "list", "--in-force", "2024-03-01"], ["policy", "show", new]):
            heavy = NOT_FOR_IN_FORCE if "--in-force" in args else NOT_FOR_THE_CATALOGUE
            fast = cli(ledger_file, "--format", fmt, *args, modules=heavy)
            slow = cli(ledger_file, "--format", fmt, *args, env={"GRANTLEDGER_FAST_READ": "0"})
            assert fast.returncode == slow.returncode == 0, fast.stderr.decode()[-2000:]
            assert fast.stdout == slow.stdout, (fmt, args)
            assert loaded(fast) == [], (args, loaded(fast))
    light_modules = NOT_FOR_THE_CATALOGUE  # psycopg included: PostgreSQL is read with libpq alone
    shown = cli(ledger_file, "--format", "json", "policy", "show", new, modules=light_modules)
    assert loaded(shown) == [] and new.encode() in shown.stdout
    missing = cli(ledger_file, "policy", "show", "no-such-clause", modules=light_modules)
    assert missing.returncode == 3 and loaded(missing) == []
    assert (
        missing.stderr.replace(b"LOADED []\n", b"")
        == cli(ledger_file, "policy", "show", "no-such-clause", env={"GRANTLEDGER_FAST_READ": "0"}).stderr
    )


def test_policy_list_without_a_ledger_is_the_shipped_catalogue_without_the_application(tmp_path):
    absent = f"sqlite:///{tmp_path}/absent.db"
    for url in (absent, None):  # --db naming no file, and no --db at all (grantledger.db in the folder: none)
        fast = cli(url, "--format", "json", "policy", "list", modules=NOT_FOR_THE_CATALOGUE, cwd=tmp_path)
        slow = cli(url, "--format", "json", "policy", "list", env={"GRANTLEDGER_FAST_READ": "0"}, cwd=tmp_path)
        assert fast.returncode == slow.returncode == 0 and fast.stdout == slow.stdout
        assert loaded(fast) == [] and b"qd2024-14-hnte-first" in fast.stdout
    assert not (tmp_path / "absent.db").exists() and not (tmp_path / "grantledger.db").exists()


def test_a_file_that_is_not_a_ledger_goes_to_the_full_path(tmp_path):
    other = tmp_path / "other.db"
    other.write_bytes(b"not a database at all")
    url = f"sqlite:///{other}"
    assert policy_catalogue.catalogue(url) is None
    fast, slow = cli(url, "policy", "list"), cli(url, "policy", "list", env={"GRANTLEDGER_FAST_READ": "0"})
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)


def test_awards_under_a_platform_clause_on_a_sqlite_file_make_no_sqlalchemy_engine(ledger_file):
    """A lifetime total is decided from the ``UnitCap`` aggregates alone (issue 28: the upgrade step carries what
    the first edition did not keep), so awarding under a platform clause asks no read model: no engine is made."""
    lab = "qd2024-05-national-key-lab-lead"
    with Ledger(ledger_file) as ledger:
        for n, amount in ((1, "600万"), (2, "400万")):
            ref, day = f"QD-L{n}", f"2024-09-0{n}"
            run(ledger, "apply", ref=ref, unit=UNIVERSITY, clause=lab, amount=amount, date=day)
            run(ledger, "evaluate", "reviewer", ref=ref, grade="good", date=day)
            run(ledger, "award", ref=ref, amount=amount, fund="KJ", doc=f"DOC-L{n}", date=day)
        assert "engine" not in ledger.__dict__


def test_policy_list_on_a_database_never_initialised_answers_as_the_full_path(db_url):
    """SQLite: no file (the shipped catalogue, none made); PostgreSQL: a database without the log's table, which
    the light path cannot read, so the full path answers (the shipped catalogue: nothing loaded)."""
    fast = cli(db_url, "--format", "json", "policy", "list")
    slow = cli(db_url, "--format", "json", "policy", "list", env={"GRANTLEDGER_FAST_READ": "0"})
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert fast.returncode == 0 and b"qd2024-14-hnte-first" in fast.stdout
    if db_url.startswith("sqlite"):
        assert policy_catalogue.catalogue(db_url) is not None
    else:
        assert policy_catalogue.catalogue(db_url) is None


def test_a_report_does_not_parse_the_policy_catalogue(ledger_file):
    """A fund's city is named from ``ledger.values`` (``presentation.labels``): a report that shows no loaded
    clause's title imports no catalogue parser (``ledger.clauses`` and its dataclasses, fractions, dates cost
    every report as a new process ~10 ms of CPU)."""
    for args in (["report", "funds"], ["fund", "list"], ["report", "trial-balance"]):
        done = cli(ledger_file, "--actor", "clerk", *args, modules=("ledger.clauses", "ledger.scope", "fractions"))
        assert done.returncode == 0 and loaded(done) == [], (args, done.stderr.decode()[-2000:])


def test_a_single_writing_command_runs_without_the_cyclic_collector_and_every_other_command_with_it(monkeypatch):
    """``cli.main.UNCOLLECTED``: the collector is off while one writing command imports its ~100 event classes
    (the process ends with it), on for the rest (batch, replay, verify, reports…), and as it was after ``main``."""
    import gc
    import types

    import click
    from click.testing import CliRunner

    from cli import main as cli_main

    seen: dict[str, bool] = {}

    def command_module(module: str) -> types.SimpleNamespace:
        def probe(name: str) -> click.Command:
            return click.Command(name, callback=lambda: seen.__setitem__(name, gc.isenabled()))

        return types.SimpleNamespace(**{attr: probe(n) for n, (m, attr, _) in cli_main.COMMANDS.items() if m == module})

    monkeypatch.setattr(cli_main, "importlib", types.SimpleNamespace(import_module=command_module))
    for name in ("disburse", "award", "invest", "reverse", "batch", "replay", "verify", "report", "serve", "close"):
        assert CliRunner().invoke(cli_main.main, [name]).exit_code == 0, name
        assert gc.isenabled(), name
    assert seen == {
        **dict.fromkeys(("disburse", "award", "invest", "reverse"), False),
        **dict.fromkeys(("batch", "replay", "verify", "report", "serve", "close"), True),
    }
    gc.disable()
    try:
        assert CliRunner().invoke(cli_main.main, ["report"]).exit_code == 0 and not gc.isenabled()
    finally:
        gc.enable()
    assert not seen["report"]
