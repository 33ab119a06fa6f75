"""Chinese throughout: a demo-like session's human output (tables, records, notes, refusals, --help) has no
English left in it but codes, identifiers, units and the names of commands, options and values one types.

A word is flagged when it is a run of two or more ASCII letters with a lower-case one among them, standing
alone (not part of an identifier such as ``qd2024-01-common-tech``, ``PZ-1``, ``--amount`` or a path), and not
in ``TYPED`` — what a user types (commands, option values, format names) or a proper name (grantledger,
PostgreSQL, Beancount). ALL-CAPS words are codes and placeholders (``INVALID_INPUT``, ``REF``, ``FILE``).
JSON keys stay English by contract and are not scanned. A second session drives the acts added since
(corrections, projects, fund scope, province, verify and seal with a witness) through their results and
refusals, and verify's check lines with them.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable

import click
import pytest

from app.facade import Ledger
from cli.main import COMMANDS, main
from cli.output import width
from projections import schema
from projections.journal import ACCOUNTS
from tests import attacks
from tests.attacks import Kit
from tests.e2e.driver import Cli, awarded, describe, runner, standard_world
from tests.helpers import ENTERPRISE, HOSPITAL, UNIVERSITY

# What a user types or a proper name: commands, subcommands, option values, formats, products.
TYPED = set(
    """
    grantledger init role grant revoke list key new rotate fund create appropriate unit register show rename
    policy quote load apply evaluate award reject disburse approve void spend recover reverse invest convert
    exit write off close reopen seal report history replay verify export events beancount hledger vouchers batch
    template voucher print serve demo all statement monthly province
    contract milestone extend adjust project signing midterm acceptance evaluation overdue
    cancel reduce correct reevaluate scope qingdao weihai recharge
    awards funds units caps clauses equity trial balance pending carryover
    admin clerk reviewer approver auditor
    table json csv xlsx jsonl pdf txt toml md db u8 kingdee
    journal financial budget both
    grant mixed convertible
    enterprise university institute hospital investor other
    new excellent good pass fail repass
    equipment materials testing travel labor consulting publication indirect platform exchange rd
    debt fine donation investment welfare construction
    sqlite postgresql psycopg user pass host ed25519 localhost
    bean check strict hledger cat token
    cmd ref amount stake doc supersedes ends
    Bearer Authorization Lines Excel TrueType Debian PDF Beancount LibreOffice
    """.split()
)
# The ledger's own journal names its accounts with identifiers (``report trial-balance`` shows each beside its
# Chinese name, as an accounting system shows a code beside its name).
TYPED |= {name.partition(":")[0] for name in ACCOUNTS} | {"total", "expense"}
WORD = re.compile(r"(?<![\w\-./:@$~=+'\"])([A-Za-z][A-Za-z']+)(?![\w\-./:@=+'\"\[])")


def english(text: str, typed: frozenset[str] = frozenset()) -> list[str]:
    """The English words a clerk would read in ``text`` (``typed``: identifiers set aside here besides ``TYPED``)."""
    found = []
    for line in text.splitlines():
        if line.startswith("$ ") or line.strip().startswith(("grantledger ", "GRANTLEDGER_")):  # typed commands
            continue
        for match in WORD.finditer(line):
            word = match.group(1)
            if word.isupper() or word in TYPED or word.lower() in TYPED or word in typed:
                continue
            found.append(f"{word!r} in: {line.strip()[:160]}")
    return found


def command_paths() -> list[list[str]]:
    ctx = click.Context(main)
    paths = [[]]
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        paths.append([name])
        if isinstance(command, click.Group):
            paths.extend([name, sub] for sub in command.list_commands(ctx))
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "grantledger")
def test_every_help_is_in_chinese(path):
    result = runner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert english(result.stdout) == [], result.stdout
    prose = [line for line in result.stdout.splitlines() if not line.strip().startswith(("grantledger", "GRANTLEDGER"))]
    too_wide = [line for line in prose if width(line) > 100]  # wrapped by screen columns (examples are typed as is)
    assert too_wide == [], too_wide


IDENTIFIER = re.compile(r"--?[\w-]+|\S*[/:@=_.]\S*|\b\w+-[\w-]+\b|\b\w*\d\w*\b")


def loose_english(text: str) -> list[str]:
    """Like ``english``, but a word in quotes counts too (``见 README "Closing a year"``): only options,
    paths, identifiers and words with digits in them (``Ed25519``, ``gov2019``) are set aside."""
    found = []
    for line in text.splitlines():
        if line.strip().startswith(("grantledger", "GRANTLEDGER")):
            continue
        for word in re.findall(r"[A-Za-z]{2,}", IDENTIFIER.sub(" ", line)):
            if not (word.isupper() or word in TYPED or word.lower() in TYPED):
                found.append(f"{word!r} in: {line.strip()[:160]}")
    return found


def test_no_help_quotes_english_either():
    leftovers = [w for path in command_paths() for w in loose_english(runner().invoke(main, [*path, "--help"]).stdout)]
    assert leftovers == [], "\n".join(leftovers)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A year of the office's work through the command line, every output a person reads collected."""
    folder = tmp_path_factory.mktemp("words")
    cli = standard_world(Cli(f"sqlite:///{folder}/ledger.db"))
    seen: list[str] = []

    def run(*args: str, actor: str = "admin") -> None:
        result = cli(*args, actor=actor, fmt="table")
        seen.append(f"$ {' '.join(args)}\n{result.stdout}\n{result.stderr}")

    cli.ok("unit", "register", HOSPITAL, "--name", "市立医院", "--type", "hospital")
    awarded(cli, "QD-1", "qd2024-01-common-tech", "500万")
    run("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    run("approve", "PZ-1", "--date", "2024-09-02", actor="clerk")  # the maker may not approve
    run("approve", "PZ-1", "--date", "2024-09-03", actor="approver")
    run("approve", "PZ-1", "--date", "2024-09-03", actor="approver")  # an exact repeat
    run("disburse", "QD-1", "--amount", "120万", "--voucher", "PZ-2", "--date", "2024-09-04", actor="clerk")
    run("void", "PZ-2", "--reason", "金额有误", "--date", "2024-09-05", actor="approver")
    run("disburse", "QD-1", "--amount", "10万", "--voucher", "PZ-3", "--date", "2024-09-06", actor="clerk")
    run("disburse", "QD-1", "--amount", "20万", "--voucher", "PZ-3", "--date", "2024-09-07", actor="clerk")
    run("disburse", "QD-1", "--amount", "9亿", "--voucher", "PZ-4", "--date", "2024-09-07", actor="clerk")
    run("spend", "QD-1", "--amount", "5万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-08")
    run("spend", "QD-1", "--amount", "1万", "--category", "welfare", "--voucher", "ZC-2", "--date", "2024-09-08")
    run("recover", "QD-1", "--amount", "1万", "--voucher", "ZH-1", "--reason", "结余", "--date", "2024-09-09")
    run("reverse", "PZ-3", "--reason", "重复录入", "--date", "2024-09-10")
    run("reverse", "PZ-2", "--reason", "重复", "--date", "2024-09-10")
    awarded(cli, "TZ-1", "qd2024-22-equity", "800万", fund="TZ", extra=("--mode", "equity"))
    run("invest", "TZ-1", "--amount", "40万", "--stake", "8", "--valuation", "1亿", "--voucher", "T-1",
        "--date", "2024-09-11")  # fmt: skip
    run("exit", "TZ-1", "--stake", "2", "--proceeds", "5万", "--voucher", "X-1", "--date", "2024-10-01")
    run("write-off", "TZ-1", "--reason", "企业破产清算", "--date", "2024-12-01")
    run("disburse", "TZ-1", "--amount", "1万", "--voucher", "PZ-9", "--date", "2024-12-02")
    run("apply", "QD-2", "--unit", ENTERPRISE, "--clause", "qd2024-01-comon-tech", "--amount", "1万")
    run("apply", "QD-2", "--unit", ENTERPRISE, "--clause", "qd2024-01-common-tech", "--amount", "1万",
        "--date", "2099-01-01")  # fmt: skip
    run("apply", "QD-3", "--unit", "91370212MA3C4PQR1X", "--clause", "qd2024-01-common-tech", "--amount", "1万")
    run("award", "QD-404", "--amount", "1万", "--fund", "KJ", "--doc", "D")
    run("disburse", "QD-1", "--amount", "abc", "--voucher", "PZ-5")
    run("disburse", "QD-1", "--amont", "1万", "--voucher", "PZ-5")
    run("disburse", "QD-1", "--voucher", "PZ-5")
    run("fund", "create", "ZZ", "--name", "新资金", actor="auditor")
    run("role", "grant", "zhao.min", "approver")
    run("close", "2024", "--fund", "KJ", "--doc", "青财结〔2025〕1号", "--date", "2025-01-10")
    run("disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-6", "--date", "2024-12-30", actor="clerk")
    run("reopen", "2024", "--fund", "KJ", "--doc", "青财开〔2025〕1号", "--reason", "补记", "--date", "2025-01-11")
    for name in ("awards", "funds", "units", "caps", "clauses", "equity", "trial-balance", "pending", "carryover"):
        run("report", name)
    run("report", "awards", "--yuan-unit", "万元")
    run("report", "awards", "--columns", "nonsense")
    for key in ("QD-1", "PZ-1", "KJ", ENTERPRISE, "QD-l"):
        run("history", key)
    run("fund", "list")
    run("unit", "list")
    run("unit", "show", ENTERPRISE)
    run("role", "list")
    run("policy", "list", "--in-force", "2024-09-01")
    run("policy", "show", "qd2024-23-innovation-voucher")
    run("policy", "show", "qd2020-kc16-clinical-center")
    run("policy", "quote", "qd2024-01-common-tech", "--unit", ENTERPRISE, "--date", "2024-09-01")
    run("policy", "quote", "qd2024-23-innovation-voucher", "--unit", ENTERPRISE, "--date", "2024-09-01")
    run("policy", "show", "qd2024-nope")
    run("report", "awards", "--format", "xlsx", "--out", str(folder / "a.xlsx"))
    run("report", "awards", "--format", "csv", "--out", str(folder / "a.csv"))
    run("voucher", "print", "PZ-1", "--out", str(folder / "PZ-1.pdf"))
    run("export", "vouchers", "--to", "u8", "--out", str(folder / "pz.txt"))
    run("export", "beancount", "--out", str(folder / "b.beancount"))
    run("batch", "template", "--out", str(folder / "t.xlsx"))
    lines = folder / "b.jsonl"
    lines.write_text(
        '{"cmd": "disburse", "ref": "QD-1", "amount": "1万", "voucher": "PZ-7", "date": "2025-01-12"}\n'
        '{"cmd": "disburse", "ref": "QD-NONE", "amount": "1", "voucher": "X-1"}\n{"cmd": "nothing"}\nnot json\n',
        encoding="utf-8",
    )
    run("batch", str(lines), actor="clerk")
    run("seal", "--out", str(folder / "seal.json"), actor="auditor")
    run("seal", "--witness", str(folder / "seals"), actor="auditor")
    run("seal", "--witness", str(folder / "seal.json" / "x"), actor="auditor")  # not a directory
    run("replay")
    return seen


def test_the_office_sessions_words_are_chinese(session):
    leftovers = [word for text in session for word in english(text)]
    assert leftovers == [], "\n".join(leftovers)


def test_the_scan_catches_english(session):
    assert english("error[FORBIDDEN]: clerk may not run 'approve'; it needs one of: approver") != []
    assert english("error[INVALID_STATE]: 凭证 PZ-1 状态为 posted") != []
    assert english("申报编号 qd2024-01-common-tech --amount 30万 PZ-1 FILE INVALID_INPUT grantledger") == []


@pytest.fixture(scope="module")
def later_session(tmp_path_factory):
    """The acts added after the first pass — corrections, a project's life, fund scope, province, verify and
    seal with a witness — each with its result and its refusals, every output a person reads collected."""
    folder = tmp_path_factory.mktemp("later")
    db = f"sqlite:///{folder}/ledger.db"
    cli = standard_world(Cli(db))
    seen: list[str] = []

    def run(*args: str, actor: str = "admin") -> None:
        result = cli(*args, actor=actor, fmt="table")
        seen.append(f"$ {' '.join(args)}\n{result.stdout}\n{result.stderr}")

    clause = "qd2024-01-common-tech"
    awarded(cli, "QD-1", clause, "500万")
    awarded(cli, "QD-2", clause, "300万", unit=UNIVERSITY)
    cli.ok("apply", "QD-3", "--unit", ENTERPRISE, "--clause", clause, "--amount", "50万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-3", "--grade", "good", "--date", "2024-09-01")
    # corrections: proposed, repeated, refused to the proposer and to a reader, put in force, withdrawn
    cancel = ("cancel-award", "QD-2", "--doc", "撤-1", "--reason", "误批", "--date", "2024-09-10")
    run(*cancel, actor="clerk")
    run(*cancel, actor="clerk")
    run("approve", "撤-1", "--date", "2024-09-11", actor="clerk")
    run("approve", "撤-1", "--date", "2024-09-11", actor="auditor")
    run("approve", "撤-1", "--date", "2024-09-11", actor="approver")
    run("cancel-award", "QD-404", "--doc", "撤-2", "--reason", "误批", actor="clerk")
    reduce = ("reduce-award", "QD-1", "--doc", "减-1", "--reason", "核减", "--date", "2024-09-12")
    run(*reduce, "--amount", "600万", actor="clerk")
    run(*reduce, "--amount", "400万", actor="clerk")
    run("void", "减-1", "--reason", "撤回", "--date", "2024-09-12", actor="approver")
    run("reduce-award", "QD-1", "--amount", "400万", "--doc", "减-2", "--reason", "核减", "--date", "2024-09-12",
        actor="clerk")  # fmt: skip
    run("approve", "减-2", "--date", "2024-09-13", actor="approver")
    run("correct", "QD-3", "--doc", "更-1", "--reason", "录错", actor="clerk")
    run("correct", "QD-1", "--amount", "1万", "--doc", "更-2", "--reason", "录错", actor="clerk")
    run("correct", "QD-3", "--amount", "40万", "--doc", "更-3", "--reason", "录错", "--date", "2024-09-02",
        actor="clerk")  # fmt: skip
    run("approve", "更-3", "--date", "2024-09-03", actor="approver")
    reevaluate = ("reevaluate", "QD-3", "--doc", "复-1", "--reason", "汇总有误", "--date", "2024-09-04")
    run(*reevaluate, "--grade", "bogus", actor="reviewer")
    run(*reevaluate, "--grade", "excellent", actor="reviewer")
    run("reevaluate", "QD-1", "--grade", "good", "--doc", "复-3", "--reason", "录错", actor="reviewer")
    run("approve", "复-1", "--date", "2024-09-05", actor="approver")
    run("approve", "无此文号", actor="approver")
    # a project: 任务书, milestones, spending within its budget, adjustments, overdue, closed with its 结余
    run("contract", "QD-1", "--doc", "任务书-1", "--end-date", "2024-12-31", "--budget",
        "equipment:300万,labor:60万,indirect:40万", "--date", "2024-09-14", actor="clerk")  # fmt: skip
    run("contract", "QD-1", "--doc", "任务书-2", "--end-date", "2024-12-31", actor="clerk")
    run("contract", "QD-3", "--doc", "任务书-3", "--budget", "equipment:1万", actor="clerk")
    run("milestone", "QD-1", "--kind", "signing", "--result", "pass", "--doc", "签-1", "--date", "2024-09-15",
        actor="clerk")  # fmt: skip
    run("milestone", "QD-1", "--kind", "nope", "--result", "pass", "--doc", "签-2", actor="clerk")
    run("milestone", "QD-1", "--kind", "midterm", "--result", "maybe", "--doc", "签-3", actor="clerk")
    run("disburse", "QD-1", "--amount", "200万", "--voucher", "PZ-1", "--date", "2024-09-16", actor="clerk")
    run("close-project", "QD-1", "--result", "pass", "--doc", "验-1", "--date", "2024-10-01", actor="clerk")
    run("approve", "PZ-1", "--date", "2024-09-16", actor="approver")
    run("spend", "QD-1", "--amount", "80万", "--category", "labor", "--voucher", "ZC-1", "--date", "2024-09-17",
        actor="clerk")  # fmt: skip
    run("spend", "QD-1", "--amount", "50万", "--category", "equipment", "--voucher", "ZC-2", "--date", "2024-09-17",
        actor="clerk")  # fmt: skip
    run("adjust-budget", "QD-1", "--from", "equipment", "--to", "indirect", "--amount", "1万", "--doc", "调-1",
        actor="clerk")  # fmt: skip
    run("adjust-budget", "QD-1", "--from", "equipment", "--to", "labor", "--amount", "900万", "--doc", "调-2",
        actor="clerk")  # fmt: skip
    run("adjust-budget", "QD-1", "--from", "equipment", "--to", "labor", "--amount", "10万", "--doc", "调-3",
        "--date", "2024-09-18", actor="clerk")  # fmt: skip
    run("extend", "QD-1", "--to", "2024-06-30", "--doc", "变-1", actor="clerk")
    run("report", "overdue", "--as-of", "2025-02-01")
    run("extend", "QD-1", "--to", "2025-06-30", "--doc", "变-2", "--date", "2024-09-19", actor="clerk")
    run("close-project", "QD-1", "--result", "fail", "--doc", "验-1", "--retain-doc", "留-1", "--date",
        "2024-10-01", actor="clerk")  # fmt: skip
    run("close-project", "QD-1", "--result", "pass", "--doc", "验-1", "--voucher", "ZH-9", "--date", "2024-10-01",
        actor="clerk")  # fmt: skip
    run("disburse", "QD-1", "--amount", "1万", "--voucher", "PZ-2", "--date", "2024-10-02", actor="clerk")
    for key in ("QD-1", "QD-2", "QD-3", "ZH-9", "撤-1"):
        run("history", key)
    run("statement", "QD-1")
    run("statement", "QD-1", "--format", "pdf", "--out", str(folder / "st.pdf"))
    for name in ("awards", "funds", "pending", "overdue"):
        run("report", name)
    # fund scope
    run("fund", "scope", "KJ", "--city", "威海", "--doc", "范-1", "--date", "2024-09-20", actor="clerk")
    run("fund", "scope", "KJ", "--city", "北京", "--doc", "范-2", actor="clerk")
    run("fund", "scope", "KJ", "--city", "青岛", "--clauses", "nope-clause", "--doc", "范-3", actor="clerk")
    run("fund", "scope", "ZZ", "--city", "青岛", "--doc", "范-4", actor="clerk")
    cli.ok("apply", "QD-5", "--unit", ENTERPRISE, "--clause", clause, "--amount", "10万", "--date", "2024-09-21")
    cli.ok("evaluate", "QD-5", "--grade", "good", "--date", "2024-09-21")
    run("award", "QD-5", "--amount", "10万", "--fund", "KJ", "--doc", "D5", "--date", "2024-09-21")
    for voucher in ("撤-1", "减-2", "ZH-9"):
        run("voucher", "print", voucher, "--out", str(folder / f"{voucher}.pdf"))
    # verify and seal, with and without a witness; province
    run("verify", actor="auditor")
    run("seal", "--witness", str(folder / "seals"), actor="auditor")
    run("verify", "--witness", str(folder / "seals"), actor="auditor")
    run("verify", "--witness", str(folder / "nowhere"), actor="auditor")
    run("verify", "--checkpoint", str(folder / "nothing.json"), actor="auditor")
    run("verify", "--checkpoint", str(folder), actor="auditor")
    run("province", "report", "funds", "--ledger", f"青岛={db}", actor="auditor")
    run("province", "verify", "--ledger", f"青岛={db}", actor="auditor")
    run("province", "report", "awards", "--ledger", f"青岛={db}", "--ledger", f"威海=sqlite:///{folder}/none.db",
        actor="auditor")  # fmt: skip
    run("province", "verify", "--ledger", "bad", actor="auditor")
    return seen


def test_the_later_acts_words_are_chinese(later_session):
    leftovers = [word for text in later_session for word in english(text)]
    assert leftovers == [], "\n".join(leftovers)


def test_verify_reads_in_words_and_passes_after_every_later_act(later_session):
    """verify's check lines in a table are Chinese (哈希链 通过 …), and the ledger the later acts made verifies:
    each act, the reviewer's 复评 among them, is one the re-decision accepts."""
    verified = next(text for text in later_session if text.startswith("$ verify\n"))
    assert "哈希链" in verified and "签名核验" in verified and "试算平衡" in verified, verified
    assert "通过              是" in verified and "未通过" not in verified, verified
    assert "借方 = 贷方 =" in verified and "代管" in verified, verified


# -- verify on a tampered ledger: every finding in words (issue 27) ---------------------------------------------

# The read models' tables and columns are identifiers a finding of verify names (a table beside its Chinese name,
# as the accounts above; a changed row by the columns that differ): set aside in verify's findings only.
COLUMNS = {table.name for table in schema.metadata.sorted_tables}
COLUMNS |= {column.name for table in schema.metadata.sorted_tables for column in table.columns}


def _sql(*statements: str) -> Callable[[str], None]:
    """A forgery written straight into the SQLite file, behind the ledger's back."""

    def tamper(path: str) -> None:
        with sqlite3.connect(path) as db:
            for statement in statements:
                db.execute(statement)

    return tamper


def _forged(attack: Callable[[Kit], None]) -> Callable[[str], None]:
    """A forgery signed with a stolen key (tests/attacks.py): the chain and the signatures hold."""

    def tamper(path: str) -> None:
        with Ledger(f"sqlite:///{path}") as ledger:
            attack(Kit(ledger))

    return tamper


def _paid_beyond_the_award(kit: Kit) -> None:
    """500万 posted on QD-2's 300万 award (60万 paid): invariant 1 breaks."""
    g = kit.grant("QD-2")
    g._disbursed(voucher="PZ-X", amount=500_000_000, held=False, actor="clerk", on="2024-09-12")
    kit.write(kit.stolen(), g)


TAMPERS = {
    "rewritten event": _sql(
        "DROP TRIGGER stored_events_no_update",
        "UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), '10000000', '10000001') AS BLOB) "
        "WHERE topic LIKE '%Spent'",
    ),
    "event rewritten as text": _sql(
        "DROP TRIGGER stored_events_no_update",
        "UPDATE stored_events SET state = CAST(state AS TEXT) WHERE topic LIKE '%Spent'",
    ),
    "deleted event": _sql(
        "DROP TRIGGER stored_events_no_delete",
        "DELETE FROM stored_events WHERE rowid = (SELECT max(rowid) FROM stored_events)",
    ),
    "deleted middle event": _sql(
        "DROP TRIGGER stored_events_no_delete", "DELETE FROM stored_events WHERE topic LIKE '%Spent'"
    ),
    "removed signature": _sql(
        "DROP TRIGGER event_signatures_no_delete",
        "DELETE FROM event_signatures WHERE first_seq = (SELECT max(first_seq) FROM event_signatures)",
    ),
    "changed read-model row": _sql("UPDATE awards SET disbursed = disbursed + 1 WHERE application = 'QD-1'"),
    "deleted read-model row": _sql("DELETE FROM awards WHERE application = 'QD-2'"),
    "broken trial balance": _sql("UPDATE balances SET debit = debit + 100 WHERE account = 'earmarked'"),
    "append-only triggers dropped": _sql("DROP TRIGGER event_hashes_no_update"),
    "invariant 1 by date": _forged(attacks.spending_before_paid),
    "invariant 1 beyond the award": _forged(_paid_beyond_the_award),
}


@pytest.fixture(scope="module")
def honest_kit(tmp_path_factory) -> str:
    """The attack kit's honest ledger (tests/attacks.py), once: each tamper works on a copy of its file."""
    path = str(tmp_path_factory.mktemp("honest") / "ledger.db")
    with Ledger(f"sqlite:///{path}", create_tables=True) as ledger:
        ledger.init("admin")
        Kit.build(ledger)
    return path


@pytest.mark.parametrize("name", list(TAMPERS))
def test_verify_on_a_tampered_ledger_names_what_it_found_in_chinese(honest_kit, tmp_path, name):
    """verify, seal and province verify on a tampered ledger: the check lines, the first finding (the error
    line) and every other finding verify makes read in Chinese, facts kept (positions, types, tables, amounts)."""
    path = str(tmp_path / "ledger.db")
    shutil.copy(honest_kit, path)
    TAMPERS[name](path)
    url = f"sqlite:///{path}"
    cli = Cli(url)
    shown = [cli("verify", actor="auditor", fmt="table")]
    assert shown[0].exit_code == 1 and "TAMPERED" in shown[0].stderr, describe(shown[0])
    shown.append(cli("province", "verify", "--ledger", f"青岛={url}", actor="auditor", fmt="table"))
    with Ledger(url) as ledger:
        findings = ledger.verify("auditor").findings
    assert findings, name
    seen = [f"{r.stdout}\n{r.stderr}" for r in shown] + findings
    leftovers = [word for text in seen for word in english(text, frozenset(COLUMNS))]
    assert leftovers == [], "\n".join(leftovers)


def test_the_scan_catches_verifys_english_findings():
    assert english("event seq 12 (Grant.Disbursed v3 of 1234) does not match its stored hash") != []
    assert english("awards row (QD-1) differs from a rebuild from the events: live (1, None) ≠ rebuilt (2, None)")
    assert (
        english("第 12 条事件「拨付」(Grant.Disbursed) 与存储的哈希不符; 读模型「批复」(表 awards) 的行 (QD-1)") == []
    )


def test_close_project_labels_its_balance_jie_yu_not_the_trial_balances_yu_e(later_session):
    """close-project's computed 结余 (paid − spent − recovered) is shown as 结余; 余额 is the trial balance's."""
    closed = next(t for t in later_session if t.startswith("$ close-project QD-1 --result pass --doc 验-1 --voucher"))
    names = [line.split()[0] for line in closed.splitlines()[1:] if line.strip()]
    assert "结余" in names and "余额" not in names, closed
