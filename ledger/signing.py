"""What is signed, and by whom: one signature per command (or per batch group), over its place in the chain.

A command's events are written in one transaction and get consecutive positions
``first..last`` in the log. The chain hash at ``last`` (``ledger.chain``)
already covers every stored byte of those events, their positions, and every
event before them; so the signature covers::

    b"grantledger-signature-v1" | first | last | chain hash at last | actor | public key

It cannot be moved to another event (the positions and the chain hash would
differ), a forged event inserted anywhere before it breaks it, and checking a
whole command costs one Ed25519 verification, not one per event.

The signer of the current transaction is a thread-local set by ``signing_as``
around the commit; the chained recorders read it while they hold the store's
write lock, right after the chain rows are computed.

``sign_as`` / ``verify_payload`` sign any other bytes as an actor (a seal,
a checkpoint) with the same keys.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from . import keys

DOMAIN = b"grantledger-signature-v1"
PAYLOAD_DOMAIN = b"grantledger-payload-v1"
SIGNATURES_TABLE = "event_signatures"
SNAPSHOT_SIGNATURES_TABLE = "snapshot_signatures"
SNAPSHOT_DOMAIN = b"grantledger-snapshot-v1"
_PACK = struct.Struct(">QQ")


@dataclass(frozen=True)
class Signer:
    actor: str
    public: str
    private: Ed25519PrivateKey

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(self.public)


def _text(value: str) -> bytes:
    data = value.encode()
    return len(data).to_bytes(4, "big") + data


def range_message(first: int, last: int, head: bytes, actor: str, public: str) -> bytes:
    return DOMAIN + _PACK.pack(first, last) + head + _text(actor) + _text(public)


def signature_row(signer: Signer, first: int, last: int, head: bytes) -> tuple[int, int, str, str, bytes]:
    """The row the recorder stores beside the events: (first, last, actor, public key, signature)."""
    return (
        first,
        last,
        signer.actor,
        signer.public,
        signer.sign(range_message(first, last, head, signer.actor, signer.public)),
    )


def check_range(first: int, last: int, head: bytes, actor: str, public: str, signature: bytes) -> bool:
    return keys.verify(public, signature, range_message(first, last, head, actor, public))


def snapshot_message(originator_id: bytes, version: int, state: bytes, actor: str, public: str) -> bytes:
    """A snapshot is signed by the writer of the command that took it: its aggregate, version and stored bytes."""
    return (
        SNAPSHOT_DOMAIN
        + originator_id
        + _PACK.pack(version, 0)
        + hashlib.sha256(state).digest()
        + _text(actor)
        + _text(public)
    )


# -- the signer of the transaction being written ------------------------------------

_current = threading.local()


def active() -> Signer | None:
    return getattr(_current, "signer", None)


@contextmanager
def signing_as(signer: Signer | None) -> Iterator[None]:
    previous = active()
    _current.signer = signer
    try:
        yield
    finally:
        _current.signer = previous


# -- arbitrary payloads (seals, checkpoints) ---------------------------------------


def sign_as(signer: Signer, payload: bytes) -> dict[str, str]:
    """``payload`` signed by the signer already at the door (its key is the one bound to its actor)."""
    signature = signer.sign(PAYLOAD_DOMAIN + _text(signer.actor) + payload)
    return {"key": signer.public, "signature": base64.b64encode(signature).decode()}


def verify_payload(actor: str, payload: bytes, signed: dict[str, str]) -> bool:
    """Whether ``signed`` (from ``sign_as``) is ``actor``'s signature of ``payload`` under ``signed['key']``."""
    try:
        signature = base64.b64decode(signed["signature"], validate=True)
    except (KeyError, ValueError):
        return False
    return keys.verify(signed.get("key", ""), signature, PAYLOAD_DOMAIN + _text(actor) + payload)
