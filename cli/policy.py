"""``policy list``, ``policy show``, ``policy quote``: the catalogue, its citations and what may be awarded.

The catalogue is public policy, so listing and showing it needs no database;
``quote`` reads what a unit already received, so it needs a role.
"""

from __future__ import annotations

from decimal import Decimal

import click

from ledger.money import Amount

from . import output
from .context import guarded, open_ledger, settings


def _source(clause) -> str:
    return clause.citation


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
    for flag in ("once_per_unit", "case_by_case", "exception_required"):
        if getattr(clause, flag):
            rule[flag] = True
    rule["modes"] = list(clause.modes)
    if clause.superseded_by:
        rule["superseded_by"] = [{"clause": s.successor, "on": s.on, "scope": s.scope} for s in clause.superseded_by]
    return rule


@click.group()
def policy() -> None:
    """The policy catalogue: every clause of the Qingdao and Weihai documents, cited."""


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
    from ledger import clauses, commands

    catalogue = clauses.default()
    chosen = catalogue.in_force(commands.parse("any_date", in_force, "--in-force")) if in_force else list(catalogue)
    rows = [
        {
            "id": c.id,
            "title": c.title,
            "source": _source(c),
            "effective_from": c.effective_from,
            "effective_to": c.effective_to,
        }
        for c in chosen
    ]
    output.emit(
        settings().fmt,
        rows,
        columns=["id", "title", "effective_from", "effective_to"] if settings().fmt == "table" else None,
    )


@policy.command("show")
@click.argument("clause_id", metavar="ID")
@guarded
def show(clause_id: str) -> None:
    """One clause with its citation: the document, its number, the item and the quoted sentence.

    \b
    Examples:
      grantledger policy show qd2024-14-hnte-first
    """
    from ledger import clauses, errors

    clause = clauses.default().get(clause_id)
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
    }
    if settings().fmt == "table":
        fields = dict(fields, rule=output.as_json(_rule(clause)))
    output.emit(settings().fmt, fields)


@policy.command("quote")
@click.argument("clause_id", metavar="ID")
@click.option("--unit", required=True, help="The unit's 统一社会信用代码.")
@click.option("--grade", default=None, help="The evaluation grade, where the clause has a grade table.")
@click.option("--base", default=None, help="The base amount, for ratio clauses.")
@click.option("--date", default=None, help="The date to quote for (default today; may look ahead).")
@guarded
def quote(clause_id: str, unit: str, grade: str | None, base: str | None, date: str | None) -> None:
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
    with open_ledger() as ledger:
        q = ledger.quote(settings().actor, clause_id, unit_code, grade_value, base_value, day)
    fields = {
        "clause": clause_id,
        "max": Amount(q.max) if q.max is not None else None,
        "eligible": q.refusal is None,
        "code": q.refusal.code if q.refusal else None,
        "reasons": list(q.reasons),
    }
    if settings().fmt == "table":
        fields = dict(
            fields,
            max="不设上限 (一事一议)" if q.max is None else fields["max"],
            reasons="\n  ".join(["", *q.reasons]),
        )
    output.emit(settings().fmt, fields)
