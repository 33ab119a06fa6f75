"""``fund create``, ``fund appropriate`` and ``unit register``."""

from __future__ import annotations

import click

from . import output
from .context import date_option, door, guarded, settings, submit


@click.group()
def fund() -> None:
    """Funds (专项资金) and their yearly appropriations."""


@fund.command("create")
@click.argument("fund_code", metavar="FUND")
@click.option("--name", required=True, help="The fund's name.")
@click.option(
    "--approval-threshold",
    default=None,
    metavar="AMOUNT",
    help="Payments at or above this need a second person (default 1,000,000 元).",
)
@click.option(
    "--approval-window",
    default=None,
    metavar="DAYS",
    help="Payments on one award within this many days count together against the threshold (default 30).",
)
@click.option("--city", default=None, help="The city whose policies the fund pays for (青岛 or 威海).")
@click.option("--clauses", default=None, help="Only these clauses, separated by commas.")
@date_option
@guarded
def create(
    fund_code: str,
    name: str,
    approval_threshold: str | None,
    approval_window: str | None,
    city: str | None,
    clauses: str | None,
    date: str | None,
) -> None:
    """Create a fund (a named budget pool).

    \b
    Examples:
      grantledger fund create KJ2024 --name "市科技创新专项资金"
      grantledger fund create TZ --name "科技股权投资专项" --approval-threshold 50万 --approval-window 60
    """
    submit(
        "fund create",
        fund=fund_code,
        name=name,
        approval_threshold=approval_threshold,
        approval_window=approval_window,
        city=city,
        clauses=clauses,
        date=date,
    )


@fund.command("scope")
@click.argument("fund_code", metavar="FUND")
@click.option("--city", required=True, help="The city whose policies the fund pays for (青岛 or 威海).")
@click.option("--clauses", default=None, help="Only these clauses, separated by commas.")
@click.option("--doc", required=True, help="The document that sets the fund's scope.")
@date_option
@guarded
def scope(fund_code: str, city: str, clauses: str | None, doc: str, date: str | None) -> None:
    """Name the city (and clauses) a fund pays for; awards outside it are refused.

    \b
    Examples:
      grantledger fund scope KJ --city 青岛 --doc 青财教〔2024〕3号
    """
    submit("fund scope", fund=fund_code, city=city, clauses=clauses, doc=doc, date=date)


@fund.command("appropriate")
@click.argument("fund_code", metavar="FUND")
@click.option("--year", required=True, help="Budget year (may be a coming year).")
@click.option("--amount", required=True, help="e.g. 5000万, 1.2亿, 3,000,000.00")
@click.option("--doc", required=True, help="The budget document number (预算文号); the key of this appropriation.")
@click.option("--date", default=None, help="Effective date, YYYY-MM-DD (default today).")
@guarded
def appropriate(fund_code: str, year: str, amount: str, doc: str, date: str | None) -> None:
    """Add budget to a fund for a year.

    \b
    Examples:
      grantledger fund appropriate KJ2024 --year 2024 --amount 5000万 --doc 青财预〔2024〕12号
    """
    submit("fund appropriate", fund=fund_code, year=year, amount=amount, doc=doc, date=date)


@fund.command("list")
@guarded
def fund_list() -> None:
    """Every fund: name, approval threshold, and budget over all its years.

    \b
    Examples:
      grantledger fund list
      grantledger --format json fund list
    """
    from app import reads
    from projections.report_rows import LIST_MONEY

    s = settings()
    rows = reads.listing(door(), "funds")
    output.emit(s.fmt, rows, money=LIST_MONEY)


@click.group()
def unit() -> None:
    """Units (单位): enterprises, universities, institutes, hospitals, investors."""


@unit.command("register")
@click.argument("code")
@click.option("--name", required=True, help="The unit's registered name.")
@click.option(
    "--type",
    "unit_type",
    required=True,
    help="enterprise university institute hospital investor other (or 企业 高校 科研院所 …)",
)
@click.option(
    "--region",
    default=None,
    metavar="DIVISION",
    help="City of a unit whose code comes from a provincial or national authority (370200 青岛, 371000 威海).",
)
@click.option("--region-doc", default=None, metavar="DOC", help="The document that places the unit (with --region).")
@date_option
@guarded
def register(
    code: str, name: str, unit_type: str, region: str | None, region_doc: str | None, date: str | None
) -> None:
    """Register a unit by its 统一社会信用代码 (checked per GB 32100-2015).

    Characters 3–8 of the code are the registering authority's division:
    Qingdao clauses need a Qingdao unit (3702xx), Weihai clauses a Weihai
    one (3710xx). A code from a provincial or national authority (370000,
    100000 …) names no city: give it with --region and --region-doc (also on
    a unit already registered).

    \b
    Examples:
      grantledger unit register 91370200MA3C1A2B3K --name "青岛海洋科技有限公司" --type enterprise
      grantledger unit register 12370000MB00000012 --name "山东省某研究院" --type institute \\
          --region 370200 --region-doc 鲁科字〔2024〕1号
    """
    submit("unit register", code=code, name=name, type=unit_type, region=region, region_doc=region_doc, date=date)


@unit.command("list")
@guarded
def unit_list() -> None:
    """Every registered unit: code, name, type, when registered, applications and money awarded and paid.

    \b
    Examples:
      grantledger unit list
      grantledger --format csv unit list > units.csv
    """
    from app import reads
    from projections.report_rows import LIST_MONEY

    s = settings()
    rows = reads.listing(door(), "units")
    output.emit(s.fmt, rows, money=LIST_MONEY)


@unit.command("show")
@click.argument("code")
@guarded
def unit_show(code: str) -> None:
    """One unit: its name and type, and the money under its awards.

    \b
    Examples:
      grantledger unit show 91370200MA3C1A2B3K
    """
    from app import reads
    from ledger import commands
    from ledger.money import Amount
    from projections.report_rows import LIST_MONEY

    s = settings()
    code = commands.parse("unit", code, "unit show CODE")
    row = reads.unit(door(), code)
    output.emit(s.fmt, {k: Amount(v) if k in LIST_MONEY else v for k, v in row.items()})


@unit.command("rename")
@click.argument("code")
@click.option("--name", required=True, help="The unit's new registered name.")
@click.option("--doc", required=True, help="The document recording the change (e.g. the 变更登记 notice number).")
@date_option
@guarded
def rename(code: str, name: str, doc: str, date: str | None) -> None:
    """Record a unit's new name (更名); its history keeps the old one.

    \b
    Examples:
      grantledger unit rename 91370200MA3C1A2B3K --name "青岛海洋智能科技有限公司" --doc 青市监变〔2024〕88号
    """
    submit("unit rename", code=code, name=name, doc=doc, date=date)
