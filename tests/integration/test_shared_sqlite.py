"""One SQLite file for an office (issue 26, item 6): shared by a group's accounts, and read from a read-only folder.

SQLite makes ``-wal``/``-shm`` with the database's mode masked by the umask of whoever touches the file first;
``init --group`` and the umask matched at open keep them group-writable. A copy in a folder nobody can write
(a read-only mount here, which stops root too) is opened immutable for reports and verify, and a write there
is refused naming the read-only folder, not the database file.
"""

from __future__ import annotations

import grp
import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from tests.e2e.driver import Cli, describe, error_line

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _a_group() -> str:
    for name in ("postgres", "daemon", "users"):
        try:
            grp.getgrnam(name)
            return name
        except KeyError:
            continue
    pytest.skip("no group to share with")


def test_init_group_shares_the_file_and_the_side_files_sqlite_makes_under_a_default_umask(tmp_path):
    group = _a_group()
    folder = tmp_path / "office"
    folder.mkdir()
    db = folder / "ledger.db"
    cli = Cli(f"sqlite:///{db}")
    assert cli.ok("init", "--group", group)["group"].startswith(group)
    gid = grp.getgrnam(group).gr_gid
    assert os.stat(db).st_gid == gid and os.stat(db).st_mode & 0o060 == 0o060
    assert os.stat(folder).st_gid == gid and os.stat(folder).st_mode & stat.S_ISGID
    # Another process, umask 022 as a login shell gives it, holds the ledger open: the -wal and -shm SQLite
    # makes meanwhile must be writable by the group, or the next account's command fails.
    probe = (
        "import json, os, sys\n"
        "from app.facade import Ledger\n"
        "db = sys.argv[1]\n"
        "with Ledger('sqlite:///' + db) as ledger:\n"
        "    ledger.report('funds', 'admin')\n"
        "    ledger.run(__import__('ledger.commands', fromlist=['x']).build('fund create', "
        "{'fund': 'KJ', 'name': '科技'}), 'admin')\n"
        "    out = {s: [os.stat(db + s).st_mode & 0o777, os.stat(db + s).st_gid] for s in ('-wal', '-shm')}\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert done.returncode == 0, done.stderr
    sides = json.loads(done.stdout)
    for suffix, (mode, side_gid) in sides.items():
        assert mode & 0o060 == 0o060, (suffix, oct(mode))
        assert side_gid == gid, suffix


def test_init_group_refuses_a_group_that_does_not_exist_before_making_anything(tmp_path):
    db = tmp_path / "ledger.db"
    code, error, message = Cli(f"sqlite:///{db}").refused("init", "--group", "no-such-group-xyz")
    assert (code, error) == (2, "INVALID_INPUT") and "no-such-group-xyz" in message
    assert not db.exists()


@pytest.fixture
def read_only_copy(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs read-only")
    mount = tmp_path / "copy"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        office = Cli(f"sqlite:///{tmp_path}/ledger.db")
        office.ok("init")
        office.ok("fund", "create", "KJ", "--name", "科技创新专项资金")
        office.ok("fund", "appropriate", "KJ", "--year", "2024", "--amount", "5000万", "--doc", "青财预〔2024〕1号")
        office.ok("seal")
        before = office.ok("report", "funds")
        with sqlite3.connect(tmp_path / "ledger.db") as source, sqlite3.connect(mount / "ledger.db") as copy:
            source.backup(copy)  # the auditor's copy: one consistent file, no -wal or -shm beside it
        copy.close()
        cli = Cli(f"sqlite:///{mount}/ledger.db")
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True, capture_output=True)
        yield cli, before, mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_copy_in_a_read_only_folder_gives_reports_history_and_verify(read_only_copy):
    cli, before, _ = read_only_copy
    assert cli.ok("report", "funds") == before
    assert cli.ok("history", "KJ")
    result = cli("verify", fmt="table")
    assert result.exit_code == 0, describe(result)
    assert "只读" not in result.output


def test_a_write_to_the_read_only_copy_names_the_read_only_folder_not_the_file(read_only_copy):
    cli, _, mount = read_only_copy
    result = cli("fund", "create", "TZ", "--name", "拨改投", fmt="table")
    code, message = error_line(result)
    assert (result.exit_code, code) == (5, "STORAGE"), describe(result)
    assert f"文件夹 {mount}" in message and "只读方式挂载" in message
