"""The fast read path's own libpq binding (``projections.libpq``) against psycopg, on a real PostgreSQL server.

Every query the fast path asks answers the same rows, value for value and type for type, through both; each
parameter goes with the type psycopg would give it (the server says which, ``pg_typeof``); a column of a type
the binding does not read is an error, and the read then goes to the full path; a refused login is told in
the same words; with libpq not to be had (``GRANTLEDGER_LIBPQ=0``) the fast path uses psycopg and answers
the same.
"""

from __future__ import annotations

import os
import sys
import uuid
from decimal import Decimal

import psycopg
import pytest

from app.facade import Ledger
from ledger import pgconnect
from ledger.errors import LedgerError
from projections import fastread, libpq, report_sql_pg
from tests.conftest import ENGINES
from tests.helpers import ENTERPRISE, World, run
from tests.pgserver import create_database, drop_database

pytestmark = pytest.mark.skipif("postgresql" not in ENGINES, reason="PostgreSQL is not among the test engines")


@pytest.fixture(scope="module")
def url(request) -> str:
    admin = request.getfixturevalue("pg_admin_url")
    found = create_database(admin, "libpq_binding")
    request.addfinalizer(lambda: drop_database(admin, "libpq_binding"))
    with Ledger(found, create_tables=True) as ledger:
        ledger.init("admin")
        World.build(ledger)
        clause = "qd2024-01-common-tech"
        run(ledger, "apply", ref="LP-1", unit=ENTERPRISE, clause=clause, amount="50万", date="2024-09-01")
        run(ledger, "evaluate", ref="LP-1", grade="good", date="2024-09-02")
        run(ledger, "award", ref="LP-1", amount="50万", fund="KJ", doc="DOC-LP-1", date="2024-09-03")
        run(ledger, "disburse", ref="LP-1", amount="20万", voucher="PZ-LP-1", date="2024-09-04")
    return found


@pytest.fixture
def both(url):
    plain = pgconnect.conninfo(url)
    ours = libpq.connect(plain, 5)
    assert ours is not None, "libpq did not load: psycopg-binary's copy or the system's libpq.so.5"
    theirs = psycopg.connect(plain, autocommit=True)
    yield ours, theirs
    ours.close()
    theirs.close()


def same(ours, theirs, sql: str, params=()) -> list[tuple]:
    """The rows through both, asserted equal value for value and type for type."""
    mine, given = ours.execute(sql, params).fetchall(), theirs.execute(sql, params).fetchall()
    assert mine == given, sql
    assert [[type(v) for v in row] for row in mine] == [[type(v) for v in row] for row in given], sql
    return mine


PARAMS = {
    "year": 2024,
    "year_text": "2024",
    "as_of": "2024-06-30",
    "known_at": 40,
    "since": "2024-01-01",
    "key": ENTERPRISE,
    "moment": "2024-09-03T12:00:00+08:00",
}


def test_every_generated_query_answers_the_same_rows_and_types_as_psycopg(both):
    ours, theirs = both
    seen = 0
    for sql, _ in [*report_sql_pg.SQL.values(), *report_sql_pg.LISTS.values()]:
        for params in (PARAMS, dict(PARAMS, year=None, as_of=None, known_at=None, key="LP-1")):
            seen += len(same(ours, theirs, sql, params))
    assert seen > 50
    same(ours, theirs, report_sql_pg.POSITION_AT, {"moment": PARAMS["moment"]})
    events = f"SELECT topic, state, originator_version FROM {fastread.PG_EVENTS} ORDER BY notification_id"
    rows = same(ours, theirs, events)
    assert rows and all(isinstance(state, bytes) for _, state, _ in rows)


def test_each_parameter_goes_with_the_type_psycopg_gives_it(both):
    ours, theirs = both
    typed = [
        same(ours, theirs, "SELECT pg_typeof(%s)::text, %s::text", (value, value))[0][0]
        for value in (1, -(2**15), 2**15, 2**31, 2**63, -(2**63), True, uuid.uuid4(), [1, 2], [1, 2**40])
    ]
    ints = ["smallint", "smallint", "integer", "bigint", "numeric", "bigint"]
    assert typed == [*ints, "boolean", "uuid", "smallint[]", "bigint[]"]
    # a str goes as "unknown", for the server to infer (psycopg's default): where it cannot, both say so
    assert same(ours, theirs, "SELECT %s::text, %s = 'x'", ("文字", "x")) == [("文字", True)]
    with pytest.raises(libpq.Error) as refused:
        ours.execute("SELECT pg_typeof(%s)", ("文字",))
    with pytest.raises(psycopg.Error) as also:
        theirs.execute("SELECT pg_typeof(%s)", ("文字",))
    assert str(also.value) in str(refused.value) and "could not determine data type" in str(also.value)
    assert same(ours, theirs, "SELECT %s::text IS NULL, %s::text", (None, None)) == [(True, None)]
    named = "SELECT %(a)s::int + %(a)s::int, %(b)s::text || '%%', '%%' || %(b)s::text"
    assert same(ours, theirs, named, {"a": 20, "b": "五十"}) == [(40, "五十%", "%五十")]
    ids = [r[0] for r in ours.execute(f"SELECT notification_id FROM {fastread.PG_EVENTS} LIMIT 3").fetchall()]
    query = f"SELECT notification_id FROM {fastread.PG_EVENTS} WHERE notification_id = ANY(%s) ORDER BY 1"
    assert same(ours, theirs, query, (ids,)) == [(i,) for i in sorted(ids)]


def test_values_come_back_as_psycopg_loads_them(both):
    ours, theirs = both
    values = (
        "SELECT NULL::text, ''::text, '汉字 é'::varchar, 'x'::char(3), 'n'::name, true, false, 42::oid, "
        "12345678901::bigint, 7::smallint, 1.50::numeric, NULL::numeric, -0.001::numeric, "
        "'\\x00ff10'::bytea, ''::bytea, NULL::bytea, NULL::int"
    )
    (row,) = same(ours, theirs, values)
    assert row[0] is None and row[1] == "" and row[10] == Decimal("1.50") and row[13] == b"\x00\xff\x10"
    ours.execute("SET bytea_output = 'escape'")
    theirs.execute("SET bytea_output = 'escape'")
    (escaped,) = same(ours, theirs, "SELECT '\\x00ff5c27'::bytea, convert_to('汉', 'UTF8')")
    assert escaped == (b"\x00\xff\\'", "汉".encode())
    assert same(ours, theirs, "SELECT 1 WHERE false") == []
    assert ours.execute("SELECT").fetchall() == theirs.execute("SELECT").fetchall() == [()]
    cursor = ours.execute("BEGIN READ ONLY")
    assert cursor.description is None and cursor.fetchall() == [] and cursor.fetchone() is None
    ours.execute("ROLLBACK")


def test_a_column_of_a_type_it_does_not_read_is_an_error_and_the_read_goes_to_the_full_path(both, url):
    ours, _ = both
    for sql in ("SELECT now()", "SELECT '{1}'::int[]", "SELECT '{}'::jsonb", "SELECT current_date"):
        with pytest.raises(libpq.Error, match="oid"):
            ours.execute(sql)
    assert ours.execute("SELECT 1").fetchall() == [(1,)]  # the result was cleared, the connection still answers
    reader = fastread.Reader(ours, pg=True)
    with pytest.raises(fastread.Unanswerable):
        reader.rows("SELECT now()")


def test_a_statement_refused_or_malformed_is_an_error_not_a_crash(both):
    ours, theirs = both
    with pytest.raises(libpq.Error, match="syntax error"):
        ours.execute("SELEC 1")
    with pytest.raises(libpq.Error, match="does not exist"):
        ours.execute("SELECT * FROM no_such_table")
    with pytest.raises(libpq.Error, match="placeholders"):
        ours.execute("SELECT %s, %s", (1,))
    with pytest.raises(libpq.Error, match="lone %"):
        ours.execute("SELECT '5%'")
    with pytest.raises(libpq.Error, match="one kind"):
        ours.execute("SELECT %(a)s", (1,))
    with pytest.raises(libpq.Error, match="NUL"):
        ours.execute("SELECT %s::text", ("a\0b",))  # a C string would end at the NUL: refused, not cut short
    with pytest.raises(psycopg.DataError):
        theirs.execute("SELECT %s::text", ("a\0b",))
    with pytest.raises(TypeError, match="float"):
        ours.execute("SELECT %s", (1.5,))  # money is never a float: nothing to send one as
    assert ours.execute("SELECT 2").fetchone() == (2,)
    ours.close()
    with pytest.raises(libpq.Error, match="closed"):
        ours.execute("SELECT 1")
    ours.close()  # closing twice is harmless


def test_a_refused_login_is_told_in_the_words_psycopg_gets(url, monkeypatch):
    base = url.split("@", 1)[1].rsplit("/", 1)[0]
    for wrong in (f"postgresql+psycopg://nobody@{base}/libpq_binding", f"postgresql+psycopg://postgres@{base}/absent"):
        with pytest.raises(libpq.ConnectError) as ours:
            libpq.connect(pgconnect.conninfo(wrong), 5)
        with pytest.raises(psycopg.OperationalError) as theirs:
            psycopg.connect(pgconnect.conninfo(wrong), connect_timeout=5)
        kind = pgconnect.classify(str(ours.value))
        assert kind is not None and kind == pgconnect.classify(str(theirs.value)), (str(ours.value), str(theirs.value))
        with pytest.raises(LedgerError) as told:
            fastread.pg_connect(wrong)
        assert str(told.value) == str(pgconnect.refusal(wrong, str(theirs.value)))


def test_without_libpq_the_fast_path_asks_psycopg_and_answers_the_same(url, monkeypatch):
    with_libpq = fastread.report(url, "admin", "awards")
    history = fastread.listing(url, "admin", "history", "LP-1")
    assert with_libpq and history
    assert isinstance(fastread.pg_connect(url), libpq.Connection)
    monkeypatch.setenv("GRANTLEDGER_LIBPQ", "0")
    monkeypatch.setattr(libpq, "_loaded", False)
    assert libpq.library() is None and libpq.connect(pgconnect.conninfo(url), 5) is None
    conn = fastread.pg_connect(url)
    assert isinstance(conn, psycopg.Connection)
    conn.close()
    assert fastread.report(url, "admin", "awards") == with_libpq
    assert fastread.listing(url, "admin", "history", "LP-1") == history
    monkeypatch.delenv("GRANTLEDGER_LIBPQ")
    monkeypatch.setattr(libpq, "_loaded", False)
    assert libpq.library() is not None


def test_the_libpq_loaded_is_psycopg_binary_s_own_copy_when_it_is_installed():
    import importlib.util

    if importlib.util.find_spec("psycopg_binary") is None:
        pytest.skip("psycopg-binary is not installed: the system's libpq.so.5 is used")
    first = libpq._candidates()[0]
    assert "psycopg_binary.libs" in first and "libpq" in first.rsplit("/", 1)[1] and os.path.isabs(first)


def test_no_library_is_taken_from_the_working_folder(tmp_path, monkeypatch):
    planted = tmp_path / "psycopg_binary.libs"
    planted.mkdir()
    (planted / "libpq-planted.so.5").write_bytes(b"not a library")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", ".", *sys.path])
    assert not any("planted" in path for path in libpq._candidates())


@pytest.fixture
def as_json(monkeypatch):
    """The number of rows of each statement that came as one JSON text (``Connection._as_json``)."""
    taken: list[int] = []
    original = libpq.Connection._as_json

    def counted(self, *args):
        rows = original(self, *args)
        if rows is not None:
            taken.append(len(rows))
        return rows

    monkeypatch.setattr(libpq.Connection, "_as_json", counted)
    return taken


def test_rows_that_come_as_one_json_text_are_the_same_rows_in_the_same_order(both, as_json):
    ours, theirs = both
    seen = 0
    for begin in (None, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"):
        if begin:
            for conn in both:
                conn.execute(begin)
        for sql, _ in [*report_sql_pg.SQL.values(), *report_sql_pg.LISTS.values()]:
            for params in (PARAMS, dict(PARAMS, year=None, as_of=None, known_at=None, key="LP-1")):
                seen += len(same(ours, theirs, sql, params))
    assert seen > 100 and sum(as_json) == seen  # every report's and listing's rows came as JSON
    awkward = 'SELECT \'a"b\\c\' || %s AS "quoted ""name""", true AS yes, NULL::text AS none, 7::int2 AS small'
    assert same(ours, theirs, awkward + " ORDER BY 1", ("汉\n字",)) == [('a"b\\c汉\n字', True, None, 7)]
    ordered = "SELECT g AS n, (g %% 7)::text AS r FROM generate_series(1, 5000) g ORDER BY r DESC, n"
    assert len(same(ours, theirs, ordered)) == 5000
    assert same(ours, theirs, "SELECT 1 AS one WHERE false") == [] and as_json[-1] == 0


def test_rows_json_would_change_are_read_value_by_value(both, as_json):
    ours, theirs = both
    same(ours, theirs, "SELECT g::numeric AS n FROM generate_series(1, 50) g")  # JSON would make 1 an int
    same(ours, theirs, "SELECT g AS n, g AS n FROM generate_series(1, 50) g")  # two columns of one name
    same(ours, theirs, "SELECT convert_to(g::text, 'UTF8') AS b FROM generate_series(1, 50) g")  # bytea
    same(ours, theirs, "SELECT g AS n FROM generate_series(1, 50) g;")  # a ';': not wrapped
    assert as_json == []
    assert same(ours, theirs, "SELECT g AS n FROM generate_series(1, 50) g") and as_json == [50]


def test_a_statement_that_cannot_be_wrapped_runs_once_as_it_is_and_leaves_the_transaction_usable(both, as_json):
    ours, _ = both
    ours.execute("BEGIN")
    ours.execute("CREATE TEMP TABLE written (x int)")
    # a data-modifying WITH is allowed only at the top level: wrapped, it fails before it writes anything
    added = "WITH added AS (INSERT INTO written VALUES (1) RETURNING x) SELECT x FROM added"
    assert ours.execute(added).fetchall() == [(1,)] and as_json == []
    assert ours.execute("SELECT count(*)::int AS n FROM written").fetchall() == [(1,)] and as_json == [1]
    ours.execute("ROLLBACK")
