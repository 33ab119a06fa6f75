"""``province``: one ledger per city (its own database, log, chain and seals), read together.

``province report funds|awards --ledger 青岛=URL --ledger 威海=URL`` prints
each city's rows with a ``city`` column, a subtotal per city and the
province's total (money in 分 throughout, summed as integers); ``province
verify`` verifies each city's ledger on its own and says which passed. A
city's URL may be its read replica: reports and verify only read.
"""

from __future__ import annotations

from typing import Any

import click

from presentation.report_columns import COLUMNS, money_of, with_derived

from . import output
from .context import guarded, settings

REPORTS = ("funds", "awards")
LEDGER_HELP = "A city's ledger as CITY=URL (repeat for each city)."


def _cities(ledgers: tuple[str, ...]) -> list[tuple[str, str]]:
    from ledger.errors import invalid

    if not ledgers:
        raise invalid("至少给出一个城市: --ledger 青岛=postgresql+psycopg://…/qingdao (每个城市一次)")
    cities: list[tuple[str, str]] = []
    for item in ledgers:
        city, sep, url = item.partition("=")
        city, url = city.strip(), url.strip()
        if not sep or not city or not url:
            raise invalid(f"--ledger {item!r}: 写成 城市=数据库URL, 例如 --ledger 威海=postgresql+psycopg://…/weihai")
        if any(city == c for c, _ in cities):
            raise invalid(f"--ledger: 城市 {city} 给了两次")
        cities.append((city, url))
    return cities


@click.group()
def province() -> None:
    """A province of cities: consolidated reports and a verify of every city's ledger."""


@province.command("report")
@click.argument("name", type=click.Choice(REPORTS))
@click.option("--ledger", "ledgers", multiple=True, metavar="CITY=URL", help=LEDGER_HELP)
@click.option("--year", type=int, default=None, help="Only this fiscal year (funds).")
@guarded
def report(name: str, ledgers: tuple[str, ...], year: int | None) -> None:
    """Consolidate report NAME (funds or awards) across the cities: each city's rows, its subtotal, the total.

    \b
    Examples:
      grantledger --actor audit.province province report funds --ledger 青岛=URL --ledger 威海=URL
    """
    from app.facade import Ledger

    s = settings()
    money = sorted(money_of(name))
    rows: list[dict[str, Any]] = []
    subtotals: dict[str, dict[str, int]] = {}
    for city, url in _cities(ledgers):
        with Ledger(url, replica=True) as ledger:  # read only: a city's replica serves as well as its primary
            found = with_derived(name, ledger.report(name, s.actor, year))
        subtotal = {m: 0 for m in money}
        for row in found:
            rows.append({"city": city, **row})
            for m in money:
                if isinstance(row.get(m), int):
                    subtotal[m] += row[m]
        subtotals[city] = subtotal
    province_total = {m: sum(t[m] for t in subtotals.values()) for m in money}
    if s.fmt == "json":
        import json

        def row(r: dict) -> Any:
            return json.loads(output.as_json(r, money))

        payload = {
            "rows": [row(r) for r in rows],
            "cities": {city: row(t) for city, t in subtotals.items()},
            "total": row(province_total),
        }
        click.echo(json.dumps(payload, ensure_ascii=False))
        return
    shown = [*rows]
    for city, subtotal in subtotals.items():
        shown.append({"city": f"{city} 小计", **subtotal})
    shown.append({"city": "全省合计", **province_total})
    columns = ["city", *COLUMNS[name]]
    output.emit(s.fmt, shown, columns=columns if s.fmt == "table" else None, money=money)


@province.command("verify")
@click.option("--ledger", "ledgers", multiple=True, metavar="CITY=URL", help=LEDGER_HELP)
@guarded
def verify(ledgers: tuple[str, ...]) -> None:
    """Verify every city's ledger (its own chain, seals and projections); exit 1 if any fails.

    \b
    Examples:
      grantledger --actor audit.province province verify --ledger 青岛=URL --ledger 威海=URL
    """
    from app.facade import Ledger
    from ledger.errors import TAMPERED, LedgerError

    s = settings()
    results = []
    for city, url in _cities(ledgers):
        try:
            with Ledger(url, replica=True) as ledger:  # read only: a city's replica serves as well as its primary
                found = ledger.verify(s.actor)
            results.append(
                {
                    "city": city,
                    "ok": found.ok,
                    "events": found.events,
                    "head": found.head,
                    "finding": found.findings[0] if found.findings else "",
                }
            )
        except LedgerError as error:
            results.append({"city": city, "ok": False, "events": None, "head": None, "finding": error.message})
    output.emit(s.fmt, results, columns=["city", "ok", "events", "head", "finding"] if s.fmt == "table" else None)
    failed = [r for r in results if not r["ok"]]
    if failed:
        names = ", ".join(r["city"] for r in failed)
        raise LedgerError(TAMPERED, f"省级核验未通过: {names} ({failed[0]['city']}: {failed[0]['finding']})")
