"""Stored topics stay readable (issue 28): every aggregate topic a released grantledger has written resolves.

A ledger keeps the topics its events were stored under forever (the hash chain covers them). Moving or
renaming an aggregate class changes the topic new events get, not the old ones: the old topic must go into
``ledger.vocabulary.MOVED`` (registered with eventsourcing's ``register_topic`` by ``ledger.service``), or
every ledger written before the move stops loading. ``RELEASED`` is the aggregates' topics as written so far.
"""

from __future__ import annotations

import pytest
from eventsourcing.utils import resolve_topic

import ledger.service  # noqa: F401 - registers the moved topics
from ledger import vocabulary

RELEASED = (
    "ledger.actors:Installation",
    "ledger.actors:Actor",
    "ledger.actors:KeyBinding",
    "ledger.caps:UnitCap",
    "ledger.fund:Fund",
    "ledger.fund:FundYear",
    "ledger.grant:Grant",
    "ledger.periods:Period",
    "ledger.periods:Seal",
    "ledger.policy_register:PolicyRegister",
    "ledger.project:Project",
    "ledger.unit:Unit",
    "ledger.voucher:Voucher",
)


@pytest.mark.parametrize("topic", RELEASED)
def test_every_released_aggregate_topic_still_resolves(topic):
    cls = resolve_topic(topic)
    assert cls.__qualname__ == topic.partition(":")[2] or topic in vocabulary.MOVED


def test_every_declared_aggregate_was_released_or_is_new_here():
    declared = {f"{e.module}:{e.aggregate}" for e in vocabulary.EVENTS}
    assert declared - set(RELEASED) == set(), "add a new aggregate's topic to RELEASED once it ships"


def test_a_moved_topic_resolves_to_the_class_it_moved_to():
    for old, new in vocabulary.MOVED.items():
        assert resolve_topic(old) is resolve_topic(new), old


def test_stored_topics_name_the_declared_topic_and_every_former_one(monkeypatch):
    assert vocabulary.stored_topics("Grant.Submitted") == ["ledger.grant:Grant.Submitted"]
    monkeypatch.setattr(vocabulary, "MOVED", {"ledger.grants:Grant": "ledger.grant:Grant"})
    assert vocabulary.stored_topics("Grant.Submitted") == [
        "ledger.grant:Grant.Submitted",
        "ledger.grants:Grant.Submitted",
    ]


def test_an_aggregate_found_by_its_topic_has_the_id_and_the_class_of_the_aggregate_itself():
    """``uow.Deferred`` names ``Period`` and ``Project`` without importing them (a payment finds neither when there is
    none): the same id from the same key, a released topic that resolves to the class, the same snapshot rule."""
    from ledger.closed_years import PERIOD
    from ledger.handlers.project_rules import PROJECT
    from ledger.periods import Period
    from ledger.project import Project
    from ledger.service import GrantLedger

    assert PERIOD.create_id("KJ", 2024) == Period.create_id("KJ", 2024) != PERIOD.create_id("KJ", 2025)
    assert PROJECT.create_id("QD-1") == Project.create_id("QD-1") != PROJECT.create_id("QD-2")
    for deferred, cls in ((PERIOD, Period), (PROJECT, Project)):
        assert deferred.topic in RELEASED and resolve_topic(deferred.topic) is cls
        assert (deferred in GrantLedger.snapshotting_intervals) == (cls in GrantLedger.snapshotting_intervals)
