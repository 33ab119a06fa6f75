"""Who acts: the door every writing command passes.

``authenticate`` is the door: the acting person must have a key bound in the
ledger and this account's keyring must hold its private half; otherwise
``FORBIDDEN`` (naming a person is not being that person). The key found is
the unit of work's signer: ``UnitOfWork.commit`` signs what the command wrote.
It imports no command family: a payment loads the keys family's commands only when it binds or rotates a key
(``handlers.keys``; issue 26).
"""

from __future__ import annotations

from .. import errors, keys
from ..actors import Actor
from ..errors import LedgerError
from ..signing import Signer
from ..uow import UnitOfWork


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
