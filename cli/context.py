"""What every command shares: settings, opening the ledger, running a command, logging, errors.

A command body is three lines: build the command from the raw strings, run
it, print the result. ``submit`` does exactly that; ``guarded`` turns the
ledger's refusals into ``error[CODE]: message`` and the exit codes of cli.md.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ledger.errors import LedgerError
from ledger.money import Amount, format_yuan

from . import output

if TYPE_CHECKING:
    from app.facade import Ledger
    from app.reads import Door

F = TypeVar("F", bound=Callable[..., Any])

DATE_HELP = "Effective date, YYYY-MM-DD (default today; never in the future)."
date_option = click.option("--date", default=None, help=DATE_HELP)


@dataclass
class Settings:
    db: str | None
    actor: str
    fmt: str
    log_file: str | None = None
    verbose: bool = False
    read_db: str | None = None  # --read-db: a read replica for reports, history, the web view and verify
    _logger: Any = None

    @property
    def log(self) -> Any:
        if self._logger is None:
            self._logger = configure_logging(self.log_file, self.verbose)
        return self._logger


class Silent:
    """The logger when nothing is logged anywhere (no --log-file, no -v): every call does nothing, and structlog
    (with the asyncio it imports) is not loaded at all (issue 26: a command as a new process)."""

    def _nothing(self, *args: Any, **kwargs: Any) -> None:
        return None

    debug = info = warning = error = exception = critical = _nothing

    def bind(self, **kwargs: Any) -> Silent:
        return self


def configure_logging(log_file: str | None, verbose: bool) -> Any:
    """structlog: JSON lines to --log-file, readable lines to stderr with -v, nothing on the terminal otherwise."""
    if not log_file and not verbose:
        root = logging.getLogger("grantledger")  # the domain's own warnings go nowhere either
        root.handlers[:] = [logging.NullHandler()]
        root.setLevel(logging.INFO)
        root.propagate = False
        return Silent()
    import structlog

    handlers: list[logging.Handler] = []
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(processor=structlog.processors.JSONRenderer(ensure_ascii=False))
        )
        handlers.append(handler)
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(structlog.stdlib.ProcessorFormatter(processor=structlog.dev.ConsoleRenderer(colors=False)))
        handlers.append(handler)
    root = logging.getLogger("grantledger")
    root.handlers[:] = handlers or [logging.NullHandler()]
    root.setLevel(logging.INFO)
    root.propagate = False
    for handler in handlers:
        handler.formatter.foreign_pre_chain = [  # type: ignore[union-attr]
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ]
    structlog.configure(
        processors=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return structlog.get_logger("grantledger")


def settings() -> Settings:
    return click.get_current_context().find_root().obj


@contextmanager
def open_ledger(create_tables: bool = False, read: bool = False) -> Iterator[Ledger]:
    """The ledger at --db; with ``read`` and --read-db, the read replica instead (and a note how far behind it is)."""
    from app.facade import Ledger

    s = settings()
    replica = read and bool(s.read_db)
    ledger = Ledger(s.read_db if replica else s.db, create_tables=create_tables, replica=replica)
    try:
        yield ledger
        if replica:
            replica_note(ledger)
    finally:
        ledger.close()


def door() -> Door:
    """The read side's front door (``app.reads``) for this command: its settings, ``open_ledger`` for the full
    path, stderr for the notes."""
    from app.reads import Door

    s = settings()
    return Door(s.db, s.read_db, s.actor, open_ledger, lambda note: click.echo(note, err=True))


def replica_note(ledger: Ledger) -> None:
    """On stderr: whether the replica has caught up with the primary, or how far behind it is."""
    from ledger.eventstore import parse_url
    from projections import replica
    from projections.engines import pg_engine

    if ledger.app.store.engine != "postgresql":
        return
    primary = None
    try:
        store = parse_url(settings().db)
        if store.engine == "postgresql":
            primary = pg_engine(store)
    except LedgerError:
        primary = None
    try:
        click.echo(replica.lag(ledger.engine, primary).note(), err=True)
    finally:
        if primary is not None:
            primary.dispose()


def guarded(fn: F) -> F:
    """Refusals become ``error[CODE]: message`` and their exit code; storage failures exit 5."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        s = settings()
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        except LedgerError as error:
            s.log.warning(
                "refused",
                command=click.get_current_context().command_path.partition(" ")[2],
                actor=s.actor,
                code=error.code,
                message=error.message,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
            output.fail(s.fmt, error)
        except OSError as error:
            refusal = _file_refusal(error) or _storage_refusal(error)
            if refusal is None:
                raise
            s.log.error("file or storage failure", error=str(error), code=refusal.code)
            output.fail(s.fmt, refusal)
        except Exception as error:
            refusal = _storage_refusal(error)
            if refusal is None:
                raise
            s.log.error("storage failure", error=str(error), code=refusal.code)
            output.fail(s.fmt, refusal)

    return wrapper  # type: ignore[return-value]


def _file_refusal(error: OSError) -> LedgerError | None:
    """A file the command was told to read or write (``--out``, a batch file) that the system refused: said
    in words, naming that file (not the ledger's database)."""
    from ledger.errors import invalid, os_words
    from ledger.eventstore import parse_url

    if not error.filename:
        return None
    try:
        store = parse_url(settings().db)
        database = store.sqlite_file if store.engine == "sqlite" else None
    except LedgerError:
        database = None
    if database and str(error.filename).startswith(database):  # the database, its journal or its WAL
        return None
    return invalid(f"文件 {error.filename}: {os_words(error)}")


def _storage_refusal(error: Exception) -> LedgerError | None:
    from app.facade import storage_refusal
    from ledger.eventstore import parse_url

    try:
        store = parse_url(settings().db)
    except LedgerError:
        return None
    return storage_refusal(store, error)


def submit(
    name: str, /, *, after: Callable[[Any], None] | None = None, headers: dict[str, str] | None = None, **raw: Any
) -> None:
    """Build the command ``name`` from raw option values, run it, print the result (``after`` sees the result
    first: ``close`` keeps its seal in the witness directory; ``headers``: the command's own names for some
    fields, where the shared one would mislead)."""
    from ledger import commands

    s = settings()
    command = commands.build(name, raw)
    started = time.perf_counter()
    with open_ledger() as ledger:
        result = ledger.run(command, s.actor)
    s.log.info(
        "applied" if result.changed else "repeat",
        command=name,
        actor=s.actor,
        events=result.events,
        ms=round((time.perf_counter() - started) * 1000, 1),
        result=_loggable(result.fields),
    )
    if after is not None:
        after(result)
    show(result.fields, result.changed, result.note, headers)


def show(fields: dict, changed: bool = True, note: str | None = None, headers: dict[str, str] | None = None) -> None:
    s = settings()
    payload = dict(fields, changed=changed) if s.fmt == "json" else fields
    if s.fmt == "json" and note:
        payload["note"] = note
    if not changed:
        note = "未改变: 与之前的一条命令完全相同 (重复提交), 什么也没有写入"
    output.emit(s.fmt, payload, note=note, headers=headers)


def _loggable(fields: dict) -> dict:
    return {k: (format_yuan(v) if isinstance(v, Amount) else v) for k, v in fields.items()}
