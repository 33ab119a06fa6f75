"""Formatting for people and machines: aligned tables, one JSON document, CSV, xlsx.

Amounts arrive as ``Amount`` (分) — or, in long reports, as plain integers in the
columns the caller names in ``money`` — and leave as 元: ``"300000.00"`` in JSON
and CSV, ``300,000.00`` in tables, exact decimals in xlsx cells (written by ``cli.sheets``).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

import click

from ledger.errors import LedgerError, exit_code
from ledger.money import Amount, format_grouped, format_yuan


def _machine(value: Any, money: bool = False) -> Any:
    if isinstance(value, Amount) or (money and isinstance(value, int)):
        return format_yuan(value)
    if isinstance(value, dict):
        return {k: _machine(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_machine(v) for v in value]
    return value


def _row(row: dict, money: Collection[str]) -> dict:
    return {k: _machine(v, k in money) for k, v in row.items()}


def _human(value: Any, money: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, Amount) or (money and isinstance(value, int)):
        return format_grouped(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def width(text: str) -> int:
    """Display width: CJK characters take two columns on a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def table(rows: Sequence[dict], columns: Sequence[str] | None = None, money: Collection[str] = ()) -> str:
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    cells = [[_human(r.get(c), c in money) for c in columns] for r in rows]
    numeric = [all(isinstance(r.get(c), int) or r.get(c) is None for r in rows) for c in columns]
    sizes = [max(width(c), *(width(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(_pad(c, sizes[i], numeric[i]) for i, c in enumerate(columns)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    for row in cells:
        lines.append("  ".join(_pad(v, sizes[i], numeric[i]) for i, v in enumerate(row)).rstrip())
    return "\n".join(lines)


def record(fields: dict) -> str:
    """One result as a two-column table."""
    shown = {k: v for k, v in fields.items() if v is not None}
    size = max(width(k) for k in shown) if shown else 0
    return "\n".join(f"{_pad(k, size, False)}  {_human(v)}" for k, v in shown.items())


def as_json(payload: Any, money: Collection[str] = ()) -> str:
    if isinstance(payload, list):
        payload = [_row(row, money) for row in payload]
    elif isinstance(payload, dict):
        payload = _row(payload, money)
    return json.dumps(payload, ensure_ascii=False)


def as_csv(rows: Sequence[dict], money: Collection[str] = ()) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(_row(row, money) for row in rows)
    return buffer.getvalue()


def xlsx(rows: Sequence[dict], path: str, title: str, money: Collection[str] = (), **stamp: Any) -> None:
    """One report as a workbook fit to file and print (see ``cli.sheets``); ``stamp`` fills its title block."""
    from . import sheets

    stamp.setdefault("made_by", "")
    sheets.write(path, [sheets.report_table(title, rows, money)], sheets.Stamp(**stamp))


def emit(
    fmt: str,
    payload: Any,
    *,
    columns: Sequence[str] | None = None,
    note: str | None = None,
    money: Collection[str] = (),
) -> None:
    if fmt == "json":
        click.echo(as_json(payload, money))
    elif fmt == "csv":
        click.echo(as_csv(payload if isinstance(payload, list) else [payload], money), nl=False)
    else:
        click.echo(table(payload, columns, money) if isinstance(payload, list) else record(payload))
        if note:
            click.echo(note, err=True)


MAX_MESSAGE = 600  # characters: a refusal names what it must; an echoed megabyte helps nobody


def cut(message: str) -> str:
    """A very long message (one that quotes a huge input) keeps its head and tail."""
    return message if len(message) <= MAX_MESSAGE else f"{message[: MAX_MESSAGE - 103]} … {message[-100:]}"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\t"}


def _escaped(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if unicodedata.category(ch) in ("Cc", "Zl", "Zp"):  # every character str.splitlines() breaks on is one of these
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
    return ch


def one_line(message: str) -> str:
    """One line, whatever the input quoted in the message contained (line breaks and control characters escaped)."""
    return "".join(map(_escaped, cut(message)))


def fail(fmt: str, error: LedgerError) -> None:
    message = cut(error.message)
    if fmt == "json":
        click.echo(json.dumps({"error": {"code": error.code, "message": message}}, ensure_ascii=False))
    else:
        click.echo(f"error[{error.code}]: {one_line(message)}", err=True)
    sys.exit(exit_code(error.code))
