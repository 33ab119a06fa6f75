"""``grantledger serve``: a read-only dashboard in Chinese — Starlette routes, Jinja2 templates, no script.

Each page opens one read-only connection, asks ``web.figures`` (which asks
the CLI's report functions) and renders server-side HTML; the payments chart
is inline SVG. Downloads are the CLI's own writers, shared through ``presentation``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import Connection, Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ledger.money import format_grouped
from ledger.values import MODES
from presentation import labels, sheets, tables
from presentation.report_columns import XLSX_COLUMNS, money_of, with_derived
from projections import clause_titles, reports
from projections.journal import account_name

from . import adapters, chart, figures
from .guard import Guard, is_loopback
from .labels import VALUE_COLUMNS, event_name, field_name
from .source import head, read_only_engine

HERE = Path(__file__).parent
PAGE_ROWS = 200
DOWNLOADS = reports.REPORTS


def yuan(value: int | None) -> str:
    return "—" if value is None else format_grouped(value)


def make_templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(), auto_reload=False)
    env.filters["yuan"] = yuan
    env.filters["label"] = lambda value, column: labels.shown(column, value)
    env.filters["event"] = event_name
    env.filters["account"] = account_name
    env.filters["field"] = field_name
    env.globals["value_columns"] = VALUE_COLUMNS
    env.globals.update(
        header=labels.header, bars=chart.bars, modes=MODES, downloads=DOWNLOADS, titles=labels.REPORT_TITLES
    )
    return Jinja2Templates(env=env)


class View:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.templates = make_templates()
        self.monthly = figures.MonthlyPayments()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    def page(self, request: Request, name: str, conn: Connection, **context) -> Response:
        context.setdefault("head", head(conn))
        return self.templates.TemplateResponse(request, name, {"path": request.url.path, **context})

    # -- pages ------------------------------------------------------------------------------

    def funds(self, request: Request) -> Response:
        year = _year(request)
        with self.connect() as conn:
            now = head(conn)
            rows = figures.funds(conn, year, self.monthly.upto(conn, now["projected"]))
            months = figures.monthly(conn, year) if year else []
            return self.page(request, "funds.html", conn, rows=rows, year=year, head=now, months=months)

    def awards(self, request: Request) -> Response:
        p = request.query_params
        chosen = {k: (p.get(k) or "").strip() or None for k in ("fund", "unit", "clause", "q")}
        year = _year(request)
        with self.connect() as conn:
            rows = figures.awards(conn, year, **chosen)
            if chosen["q"] and not any(chosen[k] for k in ("fund", "unit", "clause")):
                # one award found, or the exact reference of an application not (yet) awarded: go to its page
                only = rows[0]["application"] if len(rows) == 1 else None
                if only is None and not rows and figures.application(conn, chosen["q"]) is not None:
                    only = chosen["q"]
                if only is not None:
                    return RedirectResponse(request.url_for("award", ref=only), status_code=303)
            totals = {m: sum(r[m] for r in rows) for m in reports.AWARD_MONEY}
            choices = {
                "fund": sorted(figures.fund_names(conn)),
                "year": sorted({r["year"] for r in reports.funds(conn, None, None)}),
            }
            return self.page(
                request,
                "awards.html",
                conn,
                rows=rows[:PAGE_ROWS],
                count=len(rows),
                totals=totals,
                chosen=chosen,
                year=year,
                choices=choices,
                names=figures.unit_names(conn),
            )

    def award(self, request: Request) -> Response:
        ref = request.path_params["ref"]
        with self.connect() as conn:
            found = figures.application(conn, ref)
            if found is None:
                raise HTTPException(404, f"没有申报 {ref}")
            year = found["fiscal_year"]
            row = next((r for r in reports.awards(conn, year, None) if r["application"] == ref), None) if year else None
            events = figures.history(conn, ref)
            names = figures.unit_names(conn)
            return self.page(request, "award.html", conn, app=found, row=row, events=events, names=names)

    def pending(self, request: Request) -> Response:
        with self.connect() as conn:
            rows = adapters.pending_vouchers(conn)
            return self.page(request, "pending.html", conn, rows=rows, total=sum(r["amount"] or 0 for r in rows))

    def units(self, request: Request) -> Response:
        q = (request.query_params.get("q") or "").strip() or None
        with self.connect() as conn:
            rows = figures.units(conn, q)
            return self.page(request, "units.html", conn, rows=rows[:PAGE_ROWS], count=len(rows), q=q)

    def unit(self, request: Request) -> Response:
        code = request.path_params["code"]
        with self.connect() as conn:
            row = figures.unit(conn, code)
            if row is None:
                raise HTTPException(404, f"没有单位 {code}")
            return self.page(request, "unit.html", conn, unit=row)

    def equity(self, request: Request) -> Response:
        year = _year(request)
        with self.connect() as conn:
            rows = reports.equity(conn, year, None)
            return self.page(request, "equity.html", conn, rows=rows, year=year, names=figures.unit_names(conn))

    def integrity(self, request: Request) -> Response:
        with self.connect() as conn:
            return self.page(
                request,
                "integrity.html",
                conn,
                verify=adapters.last_verify(conn),
                seal=adapters.last_seal(conn),
                signatures=adapters.signature_counts(conn),
                balance=reports.trial_balance(conn, None, None),
            )

    def download(self, request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        if name not in DOWNLOADS or fmt not in ("xlsx", "csv"):
            raise HTTPException(404, "没有这个报表")
        year = _year(request)
        with self.connect() as conn:
            titles = clause_titles.loaded(conn) if name == "awards" else None  # a loaded clause's too
            rows = with_derived(name, reports.run(conn, name, year, None, titles=titles))
        money = money_of(name)
        stem = f"{name}-{year}" if year else name
        if fmt == "csv":
            return Response(
                tables.as_csv(rows, money).encode("utf-8"),
                media_type="text/csv; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="{stem}.csv"'},
            )
        buffer = io.BytesIO()
        # the CLI's own sheet: its printable default columns; openpyxl saves to a file object too
        sheets.report_xlsx(rows, buffer, name, money, XLSX_COLUMNS[name])  # type: ignore[arg-type]
        return Response(
            buffer.getvalue(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"content-disposition": f'attachment; filename="{stem}.xlsx"'},
        )

    async def not_found(self, request: Request, exc: Exception) -> Response:
        detail = getattr(exc, "detail", "没有这个页面")
        status = getattr(exc, "status_code", 404)
        with self.connect() as conn:
            return self.templates.TemplateResponse(
                request,
                "error.html",
                {"head": head(conn), "path": request.url.path, "detail": detail, "status": status},
                status_code=status,
            )


def _year(request: Request) -> int | None:
    raw = (request.query_params.get("year") or "").strip()
    if not raw:
        return None
    if not (raw.isdigit() and len(raw) == 4):
        raise HTTPException(400, f"年度应为四位数字: {raw!r}")
    return int(raw)


def create_app(url: str | None, token: str | None = None, host: str = "127.0.0.1") -> Starlette:
    """The application over the database at ``url``; ``token`` (checked by the caller) is required on every
    request when given. On loopback without a token, only loopback host names are answered (no DNS rebinding)."""
    view = View(read_only_engine(url))
    routes = [
        Route("/", lambda request: RedirectResponse("/funds", status_code=303)),
        Route("/funds", view.funds, name="funds"),
        Route("/awards", view.awards, name="awards"),
        Route("/awards/{ref:path}", view.award, name="award"),
        Route("/pending", view.pending, name="pending"),
        Route("/units", view.units, name="units"),
        Route("/units/{code}", view.unit, name="unit"),
        Route("/equity", view.equity, name="equity"),
        Route("/integrity", view.integrity, name="integrity"),
        Route("/download/{name}.{fmt}", view.download, name="download"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(Guard, token=token)]
    if token is None and is_loopback(host):
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "::1", host]))
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: view.not_found})
    app.state.engine = view.engine
    return app
