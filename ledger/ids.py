"""Deterministic aggregate ids: the natural key of a thing decides its id.

Creating a second aggregate with the same id fails in the event store, which is
how a voucher number, an application REF or a unit code stays unique even when
two clerks use it at the same moment.
"""

from __future__ import annotations

from functools import lru_cache
from uuid import NAMESPACE_URL, UUID, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://grantledger.invalid/ids")


@lru_cache(maxsize=100_000)  # a batch asks for the same fund, unit and actor ids again and again
def key_id(kind: str, *parts: object) -> UUID:
    return uuid5(NAMESPACE, ":".join([kind, *map(str, parts)]))
