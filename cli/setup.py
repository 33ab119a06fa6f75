"""``init`` and ``role grant``."""

from __future__ import annotations

import click

from .context import guarded, open_ledger, settings, show, submit


@click.command()
@guarded
def init() -> None:
    """Create the database, or upgrade it to the latest schema.

    The first person to run init becomes the ledger's admin. Running it
    again is safe: it only applies migrations that are missing (admin only).

    \b
    Examples:
      grantledger init
      grantledger --db postgresql+psycopg://ledger:secret@db.example/ledger init
    """
    s = settings()
    with open_ledger(create_tables=True) as ledger:
        result = ledger.init(s.actor)
    s.log.info("init", actor=s.actor, result=result.fields)
    show(result.fields, result.changed)


@click.group()
def role() -> None:
    """Roles: admin, clerk (经办), reviewer (评审), approver (审批), auditor (审计)."""


@role.command("grant")
@click.argument("actor")
@click.argument("role_name", metavar="ROLE")
@guarded
def grant(actor: str, role_name: str) -> None:
    """Give ACTOR a ROLE (admin only). Grants are events; they show in history.

    \b
    Examples:
      grantledger role grant wang.li clerk
      grantledger role grant zhao.min approver
      grantledger role grant audit.office auditor
    """
    submit("role grant", actor=actor, role=role_name)
