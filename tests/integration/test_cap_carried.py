"""``UnitCap.Carried``: a platform total opened on a first-edition ledger (by ``init``) carries the awards made
before it.

The aggregate adds the carried amount to what the unit has used; the caps read model and verify's invariant
fold (``projections.invariants``) skipped the event (issue 28), so the read model's lifetime row said less
than the aggregate and verify could not see a lifetime total broken by what was carried.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.facade import Ledger
from ledger import clauses, rules
from ledger.caps import LIFE, UnitCap
from ledger.service import UnitOfWork
from projections import schema
from tests.helpers import UNIVERSITY, World
from tests.integration.test_policy_load import FIRST_EDITION

LAB = "qd2024-05-national-key-lab-lead"  # a platform clause (lifetime max 1000万) the first edition did not track


@pytest.fixture
def carried(db_url, monkeypatch) -> Ledger:
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        ledger.app.catalogue = clauses.load(FIRST_EDITION)
        monkeypatch.setattr(rules, "check_region", lambda clause, region: None)
        World.build(ledger).awarded("L1", LAB, "300万", unit=UNIVERSITY)
    monkeypatch.undo()
    with Ledger(db_url) as ledger:  # the second edition: init opens the lifetime total, carrying L1; L2 adds to it
        assert ledger.init("admin").fields["limits_carried"] == 1
        World(ledger).awarded("L2", LAB, "200万", unit=UNIVERSITY, date="2024-10-01")
        yield ledger


def caps_row(ledger: Ledger) -> dict:
    c = schema.caps.c
    with ledger.engine.connect() as conn:
        row = conn.execute(select(schema.caps).where(c.unit == UNIVERSITY, c.cap_group == LAB, c.year == LIFE)).one()
    return dict(row._mapping)


def test_the_caps_read_model_counts_what_was_carried_as_the_aggregate_does(carried):
    life = UnitOfWork(carried.app).find(UnitCap, UNIVERSITY, LAB, LIFE)
    assert life is not None and life.refs == ["L1", "L2"] and life.used == 5_000_000_00
    row = caps_row(carried)
    assert (row["cap"], row["used"], row["awards"]) == (10_000_000_00, life.used, 2)
    carried.replay("admin")
    assert caps_row(carried) == row
    report = carried.verify("admin")
    assert report.ok, report.findings
