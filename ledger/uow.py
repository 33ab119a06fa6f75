"""The unit of work: the aggregates one command (or one batch group) loaded or created, and what it reports.

``UnitOfWork.commit`` saves every aggregate with pending events in one
transaction (``GrantLedger.save_aggregates``); ``Result`` carries a command's
JSON-ready fields and whether it changed anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from . import errors
from .ids import key_id
from .signing import Signer, signing_as

if TYPE_CHECKING:
    from .service import GrantLedger


@dataclass
class Result:
    """What a command reports: JSON-ready fields (amounts as ``Amount``) and whether it changed anything."""

    fields: dict[str, Any]
    changed: bool = True
    events: int = 0
    note: str | None = None  # said to the clerk beside the result (e.g. written although the store reported a fault)


@dataclass(frozen=True)
class Deferred:
    """An aggregate class named by its topic, for ``UnitOfWork.find``: the id comes from the same natural key as
    the class's ``create_id`` (``kind`` is its ``key_id`` kind), and the class's module is imported only when an
    aggregate of it is found, by its stored events' topics. A payment asks whether its fund's year is closed and
    whether its award has a project without building ``Period`` or ``Project`` when there is none (issue 26).
    ``str()`` is the topic, so the snapshot intervals (``service.ByTopic``) name it as they name the class."""

    topic: str
    kind: str

    def create_id(self, *key: object) -> UUID:
        return key_id(self.kind, *key)

    def __str__(self) -> str:
        return self.topic


@dataclass
class UnitOfWork:
    """The aggregates one command (or one batch group) has loaded or created.

    ``touched`` holds every aggregate handed out since the last commit: only
    those can have pending events, so saving never scans the whole cache.
    """

    app: GrantLedger
    seen: dict[UUID, Aggregate | None] = field(default_factory=dict)
    touched: dict[UUID, Aggregate] = field(default_factory=dict)
    marks: dict[UUID, int] = field(default_factory=dict)  # pending events when first touched by this command
    attempted: list[Any] = field(default_factory=list)  # the events the last commit tried to save
    signer: Signer | None = None  # whose key signs what this unit of work saves (set at the door)

    def find(self, cls: type | Deferred, *key: object) -> Any:
        agg_id = cls.create_id(*key)
        if agg_id not in self.seen:
            try:
                self.seen[agg_id] = self.app.load(cls, agg_id)
            except AggregateNotFoundError:
                self.seen[agg_id] = None
        agg = self.seen[agg_id]
        if agg is not None:
            self.touched[agg_id] = agg
            self.marks.setdefault(agg_id, len(agg.pending_events))
        return agg

    def require(self, cls: type, *key: object, what: str) -> Any:
        agg = self.find(cls, *key)
        if agg is None:
            raise errors.not_found(what)
        return agg

    def add(self, agg: Any) -> Any:
        self.seen[agg.id] = self.touched[agg.id] = agg
        self.marks.setdefault(agg.id, 0)
        return agg

    def next_command(self) -> None:
        """Start watching for the events of the next command (a batch runs many in one unit of work)."""
        self.marks.clear()

    def command_changed_anything(self) -> bool:
        return any(len(self.touched[i].pending_events) != n for i, n in self.marks.items())

    def dirty(self) -> list[Aggregate]:
        return [a for a in self.touched.values() if a.pending_events]

    def commit(self) -> int:
        dirty = self.dirty()
        self.attempted = [e for a in dirty for e in a.pending_events]
        count = len(self.attempted)
        if dirty:
            with signing_as(self.signer):
                self.app.save_aggregates(dirty)
        self.touched.clear()
        return count

    def prefetch(self, keys: list[tuple[type, tuple]]) -> None:
        """Learn in one query which of these aggregates do not exist yet (a batch creates many)."""
        seen = self.seen
        wanted = {agg_id for agg_id in (cls.create_id(*key) for cls, key in keys) if agg_id not in seen}
        if wanted:
            found = self.app.existing(list(wanted))
            self.seen.update((agg_id, None) for agg_id in wanted - found)
