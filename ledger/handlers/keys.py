"""The commands that bind, rotate and revoke keys (the door every writing command passes, ``authenticate``, is
``handlers.door``, so a command of another family does not import this one).

Key bindings, rotations and revocations are events of the ``Actor``
aggregate, signed like any other command. A public key belongs to one person
only (``KeyBinding``), so two names never share a key.
"""

from __future__ import annotations

import base64

from .. import commands as c
from .. import dates, errors, keys
from ..actors import Actor, Installation, KeyBinding
from ..errors import LedgerError
from ..signing import Signer
from ..uow import Result, UnitOfWork
from . import handles
from .door import authenticate

ROTATE_DOMAIN = b"grantledger-rotate-v1"


def claim(uow: UnitOfWork, public: str, holder: str, actor: str, on: str) -> None:
    """Record that ``public`` is ``holder``'s; a key already bound to someone else is refused."""
    fp = keys.fingerprint(public)
    binding = uow.find(KeyBinding, fp)
    if binding is None:
        uow.add(KeyBinding(fingerprint=fp, holder=holder, actor=actor, on=on))
    elif binding.holder != holder:
        raise LedgerError(
            errors.SAME_ACTOR,
            f"钥匙 {fp} 已绑定给 {binding.holder}, 不能再绑定给 {holder}: 一把钥匙只属于一个人",
        )


def begin_signing(uow: UnitOfWork, installation: Installation, person: Actor, actor: str, on: str) -> None:
    """The first admin's key (made here unless the keyring already holds one): signing starts with this command."""
    keyring = uow.app.keyring
    public = keyring.newest(actor) or keyring.create(actor)
    claim(uow, public, actor, actor, on)
    person.bind_key(public, custody="enrolled", held_by=keys.account(), actor=actor, on=on)
    installation.begin_signing(public, actor=actor, on=on)
    private = keyring.private(actor, public)
    assert private is not None
    uow.signer = Signer(actor, public, private)


@handles(c.RoleGrant)
def _role_grant(uow: UnitOfWork, cmd: c.RoleGrant, actor: str) -> Result:
    on = dates.today()
    person = uow.find(Actor, cmd.actor) or uow.add(Actor(name=cmd.actor, actor=actor, on=on))
    changed = person.grant(cmd.role, actor=actor, on=on)
    if cmd.key is not None and cmd.key != person.key:
        claim(uow, cmd.key, cmd.actor, actor, on)
        person.bind_key(cmd.key, custody="enrolled", held_by=cmd.actor, actor=actor, on=on)
        changed = True
    elif cmd.key is None and person.key is None:
        # No key given: the ledger issues one into the granting account's keyring (a trial, one terminal).
        keyring = uow.app.keyring
        public = next((k for k in keyring.publics(cmd.actor) if _free(uow, k, cmd.actor)), None)
        public = public or keyring.create(cmd.actor)
        claim(uow, public, cmd.actor, actor, on)
        person.bind_key(public, custody="issued", held_by=keys.account(), actor=actor, on=on)
        changed = True
    return Result(
        {
            "actor": cmd.actor,
            "role": cmd.role,
            "roles": list(person.roles),
            "key": keys.fingerprint(person.key) if person.key else None,
            "custody": person.custody,
        },
        changed=changed,
    )


def _free(uow: UnitOfWork, public: str, holder: str) -> bool:
    binding = uow.find(KeyBinding, keys.fingerprint(public))
    return binding is None or binding.holder == holder


@handles(c.RoleRevoke)
def _role_revoke(uow: UnitOfWork, cmd: c.RoleRevoke, actor: str) -> Result:
    person = uow.require(Actor, cmd.actor, what=f"{cmd.actor} 不是本账本的人员")
    changed = person.revoke(cmd.role, actor=actor, on=dates.today())
    return Result({"actor": cmd.actor, "role": cmd.role, "roles": list(person.roles)}, changed=changed)


@handles(c.KeyRotate)
def _key_rotate(uow: UnitOfWork, cmd: c.KeyRotate, actor: str) -> Result:
    """A new key for the acting person, made in this keyring and vouched for by the old one (which signs it)."""
    old = authenticate(uow, actor)
    person = uow.require(Actor, actor, what=f"{actor} 不是本账本的人员")
    on = dates.today()
    public = uow.app.keyring.create(actor)
    claim(uow, public, actor, actor, on)
    proof = base64.b64encode(old.sign(ROTATE_DOMAIN + public.encode())).decode()
    person.rotate_key(public, proof, actor=actor, on=on)
    return Result(
        {
            "actor": actor,
            "public_key": public,
            "key": keys.fingerprint(public),
            "previous": keys.fingerprint(old.public),
        }
    )
