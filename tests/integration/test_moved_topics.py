"""A ledger written before an aggregate class moved module still loads, replays and verifies (issue 28).

No aggregate has moved yet, so the move is simulated: the events of ``Grant`` are written under the topic they
would carry had the class lived in ``ledger.grants`` (hashed and signed as written, like any stored event),
then read by the code as it is, with that old topic in ``vocabulary.MOVED``.
"""

from __future__ import annotations

import sqlite3

import pytest
from eventsourcing import utils
from eventsourcing.persistence import PersistenceError
from eventsourcing.utils import TopicError, resolve_topic

from app.facade import Ledger
from ledger import service, vocabulary
from ledger.grant import Grant
from tests.helpers import World, run
from tests.integration.test_batch_pipeline import read_models

OLD = "ledger.grants:Grant"  # where the class "was"
NEW = "ledger.grant:Grant"


def _written_under_the_old_topic(monkeypatch) -> None:
    """From here on, until undone, ``Grant`` and its events are stored under ``ledger.grants`` and read from it
    (as the code did while the class lived there)."""
    classes = [Grant, *(resolve_topic(e.topic) for e in vocabulary.EVENTS if e.aggregate == "Grant")]
    for cls in classes:
        monkeypatch.setitem(utils._type_cache, cls, f"ledger.grants:{cls.__qualname__}")
    utils.register_topic(OLD, Grant)


def _forget_the_old_topic() -> None:
    for topic in [t for t in utils._topic_cache if t.startswith("ledger.grants")]:
        del utils._topic_cache[topic]


@pytest.fixture
def old_ledger(sqlite_url, monkeypatch):
    with Ledger(sqlite_url, create_tables=True) as ledger:
        ledger.init("admin")
        world = World.build(ledger)
        with monkeypatch.context() as patched:
            _written_under_the_old_topic(patched)
            world.awarded("MV-1", "qd2024-01-common-tech", "200万")
            run(ledger, "disburse", ref="MV-1", amount="50万", voucher="PZ-MV-1", date="2024-09-02")
        _forget_the_old_topic()  # the class "moves": nothing resolves the old topic any more
        db = sqlite3.connect(ledger.app.store.sqlite_file)
        topics = {r[0] for r in db.execute("SELECT DISTINCT topic FROM stored_events")}
        db.close()
        assert "ledger.grants:Grant.Disbursed" in topics and "ledger.grant:Grant.Disbursed" not in topics
    yield sqlite_url
    _forget_the_old_topic()


def test_without_the_old_topic_registered_the_grant_does_not_load(old_ledger):
    with Ledger(old_ledger) as ledger, pytest.raises((TopicError, PersistenceError, ModuleNotFoundError)):
        ledger.app.load(Grant, Grant.create_id("MV-1"))


def test_with_the_old_topic_registered_the_ledger_loads_replays_and_verifies(old_ledger, monkeypatch, tmp_path):
    monkeypatch.setattr(vocabulary, "MOVED", {OLD: NEW})
    service.register_moved_topics()
    with Ledger(old_ledger) as ledger:
        grant = ledger.app.load(Grant, Grant.create_id("MV-1"))
        assert (grant.awarded, grant.paid["grant"]) == (200_0000_00, 50_0000_00)
        run(ledger, "disburse", ref="MV-1", amount="30万", voucher="PZ-MV-2", date="2024-09-03")  # new topic
        before = read_models(ledger.app.store.sqlite_file)
        ledger.replay("admin")
        assert read_models(ledger.app.store.sqlite_file) == before
        report = ledger.verify("admin")
        assert report.ok, report.findings
        assert ledger.report("awards", "admin")[0]["disbursed"] == 80_0000_00
        assert ledger.init("admin").fields["status"] == "up-to-date"  # the upgrade scan reads old topics too
