"""People, roles, keys and seals, re-decided: who may grant a role, bind or rotate a key, or seal the log.

The rules, as the ledger's commands keep them (written here again, not called):
- the ledger is initialised once; the initialiser registers himself, becomes admin and binds his own key in
  that same command (the only time one grants oneself anything);
- registering a person, granting or revoking a role and binding a key are an admin's acts;
- a key belongs to one person only;
- a person rotates only his own key, while he holds a role, from the key bound to him then, with a proof the
  old key signed over the new one;
- a seal is an auditor's (or admin's) act, in his own name, signed with the key bound to him at that point.
"""

from __future__ import annotations

import base64
import binascii

from ledger import keys
from ledger.periods import seal_payload
from ledger.signing import verify_payload

from .act import ADMIN, ROLE_WORDS, Act

# The bytes a rotation's proof covers (``ledger.handlers.keys``: the old key signs this prefix + the new key).
ROTATE_DOMAIN = b"grantledger-rotate-v1"
BOOTSTRAP = {
    "Actor.Registered",
    "Actor.RoleGranted",
    "Actor.KeyBound",
    "KeyBinding.Claimed",
    "Installation.SigningBegan",
}

FIELDS = {
    "Installation.Initialised": {"admin": str},
    "Installation.SigningBegan": {"key": str},
    "Actor.Registered": {"name": str},
    "Actor.RoleGranted": {"role": str},
    "Actor.RoleRevoked": {"role": str},
    "Actor.KeyBound": {"key": str},
    "Actor.KeyRotated": {"key": str, "previous": (str, type(None)), "proof": str},
    "KeyBinding.Claimed": {"fingerprint": str, "holder": str},
    "Seal.Written": {"position": int, "head": str, "state": str, "signed_by": str},
}


def bootstrapping(a: Act) -> bool:
    """Inside the initialising command, by the initialiser: his own registration, admin role and first key."""
    return a.state.bootstrap == a.who and a.name in BOOTSTRAP


def initialised(a: Act) -> None:
    if a.state.installed:
        a.fail("账本只能初始化一次", f"{a.who} 再次写入初始化事件 (管理员 {a.data['admin']})")
        return
    a.state.installed = True
    a.state.bootstrap = a.who


def signing_began(a: Act) -> None:
    if not bootstrapping(a):
        a.needs(set(), "启用签名")


def registered(a: Act) -> None:
    a.state.actor_ids[a.originator] = a.data["name"]
    a.state.person(a.data["name"])
    if not bootstrapping(a):
        a.needs(set(), f"登记人员 {a.data['name']}")


def _subject(a: Act) -> str:
    return a.state.actor_ids.get(a.originator, "?")


def role_granted(a: Act) -> None:
    person, role = _subject(a), a.data["role"]
    own_bootstrap = bootstrapping(a) and person == a.who and role == ADMIN
    if role not in ROLE_WORDS:
        a.fail("角色须是规定的角色之一", f"授予 {person} 的角色 {role!r} 不存在")
    elif not own_bootstrap and ADMIN not in a.person.roles:
        self_grant = "给自己" if person == a.who else f"给 {person}"
        a.fail(
            "授予角色须由管理员 (admin) 办理",
            f"签名人 {a.who} ({a.roles_words()}) {self_grant}授予{ROLE_WORDS[role]} ({role}) 角色",
        )
    a.state.person(person).roles.add(role)
    a.state.person(person).revoked.pop(role, None)


def role_revoked(a: Act) -> None:
    person, role = _subject(a), a.data["role"]
    if ADMIN not in a.person.roles:
        a.fail("撤销角色须由管理员 (admin) 办理", f"签名人 {a.who} ({a.roles_words()}) 撤销 {person} 的 {role} 角色")
    target = a.state.person(person)
    target.roles.discard(role)
    target.revoked[role] = a.seq


def _claim_ok(a: Act, public: str, holder: str) -> bool:
    fp = keys.fingerprint(public)
    owner = a.state.claims.get(fp)
    if owner is not None and owner != holder:
        a.fail("一把钥匙只属于一个人", f"钥匙 {fp} 已绑定给 {owner}, 又绑定给 {holder}")
        return False
    return True


def key_bound(a: Act) -> None:
    person, public = _subject(a), a.data["key"]
    if not bootstrapping(a) and ADMIN not in a.person.roles:
        a.fail(
            "绑定签名钥匙须由管理员 (admin) 办理",
            f"签名人 {a.who} ({a.roles_words()}) 把 {person} 的签名钥匙换成 {keys.fingerprint(public)}",
        )
    _claim_ok(a, public, person)
    _bind(a, person, public)


def _bind(a: Act, person: str, public: str) -> None:
    p = a.state.person(person)
    p.key = public
    p.keys.add(public)
    a.state.claims.setdefault(keys.fingerprint(public), person)


def claimed(a: Act) -> None:
    fp, holder = a.data["fingerprint"], a.data["holder"]
    owner = a.state.claims.get(fp)
    if owner is not None and owner != holder:
        a.fail("一把钥匙只属于一个人", f"钥匙 {fp} 已属于 {owner}, 又登记给 {holder}")
    elif not bootstrapping(a) and holder != a.who and ADMIN not in a.person.roles:
        a.fail("登记钥匙归属须由管理员或本人办理", f"签名人 {a.who} ({a.roles_words()}) 把钥匙 {fp} 登记给 {holder}")
    a.state.claims.setdefault(fp, holder)


def key_rotated(a: Act) -> None:
    person, public, previous = _subject(a), a.data["key"], a.data["previous"]
    holder = a.state.person(person)
    if person != a.who:
        a.fail("只能更换本人的签名钥匙", f"签名人 {a.who} 更换了 {person} 的钥匙 (换为 {keys.fingerprint(public)})")
    elif not holder.roles:
        new = keys.fingerprint(public)
        a.fail("没有角色的人员不能更换钥匙", f"{person} 当时没有任何角色 (已被撤销), 仍把钥匙换为 {new}")
    elif previous != holder.key:
        shown = keys.fingerprint(previous) if previous else "无"
        bound = keys.fingerprint(holder.key) if holder.key else "无"
        a.fail("更换钥匙须从当时绑定的钥匙换起", f"{person} 当时绑定的钥匙是 {bound}, 事件声称原钥匙为 {shown}")
    elif not _proof_ok(previous, public, a.data["proof"]):
        a.fail(
            "更换钥匙须有原钥匙签署的证明",
            f"{person} 的新钥匙 {keys.fingerprint(public)} 的证明不是原钥匙 {keys.fingerprint(previous)} 签署的",
        )
    _claim_ok(a, public, person)
    _bind(a, person, public)


def _proof_ok(previous: str | None, public: str, proof: str) -> bool:
    try:
        signature = base64.b64decode(proof, validate=True)
    except (binascii.Error, ValueError):
        return False
    return previous is not None and keys.verify(previous, signature, ROTATE_DOMAIN + public.encode())


def seal_written(a: Act) -> None:
    d = a.data
    signed_by, public = d["signed_by"], d.get("key")
    bound = a.state.person(signed_by).key
    if a.key is not None and (not isinstance(public, str) or public != bound):
        shown = keys.fingerprint(public) if isinstance(public, str) and public else "无"
        a.fail(
            "封存须用签名人当时绑定的钥匙签署",
            f"位置 {d['position']} 的封存声称由 {signed_by} 用钥匙 {shown} 签署, "
            f"而 {signed_by} 当时绑定的钥匙是 {keys.fingerprint(bound) if bound else '无'}",
        )
    elif isinstance(public, str) and not _seal_signed(d, signed_by, public):
        a.fail("封存的签名须与其内容相符", f"位置 {d['position']} 的封存签名不是 {signed_by} 对其内容的签名")
    if signed_by != a.who:
        a.fail("封存须以签名人本人名义", f"封存写明由 {signed_by} 签署, 而写入它的是 {a.who}")
    a.needs({"auditor"}, "封存")


def _seal_signed(d: dict, signed_by: str, public: str) -> bool:
    signature = d.get("signature")
    if not isinstance(signature, str):
        return False
    payload = seal_payload(d["position"], d["head"], d["state"], d.get("snapshot"))
    return verify_payload(signed_by, payload, {"key": public, "signature": signature})


RULES = {
    "Installation.Initialised": initialised,
    "Installation.SigningBegan": signing_began,
    "Actor.Registered": registered,
    "Actor.RoleGranted": role_granted,
    "Actor.RoleRevoked": role_revoked,
    "Actor.KeyBound": key_bound,
    "Actor.KeyRotated": key_rotated,
    "KeyBinding.Claimed": claimed,
    "Seal.Written": seal_written,
}
