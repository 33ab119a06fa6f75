"""Seals on the read side: the state a seal asserts, read from the projection that keeps it current.

``fund_balances`` (the journal's totals per account, fund and fiscal year) is
folded page by page with every other projection, so the state at the
projection's position is one small indexed read, never a pass over the log;
``ledger.periods.state_hash`` says how those rows become the hash.
``checkpoint`` reads the position and the state in one snapshot (REPEATABLE
READ on PostgreSQL, a read transaction on SQLite): the projector writes both
in the same transaction, so no writer's page slips in between, and the read
takes no lock, so a login that may only read the read models can seal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ledger.chain import GENESIS
from ledger.periods import state_hash

from . import schema
from .runner import ReadModel


def balances_state(conn: Connection) -> str:
    b = schema.fund_balances.c
    return state_hash(conn.execute(select(b.account, b.fund, b.year, b.debit, b.credit)).all())


def head_at(recorder: Any, position: int) -> str:
    """The chain's hash at ``position`` (the genesis hash before the first event)."""
    if position <= 0:
        return GENESIS.hex()
    rows = recorder.select_chain(position - 1, 1)
    if not rows or rows[0].seq != position or rows[0].hash is None:
        raise LookupError(f"no hashed event at position {position}")
    return rows[0].hash.hex()


def checkpoint(read_model: ReadModel, recorder: Any) -> tuple[int, str, str]:
    """(position, head hash, state hash) of the read models as they stand, read in one snapshot."""
    with read_model.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            position = read_model._position(conn)
            state = balances_state(conn)
    return position, head_at(recorder, position), state
