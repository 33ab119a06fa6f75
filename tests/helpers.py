"""Shared test helpers: run commands by name, and a small standard world to run them in."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from ledger import commands
from ledger.errors import LedgerError
from ledger.uscc import make

ENTERPRISE = make("91370212MA3C4PQR1")
UNIVERSITY = make("12370200MB1234567")
INVESTOR = make("91370202MA3RTY789")
HOSPITAL = make("12370200MB7654321")
# Weihai units (division 3710xx): Weihai clauses are for units registered in Weihai (second edition, point 7).
WH_ENTERPRISE = make("91371002MA3C4PQR1")
WH_UNIVERSITY = make("12371000MB1234567")
WH_HOSPITAL = make("12371000MB7654321")


def run(ledger, name: str, actor: str = "admin", /, **raw):
    """Run command ``name`` with raw string options (underscores for dashes); returns the Result."""
    return ledger.run(commands.build(name, {k.rstrip("_"): v for k, v in raw.items()}), actor)


def refused(ledger, name: str, actor: str = "admin", /, **raw) -> LedgerError:
    """Run a command that must be refused; returns the error."""
    try:
        run(ledger, name, actor, **raw)
    except LedgerError as error:
        return error
    raise AssertionError(f"{name} {raw} was not refused")


def event_count(ledger) -> int:
    return ledger.app.recorder.max_notification_id() or 0


@dataclass
class World:
    ledger: object

    @classmethod
    def build(cls, ledger) -> World:
        for person, role in (
            ("clerk", "clerk"),
            ("reviewer", "reviewer"),
            ("approver", "approver"),
            ("approver2", "approver"),
            ("auditor", "auditor"),
        ):
            run(ledger, "role grant", actor_=person, role=role)
        run(ledger, "fund create", fund="KJ", name_="科技创新专项资金")
        run(ledger, "fund create", fund="TZ", name_="科技股权投资专项", approval_threshold="50万")
        for fund in ("KJ", "TZ"):
            for year in ("2022", "2024"):
                run(
                    ledger,
                    "fund appropriate",
                    fund=fund,
                    year=year,
                    amount="1亿",
                    doc=f"{fund}-{year}",
                    date=f"{year}-01-05",
                )
        for code, name, kind in (
            (ENTERPRISE, "海澜智能", "enterprise"),
            (UNIVERSITY, "滨海大学", "university"),
            (INVESTOR, "蓝海创投", "investor"),
            (HOSPITAL, "市立医院", "hospital"),
            (WH_ENTERPRISE, "威海海澜装备", "enterprise"),
            (WH_UNIVERSITY, "威海滨海大学", "university"),
            (WH_HOSPITAL, "威海市立医院", "hospital"),
        ):
            run(ledger, "unit register", code=code, name_=name, type=kind)
        return cls(ledger)

    def awarded(
        self,
        ref: str,
        clause: str,
        amount: str,
        *,
        unit: str = ENTERPRISE,
        date: str = "2024-09-01",
        grade: str = "good",
        fund: str = "KJ",
        base: str | None = None,
        mode: str | None = None,
        equity_amount: str | None = None,
        exception_doc: str | None = None,
    ):
        """Apply, evaluate and award in one go (all dated ``date``)."""
        run(self.ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
        run(self.ledger, "evaluate", ref=ref, grade=grade, date=date)
        return run(
            self.ledger,
            "award",
            ref=ref,
            amount=amount,
            fund=fund,
            doc=f"DOC-{ref}",
            date=date,
            mode=mode,
            equity_amount=equity_amount,
            exception_doc=exception_doc,
        )

    def report(self, name: str, **options) -> list[dict]:
        return self.ledger.report(name, "admin", **options)

    def award_row(self, ref: str) -> dict:
        return next(r for r in self.report("awards") if r["application"] == ref)


def header_row(sheet) -> int:
    """The row of a report sheet's column headers (below the title block)."""
    from cli.reports import COLUMNS
    from presentation.labels import header

    return next(
        r for r in range(1, 12) if sheet.cell(row=r, column=1).value in {header(c[0]) for c in COLUMNS.values()}
    )


def read_sheet(sheet) -> tuple[list[str], list[list], list | None]:
    """(headers, data rows, totals row or None) of one report sheet written by ``presentation.sheets``."""
    at = header_row(sheet)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=at + 1)]
    totals = rows.pop() if rows and rows[-1][0] == "合计" else None
    return [c.value for c in sheet[at]], rows, totals


def printed_by_libreoffice(workbook, folder) -> str:
    """The text of ``workbook`` as LibreOffice prints it to PDF (read with pdftotext); skips the test when
    either is missing (``scripts/test`` installs both)."""
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    pdftotext = shutil.which("pdftotext")
    if not (soffice and pdftotext):
        pytest.skip("needs LibreOffice and poppler-utils (scripts/test installs them)")
    profile = folder / "lo-profile"
    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf"]
    subprocess.run(
        [*convert, "--outdir", str(folder), str(workbook)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    printed = folder / (workbook.stem + ".pdf")
    return subprocess.run([pdftotext, "-layout", str(printed), "-"], check=True, capture_output=True, text=True).stdout


def read_u8(text: str) -> list[dict]:
    """Parse a U8 voucher file (``projections.u8``) back into rows, as the tests read it."""
    from projections import u8

    lines = text.splitlines()
    if not lines or lines[0] != u8.U8_HEADER:
        raise ValueError("not a U8 voucher file")
    rows = []
    for fields in csv.reader(lines[1:]):
        fields += [""] * (len(u8.U8_FIELDS) + len(u8.U8_OPTIONAL) - len(fields))
        rows.append(dict(zip(u8.U8_FIELDS + u8.U8_OPTIONAL, fields, strict=True)))
    return rows
