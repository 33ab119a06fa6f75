"""Hostile input through the command line and batch: a clear refusal for every one, and nothing written.

Each case here once ended in a traceback, a wrong code or a wrong amount (issue 14): lone surrogates and
bytes that are not UTF-8, JSON nested 100,000 deep, numbers of thousands of digits, a file that is not a
database, digit-like symbols that NFKC turned into digits, and a megabyte value echoed back whole.
"""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from tests.e2e.driver import Cli, awarded, describe, error_line, one_json_document, standard_world

COMMON_TECH = "qd2024-01-common-tech"


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> Cli:
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('hostile')}/ledger.db"))
    awarded(cli, "QD-1", COMMON_TECH, "300万")
    return cli


def head(cli: Cli) -> tuple:
    with sqlite3.connect(cli.db.removeprefix("sqlite:///")) as db:
        return db.execute("SELECT notification_id, hash FROM event_hashes ORDER BY 1 DESC LIMIT 1").fetchone()


# -- arguments that are not UTF-8 (Python hands them over as lone surrogates) ---------------------------------


@pytest.mark.parametrize(
    ("args", "actor"),
    [
        (["report", "funds"], "adm\udcffin"),
        (["fund", "create", "K9", "--name", "\udcff"], "admin"),
        (["history", "A-\udcff"], "admin"),
        (["disburse", "QD-1", "--amount", "1万", "--voucher", "V-\udfff"], "admin"),
    ],
    ids=["actor", "name", "history key", "lone surrogate"],
)
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_an_argument_that_is_not_utf8_is_invalid_input_not_a_traceback(cli, args, actor, fmt):
    before = head(cli)
    result = cli(*args, actor=actor, fmt=fmt)
    assert result.exit_code == 2, describe(result)
    if fmt == "json":
        assert one_json_document(result)["error"]["code"] == "INVALID_INPUT" and result.stderr == ""
    else:
        code, message = error_line(result)
        assert code == "INVALID_INPUT" and "UTF-8" in message
    assert head(cli) == before


# -- batch lines that used to crash the whole batch ------------------------------------------------------------

CRASHERS = {
    "lone surrogate": b'{"cmd": "fund-create", "fund": "K8", "name": "\\udfff"}',
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested 20,000 deep": b"[" * 20_000 + b"]" * 20_000,
    "4,400-digit year": b'{"cmd": "fund-appropriate", "fund": "KJ", "year": '
    + b"9" * 4400
    + b', "amount": "10000", "doc": "D-1"}',
    "1.1-million-digit amount": b'{"cmd": "disburse", "ref": "QD-1", "amount": ' + b"1" * 1_100_000 + b", "
    b'"voucher": "V-1"}',
    "a byte that is not UTF-8": b'{"cmd": "fund-create", "fund": "K\xff", "name": "x"}',
}


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_every_hostile_batch_line_is_refused_with_its_line_number_and_the_batch_goes_on(cli, tmp_path, fmt):
    good = '{"cmd": "disburse", "ref": "QD-1", "amount": "1万", "voucher": "HB-%s", "date": "2024-09-02"}'
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join([*CRASHERS.values(), (good % fmt).encode()]) + b"\n")
    result = cli("batch", str(path), fmt=fmt)
    assert result.exit_code == 1, describe(result)
    if fmt == "json":
        summary = one_json_document(result)
        assert (summary["applied"], summary["failed"]) == (1, len(CRASHERS))
        assert [e["line"] for e in summary["errors"]] == list(range(1, len(CRASHERS) + 1))
        assert {e["code"] for e in summary["errors"]} == {"INVALID_INPUT"}
        assert max(len(e["message"]) for e in summary["errors"]) < 600
    else:
        refusals = result.stderr.splitlines()
        assert [line.split(":")[0] for line in refusals] == [f"第 {n} 行" for n in range(1, len(CRASHERS) + 1)]
        assert all("error[INVALID_INPUT]" in line and len(line) < 700 for line in refusals)


# -- storage failures are STORAGE (exit 5), with a JSON document under --format json --------------------------


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_a_file_that_is_not_a_database_is_storage_exit_5_naming_the_file(tmp_path, fmt):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database\n" * 200)
    result = Cli(f"sqlite:///{path}")("report", "funds", fmt=fmt)
    assert result.exit_code == 5, describe(result)
    if fmt == "json":
        error = one_json_document(result)["error"]
        code, message = error["code"], error["message"]
    else:
        code, message = error_line(result)
    assert code == "STORAGE" and str(path) in message and "不是 grantledger 数据库" in message


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to mount a small tmpfs")
def test_a_full_disk_is_storage_and_says_nothing_was_written(tmp_path):
    """A real full disk: a 1 MiB tmpfs holding the ledger is filled up, then a command is refused cleanly."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        cli = Cli(f"sqlite:///{mount}/ledger.db")
        cli.ok("init")
        before = head(cli)
        filler = open(mount / "filler", "wb", buffering=0)  # closing a full file fails too
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass
        finally:
            try:
                filler.close()
            except OSError:
                pass
        result = cli("fund", "create", "KJ", "--name", "科技创新专项资金" * 20, fmt="table")
        if result.exit_code == 0:  # SQLite found room in a free page: free space is not the point then
            pytest.skip("the write fitted in the pages the file already had")
        code, message = error_line(result)
        assert (result.exit_code, code) == (5, "STORAGE"), describe(result)
        assert "磁盘已满" in message or "I/O" in message, message
        os.unlink(mount / "filler")
        assert head(cli) == before
        assert cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金" * 20)["changed"] is True
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# -- digits a clerk does not type, and values that are far too long ---------------------------------------------


@pytest.mark.parametrize("amount", ["²", "①", "⑴", "1²", "²万", "٣"])
def test_digit_like_symbols_are_refused_not_read_as_digits(cli, amount):
    before = head(cli)
    exit_code, code, message = cli.refused("disburse", "QD-1", "--amount", amount, "--voucher", "ODD-1")
    assert (exit_code, code) == (2, "INVALID_INPUT"), message
    assert head(cli) == before


def test_full_width_digits_are_still_accepted(cli):
    paid = cli.ok("disburse", "QD-1", "--amount", "１２万", "--voucher", "FW-1", "--date", "２０２４-０９-０２")
    assert paid["amount"] == "120000.00", paid


def test_a_huge_value_is_refused_quickly_without_echoing_it(cli):
    import time

    huge = "9" * 9_000_000
    started = time.monotonic()
    exit_code, code, message = cli.refused("disburse", "QD-1", "--amount", huge, "--voucher", "BIG-1")
    assert time.monotonic() - started < 3
    assert (exit_code, code) == (2, "INVALID_INPUT")
    assert len(message) < 300 and "9999999999" not in message


@pytest.mark.parametrize("odd", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029", "a\r\nb"])
def test_a_refusal_quoting_any_line_breaking_character_stays_one_line(cli, odd):
    exit_code, code, _ = cli.refused("policy", "show", odd)  # found by the fuzz test: a form feed
    assert (exit_code, code) == (3, "NOT_FOUND")


def test_a_long_refusal_message_is_cut_to_one_readable_line(cli):
    for fmt in ("json", "table"):
        result = cli("disburse", "QD-1", "--amount", "1万", "--voucher", "V " + "K" * 990, fmt=fmt)
        assert result.exit_code == 2, describe(result)
        message = json.loads(result.stdout)["error"]["message"] if fmt == "json" else error_line(result)[1]
        assert len(message) <= 600 and "…" in message


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to bind-mount read-only")
def test_a_read_only_mount_is_storage_naming_the_file(tmp_path):
    import subprocess

    source, mount = tmp_path / "rw", tmp_path / "ro"
    source.mkdir()
    mount.mkdir()
    Cli(f"sqlite:///{source}/ledger.db").ok("init")
    if subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        if subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], capture_output=True).returncode:
            pytest.skip("cannot remount read-only")
        cli = Cli(f"sqlite:///{mount}/ledger.db")
        before = head(Cli(f"sqlite:///{source}/ledger.db"))
        for fmt in ("table", "json"):
            result = cli("fund", "create", "KJ", "--name", "科技创新专项资金", fmt=fmt)
            assert result.exit_code == 5, describe(result)
            if fmt == "json":
                error = one_json_document(result)["error"]
                code, message = error["code"], error["message"]
            else:
                code, message = error_line(result)
            assert code == "STORAGE" and f"{mount}/ledger.db" in message, message
        assert head(Cli(f"sqlite:///{source}/ledger.db")) == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
