"""Projections: replay equality, catching up after a crash, as-of reports, and schema upgrades."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from app.facade import Ledger
from ledger import commands
from ledger.errors import LedgerError
from ledger.service import execute
from projections import migrate, schema
from projections.page import Page
from projections.reports import REPORTS
from tests.helpers import ENTERPRISE, UNIVERSITY, World, event_count, run


def snapshot(ledger) -> dict:
    """Every report and every read-model table, as plain data."""
    state = {name: ledger.report(name, "admin") for name in REPORTS}
    with ledger.engine.connect() as conn:
        for table in (*schema.REBUILT, schema.tracking):
            keys = list(table.primary_key.columns)
            state[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*keys))]
    return state


# -- replay equality ----------------------------------------------------------------

steps = st.lists(
    st.tuples(
        st.sampled_from(["award", "disburse", "spend", "recover", "reverse", "invest", "exit", "approve", "void"]),
        st.integers(min_value=0, max_value=3),  # which application
        st.integers(min_value=1, max_value=300),  # 万元 … or a share
        st.integers(min_value=0, max_value=90),  # days after 2024-09-01
    ),
    min_size=1,
    max_size=25,
)


def play(world: World, plan: list[tuple]) -> None:
    """Run a random plan; refusals are part of life and leave no trace."""
    ledger = world.ledger
    clauses = ["qd2024-01-common-tech", "qd2024-22-equity", "qd2024-02-demo", "qd2020-kc16-key-project-team"]
    vouchers: list[str] = []
    for n, (kind, which, size, days) in enumerate(plan):
        ref, day = f"P{which}", f"2024-{9 + days // 30:02d}-{1 + days % 28:02d}"
        amount = f"{size}万"
        raw = {
            "award": (
                "award",
                {
                    "ref": ref,
                    "amount": amount,
                    "fund": "TZ" if which == 1 else "KJ",
                    "doc": f"D{ref}",
                    "date": "2024-09-01",
                    "mode": "equity" if which == 1 else None,
                },
            ),
            "disburse": ("disburse", {"ref": ref, "amount": amount, "voucher": f"V{n}", "date": day}),
            "spend": ("spend", {"ref": ref, "amount": amount, "category": "rd", "voucher": f"V{n}", "date": day}),
            "recover": ("recover", {"ref": ref, "amount": amount, "voucher": f"V{n}", "reason": "r", "date": day}),
            "invest": (
                "invest",
                {
                    "ref": ref,
                    "amount": amount,
                    "stake": str(1 + size % 9),
                    "valuation": "1亿",
                    "voucher": f"V{n}",
                    "date": day,
                },
            ),
            "exit": (
                "exit",
                {"ref": ref, "stake": str(1 + size % 3), "proceeds": amount, "voucher": f"V{n}", "date": day},
            ),
            "reverse": ("reverse", {"voucher": vouchers[size % len(vouchers)] if vouchers else "none", "reason": "r"}),
            "approve": ("approve", {"voucher": vouchers[size % len(vouchers)] if vouchers else "none"}),
            "void": ("void", {"voucher": vouchers[size % len(vouchers)] if vouchers else "none", "reason": "r"}),
        }[kind]
        actor = "approver" if kind in ("approve", "void") else "clerk"
        try:
            ledger.run(commands.build(*raw), actor)
            if "voucher" in raw[1] and kind in ("disburse", "spend", "recover", "invest", "exit"):
                vouchers.append(raw[1]["voucher"])
        except LedgerError:
            pass
    del clauses


def prepared_world(url: str) -> World:
    ledger = Ledger(url, create_tables=True)
    ledger.init("admin")
    world = World.build(ledger)
    for which, clause in enumerate(
        ["qd2024-01-common-tech", "qd2024-22-equity", "qd2024-02-demo", "qd2020-kc16-key-project-team"]
    ):
        run(
            ledger,
            "apply",
            ref=f"P{which}",
            unit=ENTERPRISE if which != 2 else UNIVERSITY,
            clause=clause,
            amount="100万",
            date="2024-08-20" if which != 3 else "2024-06-01",
        )
        run(ledger, "evaluate", ref=f"P{which}", grade="good", date="2024-08-25")
    return world


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps)
def test_replaying_the_log_rebuilds_exactly_the_projections_in_use(tmp_path_factory, plan):
    url = f"sqlite:///{tmp_path_factory.mktemp('replay')}/ledger.db"
    world = prepared_world(url)
    try:
        play(world, plan)
        before = snapshot(world.ledger)
        assert world.ledger.replay("admin") == world.ledger.app.recorder.max_notification_id()
        assert snapshot(world.ledger) == before
        assert world.ledger.verify("admin").ok
    finally:
        world.ledger.close()


def test_replay_equality_on_every_engine(db_url):
    world = prepared_world(db_url)
    try:
        play(
            world,
            [
                ("award", 0, 300, 0),
                ("disburse", 0, 80, 1),
                ("spend", 0, 30, 2),
                ("recover", 0, 5, 3),
                ("award", 1, 500, 0),
                ("invest", 1, 60, 4),
                ("approve", 1, 4, 5),
                ("exit", 1, 40, 9),
                ("reverse", 0, 2, 10),
            ],
        )
        before = snapshot(world.ledger)
        world.ledger.replay("admin")
        assert snapshot(world.ledger) == before
    finally:
        world.ledger.close()


# -- crashes ------------------------------------------------------------------------------


def test_events_written_before_a_crash_are_projected_once_by_the_next_command(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    # The process dies after the event store commits and before the projections are touched:
    execute(
        ledger.app,
        commands.build("disburse", {"ref": "QD-1", "amount": "70万", "voucher": "PZ-1", "date": "2024-09-02"}),
        "clerk",
    )
    with ledger.engine.connect() as conn:
        assert (
            conn.execute(select(schema.awards.c.disbursed).where(schema.awards.c.application == "QD-1")).scalar() == 0
        )
    run(ledger, "spend", "clerk", ref="QD-1", amount="10万", category="rd", voucher="ZC-1", date="2024-09-03")
    row = world.award_row("QD-1")
    assert (row["disbursed"], row["spent"]) == (70_0000_00, 10_0000_00)
    assert ledger.catch_up() == 0
    assert world.award_row("QD-1")["disbursed"] == 70_0000_00
    assert ledger.verify("admin").ok


def test_a_projection_that_fails_half_way_through_a_page_leaves_nothing_and_resumes(world, monkeypatch):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    execute(
        ledger.app,
        commands.build("disburse", {"ref": "QD-1", "amount": "70万", "voucher": "PZ-1", "date": "2024-09-02"}),
        "clerk",
    )
    original = Page.flush

    def flush_then_crash(self, conn):
        original(self, conn)  # rows written inside the transaction…
        raise RuntimeError("power cut")  # …and the transaction never commits

    monkeypatch.setattr(Page, "flush", flush_then_crash)
    with pytest.raises(RuntimeError):
        ledger.catch_up()
    monkeypatch.setattr(Page, "flush", original)
    assert world.award_row("QD-1")["disbursed"] == 70_0000_00  # applied exactly once, by the report's catch-up
    assert ledger.verify("admin").ok


def test_two_projectors_never_apply_the_same_page_twice(world):
    from projections.runner import Projector

    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    for n in range(5):
        execute(
            ledger.app,
            commands.build("disburse", {"ref": "QD-1", "amount": "10万", "voucher": f"PZ-{n}", "date": "2024-09-02"}),
            "clerk",
        )
    other = Projector(ledger.app, ledger.read_model)
    assert other.catch_up() + ledger.catch_up() == 10  # five disbursements, each with its voucher
    assert world.award_row("QD-1")["disbursed"] == 50_0000_00


# -- as-of ---------------------------------------------------------------------------------


def test_a_fact_recorded_later_with_an_earlier_date_appears_as_of_that_date(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万", date="2024-09-01")
    run(ledger, "disburse", ref="QD-1", amount="90万", voucher="PZ-2", date="2024-10-15")
    run(ledger, "disburse", ref="QD-1", amount="50万", voucher="PZ-1", date="2024-09-10")  # recorded last
    as_of = {d: world.report("awards", as_of=d) for d in ("2024-08-31", "2024-09-05", "2024-09-30", "2024-12-31")}
    assert as_of["2024-08-31"] == []
    assert [r["disbursed"] for r in as_of["2024-09-05"]] == [0]
    assert [r["disbursed"] for r in as_of["2024-09-30"]] == [50_0000_00]
    assert [r["disbursed"] for r in as_of["2024-12-31"]] == [140_0000_00]
    funds = {r["fund"]: r for r in world.report("funds", as_of="2024-09-30", year=2024)}
    assert funds["KJ"]["committed"] == 300_0000_00 and funds["KJ"]["disbursed"] == 50_0000_00


def test_as_of_today_agrees_with_the_current_reports(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    world.awarded("QD-2", "qd2020-kc16-key-project-team", "30万", date="2022-05-01")
    world.awarded("QD-3", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
    run(ledger, "disburse", ref="QD-1", amount="90万", voucher="PZ-1", date="2024-09-02")
    run(ledger, "invest", ref="QD-3", amount="40万", stake="4", valuation="1000万", voucher="TZ-1", date="2024-09-03")
    run(ledger, "exit", ref="QD-3", stake="1", proceeds="20万", voucher="TC-1", date="2024-10-03")
    run(ledger, "spend", ref="QD-1", amount="10万", category="rd", voucher="ZC-1", date="2024-09-05")
    run(ledger, "recover", ref="QD-1", amount="5万", voucher="ZH-1", reason="结余", date="2024-09-06")
    for name in ("awards", "funds", "caps", "clauses", "trial-balance"):
        assert world.report(name, as_of="2099-12-31") == world.report(name), name
    current = world.report("equity")
    later = world.report("equity", as_of="2099-12-31")
    keys = ("application", "invested", "cost", "stake", "exited_stake", "proceeds", "gain", "status")
    assert [{k: r[k] for k in keys} for r in later] == [{k: r[k] for k in keys} for r in current]


# -- migrations ---------------------------------------------------------------------------------


def test_init_upgrades_a_database_made_by_the_previous_migration(db_url):
    with Ledger(db_url, create_tables=True) as ledger:
        migrate.upgrade(ledger.engine, "0001")
        assert migrate.current(ledger.engine) == "0001"
        assert not inspect(ledger.engine).has_table("equity")
        result = ledger.init("admin")
        assert result.fields["status"] == "initialised" and result.fields["schema"] == head_revision()
    with Ledger(db_url) as ledger:
        world = World.build(ledger)
        world.awarded("QD-1", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
        run(
            ledger,
            "invest",
            ref="QD-1",
            amount="40万",
            stake="4",
            valuation="1000万",
            voucher="TZ-1",
            date="2024-09-03",
        )
        before = snapshot(ledger)
        migrate_down(ledger)  # as an older grantledger left it: no equity table, no stake on journal lines
        result = ledger.init("admin")
        assert (result.fields["status"], result.fields["upgraded_from"], result.fields["schema"]) == (
            "upgraded",
            "0001",
            head_revision(),
        )
        assert inspect(ledger.engine).has_table("equity")
        assert indexes(ledger) == {i.name for table in schema.REBUILT for i in table.indexes}  # 0020's too
        assert snapshot(ledger) == before
        assert ledger.verify("admin").ok
        result = ledger.init("admin")
        assert result.fields["status"] == "up-to-date" and not result.changed


def head_revision() -> str:
    """The newest migration (each issue adds its own; the integrator chains them)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.config(None)).get_current_head()


def migrate_down(ledger) -> None:
    from alembic import command

    with ledger.engine.begin() as conn:
        command.downgrade(migrate.config(conn), "0001")
    assert migrate.current(ledger.engine) == "0001"


def teams_and_an_investment(world) -> dict:
    """Four awards paid once and an equity investment, across years and funds; the projections they make."""
    ledger = world.ledger
    for n in range(4):
        world.awarded(f"T{n}", "qd2020-kc16-key-project-team", "30万", date="2022-05-01")
        run(ledger, "disburse", ref=f"T{n}", amount="10万", voucher=f"P{n}", date="2022-05-02")
    world.awarded("E", "qd2024-22-equity", "100万", fund="TZ", mode="equity")
    run(ledger, "invest", ref="E", amount="40万", stake="4", valuation="1000万", voucher="I-1", date="2024-09-03")
    return snapshot(ledger)


def test_a_replay_with_a_tiny_origins_cache_and_small_pages_builds_the_same_projections(world):
    """Origins evicted between pages are read back from the table; none may vanish in the middle of a page."""
    from projections.page import Origins

    ledger = world.ledger
    before = teams_and_an_investment(world)
    ledger.projector.origins = Origins(limit=1)
    ledger.projector.reset()
    ledger.projector.catch_up(page_size=7)
    assert snapshot(ledger) == before


def indexes(ledger) -> set[str]:
    with ledger.engine.connect() as conn:
        return {i["name"] for table in schema.REBUILT for i in inspect(conn).get_indexes(table.name)}


def test_a_replay_stopped_half_way_is_recovered_by_init_or_the_next_replay(world, monkeypatch):
    """A replay drops the secondary indexes (SQLite) and skips disk syncs; whatever stops it, the next
    ``init`` or ``replay`` brings back the same projections, the indexes and the durable setting."""
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", ref="QD-1", amount="70万", voucher="PZ-1", date="2024-09-02")
    before, wanted = snapshot(ledger), indexes(ledger)
    assert wanted == {i.name for table in schema.REBUILT for i in table.indexes}
    original = Page.statements

    def crash(self, *args):
        raise RuntimeError("power cut")

    monkeypatch.setattr(Page, "statements", crash)
    with pytest.raises(RuntimeError):
        ledger.replay("admin")
    monkeypatch.setattr(Page, "statements", original)
    assert indexes(ledger) == wanted  # made again on the way out
    if ledger.app.store.engine == "sqlite":
        with ledger.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() != 0  # not left OFF
        ledger.projector.reset(drop_indexes=True)  # as a replay killed outright leaves it
        assert indexes(ledger) == set()
    ledger.init("admin")
    assert indexes(ledger) == wanted
    assert snapshot(ledger) == before
    ledger.replay("admin")
    assert snapshot(ledger) == before


def sqlite_only(world) -> None:
    if world.ledger.app.store.engine != "sqlite":
        pytest.skip("the writer process serves SQLite files")


def test_a_replay_with_a_writer_process_tiny_pages_and_cache_builds_the_same_projections(world):
    """The bulk replay's writer process commits pages while the next is folded: origins of pages not yet
    committed must stay at hand (the cache here holds one), and the result is the same."""
    from projections.page import Origins

    sqlite_only(world)
    ledger = world.ledger
    before = teams_and_an_investment(world)
    ledger.projector.origins = Origins(limit=1)
    ledger.projector.writer_from = 0
    ledger.projector.reset(drop_indexes=True)
    seen = []
    assert ledger.projector.fill(lambda at, of: seen.append(at), page_size=3) == event_count(ledger)
    ledger.projector.replay()  # makes the indexes again
    assert snapshot(ledger) == before
    assert seen == sorted(seen) and seen[-1] == event_count(ledger)


def test_a_writer_process_that_fails_is_reported_and_leaves_a_position_to_resume_from(world, monkeypatch):
    from projections import runner

    sqlite_only(world)
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    before = snapshot(ledger)

    def failing(path, pipe, name):
        pipe.recv()
        pipe.send(("error", "IntegrityError: tracking position 0 was already moved on"))

    monkeypatch.setattr(runner, "_write_pages", failing)
    ledger.projector.writer_from = 0
    ledger.projector.reset()
    with pytest.raises(IntegrityError, match="already moved on"):
        ledger.projector.fill(page_size=5)
    monkeypatch.undo()
    assert ledger.catch_up() == event_count(ledger)  # nothing was committed: all of it is still to do
    assert snapshot(ledger) == before


def test_verify_with_a_writer_process_still_finds_a_tampered_row(world, monkeypatch):
    from projections import runner

    sqlite_only(world)
    monkeypatch.setattr(runner, "WRITER_FROM", 0)
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    assert world.ledger.verify("auditor").ok
    with world.ledger.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE journal SET debit = debit + 1 WHERE seq = (SELECT max(seq) FROM journal)")
    report = world.ledger.verify("auditor")
    assert report.checks["projections"] == "TAMPERED"
    assert report.findings[0].startswith("读模型「日记账」(表 journal) 的行 ("), report.findings


def test_a_vouchers_origin_is_not_stored_yet_its_history_is_kept_and_an_upgrade_removes_old_ones(world):
    """A voucher number is issued once and nothing reads its origin again: none is stored (issue 20), history
    by the number still shows its issue, and migration 0021 removes the ones an older grantledger stored."""
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", ref="QD-1", amount="70万", voucher="PZ-1", date="2024-09-02")
    o = schema.origins.c

    def voucher_origins() -> int:
        with ledger.engine.connect() as conn:
            return len(conn.execute(select(o.key).where(o.kind == "voucher")).all())

    assert voucher_origins() == 0
    assert "Voucher.Issued" in [row["type"] for row in ledger.history("PZ-1", "admin")]
    before = snapshot(ledger)
    with ledger.engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.config(conn), "0020")
        conn.execute(schema.origins.insert().values(originator_id=b"v" * 16, kind="voucher", key="PZ-1"))
    assert voucher_origins() == 1
    ledger.init("admin")
    assert voucher_origins() == 0
    assert snapshot(ledger) == before
    assert ledger.verify("admin").ok
