"""``batch FILE``: JSON Lines (or an xlsx sheet) of commands, each line atomic; ``batch template``."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator

import click

from . import output
from .context import guarded, open_ledger, settings


@click.command()
@click.argument("file")
@click.option("--stop-on-error", is_flag=True, help="Stop at the first refused line.")
@click.option(
    "--group-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Lines saved per transaction (each line stays all-or-nothing).",
)
@click.option("--out", default=None, metavar="FILE", help="With 'batch template': the xlsx to write.")
@guarded
def batch(file: str, stop_on_error: bool, group_size: int, out: str | None) -> None:
    """Apply FILE ('-' for stdin): one JSON command per line, or an Excel FILE.xlsx, one command a row.

    Exact repeats of earlier commands are skipped, so a batch that was
    interrupted can simply be run again. Refused lines are reported with their
    line number and code; the exit code is 1 if any line was refused.

    \b
    An xlsx batch reads its first sheet: row 1 holds batch keys or their
    Chinese labels (命令 申报编号 金额 凭证号 …), each later row one command;
    refusals name the row. `batch template --out FILE.xlsx` writes an empty one.

    \b
    Example line:
      {"cmd": "disburse", "ref": "QD-2024-001", "amount": "50万", "voucher": "PZ-0001"}
    Examples:
      grantledger batch payments-2024-11.jsonl
      grantledger batch --stop-on-error -
      grantledger batch template --out 拨付.xlsx
      grantledger batch 拨付.xlsx
    """
    from ledger import errors as ledger_errors

    from . import batch_xlsx

    s = settings()
    if file == "template" and not os.path.exists(file):
        if not out:
            raise ledger_errors.invalid("batch template 需要 --out FILE.xlsx")
        batch_xlsx.write_template(out)
        click.echo(f"已写入批量命令模板: {out}", err=True)
        return
    if file != "-" and not os.path.isfile(file):
        raise ledger_errors.invalid(f"找不到批量文件 {file}")
    spreadsheet = file.lower().endswith(".xlsx")
    workbook = None
    if spreadsheet:
        workbook = batch_xlsx.read_book(file)
        rows = workbook.lines
        lines, total = iter(rows), (rows[-1][0] if rows else 0)
    else:
        handle = click.open_file(file, "rb")  # '-' is stdin, never closed here
        lines, total = _decoded(handle), None
    bar = None
    if sys.stderr.isatty() and file != "-":
        if total is None:
            with open(file, "rb") as counted:
                total = sum(1 for _ in counted)
        bar = click.progressbar(length=total, label="批量命令", file=sys.stderr, show_pos=True)
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
        if not spreadsheet and file != "-":
            handle.close()
    s.log.info(
        "batch",
        applied=summary.applied,
        skipped=summary.skipped,
        failed=summary.failed,
        events=summary.events,
        actor=s.actor,
    )
    errors = [{"line": e.line, "code": e.code, "message": output.cut(e.message or "")} for e in summary.errors]
    if workbook is not None:
        for e in errors:
            e["sheet"], e["row"] = workbook.places.get(e["line"], ("", e["line"]))
    result = {"applied": summary.applied, "skipped": summary.skipped, "failed": summary.failed}
    if s.fmt == "json":
        click.echo(output.as_json(dict(result, errors=errors, **({"notes": summary.notes} if summary.notes else {}))))
    else:
        for e in errors:
            where = workbook.where(e["line"]) if workbook is not None else f"第 {e['line']} 行"
            click.echo(f"{where}: error[{e['code']}]: {output.one_line(e['message'])}", err=True)
        for note in summary.notes:
            click.echo(note, err=True)
        output.emit(s.fmt, result)
    if summary.failed:
        sys.exit(1)


def _decoded(lines: Iterable[bytes]) -> Iterator[tuple[int, str]]:
    """Numbered lines, each decoded on its own: a line that is not UTF-8 is refused with its number, the rest go on.

    A UTF-8 BOM (Windows Notepad writes one) before the first line is dropped.
    """
    for number, raw in enumerate(lines, start=1):
        yield number, (raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw).decode("utf-8", "surrogateescape")
