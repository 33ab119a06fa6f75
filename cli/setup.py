"""``init`` and ``role grant``."""

from __future__ import annotations

import click

from . import output
from .context import door, guarded, open_ledger, settings, show, submit


@click.command()
@click.option(
    "--group",
    default=None,
    metavar="GROUP",
    help="SQLite: share the file with this Unix group (file and folder group-writable, folder setgid).",
)
@guarded
def init(group: str | None) -> None:
    """Create the database, or upgrade it to the latest schema.

    The first person to run init becomes the ledger's admin. Running it
    again is safe: it only applies migrations that are missing (admin only).
    Run it after installing a new version: awards an older version recorded
    are carried into the lifetime totals and yearly marks it did not keep, once.

    \b
    Examples:
      grantledger init
      grantledger --db postgresql+psycopg://ledger@db.example/ledger init
      grantledger --db 'postgresql+psycopg:///ledger?host=/var/run/postgresql' init
      grantledger --db sqlite:///srv/kjj/ledger.db init --group kjj
    """
    s = settings()
    if group is not None:
        _check_group(group)
    with open_ledger(create_tables=True) as ledger:
        result = ledger.init(s.actor)
        if group is not None:
            result.fields["group"] = _share(ledger, group)
    s.log.info("init", actor=s.actor, result=result.fields)
    show(result.fields, result.changed)


def _check_group(group: str) -> None:
    import grp

    from ledger.errors import invalid

    try:
        grp.getgrnam(group)
    except KeyError:
        raise invalid(f"--group {group!r}: 本机没有这个用户组 (先由管理员 groupadd, 再把各账号加入)") from None


def _share(ledger: object, group: str) -> str:
    """``init --group``: the SQLite file, its side files and folder belong to ``group``, group-writable."""
    from ledger.errors import invalid, os_words
    from ledger.sqlite_share import share_with_group

    store = ledger.app.store  # type: ignore[attr-defined]
    if store.engine != "sqlite":
        raise invalid("--group 只适用于 SQLite 文件; PostgreSQL 请按 README 给每个人的数据库登录授权")
    try:
        folder = share_with_group(store.sqlite_file, group)
    except KeyError:
        raise invalid(f"--group {group!r}: 本机没有这个用户组 (先由管理员 groupadd, 再把各账号加入)") from None
    except OSError as error:
        raise invalid(
            f"--group {group!r}: 无法把 {store.sqlite_file} 及其文件夹交给该组 ({os_words(error)}); "
            "需要是文件的属主且属于该组"
        ) from None
    return f"{group} ({folder})"


@click.group()
def role() -> None:
    """Roles: admin, clerk (经办), reviewer (评审), approver (审批), auditor (审计)."""


@role.command("grant")
@click.argument("actor")
@click.argument("role_name", metavar="ROLE")
@click.option("--key", "public_key", default=None, metavar="PUBLIC_KEY", help="ACTOR's public key (from key new).")
@guarded
def grant(actor: str, role_name: str, public_key: str | None) -> None:
    """Give ACTOR a ROLE (admin only) and bind ACTOR's key. Grants are events; they show in history.

    With --key (the production way) ACTOR made the key on their own account
    with `key new` and keeps the private half (custody: enrolled). Without it
    the ledger makes ACTOR's key in this account's keyring (custody: issued):
    fine for a trial or one person at one terminal.

    \b
    Examples:
      grantledger role grant wang.li clerk --key ed25519:3q2+7w…
      grantledger role grant zhao.min approver
      grantledger role grant audit.office auditor
    """
    submit("role grant", actor=actor, role=role_name, key=public_key)


@role.command("revoke")
@click.argument("actor")
@click.argument("role_name", metavar="ROLE")
@guarded
def revoke(actor: str, role_name: str) -> None:
    """Take a ROLE away from ACTOR (admin only); a person with no role left can no longer act.

    \b
    Examples:
      grantledger role revoke wang.li clerk
    """
    submit("role revoke", actor=actor, role=role_name)


@role.command("list")
@guarded
def list_() -> None:
    """Every person, their roles, and their key: fingerprint, custody (enrolled/issued), since.

    \b
    Examples:
      grantledger role list
    """
    from app import reads

    s = settings()
    rows = reads.people(door())
    from presentation.labels import shown as label

    shown = rows if s.fmt == "json" else [dict(r, roles="、".join(label("roles", r["roles"]))) for r in rows]
    output.emit(s.fmt, shown, columns=["actor", "roles", "key", "custody", "since"])
