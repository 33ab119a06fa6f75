"""verify's fold states at a sealed position, so ``verify --since-seal`` can start there (issue 26).

A *snapshot* holds, at one log position, everything verify's folds had learnt from the events up to it: the
chain's head and count, the signature check's keys, names, roles and held payments, the invariant fold's
integers (``InvariantCheck.state``), the re-decision's state (``Redecide.state``) and the findings so far, plus
the read side verify compares against (``fund_balances`` and ``origins`` as they stood there). It is written as
canonical JSON (sorted keys) and hashed with SHA-256; ``seal`` (and ``close``, which seals) stores it in
``verify_snapshots`` and signs that hash as part of the seal (``ledger.periods.seal_payload``). A snapshot is
only ever trusted because a seal whose signature checks commits to its hash: a row whose bytes no longer hash to
what the seal signed is a finding, never a starting point.

The encoding is generic (``encode`` / ``decode``): dictionaries, tuples, sets, bytes and the re-decision's small
dataclasses (named by the fold that restores them) are tagged so they come back as they were, so a new field in
a fold's state needs no code here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import partial
from typing import Any

import orjson
from sqlalchemy import BigInteger, Column, LargeBinary, MetaData, String, Table, insert, select
from sqlalchemy.engine import Connection, Engine

from .decoding import loads

VERSION = 1
metadata = MetaData()
verify_snapshots = Table(  # migration 0100
    "verify_snapshots",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("sha256", String(64), nullable=False),
    Column("body", LargeBinary, nullable=False),
)


# -- the generic codec ---------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A JSON value that ``decode`` turns back into ``value`` (dicts with any keys, tuples, sets, bytes, …)."""
    if value is None or isinstance(value, (bool, int, str, float)):
        return value
    if isinstance(value, bytes):
        return {"b": value.hex()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        items = [encode(v) for v in value]
        return {"s": sorted(items, key=_order)}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {"o": {k: encode(v) for k, v in value.items()}}
        pairs = [[encode(k), encode(v)] for k, v in value.items()]
        return {"m": sorted(pairs, key=lambda p: _order(p[0]))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # decoded by the caller's ``classes``
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"dc": type(value).__name__, "f": fields}
    raise TypeError(f"verify snapshot: cannot encode {type(value).__name__}")


def decode(value: Any, classes: dict[str, type] | None = None) -> Any:
    """The value ``encode`` wrote; ``classes``: the dataclasses it may hold, by name (the fold that wrote them
    knows them)."""
    if isinstance(value, list):
        return [decode(v, classes=classes) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, inner), *_ = value.items()
    if tag == "b":
        return bytes.fromhex(inner)
    if tag == "t":
        return tuple(decode(v, classes=classes) for v in inner)
    if tag == "s":
        return {decode(v, classes=classes) for v in inner}
    if tag == "o":
        return {k: decode(v, classes=classes) for k, v in inner.items()}
    if tag == "m":
        return {_hashable(decode(k, classes=classes)): decode(v, classes=classes) for k, v in inner}
    if tag == "dc":
        kind = (classes or {})[inner]
        return kind(**{k: decode(v, classes=classes) for k, v in value["f"].items()})
    raise ValueError(f"verify snapshot: unknown tag {tag!r}")


def _hashable(key: Any) -> Any:
    return frozenset(key) if isinstance(key, set) else key


def _order(encoded: Any) -> str:
    return json.dumps(encoded, sort_keys=True, ensure_ascii=False)


class Sections:
    """A snapshot's big maps (each ``invariants.Spilled`` of a fold, and ``origins``), kept out of its header: one
    line per entry after it, ``<section>:<key as hex> <canonical JSON>``. Resuming indexes the lines by their
    head and keeps each line's bytes; an entry is decoded only when a fold first asks for it, so resuming costs a
    pass over the bytes (to hash and split them), not the decoding of every award the log ever held."""

    def __init__(self) -> None:
        self.written: list[list[tuple[bytes, Any]]] = []
        self.read: dict[bytes, bytes] = {}  # b"<section>:<hex key>" → its whole line

    def add(self, items: list[tuple[bytes, Any]]) -> int:
        self.written.append(items)
        return len(self.written) - 1

    def lines(self) -> list[bytes]:
        return [
            b"%d:%s %s" % (number, key.hex().encode(), canonical(value))
            for number, items in enumerate(self.written)
            for key, value in items
        ]

    @classmethod
    def parse(cls, lines: list[bytes]) -> Sections:
        sections = cls()
        sections.read = {line[: line.index(b" ")]: line for line in lines if line}
        return sections

    def view(self, number: int) -> SectionView:
        return SectionView(self.read, number)


class SectionView:
    """One section as ``Spilled`` asks for its entries: ``pop`` an entry's encoded bytes once, by its key."""

    def __init__(self, read: dict[bytes, bytes], number: int) -> None:
        self.read, self.prefix, self.taken = read, b"%d:" % number, set()

    def __bool__(self) -> bool:
        return True

    def pop(self, key: bytes, default: Any = None) -> Any:
        if key in self.taken:
            return default
        line = self.read.get(self.prefix + key.hex().encode())
        if line is None:
            return default
        self.taken.add(key)
        return line[line.index(b" ") + 1 :]

    def items(self) -> list[tuple[bytes, bytes]]:
        found = []
        for head, line in self.read.items():
            if head.startswith(self.prefix):
                key = bytes.fromhex(head[len(self.prefix) :].decode())
                if key not in self.taken:
                    found.append((key, line[line.index(b" ") + 1 :]))
        return found


def encode_fields(obj: Any, sections: Sections, skip: tuple[str, ...] = ()) -> dict:
    """Every dataclass field (or attribute) of ``obj`` but ``skip``, encoded; a spilled map goes to ``sections``."""
    names = [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else list(vars(obj))
    found = {}
    for name in names:
        if name in skip:
            continue
        value = getattr(obj, name)
        if hasattr(value, "load_items"):  # invariants.Spilled
            found[name] = {"spilled": sections.add([(k, encode(v)) for k, v in value.items()])}
        else:
            found[name] = encode(value)
    return found


def decode_fields(obj: Any, fields: dict, sections: Sections, classes: dict[str, type] | None = None) -> None:
    """Set each encoded field on ``obj``; a spilled map's entries go, undecoded, into the fresh one ``obj`` holds."""
    for name, value in fields.items():
        if isinstance(value, dict) and "spilled" in value:
            getattr(obj, name).load_items(sections.view(value["spilled"]), partial(_entry, classes=classes))
        else:
            setattr(obj, name, decode(value, classes=classes))


def _entry(raw: bytes, classes: dict[str, type] | None = None) -> Any:
    return decode(loads(raw), classes=classes)


# -- the stored snapshot -------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits (orjson refuses it)
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def serialise(content: dict, sections: Sections) -> bytes:
    """The header (canonical JSON), then the sections' lines."""
    return b"\n".join([canonical(content), *sections.lines()])


def parse(body: bytes) -> tuple[dict, Sections]:
    lines = body.split(b"\n")
    return loads(lines[0]), Sections.parse(lines[1:])


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def store(engine: Engine, position: int, body: bytes) -> str:
    """Keep the snapshot at ``position`` (once: the same position sealed again keeps the first); its hash."""
    sha = digest(body)
    with engine.begin() as conn:
        found = conn.execute(select(verify_snapshots.c.sha256).where(verify_snapshots.c.position == position))
        if found.first() is None:
            conn.execute(insert(verify_snapshots).values(position=position, sha256=sha, body=body))
    return sha


def may_store(engine: Engine) -> bool:
    """Whether this login may add a snapshot (an auditors' sealing login on PostgreSQL may lack the grant: it
    then seals without one, and says so)."""
    with engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            return True
        return bool(
            conn.exec_driver_sql(
                "SELECT to_regclass('verify_snapshots') IS NOT NULL "
                "AND has_table_privilege(current_user, 'verify_snapshots', 'INSERT')"
            ).scalar()
        )


def load(conn: Connection, position: int) -> bytes | None:
    """The stored snapshot's bytes at ``position`` (None when there is none, or no table yet)."""
    from sqlalchemy import inspect

    if "verify_snapshots" not in inspect(conn).get_table_names():
        return None
    row = conn.execute(select(verify_snapshots.c.body).where(verify_snapshots.c.position == position)).first()
    return bytes(row[0]) if row is not None else None
