"""``grantledger``: the command group, its global options, and lazy loading of commands.

Subcommands live in small modules imported only when used, so ``--help`` and
simple commands start quickly.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from . import click_words

click_words.install()  # before any command is decorated: click's own words in Chinese

# name: (module, attribute, one-line help)
COMMANDS = {
    "init": ("cli.setup", "init", "Create or upgrade the database; the first actor becomes admin."),
    "role": ("cli.setup", "role", "Grant, revoke and list roles and the keys bound to people (admin only)."),
    "key": ("cli.keys", "key", "Personal signing keys: make one, rotate it."),
    "fund": ("cli.funds", "fund", "Funds: create, appropriate budget by year, list."),
    "unit": ("cli.funds", "unit", "Units by 统一社会信用代码: register, list, show, rename."),
    "policy": ("cli.policy", "policy", "The policy catalogue: list, show, quote, load."),
    "apply": ("cli.grants", "apply", "Submit an application (申报)."),
    "evaluate": ("cli.grants", "evaluate", "Record the evaluation grade of an application."),
    "award": ("cli.grants", "award", "Decide an award against a fund (批复)."),
    "reject": ("cli.grants", "reject", "Refuse an application."),
    "disburse": ("cli.money", "disburse", "Pay (part of) an award (拨付)."),
    "approve": ("cli.money", "approve", "Approve a pending disbursement or investment (second person)."),
    "void": ("cli.money", "void", "Void a pending disbursement or investment."),
    "spend": ("cli.money", "spend", "Record an expenditure of earmarked money."),
    "recover": ("cli.money", "recover", "Recover money to the fund (追回)."),
    "reverse": ("cli.money", "reverse", "Compensate a posted movement (红字冲正)."),
    "invest": ("cli.equity", "invest", "Pay an equity award as an investment (拨改投)."),
    "convert": ("cli.equity", "convert", "Convert a convertible award into equity (先投后股)."),
    "exit": ("cli.equity", "exit_", "Sell (part of) an equity holding; proceeds return to the fund."),
    "write-off": ("cli.equity", "write_off", "Write off the holding in a failed company."),
    "cancel-award": ("cli.corrections", "cancel_award", "Propose cancelling an award (a second person approves)."),
    "reduce-award": ("cli.corrections", "reduce_award", "Propose reducing an award (a second person approves)."),
    "correct": ("cli.corrections", "correct", "Propose correcting an application before its award."),
    "reevaluate": ("cli.corrections", "reevaluate", "Propose a corrected grade before the award (复评)."),
    "recharge": ("cli.recharge", "recharge", "Propose charging an award to another fund (a second person approves)."),
    "close": ("cli.periods", "close", "Close a fund's fiscal year (结转结余), lock it and seal the log."),
    "contract": ("cli.projects", "contract", "Record a project's task contract: end date and budget (任务书)."),
    "milestone": ("cli.projects", "milestone", "Record a milestone; a passed one releases its tranche."),
    "close-project": ("cli.projects", "close_project", "Accept and close a project; recover or retain its balance."),
    "extend": ("cli.projects", "extend", "Extend a project's end date (项目变更)."),
    "adjust-budget": ("cli.projects", "adjust_budget", "Move budget between expenditure categories (预算调剂)."),
    "reopen": ("cli.periods", "reopen", "Propose reopening a closed year (a second person approves)."),
    "seal": ("cli.periods", "seal", "Seal the log: position, head hash and a hash of every balance, signed."),
    "report": (
        "cli.reports",
        "report",
        "Reports: awards funds units caps clauses equity trial-balance pending carryover monthly.",
    ),
    "history": ("cli.reports", "history", "Every event about an application, unit, fund or voucher."),
    "replay": ("cli.audit", "replay", "Rebuild every projection from the event log."),
    "verify": ("cli.audit", "verify", "Check the hash chain, the projections and the trial balance."),
    "export": ("cli.audit", "export", "Export the event log, the books (beancount, hledger) and vouchers."),
    "batch": ("cli.batch", "batch", "Apply a JSON Lines or xlsx file of commands; batch template."),
    "voucher": ("cli.vouchers", "voucher", "Print a voucher's approval form (拨付审批单) as PDF."),
    "statement": ("cli.statement", "statement", "An award's funds statement (项目资金对账单): xlsx, PDF or JSON."),
    "province": ("cli.province", "province", "A province of cities: consolidated reports, verify every city."),
    "serve": ("cli.web", "serve", "Serve a read-only web view of the ledger (loopback by default)."),
    "demo": ("cli.demo", "demo", "Run a demonstration scenario on a fresh SQLite ledger."),
}

# One writing command about one award, voucher or project: it loads a few aggregates and writes a few events, but
# on its way it imports some 100 event classes (eventsourcing makes each a frozen dataclass), and those allocations
# set off ~50 runs of the cyclic garbage collector that free a few hundred objects in all: ~10 ms of a disbursement
# as a new process (issue 26). These commands run with the collector off (the process ends with the command);
# every other command (batch, replay, verify, reports, the web view…) keeps it on.
UNCOLLECTED = frozenset(
    name
    for name, (module, _, _) in COMMANDS.items()
    if module in ("cli.money", "cli.grants", "cli.equity", "cli.corrections", "cli.recharge", "cli.projects")
)


class LazyGroup(click.Group):
    """Loads commands when used; click's usage errors and undecodable arguments follow the output contract."""

    paused = False  # the collector was on and main() turned it off

    def main(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """The garbage collector is off until the command is known (``UNCOLLECTED``), and as it was after."""
        self.paused = gc.isenabled()
        gc.disable()
        try:
            return super().main(*args, **kwargs)
        finally:
            if self.paused:
                self.paused = False
                gc.enable()

    def make_context(self, info_name: str | None, args: list[str], parent=None, **extra) -> click.Context:  # type: ignore[override]
        fmt = _format_of(args)
        for arg in args:
            refuse_undecodable(arg, fmt)
        with usage_errors(fmt):
            ctx = super().make_context(info_name, args, parent, **extra)
        ctx.meta["grantledger.format"] = fmt
        return ctx

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        with usage_errors(ctx.meta.get("grantledger.format", "table")):
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        if self.paused and name not in UNCOLLECTED:
            gc.enable()
        from .help_zh import apply

        module, attribute, _ = COMMANDS[name]
        return apply(name, getattr(importlib.import_module(module), attribute))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .help_zh import SUMMARIES

        with formatter.section("命令"):
            formatter.write_dl([(name, SUMMARIES.get(name, summary)) for name, (_, _, summary) in COMMANDS.items()])


@contextmanager
def usage_errors(fmt: str) -> Iterator[None]:
    """A mistyped command line is ``INVALID_INPUT`` (exit 2): one line, or one JSON document with --format json."""
    try:
        yield
    except click.ClickException as exc:
        from ledger.errors import invalid

        from .output import fail

        where = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else "grantledger"
        said = exc.format_message().rstrip("。. ")  # click's own words, without a full stop before the "; 见"
        fail(fmt, invalid(f"{in_chinese(exc)} ({said}; 见 '{where} --help')"))


def in_chinese(exc: click.ClickException) -> str:
    """What a mistyped command line did wrong, in the words of the rest of the ledger's input errors."""
    hint = exc.param.get_error_hint(exc.ctx) if isinstance(exc, click.BadParameter) and exc.param and exc.ctx else ""
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "")
        return f"缺少{'参数' if kind == 'argument' else '选项'} {hint}".rstrip()
    if isinstance(exc, click.NoSuchOption):
        if exc.option_name in {name for p in main.params for name in p.opts}:  # --format after the command
            return f"{exc.option_name} 是全局选项, 须写在命令之前 (grantledger {exc.option_name} … 命令 …)"
        near = f", 是否要找 {', '.join(sorted(exc.possibilities))}" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{near}"
    if isinstance(exc, click.BadParameter):
        return f"{hint or '参数'} 的值无效"
    if isinstance(exc, click.UsageError) and exc.message.startswith(("No such command", "没有命令")):
        return "没有这个命令"
    return "命令行有误"


def refuse_undecodable(text: str, fmt: str, what: str = "argument") -> None:
    """Bytes that are not UTF-8 arrive as lone surrogates: refuse them before they reach the ledger."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        from ledger.errors import invalid

        from .output import fail

        shown = "".join(
            f"\\x{ord(ch) - 0xDC00:02x}"  # a byte that was not UTF-8, as Python kept it
            if 0xDC80 <= ord(ch) <= 0xDCFF
            else f"\\u{ord(ch):04x}"
            if 0xD800 <= ord(ch) <= 0xDFFF
            else ch
            for ch in text[:80]
        )
        fail(fmt, invalid(f"{what} '{shown}' 不是有效的 UTF-8 文本; 请重新输入"))


def _format_of(args: list[str]) -> str:
    """--format before the command is parsed (a usage error can come first)."""
    given = [os.environ.get("GRANTLEDGER_FORMAT")]
    for i, arg in enumerate(args):
        if arg == "--format" and i + 1 < len(args):
            given.append(args[i + 1])
        elif arg.startswith("--format="):
            given.append(arg.partition("=")[2])
    return next((fmt for fmt in reversed(given) if fmt in ("table", "json", "csv")), "table")


def default_actor() -> str:
    """The operating-system account from the system's user database (``$USER`` is whatever anyone typed)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        import getpass  # termios and more: only when the user database has no entry

        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return f"uid{os.getuid()}"


@click.group(
    name="grantledger",
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    envvar="GRANTLEDGER_DB",
    default=None,
    metavar="URL",
    help="sqlite:///FILE (default sqlite:///grantledger.db) or postgresql+psycopg://user@host/db (no password).",
)
@click.option(
    "--read-db",
    envvar="GRANTLEDGER_READ_DB",
    default=None,
    metavar="URL",
    help="A read replica for report, history, verify and serve (a PostgreSQL standby); says how far behind it is.",
)
@click.option(
    "--actor",
    envvar="GRANTLEDGER_ACTOR",
    default=None,
    metavar="NAME",
    help="Who is acting (default: the operating-system user).",
)
@click.option(
    "--format",
    "fmt",
    envvar="GRANTLEDGER_FORMAT",
    default="table",
    type=click.Choice(["table", "json", "csv"]),
    help="Output for people (table) or machines.",
)
@click.option(
    "--log-file",
    envvar="GRANTLEDGER_LOG_FILE",
    default=None,
    metavar="PATH",
    help="Append structured JSON logs to this file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also write logs to stderr.")
@click.version_option(package_name="grantledger")
@click.pass_context
def main(
    ctx: click.Context,
    db: str | None,
    read_db: str | None,
    actor: str | None,
    fmt: str,
    log_file: str | None,
    verbose: bool,
) -> None:
    """grantledger — an event-sourced ledger for science-and-technology funding (专项资金).

    Every fact is an immutable event; reports are projections of the log;
    `verify` proves nothing was changed.

    \b
    Quick start:
      grantledger init
      grantledger fund create KJ2024 --name "科技创新专项资金"
      grantledger fund appropriate KJ2024 --year 2024 --amount 5000万 --doc 青财预〔2024〕1号
      grantledger report funds
    """
    from .context import Settings

    for name, value in (("--actor", actor), ("--db", db), ("--read-db", read_db), ("--log-file", log_file)):
        if value is not None:
            refuse_undecodable(value, fmt, name)
    ctx.obj = Settings(
        db=db, actor=actor or default_actor(), fmt=fmt, log_file=log_file, verbose=verbose, read_db=read_db
    )


def _chinese_help() -> None:
    from .help_zh import apply_root

    apply_root(main)


_chinese_help()


def run() -> None:  # pragma: no cover - console entry point
    main(prog_name="grantledger")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
