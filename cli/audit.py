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
    help="A seal file (seal --out): also prove the log reaches and passes through its head, its balances still "
    "hash to its state, and it is signed by the key then bound to its signer.",
)
@click.option(
    "--witness",
    default=None,
    metavar="DIR",
    envvar="GRANTLEDGER_WITNESS",
    help="The office's directory of seal files (seal --witness DIR): check the log against every one; a log "
    "shorter than any of them was cut back or restored from an older copy.",
)
@click.option(
    "--since-seal",
    "since_seal",
    is_flag=True,
    help="Start from the latest seal in the log that carries a snapshot of verify's fold states: check that seal, "
    "its snapshot, the chain and every signature from there, and fold only the events after it. Trusts what "
    'the seal covers (README "What verify proves").',
)
@click.option(
    "--from-checkpoint",
    "from_checkpoint",
    default=None,
    metavar="FILE",
    help="Like --since-seal, from a seal file the auditor kept (seal --out).",
)
@guarded
def verify(checkpoint: str | None, witness: str | None, since_seal: bool, from_checkpoint: str | None) -> None:
    """Recompute the hash chain, check snapshots, rebuild every projection in a scratch database and compare
    it row by row with the live one, and check the trial balance. Exits 1 with TAMPERED naming the first
    bad event or row.

    Write down the printed head hash: if it is still in the chain later, nothing before it changed.

    \b
    Examples:
      grantledger --actor audit.office verify
      grantledger --actor audit.office verify --checkpoint seal-2025-01-10.json
      grantledger --actor audit.office verify --witness /mnt/audit/seals
      grantledger --actor audit.office verify --since-seal
      grantledger --actor audit.office verify --from-checkpoint seal-2025-01-10.json
    """
    from ledger.errors import invalid
    from projections import witness as witnesses

    from . import verify_words
    from .periods import read_checkpoint

    s = settings()
    since = since_seal or from_checkpoint is not None
    if since and (checkpoint or witness):
        raise invalid("--since-seal / --from-checkpoint 不能与 --checkpoint 或 --witness 同用: 后两者须完整的 verify")
    if since_seal and from_checkpoint:
        raise invalid("--since-seal 与 --from-checkpoint 只能选一个")
    given = checkpoint or from_checkpoint
    sealed = (
        dict(read_checkpoint(given, "--from-checkpoint" if from_checkpoint else "--checkpoint"), file=given)
        if given
        else None
    )
    witnessed = witnesses.read(witness, read_checkpoint) if witness else None
    with open_ledger(read=True) as ledger, progress_bar("verifying") as progress:
        report = ledger.verify(s.actor, progress, sealed, witnessed, since=since)
        scope = "checkpoint" if from_checkpoint else "seal" if since_seal else "full"
        unrecorded = _record_run(ledger, s.actor, report, scope)  # for the web view's "last verify"
    if unrecorded and s.fmt != "json":
        click.echo(unrecorded, err=True)
    s.log.info("verified", events=report.events, ok=report.ok, head=report.head, findings=report.findings)
    checks = {("signature check" if k == "signatures" else k): v for k, v in report.checks.items()}
    if s.fmt != "json":  # JSON keeps the checks' English names and values (cli.md); a table reads them in words
        checks = {verify_words.check_name(k): verify_words.outcome(v) for k, v in checks.items()}
    fields = {
        "events": report.events,
        "ok": report.ok,
        "head": report.head,
        "signatures": report.signatures,
        "keys": verify_words.keys_line(report.keys) if s.fmt != "json" else dict(report.keys),
        "unsigned_history": report.unsigned,
        "signed_from": report.signed_from,
        **({"since_seal": report.since} if since else {}),
        **checks,
    }
    if not report.ok:
        fields["findings"] = report.findings
        if s.fmt != "json":
            output.emit(s.fmt, {k: v for k, v in fields.items() if k != "findings"})
        raise LedgerError(TAMPERED, report.findings[0])
    output.emit(s.fmt, fields)


def _record_run(ledger, actor: str, report, scope: str) -> str | None:
    """Keep the run's outcome and what it covered (``scope``: full, or incremental from a seal in the log or a
    kept seal file) in verify_runs (the log itself is only read); why not, when it could not be kept."""
    from projections import verify_runs

    run = verify_runs.run_of(actor, report, verify_runs.head_position(ledger.engine, report.head), scope)
    return verify_runs.record(ledger.engine, run, verify_runs.signer_for(ledger.app, actor))


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


CHART_OPTION = click.option(
    "--chart", default=None, metavar="FILE", help="The chart of the books (TOML); default 政府会计制度 (gov2019)."
)


@contextmanager
def _writing(path: str) -> Iterator[None]:
    """A file that cannot be written is a refusal in words, not a traceback."""
    from ledger.errors import invalid, os_words

    try:
        yield
    except OSError as exc:
        raise invalid(f"无法写入文件 {path}: {os_words(exc)}") from None


def _write_text(out: str | None, text: Callable, label: str) -> None:
    """Run ``text(handle)`` into FILE (UTF-8) or stdout, and say what was written."""
    s = settings()
    if out:
        with _writing(out), open(out, "w", encoding="utf-8", newline="") as handle:
            count = text(handle)
        click.echo(f"已导出 {count} {label}: {out}", err=True)
    else:
        count = text(sys.stdout)
    s.log.info("exported", what=label, count=count, out=out)


@export.command("beancount")
@click.option("--out", default=None, metavar="FILE", help="Write to FILE (default stdout).")
@CHART_OPTION
@guarded
def beancount(out: str | None, chart: str | None) -> None:
    """The books (财务会计 and 预算会计) as a Beancount ledger that bean-check accepts: one transaction per money
    event and side, with the event's position, voucher, clause and actor as metadata.

    \b
    Examples:
      grantledger export beancount --out books.beancount && bean-check books.beancount
    """
    from projections import books

    s = settings()
    with open_ledger() as ledger:
        loaded, vouchers = ledger.books(s.actor, chart)
    _write_text(out, lambda handle: books.beancount(loaded, vouchers, handle), "笔交易")


@export.command("hledger")
@click.option("--out", default=None, metavar="FILE", help="Write to FILE (default stdout).")
@CHART_OPTION
@guarded
def hledger(out: str | None, chart: str | None) -> None:
    """The books as an hledger journal that `hledger check --strict` accepts (accounts and CNY declared).

    \b
    Examples:
      grantledger export hledger --out books.journal && hledger -f books.journal balance
    """
    from projections import books

    s = settings()
    with open_ledger() as ledger:
        loaded, vouchers = ledger.books(s.actor, chart)
    _write_text(out, lambda handle: books.hledger(loaded, vouchers, handle), "笔交易")


@export.command("vouchers")
@click.option("--to", "to", required=True, type=click.Choice(["u8", "kingdee"]), help="用友 U8 或金蝶 KIS。")
@click.option("--year", default=None, help="Only vouchers dated in this year.")
@click.option("--out", required=True, metavar="FILE", help="u8: 凭证引入文本文件; kingdee: .xlsx 工作簿。")
@CHART_OPTION
@guarded
def vouchers(to: str, year: str | None, out: str, chart: str | None) -> None:
    """导出记账凭证给财务软件, 每个资金事件一张 (凭证字 记, 按会计期间即月份、按日期顺序编号):
    用友 U8 总账工具「凭证引入」文本文件 (GB18030), 或金蝶 KIS 凭证引入工作簿。

    制单人是经办人 (审批过的拨付也是经办人), 审核人留空由财务软件审核; 5001/7101 等科目的分录带
    项目辅助核算 (申报编号) 和往来单位 (单位的统一社会信用代码)。

    \b
    Examples:
      grantledger export vouchers --to u8 --year 2024 --out pz-2024.txt
      grantledger export vouchers --to kingdee --year 2024 --out pz-2024.xlsx
    """
    from ledger import commands
    from projections import books

    s = settings()
    year_value = commands.parse("year", year, "--year") if year else None
    with open_ledger() as ledger:
        loaded, found = ledger.books(s.actor, chart, year_value)
    with _writing(out):
        if to == "u8":
            with open(out, "w", encoding="gb18030", newline="") as handle:
                count = books.u8(loaded, found, handle)
        else:
            count = _kingdee(books.kingdee_rows(loaded, found), out)
    click.echo(f"已导出 {len(found)} 张凭证 ({count} 条分录): {out}", err=True)
    s.log.info("exported", what="vouchers", to=to, year=year_value, vouchers=len(found), lines=count, out=out)


def _kingdee(rows: list[list], path: str) -> int:
    from . import kingdee_xlsx

    return kingdee_xlsx.write(rows, path)
