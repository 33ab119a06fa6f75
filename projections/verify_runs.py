"""The record of ``verify`` runs: who verified the log, when, up to which position and head, and the outcome.

verify reads the log and never writes it; what it found is kept here, one row
a run, so the web view's integrity page can say when the log was last verified
and whether it passed. A row is signed with the verifier's key (Ed25519 over
the row's fields) when this account's keyring holds it, so a forged "passed"
row can be told from a real one. The table is not part of the log nor a
projection: a login that may only read still verifies, and the run is then
simply not recorded (``record`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, String, Table, desc, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

metadata = MetaData()
verify_runs = Table(
    "verify_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("verified_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("head", String(64)),
    Column("ok", Boolean, nullable=False),
    Column("events", BigInteger, nullable=False),
    Column("signatures", BigInteger, nullable=False),
    Column("finding", String(600)),
    Column("key", String(200)),
    Column("signature", String(200)),
)
DOMAIN = b"grantledger-verify-run-v1"


@dataclass(frozen=True)
class Run:
    verified_at: str
    actor: str
    position: int
    head: str | None
    ok: bool
    events: int
    signatures: int
    finding: str | None = None

    def message(self) -> bytes:
        fields = (self.verified_at, self.actor, self.position, self.head or "", self.ok, self.events, self.signatures)
        return DOMAIN + "\x1f".join(map(str, (*fields, self.finding or ""))).encode()


def head_position(engine: Engine, head: str | None) -> int | None:
    """The log position whose stored hash is ``head`` (the last event verify checked)."""
    from sqlalchemy import text

    if not head:
        return None
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT notification_id FROM event_hashes WHERE hash = :h"), {"h": bytes.fromhex(head)}
            ).scalar()
    except (SQLAlchemyError, ValueError):
        return None
    return int(found) if found is not None else None


def run_of(actor: str, report: Any, position: int | None = None) -> Run:
    """A run from ``audit.verify``'s report; ``position`` is where its head hash stands in the log."""
    return Run(
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
        actor=actor,
        position=position if position is not None else int(report.events),
        head=report.head,
        ok=bool(report.ok),
        events=int(report.events),
        signatures=int(report.signatures or 0),
        finding=(report.findings[0][:600] if report.findings else None),
    )


def record(engine: Engine, run: Run, signer: Any | None) -> str | None:
    """Keep the run; ``None`` when kept, else why not (the verify itself stands either way)."""
    import base64

    row = dict(run.__dict__)
    if signer is not None:
        row["key"], row["signature"] = signer.public, base64.b64encode(signer.sign(run.message())).decode()
    try:
        with engine.begin() as conn:
            conn.execute(insert(verify_runs).values(**row))
    except SQLAlchemyError as exc:
        return f"本次校验结果未记录 (数据库不允许写入 verify_runs: {type(exc.orig or exc).__name__}); 校验本身不受影响"
    return None


def last(conn: Connection) -> dict | None:
    """The latest run, with whether its signature holds; ``None`` when none is recorded (or no such table)."""
    from sqlalchemy import inspect

    if not inspect(conn).has_table("verify_runs"):  # a database from before migration 0060
        return None
    row = conn.execute(select(verify_runs).order_by(desc(verify_runs.c.id)).limit(1)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["signed"] = signed(found)
    return found


def signed(row: dict) -> bool:
    import base64

    from ledger import keys

    if not row.get("key") or not row.get("signature"):
        return False
    run = Run(**{k: row[k] for k in Run.__dataclass_fields__})
    try:
        return keys.verify(row["key"], base64.b64decode(row["signature"]), run.message())
    except ValueError:  # a key or signature that is not even well formed
        return False


def signer_for(app: Any, actor: str) -> Any | None:
    """The verifier's signer when this account's keyring holds the key bound to them, else ``None``."""
    from eventsourcing.application import AggregateNotFoundError

    from ledger.actors import Actor
    from ledger.signing import Signer

    try:
        person = app.load(Actor, Actor.create_id(actor))
    except AggregateNotFoundError:
        return None
    private = app.keyring.private(actor, person.key) if person.key else None
    return Signer(actor, person.key, private) if private is not None else None
