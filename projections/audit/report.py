"""What a verify run reports, and the log read page by page (what every check shares)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ledger.eventstore import ChainedEvent

CHUNK = 5000


@dataclass
class Report:
    events: int = 0
    head: str = ""
    findings: list[str] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    signatures: int = 0
    unsigned: int = 0  # events recorded before signatures began
    signed_from: int | None = None
    keys: dict[str, int] = field(default_factory=lambda: {"issued": 0, "enrolled": 0})
    since: int | None = None  # verify --since-seal: the sealed position it started from (None: from event zero)

    @property
    def ok(self) -> bool:
        return not self.findings


def chain(recorder: Any, after: int = 0) -> Iterator[ChainedEvent]:
    while True:
        rows = recorder.select_chain(after, CHUNK)
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def _short_topic(topic: str) -> str:
    return topic.rpartition(":")[2]
