"""The hash chain that makes the event log tamper-evident.

Each stored event's hash covers its position in the log, its aggregate, its
version, its topic, its stored bytes, and the hash of the event before it.
Editing, deleting or re-ordering any stored event changes every hash from
that point on; ``verify`` recomputes the chain and names the first event whose
stored hash no longer matches. An auditor who writes down the head hash can
later prove that nothing before it changed, even by someone who rewrote the
whole chain.
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

GENESIS = bytes(32)
_PACK = struct.Struct(">QQ")


def link(previous: bytes, seq: int, originator_id: UUID | str, version: int, topic: str, state: bytes) -> bytes:
    h = hashlib.sha256(previous)
    oid = originator_id.bytes if isinstance(originator_id, UUID) else str(originator_id).encode()
    topic_bytes = topic.encode()
    h.update(_PACK.pack(seq, version))
    h.update(len(oid).to_bytes(2, "big") + oid)
    h.update(len(topic_bytes).to_bytes(4, "big") + topic_bytes)
    h.update(len(state).to_bytes(8, "big"))
    h.update(state)
    return h.digest()
