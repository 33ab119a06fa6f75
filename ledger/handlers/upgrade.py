"""``init``'s upgrade step for the per-unit limits: awards recorded before a total or a mark was kept, carried in.

The first edition kept no lifetime total for a platform clause and no yearly mark for a clause awarded once a
year (or once in an N-year cycle); the second and third editions keep them (``ledger.caps.UnitCap``), and a
command decides from them alone. A ledger recorded before they were kept gets them here, once, from the log's
own awards (the ``Grant.Submitted`` events, then each award's ``Grant`` as it stands: a cancelled award counts
nothing, a reduced one its reduced amount): ``UnitCap.Opened`` for a total or mark not yet open, and one
``UnitCap.Carried`` per total or mark naming the awards it had not counted. Signed and recorded by the admin
who runs ``init``, in the same transaction as the rest of the upgrade. Idempotent: an award a total or mark
already names is not carried again, so a second ``init`` writes nothing.

Which awards count is what the command code counts (``handlers.applications``): under a record (``shares``)
that a platform clause keeps, an unnamed award under the record's own clause or under a platform clause
sharing it, unless a lifetime total under the record (or under its clause's own id, from before it shared
the record) names it already; under a record that a clause awarded once per year or cycle keeps, any award,
in the mark of its fiscal year.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from .. import clauses, vocabulary
from ..caps import LIFE, ONCE, UnitCap, year_group
from ..grant import AWARDED, Grant
from ..uow import UnitOfWork
from .door import authenticate

PAGE = 2000  # applications read from the log per query


def carry_earlier_awards(
    uow: UnitOfWork, catalogue: clauses.Catalogue, actor: str, on: str, records: set[str] | None = None
) -> int:
    """Open and carry what the totals and marks lack under ``catalogue`` (as it stands); returns how many of them
    changed (0: nothing to do).

    ``records``: only these records (a loaded clause that shares a record its own clauses kept no total or mark
    for: ``policy load`` carries their awards in, as the command code counted them)."""
    lifetime, yearly = kept_records(catalogue)
    if records is not None:
        lifetime = {r: c for r, c in lifetime.items() if r in records}
        yearly &= records
    if not lifetime and not yearly:
        return 0
    wanted: dict[tuple[str, str, str], tuple[int | None, dict[str, int]]] = {}  # (unit, group, period) → cap, refs
    corrected = set(originators(uow.app, "Grant.ApplicationCorrected"))  # rare: their clause may differ now

    def kept(clause: clauses.Clause | None) -> bool:
        return clause is not None and (clause.record in lifetime or clause.record in yearly)

    for originator, (ref, unit, clause_id) in applications(uow.app):
        clause = catalogue.get(clause_id)
        if originator not in corrected:
            if not kept(clause):
                continue
            if clause.record not in yearly and _counted(uow, unit, clause, ref):
                continue  # already in its lifetime total: nothing to learn from the award
        grant = _grant(uow, ref)
        if grant is None or grant.status != AWARDED or not grant.award:
            continue
        unit, clause = grant.unit, catalogue.get(grant.clause)
        if not kept(clause):
            continue
        if clause.record in lifetime and (clause.platform or clause.id == clause.record):
            if not grant.award.get("platform") and not _counted(uow, unit, clause, ref):
                cap = lifetime[clause.record].lifetime_max(grant.unit_type)
                wanted.setdefault((unit, clause.record, LIFE), (cap, {}))[1][ref] = grant.awarded
        if clause.record in yearly:
            group = year_group(clause, int(grant.award["year"]))
            mark = uow.find(UnitCap, unit, group, ONCE)
            if mark is None or ref not in mark.refs:
                wanted.setdefault((unit, group, ONCE), (None, {}))[1][ref] = grant.awarded
    if not wanted:
        return 0
    if uow.signer is None:  # what the upgrade writes is signed like any command (a first-edition ledger: begun)
        authenticate(uow, actor)
    for (unit, group, period), (cap, refs) in sorted(wanted.items()):
        total = uow.find(UnitCap, unit, group, period)
        if total is None:
            total = uow.add(UnitCap(unit=unit, group=group, period=period, cap=cap, actor=actor, on=on))
        carried = sorted(refs)
        total.carry(carried, sum(refs[r] for r in carried), actor, on)
    return len(wanted)


def kept_records(catalogue: clauses.Catalogue) -> tuple[dict[str, clauses.Clause], set[str]]:
    """The records a lifetime total is kept under (→ the clause whose lifetime max opens it: the record's own
    clause when it is a platform clause, else the first platform clause sharing it), and those with yearly marks."""
    lifetime: dict[str, clauses.Clause] = {}
    yearly: set[str] = set()
    for clause in sorted(catalogue, key=lambda c: c.id):
        if clause.platform and (clause.record not in lifetime or clause.id == clause.record):
            lifetime[clause.record] = clause
        if clause.once_every is not None:
            yearly.add(clause.record)
    return lifetime, yearly


def _counted(uow: UnitOfWork, unit: str, clause: clauses.Clause, ref: str) -> bool:
    """Whether a lifetime total of the unit names this award already (under the record, or the clause's own id)."""
    for group in {clause.record, clause.id}:
        total = uow.find(UnitCap, unit, group, LIFE)
        if total is not None and ref in total.refs:
            return True
    return False


def _grant(uow: UnitOfWork, ref: str) -> Grant | None:
    """The award as it stands, read for this step only (not kept in the unit of work: there may be many)."""
    try:
        return uow.app.load(Grant, Grant.create_id(ref))
    except AggregateNotFoundError:
        return None


def _stored(app: Any, name: str) -> Iterator[Any]:
    """Every event of type ``name`` in the log, oldest first, under any topic it was stored under."""
    topics = vocabulary.stored_topics(name)
    start = 1
    while True:
        page = app.recorder.select_notifications(start, PAGE, topics=topics)
        for notification in page:
            yield app.mapper.to_domain_event(notification)
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def applications(app: Any) -> Iterator[tuple[Any, tuple[str, str, str]]]:
    """(aggregate id, (ref, unit, clause)) of every application in the log: the log itself, not a read model."""
    for submitted in _stored(app, "Grant.Submitted"):
        yield submitted.originator_id, (submitted.ref, submitted.unit, submitted.clause)


def originators(app: Any, name: str) -> Iterator[Any]:
    for event in _stored(app, name):
        yield event.originator_id
