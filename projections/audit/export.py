"""``export events``: the whole log as JSON Lines, for auditors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import IO, Any

from ledger.eventstore import ChainedEvent

from .report import chain


def export_events(app: Any, out: IO[str], describe: Callable[[ChainedEvent], dict]) -> int:
    """The whole log as JSON Lines: seq, type, effective date, recorded time, actor, data and hash."""
    count = 0
    for event in chain(app.recorder):
        record = describe(event)
        record["hash"] = event.hash.hex() if event.hash is not None else None
        out.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        count += 1
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
