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


def _integrity_line(db: str) -> str:
    """The integrity page's "last verify" as the web view shows it."""
    import re

    from starlette.testclient import TestClient

    from web.app import create_app

    page = TestClient(create_app(db, None, "127.0.0.1"), base_url="http://127.0.0.1").get("/integrity")
    assert page.status_code == 200
    found = re.search(r'data-col="last_verify">(.*?)</dd>', page.text, flags=re.S)
    assert found is not None, page.text[-2000:]
    return found.group(1)


def test_each_run_records_whether_it_was_full_or_incremental_and_the_page_says_which(db_url, tmp_path):
    from tests.e2e.driver import awarded

    cli = standard_world(Cli(db_url))
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    kept = tmp_path / "seal.json"
    sealed = cli.ok("seal", "--out", str(kept), actor="auditor")["position"]
    cli.ok("disburse", "QD-1", "--amount", "10万", "--voucher", "PZ-2", "--date", "2024-10-09")
    engine = create_engine(cli.db)
    expected = {
        (): ("full", None, "完整校验"),
        ("--checkpoint", str(kept)): ("full", None, "完整校验"),  # a full verify that also checks a seal file
        ("--since-seal",): ("seal", sealed, f"增量校验 (自日志中的封存, 第 {sealed} 条之后"),
        ("--from-checkpoint", str(kept)): (
            "checkpoint",
            sealed,
            f"增量校验 (自审计人员留存的封存文件, 第 {sealed} 条之后",
        ),
    }
    for options, (scope, since, words) in expected.items():
        cli.ok("verify", *options, actor="auditor")
        with engine.connect() as conn:
            run = verify_runs.last(conn)
        assert (run["scope"], run["since"], run["ok"], run["signed"]) == (scope, since, True, True), options
        assert run["scope_words"].startswith(words)
        shown = _integrity_line(cli.db)
        assert words in shown and "通过" in shown and "已签名" in shown, shown
        if scope != "full":
            assert "完整校验" not in shown
    with engine.begin() as conn:  # an incremental "passed" rewritten as a full one no longer verifies as signed
        conn.execute(update(verify_runs.verify_runs).values(scope="full", since=None))
    with engine.connect() as conn:
        assert verify_runs.last(conn)["signed"] is False


def test_a_run_recorded_before_the_scope_was_kept_still_checks_and_says_its_scope_is_unknown(tmp_path):
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ledger.keys import encode_public

    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    old = verify_runs.Run("2026-01-01T00:00:00+00:00", "auditor", 5, "ab" * 32, True, 5, 0)  # as 0060..0124 kept it
    assert old.message().startswith(verify_runs.DOMAIN + b"2026")  # the bytes that edition signed: no scope
    private = Ed25519PrivateKey.generate()
    row = dict(old.__dict__, key=encode_public(private.public_key()))
    row["signature"] = base64.b64encode(private.sign(old.message())).decode()
    engine = create_engine(cli.db)
    with engine.begin() as conn:
        conn.execute(verify_runs.verify_runs.insert().values(**row))
    with engine.connect() as conn:
        found = verify_runs.last(conn)
    assert found["signed"] is True and found["scope"] is None
    assert found["scope_words"] == "校验范围未记录 (升级前的记录)"
    shown = _integrity_line(cli.db)
    assert "校验范围未记录" in shown and "已签名" in shown
    scoped = verify_runs.Run(**{**old.__dict__, "scope": "full"})
    assert scoped.message() != old.message()  # a scope is signed: it cannot be added to an old row's signature
