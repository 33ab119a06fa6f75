"""``replay``, ``verify`` and ``export events``: what an auditor runs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from ledger.errors import TAMPERED, LedgerError

from . import output
from .context import guarded, open_ledger, settings


@contextmanager
def progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=1, label=label, file=sys.stderr, show_pos=True) as bar:

        def update(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        yield update


@click.command()
@guarded
def replay() -> None:
    """Rebuild every projection from event zero (admin). Each page commits with its position, so an
    interrupted replay resumes where it stopped.

    \b
    Examples:
      grantledger replay
    """
    s = settings()
    with open_ledger() as ledger, progress_bar("replaying") as progress:
        count = ledger.replay(s.actor, progress)
    s.log.info("replayed", events=count, actor=s.actor)
    output.emit(s.fmt, {"events": count})


@click.command()
@click.option(
    "--checkpoint",
    default=None,
    metavar="FILE",
    help="A seal file (seal --out): also prove the log passes through its head and its balances still hash "
    "to its state.",
)
@guarded
def verify(checkpoint: str | None) -> None:
    """Recompute the hash chain, check snapshots, rebuild every projection in a scratch database and compare
    it row by row with the live one, and check the trial balance. Exits 1 with TAMPERED naming the first
    bad event or row.

    Write down the printed head hash: if it is still in the chain later, nothing before it changed.

    \b
    Examples:
      grantledger --actor audit.office verify
      grantledger --actor audit.office verify --checkpoint seal-2025-01-10.json
    """
    from .periods import read_checkpoint

    s = settings()
    sealed = read_checkpoint(checkpoint) if checkpoint else None
    with open_ledger() as ledger, progress_bar("verifying") as progress:
        report = ledger.verify(s.actor, progress, sealed)
    s.log.info("verified", events=report.events, ok=report.ok, head=report.head, findings=report.findings)
    fields = {"events": report.events, "ok": report.ok, "head": report.head, **report.checks}
    if not report.ok:
        fields["findings"] = report.findings
        if s.fmt != "json":
            output.emit(s.fmt, {k: v for k, v in fields.items() if k != "findings"})
        raise LedgerError(TAMPERED, report.findings[0])
    output.emit(s.fmt, fields)


@click.group()
def export() -> None:
    """Export data for auditors."""


@export.command("events")
@click.option("--out", default=None, metavar="FILE", help="Write to FILE (default stdout).")
@guarded
def events(out: str | None) -> None:
    """The whole event log as JSON Lines: seq, type, effective date, recorded time, actor, data and hash.

    \b
    Examples:
      grantledger export events --out ledger-2026.jsonl
    """
    s = settings()
    with open_ledger() as ledger:
        if out:
            with open(out, "w", encoding="utf-8") as handle:
                count = ledger.export(s.actor, handle)
            click.echo(f"exported {count} events to {out}", err=True)
        else:
            count = ledger.export(s.actor, sys.stdout)
    s.log.info("exported", events=count, out=out)
