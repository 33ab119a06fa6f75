"""One read-permission rule (issue 28): the full path (``ledger.actors.may``, the facade's ``allow``) and the fast
read path (``projections.fastread.has_role``) both ask ``ledger.values.may_read``."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ledger import actors, values
from ledger.ids import key_id
from projections import fastread


def _ledger_with(roles: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state TEXT)")
    events = [("Registered", {"name": "ann", "actor": "admin", "on": "2024-01-01"})]
    events += [("RoleGranted", {"role": r, "actor": "admin", "on": "2024-01-01"}) for r in roles]
    for version, (kind, data) in enumerate(events, 1):
        conn.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (key_id("actor", "ann").hex, version, f"{fastread.ACTOR_TOPIC}{kind}", json.dumps(data)),
        )
    return conn


@pytest.mark.parametrize("roles", [[], ["clerk"], ["auditor"], ["admin"], ["reviewer", "approver"]])
def test_both_paths_let_the_same_people_read(roles):
    reader = fastread.Reader(_ledger_with(roles), pg=False)
    assert actors.may(roles, "report") == values.may_read(roles) == fastread.has_role(reader, "ann")


def test_both_paths_follow_the_one_rule(monkeypatch):
    monkeypatch.setattr(actors, "may_read", lambda roles: False)
    monkeypatch.setattr(fastread, "may_read", lambda roles: False)
    assert not actors.may(["reviewer"], "report")  # the auditor's own permissions name the reads as well
    assert not fastread.has_role(fastread.Reader(_ledger_with(["reviewer"]), pg=False), "ann")
    with pytest.raises(values.LedgerError):
        actors.check_may("ann", ["clerk"], "history")
