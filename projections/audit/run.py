"""``verify``, as an explicit list of checks (as Beancount lists its validations).

First the rebuild: a scratch database folded from position zero, with the folds that read every event beside
it — the hash chain (``hash_chain``), the signatures (``signatures``), invariants 1–3
(``projections.invariants``) and the rules (``projections.redecide``). Then ``CHECKS``, in order, each a function
of the ``Run`` that writes its check line and its findings to the report: the order is the report's (a finding of
an earlier check comes first), and the rules' findings go last, after every lower-level fault.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from ..read_model import ReadModel
from ..redecide import Redecide
from ..runner import Progress
from .database import check_database
from .hash_chain import ChainCheck
from .policies import check_policies
from .read_models import compare
from .report import Report
from .scratch import discard, rebuild, scratch_engine, unrebuildable
from .seal_checks import check_seals, recorded_seals
from .signatures import SignatureCheck
from .snapshots import verify_snapshots
from .trial_balance import check_books


@dataclass
class Run:
    """What the checks after the rebuild read."""

    app: Any
    live: Engine
    report: Report
    scratch: Engine
    scratch_path: str
    found: dict[int, tuple]  # each marked position → (head hash, state hash, who held which key and role) there
    ends: tuple[int, int]  # (where the log really ends, the last position checked)
    written: list[dict]  # the seals recorded in the log
    checkpoint: dict | None  # a seal file given to check
    witnessed: list[dict] | None  # every seal file in a witness directory, when given
    at_seals: dict[int, tuple]  # each Seal event of the log by its position (``SignatureCheck.at_seals``)


def seals_in_log(run: Run) -> None:
    """Every seal recorded in the log (check ``seals``; none recorded: no line)."""
    if run.written:
        check_seals(run.report, run.found, run.ends, run.written, "seals", run.at_seals)


def checkpoint_seal(run: Run) -> None:
    """``--checkpoint FILE`` (check ``checkpoint``)."""
    if run.checkpoint:
        check_seals(run.report, run.found, run.ends, [run.checkpoint], "checkpoint", run.at_seals)


def witness_seals(run: Run) -> None:
    """``--witness DIR``: every seal file there (check ``witness``)."""
    if run.witnessed is not None:
        check_seals(run.report, run.found, run.ends, run.witnessed, "witness", run.at_seals)


def stored_snapshots(run: Run) -> None:
    """Each stored snapshot against its events (check ``snapshots``, when the ledger keeps snapshots)."""
    verify_snapshots(run.app, run.report)


def live_read_models(run: Run) -> None:
    """The live read models row by row against the rebuild (check ``projections``)."""
    with run.live.connect() as a, run.scratch.connect() as b:
        compare(a, b, run.report, run.scratch_path)


def books(run: Run) -> None:
    """The trial balance sums to zero and the journal agrees with every balance (check ``trial balance``)."""
    with run.live.connect() as conn:
        check_books(conn, run.report)


def database_guards(run: Run) -> None:
    """The append-only triggers, and on PostgreSQL each event's database login (checks ``triggers`` and
    ``database logins``)."""
    with run.live.connect() as conn:
        check_database(conn, run.app, run.report)


def policy_documents(run: Run) -> None:
    """Every loaded policy document against its hash and the catalogue it was loaded into (check ``policies``)."""
    check_policies(run.app, run.report)


CHECKS: tuple[Callable[[Run], None], ...] = (
    seals_in_log,
    checkpoint_seal,
    witness_seals,
    stored_snapshots,
    live_read_models,
    books,
    database_guards,
    policy_documents,
)


def verify(
    app: Any,
    live: Engine,
    progress: Progress | None = None,
    scratch_dir: str | None = None,
    checkpoint: dict | None = None,
    witnessed: list[dict] | None = None,
    stop: int | None = None,
) -> Report:
    """``checkpoint``: a seal file given to check; ``witnessed``: every seal file in the office's witness
    directory (``projections.witness``), each checked the same way (check ``witness``); ``stop``: the last
    position to check (default: as far as the live read models have folded)."""
    report = Report()
    if stop is None:
        stop = ReadModel(live, app.name).max_tracking_id(app.name) or 0
    log_end = app.recorder.max_notification_id() or 0  # where the log really ends (a cut log need not say so)
    engine, path = scratch_engine(scratch_dir)
    try:
        signatures = SignatureCheck(app.recorder, report)
        rules = Redecide(app.recorder, app.catalogue)
        check = ChainCheck(report, stop, progress, signatures, rules)
        written = recorded_seals(app, live)
        files = [*([checkpoint] if checkpoint else []), *(witnessed or [])]
        try:
            found = rebuild(app, engine, stop, check, tuple(s["position"] for s in [*written, *files]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return unrebuildable(report, rules, check, app.recorder, exc)
        check.finish(app.recorder)
        ends = (log_end, stop)
        run = Run(app, live, report, engine, path, found, ends, written, checkpoint, witnessed, signatures.at_seals)
        for each in CHECKS:
            each(run)
        if not check.broken:  # after every other check's: those name the lower-level fault first
            report.findings.extend(rules.findings)
    finally:
        discard(engine, path)
    return report
