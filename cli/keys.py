"""``key new`` and ``key rotate``: a person's own key pair, kept in this account's keyring."""

from __future__ import annotations

import click

from .context import guarded, settings, show, submit


@click.group()
def key() -> None:
    """Personal signing keys (Ed25519), kept in $GRANTLEDGER_KEYS (default ~/.config/grantledger/keys)."""


@key.command("new")
@guarded
def new() -> None:
    """Make a key pair for --actor in this account's keyring and print its public key.

    Give the printed public key to the admin, who binds it with
    `role grant NAME ROLE --key PUBLIC_KEY`. The private key never leaves
    the keyring; set GRANTLEDGER_PASSPHRASE to protect it with a passphrase.

    \\b
    Examples:
      grantledger --actor wang.li key new
    """
    from ledger.keys import Keyring

    s = settings()
    public = Keyring.default().create(s.actor)
    s.log.info("key made", actor=s.actor, public_key=public)
    show({"actor": s.actor, "public_key": public})


@key.command("rotate")
@guarded
def rotate() -> None:
    """Replace --actor's key with a new one, signed by the old one (which then can no longer act).

    \\b
    Examples:
      grantledger --actor wang.li key rotate
    """
    submit("key rotate")
