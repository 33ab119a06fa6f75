"""The record of ``verify`` runs: who verified the log, when, up to which position and head, and the outcome.

verify reads the log and never writes it; what it found is kept here, one row
a run, so the web view's integrity page can say when the log was last verified
and whether it passed. A row is signed with the verifier's key (Ed25519 over
the row's fields) when this account's keyring holds it, so a forged "passed"
row can be told from a real one. The table is not part of the log nor a
projection: a login that may only read still verifies, and the run is then
simply not recorded (``record`` says why).

A run says what it covered (``scope``, migration 0140): a full verify (``full``, with or without
``--checkpoint``/``--witness``), or an incremental one that trusted a seal and folded only what followed it —
from the latest seal in the log (``seal``, ``--since-seal``) or from a seal file the auditor kept
(``checkpoint``, ``--from-checkpoint``) — with the sealed position it started from (``since``). A "passed"
from an incremental run does not prove what a full one proves, so the integrity page says which it was
(``scope_words``); both fields are signed with the rest (``DOMAIN_SCOPED``). A row from before the migration
has neither, and its signature is checked as it was made (``DOMAIN``).
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
    Column("scope", String(16)),  # full / seal / checkpoint (migration 0140; NULL: recorded before it)
    Column("since", BigInteger),  # an incremental run's sealed starting position
)
DOMAIN = b"grantledger-verify-run-v1"  # a row without a scope (recorded before migration 0140)
DOMAIN_SCOPED = b"grantledger-verify-run-v2"
SCOPES = ("full", "seal", "checkpoint")


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
    scope: str | None = None  # one of SCOPES; None only in a row recorded before migration 0140
    since: int | None = None

    def message(self) -> bytes:
        """The signed bytes: the scope and starting position too, so an incremental run cannot pass as a full one."""
        fields = (self.verified_at, self.actor, self.position, self.head or "", self.ok, self.events, self.signatures)
        if self.scope is None:
            return DOMAIN + "\x1f".join(map(str, (*fields, self.finding or ""))).encode()
        scoped = (*fields, self.finding or "", self.scope, "" if self.since is None else self.since)
        return DOMAIN_SCOPED + "\x1f".join(map(str, scoped)).encode()


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


def run_of(actor: str, report: Any, position: int | None = None, scope: str = "full") -> Run:
    """A run from ``audit.verify``'s report; ``position`` is where its head hash stands in the log, ``scope``
    what it covered (``SCOPES``; an incremental run's starting position is the report's ``since``)."""
    if scope not in SCOPES:
        raise ValueError(f"verify run scope {scope!r}")
    return Run(
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
        actor=actor,
        position=position if position is not None else int(report.events),
        head=report.head,
        ok=bool(report.ok),
        events=int(report.events),
        signatures=int(report.signatures or 0),
        finding=(report.findings[0][:600] if report.findings else None),
        scope=scope,
        since=None if scope == "full" else report.since,
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

    found = inspect(conn)
    if not found.has_table("verify_runs"):  # a database from before migration 0060
        return None
    there = {c["name"] for c in found.get_columns("verify_runs")}  # before 0140: no scope, no since
    columns = [c for c in verify_runs.c if c.name in there]
    row = conn.execute(select(*columns).order_by(desc(verify_runs.c.id)).limit(1)).first()
    if row is None:
        return None
    run = {"scope": None, "since": None, **row._mapping}
    run["signed"] = signed(run)
    run["scope_words"] = scope_words(run)
    return run


def scope_words(run: dict) -> str:
    """What a recorded run covered, in words a clerk reads on the integrity page."""
    since = run.get("since")
    if run.get("scope") == "full":
        return "完整校验 (从第 1 条事件起)"
    if run.get("scope") == "seal":
        return f"增量校验 (自日志中的封存, 第 {since} 条之后; 封存之前由封存担保)"
    if run.get("scope") == "checkpoint":
        return f"增量校验 (自审计人员留存的封存文件, 第 {since} 条之后; 封存之前由封存担保)"
    return "校验范围未记录 (升级前的记录)"


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
