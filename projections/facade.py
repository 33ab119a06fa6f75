"""The ledger as the command line sees it: write side, read models and audit, wired once.

``Ledger.run`` executes a command and leaves every projection current before
it returns; reads check the actor's role, catch up, then query the read
models. ``init`` creates the event store, migrates the read models to the
latest schema (upgrading an older database) and names the first admin.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from ledger import commands as c
from ledger import dates, rules
from ledger.actors import check_may
from ledger.batch import BatchRunner, Summary
from ledger.eventstore import ChainedEvent
from ledger.service import GrantLedger, Result, actor_roles, execute, quote, storage_errors

from . import audit, migrate, reports, seals
from .runner import Progress, Projector, ReadModel, make_engine


class Ledger:
    def __init__(self, url: str | None = None, *, create_tables: bool = False):
        self.app = GrantLedger(url, create_tables=create_tables)
        self.engine = make_engine(self.app.store)
        self.read_model = ReadModel(self.engine, self.app.name)
        self.projector = Projector(self.app, self.read_model)

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------

    def init(self, actor: str) -> Result:
        result = execute(self.app, c.Init(), actor)
        with storage_errors(self.app):
            before, after = migrate.upgrade(self.engine)
            with self.read_model.write() as conn, conn.begin():
                self.read_model.ensure_tracking(conn)
        upgraded = before is not None and before != after
        if upgraded:  # a new schema may hold new projections: rebuild them all from the log
            with storage_errors(self.app):
                self.projector.replay()
        else:
            self.catch_up()
        status = "initialised" if result.changed else "upgraded" if upgraded else "up-to-date"
        result.fields.update(status=status, schema=after, upgraded_from=before if upgraded else None)
        result.changed = result.changed or upgraded
        return result

    def run(self, command: c.Command, actor: str) -> Result:
        result = execute(self.app, command, actor)
        self.catch_up()
        if isinstance(command, c.Close):  # every close leaves a seal of the books as they stand after it
            result.fields["seal"] = self.seal(actor).fields if result.changed else None
        return result

    def seal(self, actor: str) -> Result:
        """Seal the log as it stands: position, head hash and state hash, recorded as a signed event."""
        self.allow(actor, "seal")
        self.catch_up()
        with storage_errors(self.app):
            position, head, state = seals.checkpoint(self.read_model, self.app.recorder)
        result = execute(self.app, c.Seal(position=position, head=head, state=state), actor)
        self.catch_up()
        return result

    def batch(
        self,
        lines: Iterable[tuple[int, str]],
        actor: str,
        *,
        stop_on_error: bool = False,
        group_size: int = 500,
        progress: Callable[[int], None] | None = None,
    ) -> Summary:
        runner = BatchRunner(self.app, actor, group_size, after_commit=self.catch_up, progress=progress)
        return runner.run(lines, stop_on_error)

    def catch_up(self, progress: Progress | None = None) -> int:
        with storage_errors(self.app):
            return self.projector.catch_up(progress)

    # -- reading ----------------------------------------------------------------

    def allow(self, actor: str, command: str) -> None:
        check_may(actor, actor_roles(self.app, actor), command)

    def report(
        self,
        name: str,
        actor: str,
        year: int | None = None,
        as_of: str | None = None,
        known_at: int | str | None = None,
    ) -> list[dict]:
        """A report now, or as of an effective date, or as known at a log position or UTC timestamp, or both."""
        self.allow(actor, "report")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            if isinstance(known_at, str):
                known_at = reports.position_at(conn, known_at)
            return reports.run(conn, name, year, as_of, known_at)

    def position(self) -> int:
        """The log position the read models stand at (what ``--known-at`` takes)."""
        return self.read_model.max_tracking_id(self.app.name) or 0

    def history(self, key: str, actor: str) -> list[dict]:
        self.allow(actor, "history")
        self.catch_up()
        with storage_errors(self.app), self.engine.connect() as conn:
            return reports.history(conn, key)

    def quote(
        self, actor: str, clause: str, unit: str, grade: str | None, base: int | None, day: str | None
    ) -> rules.Quote:
        if not actor_roles(self.app, actor):  # any role may ask what the policy allows
            check_may(actor, [], "policy")
        return quote(self.app, clause, unit, grade, base, day or dates.today())

    # -- auditing ---------------------------------------------------------------

    def replay(self, actor: str, progress: Progress | None = None) -> int:
        self.allow(actor, "replay")
        with storage_errors(self.app):
            return self.projector.replay(progress)

    def verify(self, actor: str, progress: Progress | None = None, checkpoint: dict | None = None) -> audit.Report:
        self.allow(actor, "verify")
        self.catch_up()
        with storage_errors(self.app):
            return audit.verify(self.app, self.engine, progress, checkpoint=checkpoint)

    def export(self, actor: str, out: IO[str]) -> int:
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
