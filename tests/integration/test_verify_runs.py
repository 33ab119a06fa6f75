"""verify keeps a signed record of each run (for the web view's "last verify") and never writes the log."""

from __future__ import annotations

from sqlalchemy import create_engine, select, update

from projections import verify_runs
from tests.e2e.driver import Cli, describe, standard_world


def test_a_verify_is_recorded_signed_at_the_head_it_checked_and_the_log_does_not_move(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    before = cli.events(actor="auditor")
    first = cli.ok("verify", actor="auditor")
    again = cli.ok("verify", actor="auditor")  # the record is no part of what verify checks
    assert first["ok"] and again["ok"] and cli.events(actor="auditor") == before
    engine = create_engine(cli.db)
    with engine.connect() as conn:
        run = verify_runs.last(conn)
    assert run is not None and run["actor"] == "auditor" and run["ok"] and run["signed"]
    assert run["position"] == before[-1]["seq"] and run["head"] == before[-1]["hash"] == first["head"]
    with engine.begin() as conn:  # a "passed" written around grantledger no longer verifies as signed
        conn.execute(update(verify_runs.verify_runs).values(position=1))
    with engine.connect() as conn:
        assert verify_runs.last(conn)["signed"] is False


def test_a_login_that_may_only_read_still_verifies_and_is_told_the_run_was_not_recorded(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    reading = create_engine(f"sqlite:///file:{tmp_path}/ledger.db?mode=ro&uri=true")
    run = verify_runs.Run("2026-01-01T00:00:00+00:00", "auditor", 1, None, True, 1, 0)
    note = verify_runs.record(reading, run, None)
    assert note is not None and "未记录" in note and "校验本身不受影响" in note
    with create_engine(cli.db).connect() as conn:
        assert conn.execute(select(verify_runs.verify_runs)).first() is None
    result = cli("verify", actor="auditor", fmt="table")
    assert result.exit_code == 0, describe(result)
