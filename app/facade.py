"""The ledger as the command line sees it: write side, read models and audit, wired once.

``Ledger.run`` executes a command and leaves every projection current before
it returns; reads check the actor's role, catch up, then query the read
models. ``init`` creates the event store, migrates the read models to the
latest schema (upgrading an older database) and names the first admin.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any

from ledger import commands as c
from ledger import dates, errors, keys, storage
from ledger.actors import Actor, check_may
from ledger.errors import LedgerError
from ledger.eventstore import ChainedEvent, StoreURL
from ledger.service import GrantLedger, Result, UnitOfWork, actor_roles, catalogue, execute, quote, storage_errors
from ledger.values import may_read
from projections.engines import make_engine
from projections.page import Origins
from projections.read_model import ReadModel, SqliteReadModel
from projections.runner import Progress, Projector

from . import pipeline

if TYPE_CHECKING:  # imported where used, so a writing command loads only what it needs
    from sqlalchemy import Engine

    from ledger import rules
    from ledger.batch import Summary
    from projections import audit, chart_of_accounts, statement, vouchers


def storage_refusal(store: StoreURL, exc: BaseException) -> LedgerError | None:
    """A failure of the database (either store, either driver) as ``STORAGE``; ``None`` for anything else."""
    from eventsourcing.persistence import PersistenceError
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(exc, LedgerError):
        return exc if exc.code in (errors.STORAGE, errors.OUTCOME_UNKNOWN) else None
    if isinstance(exc, (PersistenceError, DBAPIError, SQLAlchemyError, OSError, sqlite3.Error)):
        return storage.failure(store, exc)
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    return storage.failure(store, exc) if isinstance(exc, psycopg.Error) else None


def loaded_titles(catalogue: Any) -> dict[str, str]:
    """The titles of a catalogue's loaded clauses (the shipped ones are generated into ``report_sql``)."""
    return {cl.id: cl.title for cl in catalogue if cl.document.sha256 is not None}


class Ledger:
    def __init__(self, url: str | None = None, *, create_tables: bool = False, replica: bool = False):
        self.replica = replica  # a read replica (a streaming standby): its read models come from the primary
        self.app = GrantLedger(url, create_tables=create_tables)
        self._background: pipeline.Background | None = None  # during a large SQLite batch: the catch-up worker
        self.origins = Origins()  # which aggregate is which: one cache for both projectors below

    # SQLAlchemy is imported when something first needs it (issue 26): a command on a SQLite file writes its
    # events with the event store's own driver and folds them into the read models with ``sqlite3``.

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.app.store)

    @cached_property
    def read_model(self) -> ReadModel:
        return ReadModel(self.engine, self.app.name)

    @cached_property
    def projector(self) -> Projector:
        """The read models over SQLAlchemy: replay, and every catch-up but the one ``catching_up`` takes."""
        return Projector(self.app, self.read_model, self.origins)

    @cached_property
    def catching_up(self) -> Projector:
        """What ``catch_up`` folds with: on a SQLite file (not a read-only copy), the same ``Projector`` over a
        ``sqlite3`` connection (``read_model.SqliteReadModel``: the same SQL and locks); elsewhere ``projector``."""
        name = self.app.store.settings.get("SQLITE_DBNAME", "")
        if self.app.store.engine != "sqlite" or not name or name.startswith("file:"):
            return self.projector
        return Projector(self.app, SqliteReadModel(name, self.app.name), self.origins)

    def close(self) -> None:
        self.app.close()
        quick = self.__dict__.get("catching_up")
        if quick is not None and isinstance(quick.read_model, SqliteReadModel):
            quick.read_model.close()
        if "engine" in self.__dict__:
            self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------

    def init(self, actor: str) -> Result:
        from projections import migrate  # alembic: only init and verify need it

        result = execute(self.app, c.Init(), actor)
        with storage_errors(self.app):
            before, after = migrate.upgrade(self.engine)
            with self.read_model.write() as conn, conn.begin():
                self.read_model.ensure_tracking(conn)
                self.read_model.ensure_indexes(conn)  # a replay stopped half-way may have left them dropped
        upgraded = before is not None and before != after
        if upgraded:  # a new schema may hold new projections: rebuild them all from the log
            with storage_errors(self.app):
                self.projector.replay()
        else:
            self.catch_up()
        status = result.fields["status"] if result.changed else "upgraded" if upgraded else "up-to-date"
        result.fields.update(status=status, schema=after, upgraded_from=before if upgraded else None)
        result.changed = result.changed or upgraded
        return result

    def run(self, command: c.Command, actor: str) -> Result:
        try:
            result = execute(self.app, command, actor)
        except errors.LedgerError as error:
            if error.missing and error.missing[0] in ("application", "voucher"):
                error.message += self.did_you_mean(*error.missing)
            raise
        try:
            self.catch_up(written=self.app.written)
        except Exception as exc:  # the command is committed; the read models catch up with the next command
            refusal = storage_refusal(self.app.store, exc)
            if refusal is None:
                raise
            result.note = f"已写入; 但更新报表时{refusal.message}. 报表会在下一条命令时补上"
        if c.isa(command, "Close"):  # every close leaves a seal of the books as they stand after it
            result.fields["seal"] = self.seal(actor).fields if result.changed else None
        return result

    def seal(self, actor: str) -> Result:
        """Seal the log as it stands: position, head hash and state hash, recorded as a signed event, and the
        hash of verify's fold states there (``projections.resume``)."""
        from projections import resume, seals

        self.allow(actor, "seal")
        self._catch_up_if_allowed()
        with storage_errors(self.app):
            rows: list = []
            position, head, state = seals.checkpoint(self.read_model, self.app.recorder, rows)
            allowed = resume.may_store(self.engine)
            body = self._verify_snapshot(position, head, rows) if allowed else None
        sha = resume.digest(body) if body is not None else None
        result = execute(self.app, c.Seal(position=position, head=head, state=state, snapshot=sha), actor)
        if body is not None and result.fields.get("snapshot") == sha:
            with storage_errors(self.app):
                resume.store(self.engine, position, body)
        elif not allowed:
            result.note = "此数据库登录无权写入 verify_snapshots: 封存未带校验快照, 不能用于 verify --since-seal"
        self._catch_up_if_allowed()
        return result

    def _verify_snapshot(self, position: int, head: str, rows: list) -> bytes | None:
        """verify's fold states at the sealed position (``projections.resume``), for ``verify --since-seal``;
        None when the log does not hold up to there (only a full verify can then judge it) or the read models are
        this process's replica's."""
        from projections import incremental

        if self.replica:
            return None
        try:
            return incremental.take(self.app, position, head, *rows, live=self.engine)
        except (KeyError, TypeError, ValueError, AttributeError):  # an event the folds cannot even read
            return None  # sealed without a snapshot: only a full verify can judge such a log

    def _catch_up_if_allowed(self) -> None:
        """Catch up, unless this database login may not write the read models (an auditor's sealing login, README
        "Privileges"): then the seal covers the read models as they stand, and the next writer folds the rest."""
        try:
            self.catch_up()
        except Exception as error:
            refusal = storage_refusal(self.app.store, error)
            if refusal is None or refusal.code != errors.STORAGE or "权限不足" not in refusal.message:
                raise

    def did_you_mean(self, kind: str, key: str) -> str:
        """The REFs or vouchers close to a mistyped one, from the read models (empty if none, or on any failure)."""
        try:
            from projections import listings

            with self.engine.connect() as conn:
                return errors.did_you_mean(key, listings.keys_like(conn, kind, key))
        except Exception:  # a hint is a courtesy: never let it hide the refusal itself
            return ""

    def batch(
        self,
        lines: Iterable[tuple[int, str]],
        actor: str,
        *,
        stop_on_error: bool = False,
        group_size: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> Summary:
        from ledger.batch import BatchRunner  # a writing command loads only what it uses (issue 20)

        runner = BatchRunner(
            self.app,
            actor,
            group_size,
            after_commit=self.caught_up_with_writes,
            progress=progress,
            after_close=lambda: self._seal_after_close(actor),
        )
        if self.app.store.engine == "sqlite" and pipeline.may_fork():
            self._background = pipeline.Background(self.app.store.url)
        try:
            summary = runner.run(lines, stop_on_error)
        finally:
            background, self._background = self._background, None
            if background is not None:
                background.close()  # every group handed over is folded before the batch returns (or fails)
        self.catch_up()  # what the worker left (nothing, unless it stopped)
        return summary

    def _seal_after_close(self, actor: str) -> str:
        """A batch's close, committed: seal the books as they stand, as ``close`` does (the read models must be
        at the log's head, so the background worker, if any, finishes first and the rest is folded here)."""
        background, self._background = self._background, None
        if background is not None:
            background.close()
        fields = self.seal(actor).fields
        return f"结账后已封存日志 (位置 {fields['position']})"

    def catch_up(self, progress: Progress | None = None, written: list[tuple] | None = None) -> int:
        if self.replica:  # read-only: the primary folds, and its read models arrive with the WAL
            return 0
        with storage_errors(self.app):
            return self.catching_up.catch_up(progress, written=written)

    def caught_up_with_writes(self) -> int:
        """After a commit of ours: fold the events just written without reading them back (else as ``catch_up``)."""
        if self._background is not None and self._background.hand(self.app.written):
            return 0  # folded by the worker while the batch goes on
        return self.catch_up(written=self.app.written)

    # -- reading ----------------------------------------------------------------

    def allow(self, actor: str, command: str) -> None:
        check_may(actor, actor_roles(self.app, actor), command)

    def report(
        self,
        name: str,
        actor: str,
        year: int | None = None,
        as_of: str | None = None,
        filters: dict[str, str | None] | None = None,
        side: str = "journal",
        chart: str | None = None,
        known_at: int | str | None = None,
        since: str | None = None,
    ) -> list[dict]:
        """``side`` (trial-balance only): ``journal`` (the ledger's own chart), ``financial``, ``budget`` or
        ``both`` (the books under the chart at path ``chart``, default 政府会计制度). ``known_at``: the report as
        known at a log position or UTC timestamp (with ``as_of``, both at once). ``since`` (funds, awards):
        the period from that day to ``as_of``, each figure's opening, movement and closing."""
        self.allow(actor, "report")
        from projections import chart_of_accounts, entries, log_reads, reports

        loaded = chart_of_accounts.load_chart(chart) if side != "journal" else None
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            if isinstance(known_at, str):
                known_at = log_reads.position_at(conn, known_at)
            if loaded is not None:
                return entries.trial_balance(conn, loaded, side, year, as_of)
            titles = loaded_titles(self.catalogue()) if name == "awards" else None
            return reports.run(conn, name, year, as_of, filters, known_at, since, titles)

    def listing(self, name: str, actor: str) -> list[dict]:
        """``fund list`` or ``unit list``: reads, so every role may."""
        from projections import listings

        self.allow(actor, "report")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            return listings.fund_list(conn) if name == "funds" else listings.unit_list(conn)

    def unit(self, code: str, actor: str) -> dict:
        from projections import listings

        self.allow(actor, "report")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            row = listings.unit_show(conn, code)
        if row is None:
            raise errors.not_found(f"单位 {code} 未登记")
        return row

    def books(
        self, actor: str, chart: str | None = None, year: int | None = None
    ) -> tuple[chart_of_accounts.Chart, list]:
        """The chart and every voucher of the books (one per money event), for the exports."""
        from projections import chart_of_accounts, entries

        self.allow(actor, "export")
        loaded = chart_of_accounts.load_chart(chart)
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            return loaded, entries.vouchers(conn, loaded, year)

    def position(self) -> int:
        """The log position the read models stand at (what ``--known-at`` takes)."""
        return self.read_model.max_tracking_id(self.app.name) or 0

    def history(self, key: str, actor: str) -> list[dict]:
        from sqlalchemy import text

        from projections import listings

        self.allow(actor, "history")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            rows = listings.history(conn, key)
            if conn.dialect.name == "postgresql" and rows:  # the database login that wrote each event
                logins = dict(
                    conn.execute(
                        text("SELECT notification_id, db_login FROM event_logins WHERE notification_id = ANY(:s)"),
                        {"s": [r["seq"] for r in rows]},
                    ).all()
                )
                for row in rows:
                    row["db_login"] = logins.get(row["seq"])
            return rows

    def roles(self, actor: str) -> list[dict]:
        """``role list``: every person, their roles, and the key bound to them (fingerprint, custody, since)."""
        from sqlalchemy import select

        from projections import schema

        if not may_read(actor_roles(self.app, actor)):
            check_may(actor, [], "role list")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            o = schema.origins.c
            names = sorted(conn.execute(select(o.key).where(o.kind == "actor")).scalars())
        with storage_errors(self.app):
            uow = UnitOfWork(self.app)
            people = [uow.find(Actor, name) for name in names]
        return [
            {
                "actor": p.name,
                "roles": list(p.roles),
                "key": keys.fingerprint(p.key) if p.key else None,
                "custody": p.custody,
                "since": p.since,
            }
            for p in people
            if p is not None
        ]

    def voucher_form(self, number: str, actor: str) -> vouchers.VoucherForm:
        """What a voucher's approval form shows (anyone who may read history may print it)."""
        from projections import vouchers

        self.allow(actor, "history")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            return vouchers.form(self.app, conn, number)

    def statement(
        self, ref: str, actor: str, as_of: str | None = None, known_at: int | str | None = None
    ) -> statement.Statement:
        """An award's funds statement (项目资金对账单): anyone who may read history may print it."""
        from projections import log_reads, statement

        self.allow(actor, "history")
        self.catch_up()
        catalogue = self.catalogue()
        try:
            with storage_errors(self.app), self.engine.connect() as conn:
                if isinstance(known_at, str):
                    known_at = log_reads.position_at(conn, known_at)
                return statement.build(conn, ref, catalogue, as_of, known_at)
        except errors.LedgerError as error:
            if error.missing:
                error.message += self.did_you_mean(*error.missing)
            raise

    def quote(
        self,
        actor: str,
        clause: str,
        unit: str,
        grade: str | None,
        base: int | None,
        day: str | None,
        platform: str | None = None,
    ) -> rules.Quote:
        if not actor_roles(self.app, actor):  # any role may ask what the policy allows
            check_may(actor, [], "policy")
        return quote(self.app, clause, unit, grade, base, day or dates.today(), platform)

    def catalogue(self) -> Any:
        """The policy catalogue as it stands: shipped clauses and every loaded document (public: no role)."""
        return catalogue(self.app)

    # -- auditing ---------------------------------------------------------------

    def replay(self, actor: str, progress: Progress | None = None) -> int:
        self.allow(actor, "replay")
        with storage_errors(self.app):
            return self.projector.replay(progress)

    def verify(
        self,
        actor: str,
        progress: Progress | None = None,
        checkpoint: dict | None = None,
        witnessed: list[dict] | None = None,
        since: bool = False,
    ) -> audit.Report:
        """``since``: verify from ``checkpoint`` (a seal file), or from the latest seal in the log when there is
        none, folding only what follows (``projections.incremental``)."""
        from projections import audit, incremental, migrate

        self.allow(actor, "verify")
        with storage_errors(self.app):
            migrate.check_current(self.engine)
        stop = None
        try:
            self.catch_up()
        except (KeyError, TypeError, ValueError, AttributeError):
            # An event the read models cannot fold (malformed, written around the ledger): verify the whole log,
            # past where the live read models stopped, so the re-decision names it.
            stop = self.app.recorder.max_notification_id() or 0
        with storage_errors(self.app):
            if since:
                return incremental.verify_since(self.app, self.engine, progress, checkpoint=checkpoint, stop=stop)
            return audit.verify(self.app, self.engine, progress, checkpoint=checkpoint, witnessed=witnessed, stop=stop)

    def export(self, actor: str, out: IO[str]) -> int:
        from projections import audit

        self.allow(actor, "export")
        with storage_errors(self.app):
            return audit.export_events(self.app, out, self.describe)

    def describe(self, event: ChainedEvent) -> dict[str, Any]:
        data = self.app.mapper.transcoder.decode(event.state)
        recorded = data.pop("timestamp")
        return {
            "seq": event.seq,
            "type": event.topic.rpartition(":")[2],
            "aggregate": str(event.originator_id),
            "version": event.originator_version,
            "effective_date": data.get("on"),
            "recorded_at": recorded.isoformat(),
            "actor": data.get("actor"),
            "data": json.loads(json.dumps(data, default=str)),
        }


pipeline.LEDGER = Ledger  # the batch's catch-up worker folds with this class (pipeline never imports it)
