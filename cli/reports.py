"""``report`` and ``history``."""

from __future__ import annotations

import click

from . import output
from .context import guarded, open_ledger, settings

COLUMNS = {
    "awards": [
        "application",
        "unit",
        "clause",
        "fund",
        "fiscal_year",
        "awarded",
        "disbursed",
        "pending",
        "spent",
        "recovered",
        "available",
    ],
    "funds": ["fund", "year", "appropriated", "committed", "disbursed", "returned", "available", "carried_forward"],
    "units": ["unit", "name", "type", "applications", "awarded", "disbursed", "spent", "recovered"],
    "caps": ["unit", "cap_group", "year", "cap", "used", "remaining"],
    "clauses": ["clause", "year", "count", "awarded", "disbursed"],
    "equity": ["application", "unit", "invested", "stake", "exited_stake", "proceeds", "gain", "status"],
    "trial-balance": ["account", "name", "debit", "credit", "balance"],
    "carryover": [
        "fund",
        "year",
        "appropriated",
        "returned",
        "committed",
        "disbursed",
        "carried_forward",
        "lapsed",
        "closed",
    ],
}


@click.command()
@click.argument("name", type=click.Choice(list(COLUMNS)))
@click.option("--year", default=None, help="Only this fiscal year.")
@click.option(
    "--as-of",
    default=None,
    metavar="DATE",
    help="As of an effective date (YYYY-MM-DD): facts dated later "
    "are left out, facts recorded later but dated earlier are in.",
)
@click.option(
    "--known-at",
    default=None,
    metavar="POSITION|TIMESTAMP",
    help="As the ledger could have printed it then: only events recorded up to that log position "
    "(or time, e.g. 2025-01-10T18:00, Asia/Shanghai unless a zone is given) count, whatever their date.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    help="Overrides the global --format; xlsx needs --out.",
)
@click.option("--out", default=None, metavar="FILE", help="Write to FILE instead of stdout.")
@guarded
def report(
    name: str, year: str | None, as_of: str | None, known_at: str | None, fmt: str | None, out: str | None
) -> None:
    """Print report NAME from the projections (fast: never reads the whole log).

    \b
    Examples:
      grantledger report awards --year 2024
      grantledger report funds --as-of 2024-12-31
      grantledger report trial-balance
      grantledger report carryover --year 2024
      grantledger report funds --known-at 1234 --as-of 2024-12-31
      grantledger report awards --format xlsx --out awards-2024.xlsx
    """
    from ledger import commands, errors

    s = settings()
    fmt = fmt or s.fmt
    if fmt == "xlsx" and not out:
        raise errors.invalid("--format xlsx needs --out FILE")
    year_value = commands.parse("year", year, "--year") if year else None
    day = commands.parse("any_date", as_of, "--as-of") if as_of else None
    known = _known_at(known_at) if known_at else None
    from projections.reports import MONEY

    money = MONEY[name]
    with open_ledger() as ledger:
        rows = ledger.report(name, s.actor, year_value, day, known)
    if fmt == "xlsx":
        output.xlsx(rows, out, name, money)
        click.echo(f"wrote {len(rows)} rows to {out}", err=True)
        return
    columns = COLUMNS[name] if fmt == "table" else None
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            text = (
                output.as_json(rows, money)
                if fmt == "json"
                else output.as_csv(rows, money)
                if fmt == "csv"
                else output.table(rows, columns, money)
            )
            handle.write(text if text.endswith("\n") else text + "\n")
        click.echo(f"wrote {len(rows)} rows to {out}", err=True)
        return
    output.emit(fmt, rows, columns=columns, money=money)


def _known_at(text: str) -> int | str:
    """A log position (a whole number), or a moment turned into UTC as events record it."""
    from ledger import dates, errors

    word = text.strip()
    if word.isdigit():
        return int(word)
    try:
        return dates.moment(word)
    except dates.DateError as exc:
        raise errors.invalid(f"--known-at: {exc}") from exc


@click.command()
@click.argument("key")
@guarded
def history(key: str) -> None:
    """Every event about an application REF, unit CODE, fund or voucher, oldest first.

    \b
    Examples:
      grantledger history QD-2024-001
      grantledger history 91370200MA3C1A2B3X
      grantledger history PZ-2024-0001
    """
    from ledger import uscc

    s = settings()
    key = key.strip()
    try:
        key = uscc.normalise(key)  # unit codes may be typed in lower case
    except uscc.USCCError:
        pass
    with open_ledger() as ledger:
        rows = ledger.history(key, s.actor)
    output.emit(s.fmt, rows)
