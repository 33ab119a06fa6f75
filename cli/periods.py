"""The year's end: ``close``, ``reopen`` and ``seal``."""

from __future__ import annotations

import json

import click

from .context import date_option, guarded, open_ledger, settings, show, submit

WITNESS_OPTION = click.option(
    "--witness",
    default=None,
    metavar="DIR",
    envvar="GRANTLEDGER_WITNESS",
    help="Also write the seal as a file in DIR, the office's own copies outside the database (or set "
    "GRANTLEDGER_WITNESS); verify --witness DIR checks the log against every one.",
)


def keep(witness: str | None, sealed: dict | None) -> None:
    """Write a seal the command just made into the witness directory, and say where."""
    if not witness or not sealed:
        return
    from projections import witness as witnesses

    path = witnesses.write(witness, sealed)
    settings().log.info("witnessed", position=sealed["position"], file=str(path))
    click.echo(f"已把日志位置 {sealed['position']} 的封存留存到: {path}", err=True)


@click.command()
@click.argument("year")
@click.option("--fund", required=True, help="The fund whose year is closed.")
@click.option("--doc", required=True, help="The closing document number (结账文号); the key of this close.")
@date_option
@WITNESS_OPTION
@guarded
def close(year: str, fund: str, doc: str, date: str | None, witness: str | None) -> None:
    """Close FUND's fiscal YEAR (年终结账, admin): record what carries forward (结转: committed but not yet paid
    by 12-31) and what lapses (结余: appropriated + returned − committed), lock the year, and seal the log.

    After the close, money commands dated in YEAR for FUND are PERIOD_CLOSED; paying a YEAR award in YEAR+1
    draws on the carried-forward amount.

    \b
    Examples:
      grantledger close 2024 --fund KJ2024 --doc 青财结〔2025〕1号 --witness /mnt/audit/seals
    """
    if witness:
        from projections import witness as witnesses

        witnesses.ready(witness)
    submit("close", year=year, fund=fund, doc=doc, date=date, after=lambda r: keep(witness, r.fields.get("seal")))


@click.command()
@click.argument("year")
@click.option("--fund", required=True, help="The fund whose closed year is reopened.")
@click.option("--doc", required=True, help="The reopening document number; a second person approves it.")
@click.option("--reason", required=True, help="Why the closed year must move again.")
@date_option
@guarded
def reopen(year: str, fund: str, doc: str, reason: str, date: str | None) -> None:
    """Propose reopening FUND's closed YEAR (admin). It takes effect when another admin or an approver runs
    ``approve DOC`` (``void DOC --reason`` withdraws it). Close again afterwards to seal the year anew.

    \b
    Examples:
      grantledger reopen 2024 --fund KJ2024 --doc 青财开〔2025〕1号 --reason "补记漏登拨付"
      grantledger --actor zhao.min approve 青财开〔2025〕1号
    """
    submit("reopen", year=year, fund=fund, doc=doc, reason=reason, date=date)


@click.command()
@click.option("--out", default=None, metavar="FILE", help="Also write the seal as a JSON file to keep offline.")
@WITNESS_OPTION
@guarded
def seal(out: str | None, witness: str | None) -> None:
    """Seal the log as it stands: its position, the chain's head hash there and a hash of every balance
    (see README "Closing a year"), signed by the actor and recorded, with a snapshot of verify's fold states there
    (its hash signed too) for ``verify --since-seal``. Keep the file; later, ``verify --checkpoint FILE`` proves
    the log and the balances have not moved, and ``verify --from-checkpoint FILE`` verifies only what followed.

    \b
    Examples:
      grantledger --actor audit.office seal --out seal-2025-01-10.json
      grantledger --actor audit.office seal --witness /mnt/audit/seals
    """
    s = settings()
    if witness:
        from projections import witness as witnesses

        witnesses.ready(witness)
    with open_ledger() as ledger:
        result = ledger.seal(s.actor)
    s.log.info("sealed", actor=s.actor, **{k: result.fields[k] for k in ("position", "head", "state")})
    if out:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(result.fields, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        click.echo(f"已写入日志位置 {result.fields['position']} 的封存: {out}", err=True)
    keep(witness, result.fields)
    show(result.fields, result.changed)


def read_checkpoint(path: str, option: str = "--checkpoint") -> dict:
    """A seal file as ``seal --out`` wrote it; anything else is INVALID_INPUT."""
    from ledger import errors

    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        position = document["position"]
        if not isinstance(position, int) or isinstance(position, bool) or position < 0:
            raise ValueError("position 须为整数")
        if not all(isinstance(document[k], str) for k in ("head", "state")):
            raise ValueError("head 和 state 须为十六进制字符串")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise errors.invalid(f"{option} {path}: 不是封存文件 ({_why(exc)})") from exc
    return document


def _why(exc: Exception) -> str:
    """What was wrong with a would-be seal file, in words (never Python's English)."""
    from ledger.errors import os_words

    if isinstance(exc, UnicodeDecodeError):
        return "不是 UTF-8 文本"
    if isinstance(exc, json.JSONDecodeError):
        return f"不是 JSON: 第 {exc.lineno} 行第 {exc.colno} 列"
    if isinstance(exc, KeyError):
        return f"缺少字段 {exc.args[0]}"
    if isinstance(exc, OSError):
        return f"无法读取: {os_words(exc)}"
    if isinstance(exc, TypeError):
        return "内容不是一条封存记录"
    return str(exc)
