"""Seals on the read side: the state a seal asserts, read from the projection that keeps it current.

``fund_balances`` (the journal's totals per account, fund and fiscal year) is
folded page by page with every other projection, so the state at the
projection's position is one small indexed read, never a pass over the log;
``ledger.periods.state_hash`` says how those rows become the hash.
``checkpoint`` reads the position and the state in one snapshot (REPEATABLE
READ on PostgreSQL, a read transaction on SQLite): the projector writes both
in the same transaction, so no writer's page slips in between, and the read
takes no lock, so a login that may only read the read models can seal.

``authority`` says whether a seal is its signer's: signed by the key the log had bound, at that point, to the
person it names, who then held a role that may seal (``Holders`` is that point, folded by verify's signature
check). Seal files kept outside the database are ``projections.witness``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from ledger import keys
from ledger.actors import may
from ledger.chain import GENESIS
from ledger.periods import seal_payload, state_hash
from ledger.signing import verify_payload

from . import schema
from .runner import ReadModel


def balances_state(conn: Connection) -> str:
    b = schema.fund_balances.c
    return state_hash(conn.execute(select(b.account, b.fund, b.year, b.debit, b.credit)).all())


def read_side(conn: Connection) -> tuple[list[tuple], list[tuple]]:
    """``fund_balances`` and ``origins`` as they stand (read in the caller's transaction): a verify snapshot's
    read side (``projections.incremental``)."""
    b, o = schema.fund_balances.c, schema.origins.c
    balances = [tuple(r) for r in conn.execute(select(b.account, b.fund, b.year, b.debit, b.credit))]
    origins = [
        (bytes(r[0]), *r[1:])
        for r in conn.execute(select(o.originator_id, o.kind, o.key, o.unit, o.clause, o.fund, o.year))
    ]
    return balances, origins


def head_at(recorder: Any, position: int) -> str:
    """The chain's hash at ``position`` (the genesis hash before the first event)."""
    if position <= 0:
        return GENESIS.hex()
    rows = recorder.select_chain(position - 1, 1)
    if not rows or rows[0].seq != position or rows[0].hash is None:
        raise LookupError(f"日志第 {position} 条没有带哈希的事件")
    return rows[0].hash.hex()


def checkpoint(read_model: ReadModel, recorder: Any, rows: list | None = None) -> tuple[int, str, str]:
    """(position, head hash, state hash) of the read models as they stand, read in one snapshot; ``rows``, when
    given, receives ``fund_balances`` and ``origins`` from the same snapshot (a verify snapshot's read side)."""
    with read_model.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            position = read_model._position(conn)
            state = balances_state(conn)
            if rows is not None:
                rows.extend(read_side(conn))
    return position, head_at(recorder, position), state


# -- whose seal: the signer's key and roles where it was sealed ---------------------------


@dataclass(frozen=True)
class Holders:
    """Who held what at one point of the log, folded from the log itself by verify's signature check:
    the key bound to each person, each person's roles, and whether signatures had begun there."""

    bound: dict[str, str] = field(default_factory=dict)
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    signing: bool = False


def seal_signed(seal: dict) -> bool:
    """Whether a seal's signature is made with its ``key`` over its position, head and state in its signer's name
    (``ledger.periods``). It says nothing about whose key that is: ``authority`` asks the log."""
    payload = seal_payload(seal["position"], seal["head"], seal["state"], seal.get("snapshot"))
    return verify_payload(
        seal.get("signed_by") or "", payload, {"key": seal.get("key") or "", "signature": seal.get("signature") or ""}
    )


def authority(seal: dict, at: Holders) -> str | None:
    """Why ``seal`` proves nothing about its signer (None when it does): it must be signed, by the key the log had
    bound to the person it names at that point, and that person must then have held a role that may seal."""
    person, key, position = seal.get("signed_by") or "?", seal.get("key") or "", seal["position"]
    if not seal.get("signature"):
        if not at.signing and not at.bound:
            return None  # unsigned history: nobody held a key yet
        return f"没有签名: 第 {position} 条时签名早已开始, 封存须由 {person} 用其绑定的钥匙签名"
    if not seal_signed(seal):
        return (
            f"签名与内容不符: 不是钥匙 {_fingerprint(key)} 以 {person} 名义对位置、链头和余额哈希的签名 (被改动或伪造)"
        )
    held = at.bound.get(person)
    if held != key:
        bound_to = f"当时绑定给 {person} 的钥匙是 {_fingerprint(held)}" if held else f"当时 {person} 没有绑定钥匙"
        owner = next((p for p, k in at.bound.items() if k == key), None)
        if owner is not None:
            return f"署名 {person}, 却是用 {owner} 的钥匙 {_fingerprint(key)} 签的 ({bound_to}): 伪造的封存"
        return (
            f"署名 {person}, 签名的钥匙 {_fingerprint(key)} 在日志第 {position} 条时不属于任何人"
            f" ({bound_to}): 伪造的封存"
        )
    roles = sorted(at.roles.get(person, ()))
    if not may(roles, "seal"):
        had = "、".join(roles) or "无"
        return f"署名 {person}, 但 {person} 在日志第 {position} 条时无权封存 (须审计或管理员角色; 当时的角色: {had})"
    return None


def _fingerprint(key: str | None) -> str:
    try:
        return keys.fingerprint(key) if key else "无"
    except Exception:  # a forged file's key need not even be a key
        return repr(key)[:40]
