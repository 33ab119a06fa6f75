"""A large batch's catch-up in a second process, while the first runs the next group of lines.

A batch spends about a third of its time folding each committed group into the read models. On SQLite a
second process does that instead: after each commit the batch hands it the rows just written
(``GrantLedger.written``) through a pipe and goes on with the next group; the worker folds them with
``Projector.catch_up(written=…)`` in its own connections, exactly as the batch would have. Nothing changes
about what is written or when: every group is committed by the batch before its rows are handed over, the
tracking position still moves with each projection commit, and a worker that dies (or any failure to
hand rows over) only means the batch goes back to catching up itself. When the batch ends it waits for the
worker and catches up once more itself, so the read models are current before it returns.

The pipe holds at most one group in flight (a send blocks until the worker takes it), so memory stays
bounded. Only SQLite, and only from the ``START_AFTER``-th group on: a small batch never pays for a process.
PostgreSQL batches (a connection pool with its own threads, which a fork must not copy), and a batch run by a
process with other threads (a web server, say), catch up inline.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("grantledger")

START_AFTER = 2  # groups committed before a worker is worth its start


# The application the worker folds with: ``app.facade.Ledger``, handed over by the facade when it is
# imported (a fork inherits it), so this module never imports the facade back (no import circle, issue 28).
LEDGER: Callable[[str], Any] | None = None


def may_fork() -> bool:
    """A process with one thread only (the command line): a fork never copies a lock another thread holds."""
    return threading.active_count() == 1


class Background:
    """Hands each committed group's rows to a worker process; ``hand`` says whether it took them."""

    def __init__(self, url: str, start_after: int | None = None):
        self.url = url
        self.start_after = START_AFTER if start_after is None else start_after
        self.groups = 0
        self.process: Any = None
        self.conn: Any = None
        self.failed = False

    def hand(self, rows: list[tuple]) -> bool:
        """Give these committed rows to the worker (started on first use); False: catch up yourself."""
        self.groups += 1
        if self.failed or self.groups < self.start_after or not rows:
            return False
        try:
            if self.process is None:
                self._start()
            self.conn.send(rows)
        except (OSError, EOFError, ValueError) as exc:  # the worker is gone: from here on, inline
            self._give_up(exc)
            return False
        return True

    def _start(self) -> None:
        import multiprocessing  # only a batch that uses a worker pays for it

        context = multiprocessing.get_context("fork")
        mine, theirs = context.Pipe()
        process = context.Process(target=_work, args=(self.url, theirs), daemon=True, name="grantledger-projector")
        process.start()
        theirs.close()
        self.process, self.conn = process, mine

    def _give_up(self, exc: BaseException | str) -> None:
        log.warning("projection worker stopped; the batch catches up itself", extra={"error": str(exc)})
        self.failed = True
        self.close()

    def close(self) -> None:
        """Wait until the worker has folded everything it was handed, then let it go."""
        process, conn = self.process, self.conn
        self.process = self.conn = None
        if process is None:
            return
        try:
            conn.send(None)
            answer = conn.recv()
            if answer is not None:
                self.failed = True
                log.warning("projection worker failed; the batch catches up itself", extra={"error": answer})
        except (OSError, EOFError, ValueError) as exc:
            self.failed = True
            log.warning("projection worker lost; the batch catches up itself", extra={"error": str(exc)})
        finally:
            conn.close()
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - it answered or its pipe closed: it is exiting
                process.kill()
                process.join()


def _work(url: str, conn: Any) -> None:
    """The worker: fold each handed group; ``None`` ends it (answered with ``None``, or the failure's text)."""
    code = 0
    try:
        if LEDGER is None:  # pragma: no cover - app.facade sets it when it is imported
            raise RuntimeError("no application to fold with")
        with LEDGER(url) as ledger:
            while (rows := conn.recv()) is not None:
                ledger.catch_up(written=rows)
        conn.send(None)
    except BaseException as exc:  # said to the batch, which then catches up itself
        code = 1
        try:
            conn.send(f"{type(exc).__name__}: {exc}")
        except Exception:  # the batch sees the closed pipe instead
            pass
    finally:
        os._exit(code)  # nothing inherited from the batch (its connections, its atexit) is touched
