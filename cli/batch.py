"""``batch FILE``: JSON Lines of commands, each line atomic."""

from __future__ import annotations

import sys

import click

from . import output
from .context import guarded, open_ledger, settings


@click.command()
@click.argument("file", type=click.File("rb"))
@click.option("--stop-on-error", is_flag=True, help="Stop at the first refused line.")
@click.option(
    "--group-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Lines saved per transaction (each line stays all-or-nothing).",
)
@guarded
def batch(file, stop_on_error: bool, group_size: int) -> None:
    """Apply FILE ('-' for stdin): one JSON command per line.

    Exact repeats of earlier commands are skipped, so a batch that was
    interrupted can simply be run again. Refused lines are reported with their
    line number and code; the exit code is 1 if any line was refused.

    \b
    Example line:
      {"cmd": "disburse", "ref": "QD-2024-001", "amount": "50万", "voucher": "PZ-0001"}
    Examples:
      grantledger batch payments-2024-11.jsonl
      grantledger batch --stop-on-error -
    """
    s = settings()
    # Bytes in, each line decoded on its own: a line that is not UTF-8 is refused with its number, the rest go on.
    lines = ((number, raw.decode("utf-8", "surrogateescape")) for number, raw in enumerate(file, start=1))
    bar = None
    if sys.stderr.isatty() and file is not sys.stdin and file.name != "<stdin>":
        total = sum(1 for _ in open(file.name, "rb"))
        bar = click.progressbar(length=total, label="batch", file=sys.stderr, show_pos=True)
        bar.__enter__()
    try:
        with open_ledger() as ledger:
            summary = ledger.batch(
                lines,
                s.actor,
                stop_on_error=stop_on_error,
                group_size=group_size,
                progress=(lambda n: bar.update(n - bar.pos)) if bar else None,
            )
    finally:
        if bar:
            bar.__exit__(None, None, None)
    s.log.info(
        "batch",
        applied=summary.applied,
        skipped=summary.skipped,
        failed=summary.failed,
        events=summary.events,
        actor=s.actor,
    )
    errors = [{"line": e.line, "code": e.code, "message": output.cut(e.message or "")} for e in summary.errors]
    result = {"applied": summary.applied, "skipped": summary.skipped, "failed": summary.failed}
    if s.fmt == "json":
        click.echo(output.as_json(dict(result, errors=errors, **({"notes": summary.notes} if summary.notes else {}))))
    else:
        for e in errors:
            click.echo(f"line {e['line']}: error[{e['code']}]: {output.one_line(e['message'])}", err=True)
        for note in summary.notes:
            click.echo(note, err=True)
        output.emit(s.fmt, result)
    if summary.failed:
        sys.exit(1)
