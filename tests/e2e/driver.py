"""Driving ``grantledger`` in-process for the end-to-end tests: one CliRunner, stdout and stderr apart.

Since click 8.2 every ``Result`` keeps ``stdout`` and ``stderr`` separate
(``mix_stderr`` is gone; ``output`` is the interleaved terminal view), so a
test can insist that a JSON document is alone on stdout and that a refusal is
one line on stderr. The GRANTLEDGER_* variables of whoever runs the tests are
masked so they cannot leak into a command.

``Cli`` remembers the database, the actor and the format; ``standard_world``
builds, through the command line only, the small programme most tests start
from: people in every role, two funds with 2024 budgets, three units.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from click.testing import CliRunner, Result

from cli.main import main
from tests.helpers import ENTERPRISE, INVESTOR, UNIVERSITY

ENV_VARS = ("GRANTLEDGER_DB", "GRANTLEDGER_ACTOR", "GRANTLEDGER_FORMAT", "GRANTLEDGER_LOG_FILE", "GRANTLEDGER_WITNESS")
YUAN = re.compile(r"-?\d+\.\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def runner() -> CliRunner:
    return CliRunner(env={name: None for name in ENV_VARS}, catch_exceptions=False)


def describe(result: Result) -> str:
    """What a failed assertion should show: the exit code and both streams."""
    return f"exit {result.exit_code}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def one_json_document(result: Result) -> Any:
    """The single JSON document on stdout (json.loads refuses a second one as 'Extra data')."""
    assert result.stdout.strip(), describe(result)
    return json.loads(result.stdout)


def is_yuan(value: object) -> bool:
    """An amount out, in JSON: a string in 元 with exactly two decimals."""
    return isinstance(value, str) and YUAN.fullmatch(value) is not None


def yuan(value: str) -> Decimal:
    assert is_yuan(value), f"{value!r} is not an amount string in 元 with two decimals"
    return Decimal(value)


def error_line(result: Result) -> tuple[str, str]:
    """The refusal's (code, message) from the one line on stderr, which must be the only output."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, describe(result)
    match = re.fullmatch(r"error\[([A-Z_]+)\]: (.+)", lines[0])
    assert match, describe(result)
    assert result.stdout == "", describe(result)
    return match.group(1), match.group(2)


@dataclass
class Cli:
    db: str
    actor: str = "admin"
    fmt: str = "json"

    def __post_init__(self) -> None:
        self.runner = runner()

    def __call__(
        self, *args: str, actor: str | None = None, fmt: str | None = None, env: dict[str, str] | None = None
    ) -> Result:
        head = ["--db", self.db, "--actor", actor or self.actor, "--format", fmt or self.fmt]
        return self.runner.invoke(main, [*head, *args], env=env)

    def ok(self, *args: str, actor: str | None = None) -> Any:
        """Run a command that must succeed; return its one JSON document."""
        result = self(*args, actor=actor, fmt="json")
        assert result.exit_code == 0, describe(result)
        return one_json_document(result)

    def refused(self, *args: str, actor: str | None = None) -> tuple[int, str, str]:
        """Run a command that must be refused; return (exit code, error code, message) from stderr."""
        result = self(*args, actor=actor, fmt="table")
        assert result.exit_code != 0, describe(result)
        code, message = error_line(result)
        return result.exit_code, code, message

    def events(self, actor: str | None = None) -> list[dict]:
        result = self("export", "events", actor=actor, fmt="json")
        assert result.exit_code == 0, describe(result)
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def event_count(self, actor: str | None = None) -> int:
        return len(self.events(actor))


def standard_world(cli: Cli) -> Cli:
    """init as admin; clerk, reviewer, approver, auditor; funds KJ (threshold 100万) and TZ (50万) with 1亿
    each for 2024; an enterprise, a university and an investor."""
    cli.ok("init")
    for person, role in (
        ("clerk", "clerk"),
        ("reviewer", "reviewer"),
        ("approver", "approver"),
        ("auditor", "auditor"),
    ):
        cli.ok("role", "grant", person, role)
    cli.ok("fund", "create", "KJ", "--name", "科技创新专项资金")
    cli.ok("fund", "create", "TZ", "--name", "科技股权投资专项", "--approval-threshold", "50万")
    for fund in ("KJ", "TZ"):
        cli.ok(
            "fund",
            "appropriate",
            fund,
            "--year",
            "2024",
            "--amount",
            "1亿",
            "--doc",
            f"{fund}-2024",
            "--date",
            "2024-01-05",
        )
    for code, name, kind in (
        (ENTERPRISE, "海澜智能", "enterprise"),
        (UNIVERSITY, "滨海大学", "university"),
        (INVESTOR, "蓝海创投", "investor"),
    ):
        cli.ok("unit", "register", code, "--name", name, "--type", kind)
    return cli


def awarded(
    cli: Cli,
    ref: str,
    clause: str,
    amount: str,
    *,
    unit: str = ENTERPRISE,
    date: str = "2024-09-01",
    grade: str = "good",
    fund: str = "KJ",
    base: str | None = None,
    extra: Sequence[str] = (),
) -> dict:
    """Apply, evaluate and award ``ref`` in one go, all dated ``date``; returns the award's JSON."""
    cli.ok(
        "apply",
        ref,
        "--unit",
        unit,
        "--clause",
        clause,
        "--amount",
        amount,
        "--date",
        date,
        *(("--base", base) if base else ()),
    )
    cli.ok("evaluate", ref, "--grade", grade, "--date", date)
    return cli.ok("award", ref, "--amount", amount, "--fund", fund, "--doc", f"DOC-{ref}", "--date", date, *extra)
