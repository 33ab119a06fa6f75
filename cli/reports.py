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
    "funds": ["fund", "year", "appropriated", "committed", "disbursed", "returned", "available"],
    "units": ["unit", "name", "type", "applications", "awarded", "disbursed", "spent", "recovered"],
    "caps": ["unit", "cap_group", "year", "cap", "used", "remaining"],
    "clauses": ["clause", "year", "count", "awarded", "disbursed"],
    "equity": ["application", "unit", "invested", "stake", "exited_stake", "proceeds", "gain", "status"],
    "trial-balance": ["account", "name", "debit", "credit", "balance"],
}


@click.command()
@click.argument("name", type=click.Choice([*COLUMNS, "all"]))
@click.option("--year", default=None, help="Only this fiscal year.")
@click.option(
    "--as-of",
    default=None,
    metavar="DATE",
    help="As of an effective date (YYYY-MM-DD): facts dated later "
    "are left out, facts recorded later but dated earlier are in.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    help="Overrides the global --format; xlsx needs --out.",
)
@click.option("--out", default=None, metavar="FILE", help="Write to FILE instead of stdout.")
@click.option(
    "--side",
    default="journal",
    type=click.Choice(["journal", "financial", "budget", "both"]),
    help="trial-balance only: the ledger's own journal (default), or the books under 政府会计制度: "
    "financial (财务会计), budget (预算会计) or both.",
)
@click.option("--chart", default=None, metavar="FILE", help="The chart of the books (TOML); default 政府会计制度.")
@guarded
def report(
    name: str, year: str | None, as_of: str | None, fmt: str | None, out: str | None, side: str, chart: str | None
) -> None:
    """Print report NAME from the projections (fast: never reads the whole log).

    \b
    Examples:
      grantledger report awards --year 2024
      grantledger report funds --as-of 2024-12-31
      grantledger report trial-balance
      grantledger report trial-balance --side budget
      grantledger report awards --format xlsx --out awards-2024.xlsx
      grantledger report all --year 2024 --format xlsx --out 2024.xlsx
    """
    from ledger import commands, errors

    s = settings()
    fmt = fmt or s.fmt
    if fmt == "xlsx" and not out:
        raise errors.invalid("--format xlsx needs --out FILE")
    if (side != "journal" or chart) and name != "trial-balance":
        raise errors.invalid("--side and --chart apply to trial-balance only")
    year_value = commands.parse("year", year, "--year") if year else None
    day = commands.parse("any_date", as_of, "--as-of") if as_of else None
    if fmt == "xlsx":
        _write_xlsx(name, out, s.actor, year_value, day, side=side, chart=chart)
        return
    if name == "all":
        raise errors.invalid("report all 写成一个工作簿, 每张报表一页: --format xlsx --out FILE")
    from projections.reports import MONEY

    money = MONEY[name]
    with open_ledger() as ledger:
        rows = ledger.report(name, s.actor, year_value, day, side=side, chart=chart)
    columns = COLUMNS[name] if fmt == "table" else None
    if columns and side != "journal":
        columns = ["side", *columns]
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


def _write_xlsx(
    name: str,
    out: str,
    actor: str,
    year: int | None,
    day: str | None,
    yuan_unit: str = "元",
    side: str = "journal",
    chart: str | None = None,
) -> None:
    """One workbook: the report NAME, or with ``all`` every report, a sheet each (see ``cli.sheets``).

    ``yuan_unit`` ("元" or "万元") is what ``--yuan-unit`` passes; more filters go into the title block.
    """
    from projections.reports import MONEY

    from . import sheets

    names = list(COLUMNS) if name == "all" else [name]
    with open_ledger() as ledger:
        books = {"side": side, "chart": chart}
        tables = [
            sheets.report_table(
                n, ledger.report(n, actor, year, day, **(books if n == "trial-balance" else {})), MONEY[n], COLUMNS[n]
            )
            for n in names
        ]
    filters = [("年度", str(year))] if year else []
    sheets.write(out, tables, sheets.Stamp(made_by=actor, as_of=day, filters=filters, yuan_unit=yuan_unit))
    click.echo(f"wrote {sum(len(t.rows) for t in tables)} rows to {out}", err=True)


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
