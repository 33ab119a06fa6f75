"""The fast read path (``projections.fastread``) answers exactly as the full path, or not at all, on SQLite and
on PostgreSQL.

On a generated ledger on each engine (the bench's programme: awards, equity, a closed year; plus held payments, a
reopening waiting for a second person, roles granted and revoked) every report, with and without ``--year``,
``--as-of`` and ``--known-at`` (a position or a moment) and each filter, and the period reports
(``--from``/``--to``), give the same rows in the same column order both ways; through the command line every
report in every format prints the same bytes with the fast path on and off. When the read
models are behind the log, the fast path steps aside and the report shows the new figures; an actor
without a role is refused exactly as before. On either engine a report as a new process imports neither
SQLAlchemy nor eventsourcing nor alembic.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from app.facade import Ledger
from bench.generate import programme
from ledger import commands
from ledger.eventstore import DEFAULT_URL
from ledger.service import execute
from projections import fastread, libpq, report_sql_gen
from projections.report_rows import FILTERS, PERIOD_REPORTS, REPORTS, SINCE_START
from tests.conftest import ENGINES
from tests.helpers import ENTERPRISE, run
from tests.pgserver import create_database, drop_database

ROOT = Path(__file__).resolve().parents[2]


def ordered(rows: list[dict]) -> list[list]:
    return [list(row.items()) for row in rows]


@pytest.fixture(scope="module", params=ENGINES)
def ledger_file(request, tmp_path_factory) -> str:
    """The generated ledger's URL: a SQLite file, or a database of the throw-away PostgreSQL cluster."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fast') / 'ledger.db'}"
    else:
        admin = request.getfixturevalue("pg_admin_url")
        url = create_database(admin, "fast_read")
        request.addfinalizer(lambda: drop_database(admin, "fast_read"))
    with Ledger(url, create_tables=True) as ledger:
        ledger.init("admin")
        lines = [(n, json.dumps(line, ensure_ascii=False)) for n, line in enumerate(programme(2500, 7), 1)]
        summary = ledger.batch(lines, "admin")
        assert not summary.failed
        for person, role in (("clerk", "clerk"), ("gone", "reviewer")):
            run(ledger, "role grant", actor_=person, role=role)
        run(ledger, "role revoke", actor_="gone", role="reviewer")
        run(ledger, "fund create", fund="TZ", name_="科技股权投资专项", approval_threshold="50万")
        run(ledger, "fund appropriate", fund="TZ", year="2024", amount="1亿", doc="TZ-2024", date="2024-01-05")
        run(ledger, "unit register", code=ENTERPRISE, name_="海澜智能", type="enterprise")
        for n, day in ((1, "2024-09-01"), (2, "2024-10-08")):
            ref = f"TZ-{n}"
            run(ledger, "apply", ref=ref, unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="100万", date=day)
            run(ledger, "evaluate", ref=ref, grade="good", date=day)
            run(ledger, "award", ref=ref, amount="100万", fund="TZ", doc=f"DOC-{ref}", date=day)
            run(ledger, "disburse", ref=ref, amount="60万", voucher=f"PZ-TZ-{n}", date=day)  # held: above 50万
        run(ledger, "close", year="2024", fund="TZ", doc="JZ-TZ", date="2025-01-05")
        run(ledger, "reopen", year="2024", fund="TZ", doc="KZ-TZ", reason="补记", date="2025-01-06")  # held
    return url


def variants(ledger: Ledger) -> list[dict]:
    years = sorted({r["year"] for r in ledger.report("funds", "admin")})
    head = ledger.position()
    with ledger.engine.connect() as conn:
        from sqlalchemy import text

        moment = conn.execute(text("SELECT recorded_at FROM event_keys WHERE seq = :s"), {"s": head // 2}).scalar()
        paid = "SELECT effective_date, seq FROM journal WHERE movement = 'disbursement' ORDER BY seq LIMIT 1 OFFSET :n"
        day, seq = conn.execute(text(paid), {"n": 40}).one()  # on the very day and position of a payment
    options = {"year": (None, years[0], years[-1]), "as_of": (None, day), "known_at": (None, seq)}
    found = [dict(zip(options, combo, strict=True)) for combo in itertools.product(*options.values())]
    return [*found, {"known_at": moment}, {"known_at": moment, "as_of": f"{years[-1]}-03-01"}]


def test_every_report_and_variant_gives_the_same_rows_both_ways(ledger_file):
    with Ledger(ledger_file) as ledger:
        cases = variants(ledger)
        for name in REPORTS:
            for options in cases:
                full = ledger.report(name, "clerk", **options)
                fast = fastread.report(ledger_file, "clerk", name, **options)
                assert fast is not None, (name, options)
                assert ordered(fast) == ordered(full), (name, options)
        awards = ledger.report("awards", "admin")
        pending = ledger.report("pending", "admin")
        assert pending and {r["kind"] for r in pending} == {"disbursement", "reopen"}
        assert any(r["mode"] == "equity" for r in awards) and ledger.report("equity", "admin")
        assert any(r["closed"] for r in ledger.report("carryover", "admin"))
        picks = {"fund": "TZ", "unit": awards[0]["unit"], "clause": awards[0]["clause"]}
        for name in REPORTS:
            for key in FILTERS[name]:
                filters = {key: picks[key]}
                full = ledger.report(name, "admin", filters=filters)
                assert ordered(fastread.report(ledger_file, "admin", name, filters=filters)) == ordered(full)


def test_every_period_report_gives_the_same_rows_both_ways(ledger_file):
    with Ledger(ledger_file) as ledger:
        cases = variants(ledger)
        years = sorted({r["year"] for r in ledger.report("funds", "admin")})
        seen = 0
        for name in PERIOD_REPORTS:
            for options in cases:
                to = options.get("as_of")
                for since in (f"{years[0]}-04-01", f"{years[-1]}-01-01", SINCE_START):
                    if to is not None and since > to:
                        continue
                    full = ledger.report(name, "clerk", **options, since=since)
                    fast = fastread.report(ledger_file, "clerk", name, **options, since=since)
                    assert fast is not None, (name, options, since)
                    assert ordered(fast) == ordered(full), (name, options, since)
                    seen += len(full)
            full = ledger.report(name, "admin", filters={"fund": "TZ"}, since=f"{years[0]}-04-01")
            fast = fastread.report(ledger_file, "admin", name, filters={"fund": "TZ"}, since=f"{years[0]}-04-01")
            assert ordered(fast) == ordered(full) and {r["fund"] for r in full} == {"TZ"}
        assert seen > 100


def test_listings_and_history_give_the_same_rows_both_ways(ledger_file):
    with Ledger(ledger_file) as ledger:
        awards = ledger.report("awards", "admin")
        assert ordered(fastread.listing(ledger_file, "clerk", "fund list")) == ordered(ledger.listing("funds", "clerk"))
        assert ordered(fastread.listing(ledger_file, "clerk", "unit list")) == ordered(ledger.listing("units", "clerk"))
        for code in (ENTERPRISE, awards[0]["unit"]):
            shown = fastread.listing(ledger_file, "clerk", "unit show", code)
            assert ordered(shown) == ordered([ledger.unit(code, "clerk")])
        assert fastread.listing(ledger_file, "clerk", "unit show", "91370212MA3C4PQR9") == []
        for key in (awards[0]["application"], awards[0]["unit"], "TZ", "PZ-TZ-1", "admin", "nothing"):
            assert ordered(fastread.listing(ledger_file, "clerk", "history", key)) == ordered(
                ledger.history(key, "clerk")
            ), key
        people = fastread.people(ledger_file, "clerk")
        assert people == ledger.roles("clerk") and {p["actor"] for p in people} >= {"admin", "clerk", "gone"}
        assert next(p for p in people if p["actor"] == "admin")["key"]  # the batch's actor has a bound key


READS = [
    ["fund", "list"],
    ["unit", "list"],
    ["unit", "show", ENTERPRISE],
    ["unit", "show", "91370212MA3C4PQR9"],  # not registered: NOT_FOUND both ways
    ["history", "TZ-1"],
    ["history", ENTERPRISE],
    ["role", "list"],
]


def cli(url: str, *args: str, fast: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    if not fast:
        env["GRANTLEDGER_FAST_READ"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "cli.main", "--db", url, *args], cwd=ROOT, env=env, capture_output=True, timeout=120
    )


def test_every_report_in_every_format_prints_the_same_bytes(ledger_file, tmp_path):
    for name, fmt in itertools.product(REPORTS, ("table", "json", "csv")):
        extra = ["--yuan-unit", "万元"] if name == "awards" and fmt == "table" else []
        args = ["--actor", "clerk", "--format", fmt, "report", name, *extra]
        fast, full = cli(ledger_file, *args), cli(ledger_file, *args, fast=False)
        assert fast.returncode == full.returncode == 0, fast.stderr.decode()
        assert fast.stdout == full.stdout, (name, fmt)
    args = ["--actor", "clerk", "report", "awards", "--year", "2024", "--as-of", "2025-06-30", "--fund", "KJ"]
    assert cli(ledger_file, *args).stdout == cli(ledger_file, *args, fast=False).stdout
    for name, fmt in itertools.product(PERIOD_REPORTS, ("table", "json", "csv")):
        args = ["--actor", "clerk", "--format", fmt, "report", name, "--from", "2024-04-01", "--to", "2024-12-31"]
        fast, full = cli(ledger_file, *args), cli(ledger_file, *args, fast=False)
        assert fast.returncode == full.returncode == 0, fast.stderr.decode()
        assert fast.stdout == full.stdout, (name, fmt)
    args = ["--actor", "clerk", "report", "monthly", "--year", "2024", "--fund", "TZ", "--known-at", "40"]
    assert cli(ledger_file, *args).stdout == cli(ledger_file, *args, fast=False).stdout
    for command, fmt in itertools.product(READS, ("table", "json", "csv")):
        args = ["--actor", "clerk", "--format", fmt, *command]
        fast, full = cli(ledger_file, *args), cli(ledger_file, *args, fast=False)
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr), command


def test_the_fast_path_needs_no_sqlalchemy_eventsourcing_alembic_openpyxl_or_psycopg(ledger_file):
    """Nor psycopg on PostgreSQL: the fast path asks libpq itself (``projections.libpq``)."""
    probe = (
        "import sys\nfrom cli.main import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'eventsourcing', 'alembic', 'openpyxl', 'psycopg', 'asyncio')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRANTLEDGER_")}
    period = ["report", "funds", "--from", "2024-04-01", "--to", "2024-06-30"]
    for args in (
        ["report", "awards"],
        ["report", "funds", "--year", "2024"],
        ["report", "pending"],
        period,
        *READS[:3],
        ["policy", "list"],
        ["policy", "show", "qd2024-01-common-tech"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe, "--db", ledger_file, "--actor", "clerk", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert done.returncode == 0 and b"HEAVY []" in done.stderr, done.stderr.decode()[-2000:]


def _kind(statement: str) -> str:
    """What a statement of the fast path asks, named the same on both engines."""
    if statement.startswith("BEGIN"):
        return "begin"
    if "projection_tracking" in statement:
        return "read models' positions"
    if statement.startswith("SELECT MAX("):
        return "log's head"
    if statement.startswith("SELECT topic, state FROM"):
        return "actor's roles"
    return "report"


def test_a_report_opens_one_connection_and_asks_the_same_on_both_engines(ledger_file, monkeypatch):
    """``report funds`` through the command line: one connection, and on PostgreSQL no statement a SQLite run
    does not make (no version check, no ``SET``, no schema or migration check, no type lookup)."""
    from cli.main import main
    from tests.e2e.driver import describe, runner

    connections: list = []
    statements: list[str] = []
    if ledger_file.startswith("postgresql"):
        connect, execute = libpq.connect, libpq.Connection.execute

        def counted(*args, **kwargs):
            connections.append(connect(*args, **kwargs))
            return connections[-1]

        def recorded(self, query, params=()):
            statements.append(str(query))
            return execute(self, query, params)

        def refused(*args, **kwargs):
            raise AssertionError("the fast path asked psycopg")

        monkeypatch.setattr(libpq, "connect", counted)
        monkeypatch.setattr(libpq.Connection, "execute", recorded)
        monkeypatch.setattr(psycopg, "connect", refused)
    else:
        connect_sqlite = sqlite3.connect

        def traced(*args, **kwargs):
            conn = connect_sqlite(*args, **kwargs)
            conn.set_trace_callback(statements.append)
            connections.append(conn)
            return conn

        monkeypatch.setattr(sqlite3, "connect", traced)
    result = runner().invoke(main, ["--db", ledger_file, "--actor", "clerk", "--format", "json", "report", "funds"])
    assert result.exit_code == 0 and '"fund"' in result.stdout, describe(result)
    assert len(connections) == 1, statements
    asked = [_kind(s.strip()) for s in statements]
    assert asked == ["begin", "read models' positions", "log's head", "actor's roles", "report"], statements
    assert not any(s.lstrip().upper().startswith(("SET ", "SHOW ")) for s in statements), statements
    assert not any(w in s.lower() for s in statements for w in ("version()", "alembic_version", "pg_type")), statements


def test_no_role_is_refused_exactly_as_before(ledger_file):
    for actor in ("gone", "stranger"):
        fast, full = (
            cli(ledger_file, "--actor", actor, "report", "funds"),
            cli(ledger_file, "--actor", actor, "report", "funds", fast=False),
        )
        assert fast.returncode == full.returncode != 0
        assert fast.stdout + fast.stderr == full.stdout + full.stderr
        assert fastread.report(ledger_file, actor, "funds") is None


def test_a_refused_login_is_told_as_the_full_path_tells_it(ledger_file):
    if not ledger_file.startswith("postgresql"):
        pytest.skip("a PostgreSQL login")
    stranger = "postgresql+psycopg://nobody@" + ledger_file.split("@", 1)[1]
    for args in (["report", "funds"], ["history", "TZ-1"], ["policy", "list"]):  # the public catalogue too
        fast, full = cli(stranger, "--actor", "clerk", *args), cli(stranger, "--actor", "clerk", *args, fast=False)
        assert (fast.returncode, fast.stdout, fast.stderr) == (full.returncode, full.stdout, full.stderr)
        assert fast.returncode == 5 and "认证失败" in fast.stderr.decode(), fast.stderr.decode()


def test_read_models_behind_the_log_take_the_full_path(db_url):
    url = db_url
    with Ledger(url, create_tables=True) as ledger:
        ledger.init("admin")
        run(ledger, "fund create", fund="KJ", name_="科技创新专项资金")
        run(ledger, "fund appropriate", fund="KJ", year="2024", amount="1亿", doc="KJ-1", date="2024-01-05")
        assert fastread.report(url, "admin", "funds")[0]["appropriated"] == 1_0000_0000_00
        # a crash between the write and its projection: the event is in the log, the read models are not
        command = commands.build("fund appropriate", {"fund": "KJ", "year": "2024", "amount": "2亿", "doc": "KJ-2"})
        execute(ledger.app, command, "admin")
    assert fastread.report(url, "admin", "funds") is None
    shown = json.loads(cli(url, "--actor", "admin", "--format", "json", "report", "funds").stdout)
    assert shown[0]["appropriated"] == "300000000.00"
    assert fastread.report(url, "admin", "funds")[0]["appropriated"] == 3_0000_0000_00  # caught up: fast again


def test_only_ledgers_it_can_read_take_the_fast_path(tmp_path, monkeypatch):
    from ledger import pgconnect
    from ledger.errors import STORAGE, LedgerError

    assert fastread.report("postgresql+psycopg://u:p@localhost", "admin", "funds") is None  # no database named
    assert fastread.report(f"sqlite:///{tmp_path / 'missing.db'}", "admin", "funds") is None
    assert fastread.DEFAULT_URL == DEFAULT_URL
    assert fastread.PG_SCHEMES == pgconnect.SCHEMES
    # a server that does not answer is told at once, in the words the full path uses (ledger.pgconnect.refusal)
    monkeypatch.setenv("GRANTLEDGER_DB_TIMEOUT", "2")
    url = f"postgresql+psycopg://u@127.0.0.1:{_closed_port()}/x"
    with pytest.raises(LedgerError) as raised:
        fastread.report(url, "admin", "funds")
    assert raised.value.code == STORAGE and "没有应答" in raised.value.message
    with pytest.raises(LedgerError) as full:
        pgconnect.probe(url, 2)
    assert full.value.message == raised.value.message
    monkeypatch.setenv("GRANTLEDGER_FAST_READ", "0")
    assert fastread.report(url, "admin", "funds") is None


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_broken_read_model_falls_back(sqlite_url):
    with Ledger(sqlite_url, create_tables=True) as ledger:
        ledger.init("admin")
    assert fastread.report(sqlite_url, "admin", "awards") == []
    target = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    target.execute("DROP TABLE fund_names")
    target.commit()
    target.close()
    assert fastread.report(sqlite_url, "admin", "awards") is None


@pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL is not among this run's engines")
def test_a_broken_read_model_or_a_login_without_select_falls_back_on_postgresql(request):
    admin = request.getfixturevalue("pg_admin_url")
    url = create_database(admin, "fast_broken")
    request.addfinalizer(lambda: drop_database(admin, "fast_broken"))
    with Ledger(url, create_tables=True) as ledger:
        ledger.init("admin")
    assert fastread.report(url, "admin", "awards") == []
    reader_url = "postgresql+psycopg://fast_reader:fast@" + url.split("@", 1)[1]
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("ALTER TABLE fund_names RENAME TO fund_names_gone")
        assert fastread.report(url, "admin", "awards") is None
        assert fastread.report(url, "admin", "funds") == []  # the other reports still answer
        conn.execute("ALTER TABLE fund_names_gone RENAME TO fund_names")
        conn.execute("DROP ROLE IF EXISTS fast_reader")
        conn.execute("CREATE ROLE fast_reader LOGIN PASSWORD 'fast'")
        try:
            conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO fast_reader")
            conn.execute("REVOKE SELECT ON funds FROM fast_reader")
            assert fastread.report(reader_url, "admin", "units") == []
            assert fastread.report(reader_url, "admin", "funds") is None  # no SELECT on a read model: full path
        finally:
            conn.execute("DROP OWNED BY fast_reader")
            conn.execute("DROP ROLE fast_reader")


def test_the_generated_report_sql_is_current():
    for target, pg in ((report_sql_gen.TARGET, False), (report_sql_gen.PG_TARGET, True)):
        written = target.read_text(encoding="utf-8")
        assert written == report_sql_gen.source(pg), f"{target.name} is stale: python -m projections.report_sql_gen"
