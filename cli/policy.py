"""``policy list``, ``policy show``, ``policy quote``, ``policy load``: the catalogue, its citations, what may be
awarded, and loading a newly issued document.

The catalogue is public policy, so listing and showing it needs no role (and
no database: without one it is the catalogue as shipped); ``quote`` reads what
a unit already received, so it needs a role; ``load`` is for the admin.
"""

from __future__ import annotations

import os
from decimal import Decimal

import click

from ledger.money import Amount

from . import output
from .context import door, guarded, open_ledger, settings, submit


def _source(clause) -> str:
    return clause.citation


def _origin(clause) -> str:
    return clause.document.origin


def _catalogue():
    """Shipped clauses plus the documents loaded into this ledger, through the read side's door (``app.reads``)."""
    from app import reads

    return reads.catalogue(door())


def _rule(clause) -> dict:
    rule: dict = {}
    for name in ("max", "fixed", "annual_cap"):
        value = getattr(clause, name)
        if value is not None:
            rule[name] = Amount(value)
    if clause.fixed_by_unit_type:
        rule["fixed_by_unit_type"] = {k: Amount(v) for k, v in clause.fixed_by_unit_type.items()}
    if clause.ratio is not None:  # catalogue ratios are written as decimals, so this division terminates
        rule["ratio"] = format(Decimal(clause.ratio.numerator) / Decimal(clause.ratio.denominator), "f")
    if clause.base:
        rule["base"] = clause.base
    if clause.grades:
        rule["grades"] = {k: Amount(v) for k, v in clause.grades.items()}
    if clause.unit_types:
        rule["unit_types"] = list(clause.unit_types)
    if clause.cap_group:
        rule["cap_group"] = clause.cap_group
    for flag in ("once_per_unit", "case_by_case", "exception_required", "platform", "exact"):
        if getattr(clause, flag):
            rule[flag] = True
    if clause.platform:
        rule["lifetime_max"] = Amount(clause.lifetime_max())
        rule["counted_per"] = clause.platform_word
    if clause.shares:
        rule["shares"] = clause.shares
    if clause.once_per:
        rule["once_per"] = clause.once_per
    if clause.status != "issued":
        rule["status"] = clause.status
    rule["modes"] = list(clause.modes)
    if clause.superseded_by:
        rule["superseded_by"] = [
            {"clause": s.successor, "on": s.on, "until": s.until, "scope": s.scope} for s in clause.superseded_by
        ]
    return rule


@click.group()
def policy() -> None:
    """The policy catalogue: every clause of the Qingdao and Weihai documents, cited.

    Second edition (policy-clauses.md): the talent clauses were announced, not
    issued (NOT_IN_FORCE until the issued document is loaded); 科创16条 第六条
    has clauses of its own around the 细则 (in force from 2020-12-01); platform
    clauses cap the sum of awards to one unit over the clause's life; 1:1
    matching and "10% of the investment" are exact; Qingdao clauses are for
    Qingdao units and Weihai clauses for Weihai units.

    An admin loads a newly issued document with `policy load FILE` (format:
    docs/policy-format.md); list and show say where each clause came from.
    """


@policy.command("list")
@click.option("--in-force", default=None, metavar="DATE", help="Only clauses in force on this date (YYYY-MM-DD).")
@guarded
def list_(in_force: str | None) -> None:
    """List the clauses (optionally those in force on a date).

    \b
    Examples:
      grantledger policy list
      grantledger policy list --in-force 2024-09-01
    """
    catalogue = _catalogue()
    if in_force:
        from ledger import commands  # its dataclasses cost a new process time: only for --in-force

        chosen = catalogue.in_force(commands.parse("any_date", in_force, "--in-force"))
    else:
        chosen = list(catalogue)
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "source": _source(c),
            "effective_from": c.effective_from,
            "effective_to": c.effective_to,
            "status": c.status,
            "origin": "shipped" if c.document.sha256 is None else f"loaded {c.document.loaded_on}",
            "loaded_by": c.document.loaded_by,
            "sha256": c.document.sha256,
        }
        for c in chosen
    ]
    if settings().fmt == "table":
        from .policy_words import origin

        shown = {c.id: origin(c) for c in chosen}
        rows = [dict(r, origin=shown[r["id"]]) for r in rows]
    output.emit(
        settings().fmt,
        rows,
        columns=["id", "title", "effective_from", "effective_to", "origin"] if settings().fmt == "table" else None,
    )


@policy.command("show")
@click.argument("clause_id", metavar="ID")
@guarded
def show(clause_id: str) -> None:
    """一个条款: 出处 (文件、文号、条目)、原文、有效期、支持标准与上限、适用单位和资助方式。

    表格为经办人而写 (日期和金额用文字); JSON 另有机器可读的 rule 及开发说明 (note、seed)。

    \b
    Examples:
      grantledger policy show qd2024-14-hnte-first
    """
    from ledger import errors

    clause = _catalogue().get(clause_id)
    if clause is None:
        raise errors.not_found(f"条款 {clause_id} 不在政策目录中 (grantledger policy list)")
    fields = {
        "id": clause.id,
        "title": clause.title,
        "source": _source(clause),
        "document": clause.document.title,
        "doc_number": clause.document.doc_number,
        "issuer": clause.document.issuer,
        "item": clause.item,
        "quote": clause.quote,
        "seed": clause.seed,
        "effective_from": clause.effective_from,
        "effective_to": clause.effective_to,
        "rule": _rule(clause),
        "note": clause.note,
        "status": clause.status,
        "origin": _origin(clause),
        "ended_by": clause.ended_by,
    }
    if settings().fmt == "table":  # for a clerk: in words; the notes for developers stay in the TOML
        from .policy_words import card

        fields = card(clause)
    output.emit(settings().fmt, fields)


@policy.command("quote")
@click.argument("clause_id", metavar="ID")
@click.option("--unit", required=True, help="The unit's 统一社会信用代码.")
@click.option("--grade", default=None, help="The evaluation grade, where the clause has a grade table.")
@click.option("--base", default=None, help="The base amount, for ratio clauses.")
@click.option("--date", default=None, help="The date to quote for (default today; may look ahead).")
@click.option("--platform", default=None, help="Platform clauses: the platform (or prize) to quote the total of.")
@guarded
def quote(
    clause_id: str, unit: str, grade: str | None, base: str | None, date: str | None, platform: str | None
) -> None:
    """The most that could be awarded to a unit under a clause now, after its yearly caps, and why.

    \b
    Examples:
      grantledger policy quote qd2020-kc16-key-project-team --unit 91370200MA3C1A2B3K --date 2022-06-01
      grantledger policy quote qd2020-intl-base-national --unit 12370200MB12345671 --grade good --date 2021-05-01
    """
    from ledger import commands

    parse = commands.parse
    unit_code = parse("unit", unit, "--unit")
    grade_value = parse("grade", grade, "--grade") if grade else None
    base_value = parse("amount", base, "--base") if base else None
    day = parse("any_date", date, "--date") if date else None
    platform_name = parse("key", platform, "--platform") if platform else None
    with open_ledger() as ledger:
        q = ledger.quote(settings().actor, clause_id, unit_code, grade_value, base_value, day, platform_name)
    nothing = q.refusal is None and q.max is not None and q.max <= 0  # e.g. the yearly cap used up
    reasons = list(q.reasons)
    if nothing and not reasons:
        reasons.append("按本条款现在最多可批 0 元 (上限已用完或无计算基数), 不能再批")
    fields = {
        "clause": clause_id,
        "max": Amount(q.max) if q.max is not None else None,
        "eligible": q.refusal is None and not nothing,
        "code": q.refusal.code if q.refusal else None,
        "reasons": reasons,
    }
    if settings().fmt == "table":
        fields = dict(
            fields,
            max="不设上限 (一事一议)" if q.max is None else fields["max"],
            reasons="\n  ".join(["", *reasons]),
        )
    output.emit(settings().fmt, fields)


@policy.command("load")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@guarded
def load(path: str) -> None:
    """Load a newly issued policy document (admin only), written in the catalogue's own format.

    FILE is a UTF-8 TOML file: a [document] table (id, title, doc_number 文号
    required, issuer, issued, effective_from, effective_to, city) and one
    [[clauses]] table per funding rule (id starting with the document id,
    title, item, quote, and its rule: max, fixed, ratio + base, grades,
    unit_types, annual_cap, once_per_unit, platform, exact, case_by_case,
    exception_required, modes). A clause may supersede an earlier one
    (supersedes = [{ clause = "…", on = "YYYY-MM-DD" }]) and the document may
    end earlier clauses (ends = [{ clause = "…", last_day = "YYYY-MM-DD" }]).
    The full guide with a complete example: docs/policy-format.md.

    The file is validated exactly as the shipped ones. It is recorded as an
    event with its bytes, their sha256, its 文号, who loaded it and when; from
    then on its clauses are in force by their dates. A clause id already in
    the catalogue is never rewritten: a correction is a new version with its
    own id. A malformed or conflicting file is refused (INVALID_INPUT, naming
    the line and the problem) and nothing is written. Loading the same bytes
    again changes nothing.

    \b
    Examples:
      grantledger --actor admin policy load qd2025-talent.toml
      grantledger policy show qd2025-talent-project
    """
    from ledger import errors

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise errors.not_found(f"政策文件 {path} 无法读取: {errors.os_words(exc)}") from exc
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise errors.invalid(f"政策文件未载入, 什么也没有写: {path}:{line}: 不是 UTF-8 编码 (请另存为 UTF-8)") from exc
    submit("policy load", file_name=os.path.basename(path), content=content)
