"""``grantledger``: the command group, its global options, and lazy loading of commands.

Subcommands live in small modules imported only when used, so ``--help`` and
simple commands start quickly.
"""

from __future__ import annotations

import getpass
import importlib
import os
import sys

import click

# name: (module, attribute, one-line help)
COMMANDS = {
    "init": ("cli.setup", "init", "Create or upgrade the database; the first actor becomes admin."),
    "role": ("cli.setup", "role", "Grant roles to people (admin only)."),
    "fund": ("cli.funds", "fund", "Create funds and appropriate budget by year."),
    "unit": ("cli.funds", "unit", "Register units by 统一社会信用代码."),
    "policy": ("cli.policy", "policy", "The policy catalogue: list, show, quote."),
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
    "close": ("cli.periods", "close", "Close a fund's fiscal year (结转结余), lock it and seal the log."),
    "reopen": ("cli.periods", "reopen", "Propose reopening a closed year (a second person approves)."),
    "seal": ("cli.periods", "seal", "Seal the log: position, head hash and a hash of every balance, signed."),
    "report": ("cli.reports", "report", "Reports: awards funds units caps clauses equity trial-balance carryover."),
    "history": ("cli.reports", "history", "Every event about an application, unit, fund or voucher."),
    "replay": ("cli.audit", "replay", "Rebuild every projection from the event log."),
    "verify": ("cli.audit", "verify", "Check the hash chain, the projections and the trial balance."),
    "export": ("cli.audit", "export", "Export the event log as JSON Lines with hashes."),
    "batch": ("cli.batch", "batch", "Apply a JSON Lines file of commands."),
    "demo": ("cli.demo", "demo", "Run a demonstration scenario on a fresh SQLite ledger."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, _, summary) in COMMANDS.items()])


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid{os.getuid()}"


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--db",
    envvar="GRANTLEDGER_DB",
    default=None,
    metavar="URL",
    help="sqlite:///FILE (default sqlite:///grantledger.db) or postgresql+psycopg://user:pass@host/db.",
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
def main(ctx: click.Context, db: str | None, actor: str | None, fmt: str, log_file: str | None, verbose: bool) -> None:
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

    ctx.obj = Settings(db=db, actor=actor or default_actor(), fmt=fmt, log_file=log_file, verbose=verbose)


def run() -> None:  # pragma: no cover - console entry point
    main(prog_name="grantledger")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
