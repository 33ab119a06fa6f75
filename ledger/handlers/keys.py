"""Who acts: the door every writing command passes, and the commands that bind, rotate and revoke.

``authenticate`` is the door: the acting person must have a key bound in the
ledger and this account's keyring must hold its private half; otherwise
``FORBIDDEN`` (naming a person is not being that person). The key found is
the unit of work's signer: ``UnitOfWork.commit`` signs what the command wrote.

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

ROTATE_DOMAIN = b"grantledger-rotate-v1"


def authenticate(uow: UnitOfWork, actor: str) -> Signer:
    """The signer for ``actor``: their bound key, which this account's keyring must hold."""
    signer = uow.signer
    person = uow.find(Actor, actor)
    bound = person.key if person is not None else None
    if signer is not None and signer.actor == actor and signer.public == bound:
        return signer
    keyring = uow.app.keyring
    if bound is None:
        raise LedgerError(
            errors.FORBIDDEN,
            f"{actor} 在账本中没有绑定签名钥匙, 不能操作; 请管理员运行 role grant {actor} ROLE [--key 公钥] 为其绑定",
        )
    private = keyring.private(actor, bound)
    if private is None:
        raise LedgerError(errors.FORBIDDEN, missing_key_message(person, keyring.path))
    uow.signer = Signer(actor, bound, private)
    return uow.signer


def missing_key_message(person: Actor, keyring: object) -> str:
    """Why this account cannot sign for ``person``, and what to do: the words a real person reads."""
    name, fp = person.name, keys.fingerprint(person.key or "")
    role = person.roles[0] if person.roles else "角色"
    enrol = (
        f"{name} 在自己的账户上运行 grantledger key new, 把显示的公钥交给管理员; "
        f"管理员运行 grantledger role grant {name} {role} --key 公钥, 绑定后 {name} 即可在自己的账户上操作"
    )
    if person.custody == "issued":
        return (
            f"{name} 的签名钥匙 ({fp}) 是管理员授予角色时代为生成的 (代管), 私钥保存在授予角色的那个账户的钥匙串里, "
            f"不在本账户 ({keyring}); 请管理员为 {name} 登记本人的钥匙: {enrol}"
        )
    return (
        f"本账户的钥匙串 ({keyring}) 里没有 {name} 已登记钥匙 ({fp}) 的私钥; 请在 {name} 登记钥匙的账户上操作, "
        f"或设置 GRANTLEDGER_KEYS 指向那个钥匙串; 钥匙遗失时请管理员重新登记: {enrol}"
    )


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
