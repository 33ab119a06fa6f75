"""PostgreSQL through libpq itself, for the fast read path: a read need not import a driver.

``import psycopg`` costs a new process 120–190 ms on this project's machine (its type adapters, ~250
exception classes, ``asyncio``, ``importlib.metadata``: README "PostgreSQL"), more than the 150 ms a whole
read may take. The fast read path (``projections.fastread``) only asks read-only questions whose answers
are integers, text, bytea, booleans and numerics, so from a driver it needs only what libpq itself does:
connect, run one statement with its parameters, hand back the rows as text. This module calls libpq — the
library psycopg wraps, and the very copy psycopg-binary bundles when that is installed, else the system's
``libpq.so.5`` — through ``ctypes``:

- parameters are bound by the server (``PQprepare``, ``PQexecPrepared``), never spliced into the SQL.
  psycopg's placeholders (``%s``, ``%(name)s``, ``%%``) become ``$n``, and each value goes with the type
  psycopg would give it:
  int2/int4/int8/numeric by size, ``str`` as unknown (the server infers), ``None`` as NULL, a ``uuid.UUID``,
  a list of integers as an array; anything else is a ``TypeError``;
- each statement is described first (``PQprepare``, ``PQdescribePrepared``). When JSON carries every column
  exactly (the integer, text and boolean types: every report and listing), the rows come as one
  ``json_agg`` text parsed by ``json.loads`` (``Connection._as_json``: ctypes costs ~0.5 µs a call, too
  much for a value at a time over 47,000 awards); otherwise they come in text format and are read by
  column type as psycopg loads them: the integer types and ``oid`` as ``int``, the text types as ``str``,
  ``bool``, ``bytea`` (``PQunescapeBytea``) as ``bytes`` and ``numeric`` as ``Decimal``. A column of any
  other type is an ``Error``: the caller takes another path;
- a connection is made with ``PQconnectdbParams`` from the URL as libpq reads it (``ledger.pgconnect``:
  Unix sockets, ``~/.pgpass``, services, ``PG*`` variables), plus the caller's ``connect_timeout`` and
  ``client_encoding=UTF8``, and is in autocommit, as psycopg's ``connect(…, autocommit=True)``.

``connect`` returns ``None`` when libpq cannot be loaded (or ``GRANTLEDGER_LIBPQ=0``): then the fast path
uses psycopg as before. Nothing here writes: every write goes through the full path (SQLAlchemy on psycopg).
A test (``tests/integration/test_libpq.py``) runs every fast read through both and compares the answers.
"""

from __future__ import annotations

import ctypes
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

CONNECTION_OK = 0
PGRES_COMMAND_OK = 1
PGRES_TUPLES_OK = 2

# Column types read (pg_type oids) and parameter types sent, as psycopg's adapters name them.
INT2, INT4, INT8, OID, NUMERIC = 21, 23, 20, 26, 1700
TEXT, VARCHAR, BPCHAR, NAME = 25, 1043, 1042, 19
BOOL, BYTEA, UUID, UNKNOWN = 16, 17, 2950, 0
INT_ARRAYS = {INT2: 1005, INT4: 1007, INT8: 1016, NUMERIC: 1231}

JSON_EXACT = frozenset({INT2, INT4, INT8, OID, TEXT, VARCHAR, BPCHAR, NAME, BOOL})  # types JSON carries exactly
PQTRANS_INTRANS = 2  # idle inside a transaction block

_PLACEHOLDER = re.compile(rb"%(?:\((\w+)\))?s|%%|%")


class Error(Exception):
    """libpq's refusal of a connection or a statement, in its own words."""


class ConnectError(Error):
    """The connection failed: the message is libpq's (``ledger.pgconnect.refusal`` reads it)."""


_loaded: ctypes.CDLL | bool | None = False  # False: not tried yet


def library() -> ctypes.CDLL | None:
    """libpq, loaded once: psycopg-binary's own copy if it is installed, else the system's; or ``None``."""
    global _loaded
    if _loaded is False:
        _loaded = None
        if os.environ.get("GRANTLEDGER_LIBPQ") != "0":
            for path in _candidates():
                try:
                    _loaded = _declare(ctypes.CDLL(path))
                    break
                except (OSError, AttributeError):
                    continue
    return _loaded or None


def _candidates() -> list[str]:
    """Where libpq is: the copy psycopg-binary's wheel carries (``psycopg_binary.libs/libpq-*.so*`` beside it in
    site-packages, what psycopg itself calls), then the names the system's loader finds."""
    found = []
    for entry in sys.path:
        if not os.path.isabs(entry):
            continue  # never a library from the working folder ("" on sys.path with ``python -m``)
        for folder in (os.path.join(entry, "psycopg_binary.libs"), os.path.join(entry, "psycopg_binary", ".dylibs")):
            if os.path.isdir(folder):  # the Linux and Windows wheels' folder, the macOS wheel's
                found += sorted(os.path.join(folder, n) for n in os.listdir(folder) if n.startswith("libpq"))
    return [*found, "libpq.so.5", "libpq.5.dylib", "libpq.dylib"]


def _declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Every function used, with its C signature (pointers as ``c_void_p``: never truncated to an int)."""
    p, s, i, u = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_uint
    strings = ctypes.POINTER(ctypes.c_char_p)
    signatures: dict[str, tuple[Any, list[Any]]] = {
        "PQconnectdbParams": (p, [strings, strings, i]),
        "PQstatus": (i, [p]),
        "PQerrorMessage": (s, [p]),
        "PQfinish": (None, [p]),
        "PQexecParams": (p, [p, s, i, ctypes.POINTER(u), strings, p, p, i]),
        "PQresultStatus": (i, [p]),
        "PQresultErrorMessage": (s, [p]),
        "PQntuples": (i, [p]),
        "PQnfields": (i, [p]),
        "PQfname": (s, [p, i]),
        "PQftype": (u, [p, i]),
        "PQgetvalue": (s, [p, i, i]),
        "PQgetisnull": (i, [p, i, i]),
        "PQclear": (None, [p]),
        "PQunescapeBytea": (p, [s, ctypes.POINTER(ctypes.c_size_t)]),
        "PQfreemem": (None, [p]),
        "PQtransactionStatus": (i, [p]),
        "PQprepare": (p, [p, s, s, i, ctypes.POINTER(u)]),
        "PQdescribePrepared": (p, [p, s]),
        "PQexecPrepared": (p, [p, s, i, strings, p, p, i]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


def connect(conninfo: str, connect_timeout: int) -> Connection | None:
    """A connection in autocommit, or ``None`` when libpq is not to be had; ``ConnectError`` if it fails."""
    lib = library()
    if lib is None:
        return None
    settings = {"dbname": conninfo, "connect_timeout": str(connect_timeout), "client_encoding": "UTF8"}
    keywords = (ctypes.c_char_p * (len(settings) + 1))(*(k.encode() for k in settings), None)
    values = (ctypes.c_char_p * (len(settings) + 1))(*(v.encode() for v in settings.values()), None)
    handle = lib.PQconnectdbParams(keywords, values, 1)  # 1: dbname is a URL or a conninfo string, expanded
    if not handle:
        raise ConnectError("libpq could not allocate a connection")
    if lib.PQstatus(handle) != CONNECTION_OK:
        message = _words(lib.PQerrorMessage(handle))
        lib.PQfinish(handle)
        raise ConnectError(message)
    return Connection(lib, handle)


class Connection:
    """One libpq connection: ``execute`` as psycopg's (placeholders and parameters), ``close``."""

    def __init__(self, lib: ctypes.CDLL, handle: int):
        self.lib = lib
        self.handle: int | None = handle

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        if self.handle is None:
            raise Error("the connection is closed")
        if "\0" in sql:
            raise Error("the query contains a NUL (0x00) character")
        statement, values = _bind(sql.encode(), params)
        lib, n = self.lib, len(values)
        types = (ctypes.c_uint * n)(*(oid for oid, _ in values))
        texts = (ctypes.c_char_p * n)(*(text for _, text in values))
        lib.PQclear(self._checked(lib.PQprepare(self.handle, b"", statement, n, types)))
        described = self._checked(lib.PQdescribePrepared(self.handle, b""))
        try:
            fields = lib.PQnfields(described)
            names = [lib.PQfname(described, c) for c in range(fields)]
            oids = [lib.PQftype(described, c) for c in range(fields)]
        finally:
            lib.PQclear(described)
        description = [(_words(name), oid) for name, oid in zip(names, oids, strict=True)]
        if fields and _json_exact(statement, names, oids):
            rows = self._as_json(statement, names, n, types, texts)
            if rows is not None:
                return Cursor(description, rows)
            # the wrapped statement took the unnamed statement's place: prepare this one again
            lib.PQclear(self._checked(lib.PQprepare(self.handle, b"", statement, n, types)))
        result = self._checked(lib.PQexecPrepared(self.handle, b"", n, texts, None, None, 0))
        try:
            if lib.PQresultStatus(result) == PGRES_COMMAND_OK:
                return Cursor(None, [])
            return _read(lib, result, description)
        finally:
            lib.PQclear(result)

    def _checked(self, result: int | None) -> int:
        """A result (to be cleared by the caller) if its statement succeeded, else its ``Error``."""
        lib = self.lib
        if not result:
            raise Error(_words(lib.PQerrorMessage(self.handle)))
        if lib.PQresultStatus(result) not in (PGRES_COMMAND_OK, PGRES_TUPLES_OK):
            message = _words(lib.PQresultErrorMessage(result))
            lib.PQclear(result)
            raise Error(message)
        return result

    def _value(self, statement: bytes, n: int = 0, types: Any = None, texts: Any = None) -> bytes | None:
        """The first value of a statement's first row (``None`` for none, or a statement without rows)."""
        lib = self.lib
        result = self._checked(lib.PQexecParams(self.handle, statement, n, types, texts, None, None, 0))
        try:
            if lib.PQntuples(result) < 1 or lib.PQnfields(result) < 1:
                return None
            return lib.PQgetvalue(result, 0, 0)
        finally:
            lib.PQclear(result)

    def _as_json(self, statement: bytes, names: list[bytes], n: int, types: Any, texts: Any) -> list[tuple] | None:
        """The rows asked for as one JSON text, or ``None`` (then they are read value by value).

        ctypes costs ~0.4–0.8 µs a call: 47,000 awards of 14 columns took a second value by value, where
        psycopg's C code takes 0.2 s. So a statement whose columns JSON carries exactly (``_json_exact``) is
        asked inside ``json_agg(json_build_array(…))`` and the one text parsed by ``json.loads``. The order is
        the statement's own: the outer query only aggregates it (no join, no grouping), which PostgreSQL's
        documentation gives as the way to feed an aggregate sorted input. Inside a transaction it runs in a
        savepoint, so a statement that cannot be wrapped leaves the transaction usable."""
        columns = b", ".join(b'q."' + name.replace(b'"', b'""') + b'"' for name in names)
        wrapped = b"SELECT coalesce(json_agg(json_build_array(" + columns + b")), '[]')::text FROM (" + statement
        wrapped += b"\n) AS q"
        inside = self.lib.PQtransactionStatus(self.handle) == PQTRANS_INTRANS
        if inside:
            self._value(b"SAVEPOINT grantledger_json")
        try:
            text = self._value(wrapped, n, types, texts)
        except Error:
            if inside:
                self._value(b"ROLLBACK TO SAVEPOINT grantledger_json")
            return None
        finally:
            if inside:
                self._value(b"RELEASE SAVEPOINT grantledger_json")
        return [tuple(row) for row in json.loads(text or b"[]")]

    def close(self) -> None:
        if self.handle is not None:
            self.lib.PQfinish(self.handle)
            self.handle = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Cursor:
    """The rows of one statement, all read at once (as a psycopg client-side cursor): ``description`` (one
    ``(name, type oid)`` per column, ``None`` for a statement without rows), ``fetchall``, ``fetchone``."""

    def __init__(self, description: list[tuple[str, int]] | None, rows: list[tuple]):
        self.description = description
        self._rows = rows
        self._next = 0

    def fetchall(self) -> list[tuple]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    def fetchone(self) -> tuple | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]


def _bind(sql: bytes, params: Sequence[Any] | dict[str, Any]) -> tuple[bytes, list[tuple[int, bytes | None]]]:
    """The statement with ``$n`` for psycopg's placeholders, and each parameter as (type oid, text or None)."""
    named = isinstance(params, dict)
    order: list[Any] = []  # the parameters' names (or positions), in $n order

    def mark(found: re.Match[bytes]) -> bytes:
        text = found.group(0)
        if text == b"%%":
            return b"%"
        if text == b"%":
            raise Error(f"a lone % in the query at byte {found.start()}: write %% for a literal percent sign")
        name = found.group(1)
        if named != (name is not None):
            raise Error("the query's placeholders and its parameters are not of one kind (%s with a sequence)")
        key = name.decode() if name is not None else len(order)
        if key not in order:
            order.append(key)
        return b"$%d" % (order.index(key) + 1)

    statement = _PLACEHOLDER.sub(mark, sql)
    if not named and len(order) != len(params):
        raise Error(f"the query has {len(order)} placeholders and {len(params)} parameters")
    return statement, [_dump(params[key]) for key in order]


def _dump(value: Any) -> tuple[int, bytes | None]:
    """A parameter as psycopg sends it in text format: (type oid, text), NULL as ``None``."""
    if value is None:
        return UNKNOWN, None
    if isinstance(value, bool):
        return BOOL, b"t" if value else b"f"
    if isinstance(value, int):
        return _int_type(value), b"%d" % value
    if isinstance(value, str):
        text = value.encode()
        if b"\0" in text:  # C strings end at a NUL, and PostgreSQL text holds none (psycopg refuses it too)
            raise Error("a text parameter contains a NUL (0x00) character")
        return UNKNOWN, text
    if type(value).__module__ == "uuid" and type(value).__name__ == "UUID":
        return UUID, str(value).encode()
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        widest = max(value, key=abs)
        return INT_ARRAYS[_int_type(widest)], b"{" + b",".join(b"%d" % v for v in value) + b"}"
    raise TypeError(f"no text form for a parameter of type {type(value).__name__}")


def _json_exact(statement: bytes, names: list[bytes], oids: list[int]) -> bool:
    """Whether a statement's rows come back the same through ``json_agg``: a SELECT (or WITH) with no ``;``,
    every column an integer, text or boolean type (JSON carries those exactly; numeric and bytea it does not),
    the names distinct (the outer query names each column) and at most 100 (``json_build_array``'s arguments)."""
    head = statement.lstrip()[:6].upper()
    return (
        head.startswith((b"SELECT", b"WITH"))
        and b";" not in statement
        and len(names) <= 100
        and len(set(names)) == len(names)
        and all(oid in JSON_EXACT for oid in oids)
    )


def _int_type(value: int) -> int:
    """psycopg's choice for an ``int``: the smallest of int2, int4, int8 that holds it, else numeric."""
    if -(2**15) <= value < 2**15:
        return INT2
    if -(2**31) <= value < 2**31:
        return INT4
    if -(2**63) <= value < 2**63:
        return INT8
    return NUMERIC


def _read(lib: ctypes.CDLL, result: int, description: list[tuple[str, int]]) -> Cursor:
    """Every row of a result, each value read by its column's type (``description``: as the statement was
    described, one ``(name, type oid)`` per column)."""
    rows, fields = lib.PQntuples(result), len(description)
    value, null = lib.PQgetvalue, lib.PQgetisnull
    columns = []
    for c, (name, oid) in enumerate(description):
        load = _loader(lib, oid, name)
        texts = [value(result, r, c) for r in range(rows)]
        columns.append([None if t == b"" and null(result, r, c) else load(t) for r, t in enumerate(texts)])
    return Cursor(description, list(zip(*columns, strict=True)) if fields else [() for _ in range(rows)])


def _loader(lib: ctypes.CDLL, oid: int, name: str) -> Callable[[bytes], Any]:
    """How a column's text becomes a value, as psycopg's loader for that type; an ``Error`` for any other."""
    if oid in (INT2, INT4, INT8, OID):
        return int
    if oid in (TEXT, VARCHAR, BPCHAR, NAME, UNKNOWN):
        return bytes.decode
    if oid == BOOL:
        return b"t".__eq__
    if oid == NUMERIC:
        from decimal import Decimal

        return lambda text: Decimal(text.decode())
    if oid == BYTEA:
        return lambda text: _unescape(lib, text)
    raise Error(f"column {name!r} is of a type this reader does not read (oid {oid})")


def _unescape(lib: ctypes.CDLL, text: bytes) -> bytes:
    """A bytea's text (hex or escape format) as its bytes, by libpq's own ``PQunescapeBytea``."""
    size = ctypes.c_size_t()
    buffer = lib.PQunescapeBytea(text, ctypes.byref(size))
    if not buffer:
        raise Error("libpq could not decode a bytea value")
    try:
        return ctypes.string_at(buffer, size.value)
    finally:
        lib.PQfreemem(buffer)


def _words(message: bytes | None) -> str:
    return (message or b"").decode("utf-8", "replace").strip()
