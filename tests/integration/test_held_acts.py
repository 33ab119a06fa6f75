"""The ``held_acts`` read model (``projections.held``): every act held for a second person, as ``report pending``
reads it, on both engines — held payments and investments, reopenings; as of a date and as known at a position;
both read paths; and an existing ledger's table filled when ``init`` upgrades it."""

from __future__ import annotations

from sqlalchemy import inspect, select

from projections import fastread, migrate, schema
from tests.helpers import ENTERPRISE, event_count, run

COMMON_TECH = "qd2024-01-common-tech"


def held_history(world) -> dict[str, int]:
    """A payment held and approved, one held and voided, one still held, an investment held; KJ 2024 closed, a
    reopening withdrawn and another one waiting. Returns the log position after each step that matters."""
    ledger = world.ledger
    at = {}
    world.awarded("A", COMMON_TECH, "500万", date="2024-08-01")
    run(ledger, "disburse", "clerk", ref="A", amount="100万", voucher="P1", date="2024-09-01")
    at["P1 made"] = event_count(ledger)
    run(ledger, "approve", "approver", voucher="P1", date="2024-09-03")
    run(ledger, "disburse", "clerk", ref="A", amount="120万", voucher="P2", date="2024-09-05")
    run(ledger, "void", "approver", voucher="P2", reason="金额有误", date="2024-09-06")
    run(ledger, "disburse", "clerk", ref="A", amount="60万", voucher="P3", date="2024-09-10")
    run(ledger, "disburse", "clerk", ref="A", amount="50万", voucher="P4", date="2024-09-11")  # 110万 in 30 days
    world.awarded("E", "qd2024-22-equity", "200万", fund="TZ", mode="equity", date="2024-08-01")
    run(
        ledger,
        "invest",
        "clerk",
        ref="E",
        amount="60万",
        stake="2",
        valuation="3000万",
        voucher="I1",
        date="2024-09-12",
    )
    run(ledger, "close", year="2024", fund="KJ", doc="JZ-1", date="2025-01-05")
    run(ledger, "reopen", year="2024", fund="KJ", doc="KZ-1", reason="补记", date="2025-01-06")
    at["KZ-1 made"] = event_count(ledger)
    run(ledger, "void", "approver", voucher="KZ-1", reason="撤回", date="2025-01-07")
    run(ledger, "reopen", year="2024", fund="KJ", doc="KZ-2", reason="补记漏登拨付", date="2025-01-08")
    return at


def keys(rows: list[dict]) -> list[str]:
    return [r["voucher"] for r in rows]


def test_pending_lists_every_held_act_with_who_when_why(world):
    held_history(world)
    rows = {r["voucher"]: r for r in world.report("pending")}
    assert list(rows) == ["P4", "I1", "KZ-2"]  # by date; P1 approved, P2 voided, P3 posted, KZ-1 withdrawn
    assert rows["P4"]["kind"] == "disbursement" and rows["P4"]["amount"] == 50 * 1_000_000
    assert "累计审批期内的其他付款合计达到阈值" in rows["P4"]["held_because"]  # 60万 + 50万 within KJ's window
    assert rows["I1"]["kind"] == "investment"
    assert rows["I1"]["held_because"] == "单笔 60万元 达到资金 TZ 的审批阈值 50万元"
    assert (rows["I1"]["unit"], rows["I1"]["unit_name"], rows["I1"]["fund"]) == (ENTERPRISE, "海澜智能", "TZ")
    reopen = rows["KZ-2"]
    assert (reopen["kind"], reopen["fund"], reopen["fiscal_year"], reopen["maker"]) == ("reopen", "KJ", 2024, "admin")
    assert (reopen["date"], reopen["reason"], reopen["amount"], reopen["application"]) == (
        "2025-01-08",
        "补记漏登拨付",
        None,
        None,
    )
    assert keys(world.report("pending", year=2024)) == ["P4", "I1", "KZ-2"]
    assert keys(world.report("pending", filters={"fund": "KJ"})) == ["P4", "KZ-2"]
    assert keys(world.report("pending", filters={"unit": ENTERPRISE})) == ["P4", "I1"]


def test_pending_as_of_a_date_and_as_known_at_a_position(world):
    at = held_history(world)
    assert keys(world.report("pending", as_of="2024-09-01")) == ["P1"]
    assert keys(world.report("pending", as_of="2024-09-05")) == ["P2"]
    assert keys(world.report("pending", as_of="2025-01-06")) == ["P4", "I1", "KZ-1"]
    assert keys(world.report("pending", as_of="2025-01-07")) == ["P4", "I1"]
    assert keys(world.report("pending", known_at=at["P1 made"])) == ["P1"]
    assert keys(world.report("pending", known_at=at["KZ-1 made"])) == ["P4", "I1", "KZ-1"]
    assert keys(world.report("pending", known_at=at["KZ-1 made"], as_of="2024-09-05")) == ["P2"]
    assert keys(world.report("pending", as_of="2099-12-31")) == keys(world.report("pending"))


def test_the_held_acts_table_keeps_how_each_act_was_settled(world):
    held_history(world)
    h = schema.held_acts.c
    with world.ledger.engine.connect() as conn:
        found = {r.key: r for r in conn.execute(select(schema.held_acts))}
    assert {k: r.status for k, r in found.items()} == {
        "P1": "approved",
        "P2": "voided",
        "P4": "pending",
        "I1": "pending",
        "KZ-1": "voided",
        "KZ-2": "pending",
    }
    assert (found["P1"].settled_by, found["P1"].settled_on, found["P1"].maker) == ("approver", "2024-09-03", "clerk")
    assert found["P2"].settled_reason == "金额有误" and found["KZ-1"].settled_reason == "撤回"
    assert found["P1"].made_seq < found["P1"].settled_seq
    assert h.key.primary_key


def test_both_read_paths_give_the_same_pending_rows(sqlite_url):
    from app.facade import Ledger
    from tests.helpers import World

    with Ledger(sqlite_url, create_tables=True) as ledger:
        ledger.init("admin")
        at = held_history(World.build(ledger))
        for options in ({}, {"as_of": "2025-01-06"}, {"known_at": at["KZ-1 made"]}, {"year": 2024}):
            full = ledger.report("pending", "clerk", **options)
            fast = fastread.report(sqlite_url, "clerk", "pending", **options)
            assert [list(r.items()) for r in fast] == [list(r.items()) for r in full], options


def test_init_fills_the_held_acts_of_a_ledger_made_before_the_table(world):
    from alembic import command

    held_history(world)
    ledger = world.ledger
    before = world.report("pending")
    with ledger.engine.begin() as conn:
        command.downgrade(migrate.config(conn), "0021")  # as main left it before migration 0035
    assert not inspect(ledger.engine).has_table("held_acts")
    result = ledger.init("admin")
    assert (result.fields["status"], result.fields["upgraded_from"]) == ("upgraded", "0021")
    assert world.report("pending") == before and [r["voucher"] for r in before] == ["P4", "I1", "KZ-2"]
    assert ledger.verify("admin").ok
