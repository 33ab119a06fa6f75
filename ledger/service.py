"""The application service: one use case = load, command, save once.

``GrantLedger`` is an eventsourcing ``Application``; ``handle`` runs one
command's handler (``ledger.handlers``, one module per family) against a
``UnitOfWork`` (the aggregates it loaded or created) and
``execute`` saves everything the command touched in one transaction,
retrying from a fresh load when a concurrent writer won the race on a
version (bounded, with jitter) and giving up with ``CONFLICT``.

Commands never replay the log: each loads only the aggregates it touches
(``FundYear`` and ``UnitCap``, which collect many events, are snapshotted).
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent, project_aggregate
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError, PersistenceError, ProgrammingError
from eventsourcing.utils import register_topic, resolve_topic

from . import commands as c
from . import dates, errors, keys, signing, storage, vocabulary
from .actors import KeyBinding, check_may
from .errors import LedgerError
from .eventstore import parse_url
from .handlers import HANDLERS, roles_of
from .handlers.door import authenticate
from .keys import Keyring
from .uow import Result, UnitOfWork

if TYPE_CHECKING:
    from . import clauses, rules

__all__ = ["HANDLERS", "GrantLedger", "Result", "UnitOfWork", "execute", "handle", "quote"]

log = logging.getLogger("grantledger")


def register_moved_topics(moved: dict[str, str] | None = None) -> None:
    """Old stored topics resolve to the classes that moved (``vocabulary.MOVED``): ledgers written before load."""
    for old, new in (vocabulary.MOVED if moved is None else moved).items():
        register_topic(old, resolve_topic(new))


register_moved_topics()


class ByTopic(dict):
    """Aggregate classes → snapshot intervals, keyed by the classes' topics: naming a class does not import its
    module, so a command that never loads a ``UnitCap`` never imports ``ledger.caps`` (issue 26). eventsourcing
    asks ``get(type(aggregate))``; ``GrantLedger.load`` asks ``cls in``."""

    def get(self, cls: Any, default: Any = None) -> Any:
        return super().get(topic_of(cls), default)

    def __contains__(self, cls: object) -> bool:
        return super().__contains__(topic_of(cls))

    def __getitem__(self, cls: Any) -> Any:
        return super().__getitem__(topic_of(cls))


def topic_of(cls: Any) -> str:
    return f"{cls.__module__}:{cls.__qualname__}" if isinstance(cls, type) else str(cls)


class GrantLedger(Application):
    name = "GrantLedger"
    snapshotting_intervals = ByTopic({"ledger.fund:FundYear": 200, "ledger.caps:UnitCap": 200})

    def __init__(self, url: str | None = None, *, create_tables: bool = False):
        self.store = parse_url(url)
        if self.store.engine == "sqlite" and not create_tables:
            check_exists(self.store.settings["SQLITE_DBNAME"], self.store.url)
        self._umask: int | None = None
        if self.store.engine == "sqlite":  # a group-writable file: the -wal/-shm SQLite makes are group-writable too
            from .sqlite_share import match_umask

            self._umask = match_umask(self.store.sqlite_file)
        if self.store.engine == "postgresql":  # the server's refusal at once, in its own words (not a pool timeout)
            from .pgconnect import probe

            probe(self.store.url, int(self.store.settings["POSTGRES_CONNECT_TIMEOUT"]))
        super().__init__({**self.store.settings, "CREATE_TABLE": "y" if create_tables else "n"})
        self._catalogue: clauses.Catalogue | None = None  # as shipped, read when first asked (``catalogue``)
        self.catalogues: dict[tuple[str, ...], clauses.Catalogue] = {}  # shipped + loaded, by the loads' hashes
        self.keyring = Keyring.default()
        self.resnap: set[UUID] = set()  # snapshotted aggregates folded from scratch: sign a snapshot on commit
        # The events of the last save as the projections read them, (position, originator id as 16 bytes, topic,
        # state): the catch-up right after a commit folds these instead of reading and decoding them again.
        self.written: list[tuple[int, bytes, str, bytes]] = []

    @property
    def catalogue(self) -> clauses.Catalogue:
        """The catalogue as shipped (with loaded documents: ``handlers.policies.catalogue_of``), read from its TOML
        files when first asked: a command that names no clause (a payment, a spending) never reads them."""
        if self._catalogue is None:
            from . import clauses

            self._catalogue = clauses.default()
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: clauses.Catalogue) -> None:
        self._catalogue = catalogue

    def close(self) -> None:
        if self.store.engine == "sqlite":
            from .sqlite_share import adopt

            adopt(self.store.sqlite_file)
        super().close()
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    def save_aggregates(self, aggregates: list[Aggregate]) -> None:
        """``save(*aggregates)`` without the per-object protocol checks that dominate large groups.

        Same transaction, same snapshots (eventsourcing is pinned to 9.5.6, whose ``save`` is exactly this).
        """
        processing = ProcessingEvent()
        for aggregate in aggregates:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)  # committed once this returns
        self.written = [(n.id, n.originator_id.bytes, n.topic, n.state) for n in (r.notification for r in recordings)]
        try:
            self._take_snapshots(processing)  # a cache, in a transaction of its own: losing one loses nothing
        except PersistenceError:
            log.warning("events committed; taking a snapshot failed", exc_info=True)
        if self.resnap and signing.active() is not None:
            for aggregate_id in list(self.resnap):
                try:
                    self.take_snapshot(aggregate_id)
                except PersistenceError:
                    log.warning("events committed; taking a snapshot failed", exc_info=True)
            self.resnap.clear()
        self._notify(recordings)

    def existing(self, ids: list[UUID]) -> set[UUID]:
        """Which of these aggregate ids have events already (one query per 500 ids)."""
        return set(self.recorder.select_existing(ids))

    def load(self, cls: Any, aggregate_id: UUID, version: int | None = None) -> Any:
        """An aggregate by id; only the snapshotted kinds look in the snapshot store, and they use a snapshot
        only when it carries a valid signature of a key bound in this ledger: a command never acts on a
        snapshot it cannot check (an unsigned or forged one is ignored, and the events are folded instead)."""
        return self._fold(aggregate_id, version, cls in self.snapshotting_intervals)

    def _fold(self, aggregate_id: UUID, version: int | None, snapshotted: bool) -> Any:
        aggregate, after = None, None
        if snapshotted and self.snapshots is not None:
            stored = self.snapshots.recorder.select_events(aggregate_id, desc=True, limit=1, lte=version)
            if stored and self._snapshot_checks_out(stored[0]):
                aggregate = self.mapper.to_domain_event(stored[0]).mutate(None)
                after = stored[0].originator_version
        folded = 0
        for domain_event in self.events.get(aggregate_id, gt=after, lte=version):
            aggregate = domain_event.mutate(aggregate)
            folded += 1
        if snapshotted and after is None and folded >= 50:
            self.resnap.add(aggregate_id)  # no snapshot it could trust: write a signed one with the next commit
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def _snapshot_checks_out(self, stored: Any) -> bool:
        seal = self.recorder.select_snapshot_signature(stored.originator_id, stored.originator_version)
        if seal is None:
            return False
        actor, public, signature = seal
        message = signing.snapshot_message(
            stored.originator_id.bytes, stored.originator_version, stored.state, actor, public
        )
        if not keys.verify(public, signature, message):
            return False
        binding = project_aggregate(None, self.events.get(KeyBinding.create_id(keys.fingerprint(public))))
        return binding is not None and binding.holder == actor

    def take_snapshot(self, aggregate_id: UUID, version: int | None = None, projector_func: Any = None) -> None:
        """Snapshots are folded from checked state only, and signed by the writer of the command that took them."""
        signer = signing.active()
        if self.snapshots is None or signer is None:
            return  # nobody to vouch for it: a snapshot no command would trust is not worth writing
        aggregate = self._fold(aggregate_id, version, True)
        latest = self.snapshots.recorder.select_events(aggregate_id, desc=True, limit=1)
        if latest and latest[0].originator_version >= aggregate.version:
            return  # one was taken at this version already (by the interval, in this very commit)
        snapshot = getattr(type(aggregate), "Snapshot", type(self).snapshot_class).take(aggregate)
        stored = self.mapper.to_stored_event(snapshot)
        self.snapshots.recorder.insert_events([stored])
        message = signing.snapshot_message(
            aggregate_id.bytes, stored.originator_version, stored.state, signer.actor, signer.public
        )
        self.recorder.insert_snapshot_signature(
            aggregate_id, stored.originator_version, signer.actor, signer.public, signer.sign(message)
        )


def check_exists(path: str, url: str) -> None:
    """A SQLite ledger that is not there is refused before connecting, so no empty file is left behind."""
    folder = os.path.dirname(path) or "."
    if not path.startswith("file:") and os.path.isdir(folder) and not os.path.exists(path):
        raise errors.not_found(f"账本 {url} 不存在: 先运行 grantledger init 创建账本")


# -- running a command --------------------------------------------------------


def execute(app: GrantLedger, command: c.Command, actor: str, *, attempts: int = 12) -> Result:
    """Run one command in its own transaction, retrying lost races; refusals write nothing."""
    for attempt in range(attempts):
        with storage_errors(app):
            uow = UnitOfWork(app)
            result = handle(uow, command, actor)
            try:
                result.events = uow.commit()
                return result
            except PersistenceError as exc:
                if not lost_race(exc):
                    return settle(app, uow, result, exc)
                log.info("retrying after a concurrent write", extra={"attempt": attempt + 1, "error": str(exc)})
                backoff(attempt)
    raise LedgerError(
        errors.CONFLICT,
        f"{command.name}: 其他人同时在修改同样的记录, 重试 {attempts} 次后放弃; 什么也没有写入, 请重新运行",
    )


def settle(app: GrantLedger, uow: UnitOfWork, result: Result, exc: PersistenceError) -> Result:
    """The store failed at the commit: was the command written? Committed, or ``STORAGE``, or ``OUTCOME_UNKNOWN``."""
    outcome = storage.written(app, uow.attempted)
    log.warning("commit failed; settled by asking the store again", extra={"written": outcome, "error": str(exc)})
    if outcome is None:
        raise storage.unknown(app.store, exc) from exc
    if not outcome:
        raise storage.failure(app.store, exc, written=False) from exc
    result.events = len(uow.attempted)
    result.note = storage.COMMITTED_NOTE.format(gist=storage.gist(exc))
    return result


def lost_race(exc: Exception) -> bool:
    """A concurrent writer won (a version taken, a lock held): safe to run the command again from a fresh load."""
    return isinstance(exc, IntegrityError) or (isinstance(exc, OperationalError) and is_busy(exc))


def backoff(attempt: int) -> None:
    time.sleep(min(0.5, 0.005 * 2**attempt) * (0.5 + random.random()))


def is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return (
        "locked" in text
        or "busy" in text
        or "could not obtain lock" in text
        or "lock timeout" in text
        or "deadlock" in text
    )


@contextmanager
def storage_errors(app: GrantLedger) -> Iterator[None]:
    """Turn the store's failures into the ledger's codes; a lost race goes up to be retried."""
    try:
        yield
    except PersistenceError as exc:
        if lost_race(exc):
            raise
        if is_missing_table(exc):
            raise errors.not_found(
                f"账本 {storage.where(app.store)} 尚未初始化: 先运行 grantledger init 初始化"
            ) from exc
        raise storage.failure(app.store, exc) from exc


def is_missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, (OperationalError, ProgrammingError)) and (
        "no such table" in text or "does not exist" in text
    )


def handle(uow: UnitOfWork, command: c.Command, actor: str) -> Result:
    if not c.isa(command, "Init"):
        roles = roles_of(uow, actor)
        if c.isa(command, "KeyRotate"):  # anyone who holds a role may renew their own key
            if not roles:
                check_may(actor, roles, command.name)
        else:
            check_may(actor, roles, command.name)
        authenticate(uow, actor)
    return HANDLERS[type(command)](uow, command, actor)


def new_keys(command: c.Command) -> list[tuple[type, tuple]]:
    """The aggregates a command creates when it is new: a batch asks the store about them all at once."""
    from .grant import Grant
    from .unit import Unit
    from .voucher import Voucher

    if isinstance(command, c.Apply):
        return [(Grant, (command.ref,))]
    if isinstance(command, (c.Disburse, c.Spend, c.Recover, c.Invest, c.Exit)):
        return [(Voucher, (command.voucher,))]
    if isinstance(command, c.UnitRegister):
        return [(Unit, (command.code,))]
    return []


# -- questions (no writes) -------------------------------------------------------


def quote(
    app: GrantLedger,
    clause_id: str,
    unit_code: str,
    grade: str | None,
    base: int | None,
    day: str,
    platform: str | None = None,
) -> rules.Quote:
    """What ``policy quote`` answers: the most this unit could be awarded under the clause on ``day``."""
    from . import rules
    from .handlers.applications import cap_usage, clause_of, life_usage, period_taken
    from .unit import Unit

    with storage_errors(app):
        uow = UnitOfWork(app)
        clause = clause_of(uow, clause_id)
        unit = uow.require(Unit, unit_code, what=f"单位 {unit_code} 未登记")
        year = dates.year_of(day)
        _, _, used, taken_by = cap_usage(uow, clause, unit_code, None, year)
        _, named, legacy = life_usage(uow, clause, unit_code, platform)
        _, period = period_taken(uow, clause, unit_code, None, year)
        return rules.quote(
            clause,
            unit.type,
            day,
            grade,
            base,
            used,
            taken_by,
            named + legacy,
            unit.region,
            platform=platform,
            legacy=legacy,
            period_taken=period,
            year=year,
        )


def catalogue(app: GrantLedger) -> clauses.Catalogue:
    """The catalogue as it stands: shipped clauses and every loaded document."""
    from .handlers.policies import catalogue_of

    with storage_errors(app):
        return catalogue_of(UnitOfWork(app))


def actor_roles(app: GrantLedger, actor: str) -> list[str]:
    with storage_errors(app):
        return roles_of(UnitOfWork(app), actor)
