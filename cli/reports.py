"""``report`` and ``history``."""

from __future__ import annotations

import click

from presentation.labels import REPORT_HEADERS
from presentation.report_columns import COLUMNS, PERIOD_COLUMNS, XLSX_COLUMNS, money_of, with_derived

from . import output
from .context import door, guarded, open_ledger, settings

# Reports whose table and CSV end with a totals row (the trial balance and the monthly report carry their own).
TOTALLED = frozenset(("awards", "funds", "units", "clauses", "equity", "pending"))
HISTORY_COLUMNS = ["seq", "effective_date", "type", "amount", "voucher", "detail", "actor", "recorded_at"]

yuan_unit_option = click.option(
    "--yuan-unit",
    type=click.Choice(["元", "万元"]),
    default="元",
    show_default=True,
    help="Amounts in tables in 元 or 万元 (two decimals); JSON and CSV stay in 元.",
)


def pick_columns(text: str | None, available: list[str], default: list[str]) -> list[str]:
    """``--columns a,b,c`` by JSON name or Chinese header; an unknown one is INVALID_INPUT naming the choices."""
    from ledger import errors
    from presentation.labels import header, suggest

    if not text:
        return [c for c in default if c in available] if available else default
    by_name = {c: c for c in available} | {header(c): c for c in available}
    chosen = []
    for word in (w.strip() for w in text.replace("，", ",").split(",")):
        if not word:
            continue
        if word not in by_name:
            names = "、".join(dict.fromkeys(header(c) for c in available))
            raise errors.invalid(f"--columns: 没有列 {word!r}{suggest(word, list(by_name))}; 可选: {names}")
        chosen.append(by_name[word])
    return chosen


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
    "--known-at",
    default=None,
    metavar="POSITION|TIMESTAMP",
    help="As the ledger could have printed it then: only events recorded up to that log position "
    "(or time, e.g. 2025-01-10T18:00, Asia/Shanghai unless a zone is given) count, whatever their date.",
)
@click.option(
    "--from",
    "since",
    default=None,
    metavar="DATE",
    help="funds, awards: a period's report from this day (opening balances as of the day before).",
)
@click.option(
    "--to",
    "until",
    default=None,
    metavar="DATE",
    help="funds, awards: the period's last day (closing balances as --as-of that day prints them).",
)
@click.option("--fund", "fund_code", default=None, metavar="FUND", help="Only this fund (where the report has funds).")
@click.option("--unit", "unit_code", default=None, metavar="CODE", help="Only this unit (统一社会信用代码).")
@click.option("--clause", "clause_id", default=None, metavar="ID", help="Only this policy clause.")
@click.option(
    "--columns",
    default=None,
    metavar="A,B,…",
    help="Table (and CSV) columns, by JSON name or Chinese header; default: what fits a terminal.",
)
@yuan_unit_option
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
    name: str,
    year: str | None,
    as_of: str | None,
    known_at: str | None,
    since: str | None,
    until: str | None,
    fund_code: str | None,
    unit_code: str | None,
    clause_id: str | None,
    columns: str | None,
    yuan_unit: str,
    fmt: str | None,
    out: str | None,
    side: str,
    chart: str | None,
) -> None:
    """Print report NAME from the projections (fast: never reads the whole log).

    \b
    NAME: awards funds units caps clauses equity trial-balance pending carryover monthly overdue
    (pending: what waits for a second person — held payments, reopenings — with who proposed
    it, when, the reason and why it is held; carryover: 结转结余表; monthly: 月度执行进度, each
    fund-year's payments month by month, cumulative, and 执行率 = cumulative ÷ appropriated,
    to a tenth of a percent rounded half up).

    \b
    funds and awards --from D --to D: the period's movements, with every figure's opening
    (opening_*, as of the day before D), movement and closing (closing_*, as --as-of the
    last day prints it). Either end may be left out: from the first entry, or up to now.

    \b
    Examples:
      grantledger report awards --year 2024
      grantledger report awards --fund KJ2024 --clause qd2024-01-common-tech
      grantledger report funds --as-of 2024-12-31 --yuan-unit 万元
      grantledger report pending
      grantledger report pending --as-of 2025-01-31
      grantledger report funds --from 2025-01-01 --to 2025-03-31
      grantledger report awards --from 2025-04-01 --to 2025-06-30 --fund KJ --format xlsx --out Q2.xlsx
      grantledger report monthly --year 2025
      grantledger report awards --columns application,unit_name,clause_title,awarded
      grantledger report trial-balance
      grantledger report trial-balance --side budget
      grantledger report carryover --year 2024
      grantledger report funds --known-at 1234 --as-of 2024-12-31
      grantledger report awards --format xlsx --out awards-2024.xlsx
      grantledger report all --year 2024 --format xlsx --out 2024.xlsx
    """
    from app import reads
    from ledger import errors
    from projections.report_rows import FILTERS

    s = settings()
    fmt = fmt or s.fmt
    if fmt == "xlsx" and not out:
        raise errors.invalid("--format xlsx 需要同时给出 --out FILE")
    if (side != "journal" or chart) and name != "trial-balance":
        raise errors.invalid("--side 和 --chart 只用于 trial-balance")
    parse = _parser() if year or as_of or since or until or fund_code or unit_code else None  # only when needed
    year_value = parse("year", year, "--year") if parse and year else None
    day = parse("any_date", as_of, "--as-of") if parse and as_of else None
    since, day = _period(name, parse, since, until, day)
    known = _known_at(known_at) if known_at else None
    filters = {
        "fund": parse("key", fund_code, "--fund") if parse and fund_code else None,
        "unit": parse("unit", unit_code, "--unit") if parse and unit_code else None,
        "clause": check_clause(clause_id) if clause_id else None,
    }
    for key, value in filters.items():
        if value is not None and name != "all" and key not in FILTERS[name]:
            usable = " ".join(f"--{k}" for k in FILTERS[name]) or "无"
            raise errors.invalid(f"report {name} 不能按 --{key} 筛选 (可用的筛选: {usable})")
    if fmt == "xlsx":
        books = {"side": side, "chart": chart}
        _write_xlsx(name, out, s.actor, year_value, day, filters, yuan_unit, books, known, columns, since)
        return
    if name == "all":
        raise errors.invalid("report all 写成一个工作簿, 每张报表一页: --format xlsx --out FILE")

    shape = f"{name}:period" if since is not None else name
    money = money_of(shape)
    rows = reads.report(door(), name, year_value, day, filters, known, since, side=side, chart=chart)
    if since is None:  # a period's rows are movements: the derived figures are of balances
        rows = with_derived(name, rows)
    listed = PERIOD_COLUMNS[name] if since is not None else COLUMNS[name]
    available = list(rows[0]) if rows else listed
    default = listed if side == "journal" else ["side", *listed]
    shown_columns = pick_columns(columns, available, default) if fmt == "table" or columns else None
    if fmt == "csv" and shown_columns:
        rows = [{c: r.get(c) for c in shown_columns} for r in rows]
    total = name in TOTALLED
    headers = REPORT_HEADERS.get(shape)
    if fmt == "csv" and not rows:
        shown_columns = shown_columns or default  # an empty report's CSV still has its header row
    text = output.render(
        fmt, rows, columns=shown_columns, money=money, total=total, yuan_unit=yuan_unit, headers=headers
    )
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text if text.endswith("\n") else text + "\n")
        click.echo(f"已写入 {len(rows)} 行: {out}", err=True)
        return
    click.echo(text, nl=fmt != "csv")


def _write_xlsx(
    name: str,
    out: str,
    actor: str,
    year: int | None,
    day: str | None,
    filters: dict[str, str | None],
    yuan_unit: str,
    books: dict[str, str | None],
    known: int | str | None = None,
    columns: str | None = None,
    since: str | None = None,
) -> None:
    """One workbook: the report NAME, or with ``all`` every report, a sheet each (see ``presentation.sheets``).

    Each sheet shows the report's ``XLSX_COLUMNS`` (or ``--columns``, for one report)."""
    from ledger import errors
    from presentation import sheets
    from projections.reports import FILTERS

    if columns and name == "all":
        raise errors.invalid("report all 的每张报表列不同, 不能用 --columns; 请逐个报表导出")
    names = list(COLUMNS) if name == "all" else [name]
    tables = []
    with open_ledger(read=True) as ledger:
        for n in names:
            usable = {k: v for k, v in filters.items() if k in FILTERS[n]}
            extra = books if n == "trial-balance" else {}
            rows = ledger.report(n, actor, year, day, usable, known_at=known, since=since, **extra)
            shape = f"{n}:period" if since is not None else n
            if since is None:
                rows = with_derived(n, rows)
            listed = PERIOD_COLUMNS[n] if since is not None else XLSX_COLUMNS[n]
            default = listed if n != "trial-balance" or books["side"] != "journal" else COLUMNS[n]
            chosen = pick_columns(columns, list(rows[0]) if rows else default, default)
            tables.append(sheets.report_table(shape, rows, money_of(shape), chosen, REPORT_HEADERS.get(shape)))
    shown = [("期间", f"{_shown_since(since)} 至 {day or '今'}")] if since is not None else []
    shown += [("年度", str(year))] if year else []
    shown += [("截至记录", str(known))] if known is not None else []
    shown += [
        (label, filters[k]) for k, label in (("fund", "资金"), ("unit", "单位"), ("clause", "条款")) if filters[k]
    ]
    sheets.write(out, tables, sheets.Stamp(made_by=actor, as_of=day, filters=shown, yuan_unit=yuan_unit))
    click.echo(f"已写入 {len(tables)} 张报表, 共 {sum(len(t.rows) for t in tables)} 行: {out}", err=True)


def _parser():
    from ledger.commands import parse

    return parse


def _period(name: str, parse, since: str | None, until: str | None, as_of: str | None) -> tuple[str | None, str | None]:
    """``--from``/``--to`` as (the period's first day, its last day — the as-of date of the closing figures);
    (None, as_of) when neither is given. Only funds and awards have periods; ``--to`` is the as-of date."""
    from ledger import errors
    from projections.report_rows import PERIOD_REPORTS, SINCE_START

    if since is None and until is None:
        return None, as_of
    if name not in PERIOD_REPORTS:
        raise errors.invalid(f"--from/--to 只用于 {' 和 '.join(PERIOD_REPORTS)} 报表 (期间收支), 不用于 {name}")
    if as_of is not None:
        raise errors.invalid("--to 就是期末日期 (期末余额按该日计算), 不要同时给 --as-of")
    first = parse("any_date", since, "--from") if since else SINCE_START
    last = parse("any_date", until, "--to") if until else None
    if last is not None and first > last:
        raise errors.invalid(f"--from {first} 晚于 --to {last}: 期间的第一天应不晚于最后一天")
    return first, last


def _shown_since(since: str) -> str:
    from projections.report_rows import SINCE_START

    return "期初" if since == SINCE_START else since


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


def check_clause(text: str) -> str:
    """A clause id that is in the catalogue (shipped or loaded); a mistyped one is NOT_FOUND with a "did you mean"."""
    from ledger import commands, errors
    from presentation.labels import suggest

    clause = commands.parse("key", text, "--clause")
    with open_ledger(read=True) as ledger:
        catalogue = ledger.catalogue()
    if clause not in catalogue:
        raise errors.not_found(f"条款 {clause} 不在政策目录中{suggest(clause, [c.id for c in catalogue])}")
    return clause


@click.command()
@click.argument("key")
@guarded
def history(key: str) -> None:
    """Every event about an application REF, unit CODE, fund or voucher, oldest first.

    Each row has the money moved, the voucher and the details (category,
    reason, grade, document number…); times are Asia/Shanghai.

    \b
    Examples:
      grantledger history QD-2024-001
      grantledger history 91370200MA3C1A2B3K
      grantledger history PZ-2024-0001
    """
    from app import reads
    from ledger import uscc
    from projections.report_rows import HISTORY_MONEY

    s = settings()
    key = key.strip()
    try:
        key = uscc.normalise(key)  # unit codes may be typed in lower case
    except uscc.USCCError:
        pass
    rows = reads.history(door(), key)
    if not rows:  # nothing about it: a mistyped REF or voucher gets a "did you mean" (and NOT_FOUND)
        from ledger import errors

        with open_ledger(read=True) as ledger:
            hint = ledger.did_you_mean("application", key) or ledger.did_you_mean("voucher", key)
        if hint:
            raise errors.not_found(f"没有关于 {key} 的记录{hint}")
    if s.fmt == "table":
        rows = [dict(r, recorded_at=r["recorded_at"][:19].replace("T", " ")) for r in rows]
    output.emit(s.fmt, rows, columns=HISTORY_COLUMNS if s.fmt == "table" else None, money=HISTORY_MONEY)
