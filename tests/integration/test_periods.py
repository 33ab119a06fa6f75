"""The year's end: close (结转结余), period locks, reopening by two people, seals, and reports "as known at"."""

from __future__ import annotations

import pytest

from ledger.chain import GENESIS, link
from tests.helpers import event_count, refused, run
from tests.integration.test_audit import disarm, events_table, raw

WAN = 1_000_000  # 分 per 万元


def history_of_2024(world) -> None:
    """KJ: a grant award with a posted and a pending payment, spending and a recovery; TZ: an equity award with
    an investment; KJ: a convertible award paid in part; and one payment of 2024's award made in 2025."""
    ledger = world.ledger
    world.awarded("A", "qd2024-01-common-tech", "300万", date="2024-08-01")
    run(ledger, "disburse", ref="A", amount="50万", voucher="P1", date="2024-09-01")
    run(ledger, "disburse", ref="A", amount="100万", voucher="P2", date="2024-09-02")  # at the threshold: pending
    run(ledger, "spend", ref="A", amount="10万", category="rd", voucher="S1", date="2024-10-01")
    run(ledger, "recover", ref="A", amount="5万", voucher="R1", reason="结余", date="2024-10-02")
    world.awarded("E", "qd2024-22-equity", "200万", fund="TZ", mode="equity", date="2024-08-01")
    run(ledger, "invest", ref="E", amount="40万", stake="2", valuation="2000万", voucher="I1", date="2024-09-01")
    world.awarded("C", "qd2024-02-demo", "100万", mode="convertible", date="2024-08-01")
    run(ledger, "disburse", ref="C", amount="30万", voucher="C1", date="2024-09-01")
    run(ledger, "disburse", ref="A", amount="20万", voucher="P3", date="2025-01-03")  # after the year's end


def close_2024(world, fund: str = "KJ", doc: str = "JZ-2024"):
    return run(world.ledger, "close", year="2024", fund=fund, doc=doc, date="2025-01-05")


def test_a_close_records_what_carries_forward_and_what_lapses(world):
    history_of_2024(world)
    closed = close_2024(world).fields
    committed = 400 * WAN  # A 300万 + C 100万
    paid_in_2024 = 50 * WAN + 30 * WAN  # P2 is still pending; P3 is dated 2025
    assert closed["committed"] == committed and closed["paid"] == paid_in_2024
    assert closed["carried_forward"] == committed - paid_in_2024
    assert closed["returned"] == 5 * WAN
    assert closed["lapsed"] == 10_000 * WAN + 5 * WAN - committed
    assert closed["seal"]["position"] == event_count(world.ledger) - 1  # sealed right after the close
    row = next(r for r in world.report("carryover") if (r["fund"], r["year"]) == ("KJ", 2024))
    assert row == {
        "fund": "KJ",
        "year": 2024,
        "appropriated": 10_000 * WAN,
        "returned": 5 * WAN,
        "committed": committed,
        "disbursed": paid_in_2024,
        "carried_forward": committed - paid_in_2024,
        "lapsed": 10_000 * WAN + 5 * WAN - committed,
        "closed": True,
    }
    assert not next(r for r in world.report("carryover") if (r["fund"], r["year"]) == ("TZ", 2024))["closed"]
    assert close_2024(world).changed is False  # the same close again changes nothing
    assert refused(world.ledger, "close", year="2024", fund="KJ", doc="JZ-OTHER", date="2025-01-06").code == (
        "INVALID_STATE"
    )
    assert refused(world.ledger, "close", year="2025", fund="KJ", doc="JZ-2025", date="2025-06-01").code == (
        "INVALID_STATE"
    )  # a year is closed after it ends


REFUSED_IN_2024 = [
    (
        "fund appropriate",
        "clerk",
        {"fund": "KJ", "year": "2024", "amount": "1万", "doc": "D-late", "date": "2025-02-01"},
    ),
    (
        "fund appropriate",
        "clerk",
        {"fund": "KJ", "year": "2025", "amount": "1万", "doc": "D-early", "date": "2024-12-01"},
    ),
    ("disburse", "clerk", {"ref": "A", "amount": "1万", "voucher": "X1", "date": "2024-12-01"}),
    ("approve", "approver", {"voucher": "P2", "date": "2024-12-01"}),
    ("void", "approver", {"voucher": "P2", "reason": "r", "date": "2024-12-01"}),
    ("spend", "clerk", {"ref": "A", "amount": "1万", "category": "rd", "voucher": "X2", "date": "2024-12-01"}),
    ("recover", "clerk", {"ref": "A", "amount": "1万", "voucher": "X3", "reason": "r", "date": "2024-12-01"}),
    ("reverse", "clerk", {"voucher": "P1", "reason": "r", "date": "2024-12-01"}),
    ("reverse", "clerk", {"voucher": "R1", "reason": "r", "date": "2025-02-01"}),  # unreturns 2024's money
    ("convert", "clerk", {"ref": "C", "stake": "1", "valuation": "1亿", "doc": "CV", "date": "2024-12-01"}),
]


@pytest.mark.parametrize(
    ("name", "actor", "raw_"), REFUSED_IN_2024, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REFUSED_IN_2024)]
)
def test_a_money_command_dated_in_a_closed_year_is_refused_and_writes_nothing(world, name, actor, raw_):
    history_of_2024(world)
    close_2024(world)
    before = event_count(world.ledger)
    error = refused(world.ledger, name, actor, **raw_)
    assert error.code == "PERIOD_CLOSED"
    assert "JZ-2024" in error.message and "KJ" in error.message
    assert event_count(world.ledger) == before


def test_awards_and_equity_in_a_closed_year_are_refused_other_funds_and_years_are_not(world):
    history_of_2024(world)
    close_2024(world)
    close_2024(world, fund="TZ", doc="JZ-TZ")
    ledger = world.ledger
    run(ledger, "apply", ref="B", unit=world_unit(), clause="qd2024-01-common-tech", amount="10万", date="2024-11-01")
    run(ledger, "evaluate", ref="B", grade="good", date="2024-11-02")
    assert refused(ledger, "award", ref="B", amount="10万", fund="KJ", doc="DB", date="2024-12-01").code == (
        "PERIOD_CLOSED"
    )
    for name, raw_ in (
        (
            "invest",
            {"ref": "E", "amount": "1万", "stake": "1", "valuation": "1亿", "voucher": "X9", "date": "2024-12-01"},
        ),
        ("exit", {"ref": "E", "stake": "1", "proceeds": "30万", "voucher": "X8", "date": "2024-12-01"}),
        ("write-off", {"ref": "E", "reason": "r", "date": "2024-12-01"}),
    ):
        assert refused(ledger, name, **raw_).code == "PERIOD_CLOSED", name
    # 2025 is open, and the 2022 close of nothing does not touch 2024
    run(ledger, "exit", ref="E", stake="1", proceeds="30万", voucher="X8", date="2025-02-01")
    run(ledger, "approve", "approver", voucher="P2", date="2025-01-06")
    run(ledger, "reverse", voucher="P1", reason="错付", date="2025-01-07")
    run(ledger, "close", year="2022", fund="KJ", doc="JZ-2022", date="2023-01-05")
    run(ledger, "disburse", ref="A", amount="1万", voucher="X7", date="2025-01-08")


def world_unit() -> str:
    from tests.helpers import ENTERPRISE

    return ENTERPRISE


def test_paying_a_closed_years_award_next_year_draws_on_the_carried_forward_amount(world):
    history_of_2024(world)
    ledger = world.ledger
    run(ledger, "fund appropriate", fund="KJ", year="2025", amount="1000万", doc="KJ-2025", date="2025-01-02")
    closed = close_2024(world).fields
    run(ledger, "disburse", ref="A", amount="30万", voucher="P4", date="2025-02-01")
    funds = {(r["fund"], r["year"]): r for r in world.report("funds")}
    next_year = funds[("KJ", 2025)]
    assert next_year["carried_forward"] == closed["carried_forward"]
    assert (next_year["appropriated"], next_year["committed"], next_year["available"]) == (1000 * WAN, 0, 1000 * WAN)
    assert funds[("KJ", 2024)]["carried_forward"] == 0
    row = next(r for r in world.report("carryover", year=2024) if r["fund"] == "KJ")
    assert row["carried_forward"] == closed["carried_forward"]  # payments in 2025 do not move 2024's figures
    tb = {r["account"]: r for r in world.report("trial-balance")}
    assert tb["total"]["balance"] == 0
    assert tb["carried_forward"]["debit"] == closed["carried_forward"]


def test_reopening_needs_a_second_person_and_a_later_close_seals_again(world):
    history_of_2024(world)
    ledger = world.ledger
    first = close_2024(world).fields
    assert refused(ledger, "reopen", "clerk", year="2024", fund="KJ", doc="KZ-1", reason="补记").code == "FORBIDDEN"
    assert (
        run(ledger, "reopen", year="2024", fund="KJ", doc="KZ-1", reason="补记", date="2025-02-01").fields["status"]
        == "pending"
    )
    assert refused(ledger, "disburse", ref="A", amount="1万", voucher="X1", date="2024-12-01").code == "PERIOD_CLOSED"
    assert refused(ledger, "approve", voucher="KZ-1").code == "SAME_ACTOR"
    assert refused(ledger, "approve", "clerk", voucher="KZ-1").code == "FORBIDDEN"
    run(ledger, "approve", "approver", voucher="KZ-1", date="2025-02-02")
    assert not next(r for r in world.report("carryover") if (r["fund"], r["year"]) == ("KJ", 2024))["closed"]
    run(ledger, "disburse", ref="A", amount="1万", voucher="X1", date="2024-12-01")
    second = run(ledger, "close", year="2024", fund="KJ", doc="JZ-2024-2", date="2025-02-03").fields
    assert second["carried_forward"] == first["carried_forward"] - 1 * WAN
    assert second["seal"]["position"] > first["seal"]["position"]
    assert refused(ledger, "disburse", ref="A", amount="1万", voucher="X2", date="2024-12-02").code == "PERIOD_CLOSED"
    funds = {(r["fund"], r["year"]): r for r in world.report("funds")}
    assert funds[("KJ", 2025)]["carried_forward"] == second["carried_forward"]  # the first close was undone
    # a withdrawn reopening never takes effect
    run(ledger, "reopen", year="2024", fund="KJ", doc="KZ-2", reason="误提", date="2025-02-04")
    run(ledger, "void", "approver", voucher="KZ-2", reason="撤回", date="2025-02-04")
    assert refused(ledger, "approve", "approver", voucher="KZ-2").code == "INVALID_STATE"
    report = ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks["seals"] == "ok (2)"
    assert [e["type"] for e in ledger.history("KJ", "auditor") if e["type"].startswith("Period.")] == [
        "Period.Opened",
        "Period.Closed",
        "Period.ReopenProposed",
        "Period.Reopened",
        "Period.Closed",
        "Period.ReopenProposed",
        "Period.ReopenWithdrawn",
    ]


ALL_REPORTS = ("awards", "funds", "units", "caps", "clauses", "equity", "trial-balance", "carryover")


def every_report(world, **options) -> dict:
    return {
        (name, as_of): world.report(name, as_of=as_of, **options)
        for name in ALL_REPORTS
        for as_of in (None, "2024-09-15", "2025-01-04")
    }


def test_a_report_known_at_a_position_is_the_report_printed_then(world):
    ledger = world.ledger
    history_of_2024(world)
    position = ledger.position()
    printed = every_report(world)
    from datetime import UTC, datetime

    moment = datetime.now(UTC).isoformat(timespec="microseconds")
    # later records, most dated earlier: a backdated payment, a new award, a unit, a close, a reversal
    run(ledger, "disburse", ref="A", amount="1万", voucher="L1", date="2024-10-05")
    world.awarded("L", "qd2024-01-common-tech", "20万", date="2024-08-02", unit=world_unit())
    run(ledger, "unit register", code=new_unit(), name_="后来单位", type="enterprise")
    run(ledger, "invest", ref="E", amount="5万", stake="1", valuation="500万", voucher="L2", date="2024-09-03")
    run(ledger, "reverse", voucher="S1", reason="错记", date="2024-10-03")
    close_2024(world)
    assert every_report(world) != printed
    assert every_report(world, known_at=position) == printed
    assert every_report(world, known_at=moment) == printed
    assert every_report(world, known_at=ledger.position()) == every_report(world)


def new_unit() -> str:
    from ledger.uscc import make

    return make("91370212MA3C9XYW1")


def rechain(ledger) -> None:
    """What a forger who rewrote an event does next: recompute every stored hash so the chain is consistent."""
    from projections.audit import chain

    previous = GENESIS
    for e in list(chain(ledger.app.recorder)):
        previous = link(previous, e.seq, e.originator_id, e.originator_version, e.topic, e.state)
        raw(ledger, "UPDATE event_hashes SET hash = :h WHERE notification_id = :s", h=previous, s=e.seq)


def test_a_log_rewritten_before_a_seal_and_rechained_fails_the_checkpoint(world):
    history_of_2024(world)
    ledger = world.ledger
    seal = close_2024(world).fields["seal"]
    assert ledger.verify("auditor", checkpoint=seal).checks["checkpoint"] == "ok (1)"
    table, seq_column = events_table(ledger)
    seq = raw(
        ledger,
        f"SELECT {seq_column} FROM {table} WHERE topic LIKE '%Grant.Disbursed' ORDER BY {seq_column} LIMIT 1",
    ).scalar()
    state = bytes(raw(ledger, f"SELECT state FROM {table} WHERE {seq_column} = :s", s=seq).scalar())
    forged = state.replace(b'"amount":50000000', b'"amount":40000000')
    assert forged != state
    disarm(ledger)
    raw(ledger, f"UPDATE {table} SET state = :v WHERE {seq_column} = :s", v=forged, s=seq)
    rechain(ledger)
    ledger.replay("admin")
    report = ledger.verify("auditor", checkpoint=seal)
    assert report.checks["hash chain"] == "ok" and report.checks["projections"] == "ok"  # consistent on its own
    assert not report.ok
    assert report.checks["checkpoint"] == "TAMPERED" and report.checks["seals"] == "TAMPERED"
    assert any("日志已不再经过封存的链头" in f for f in report.findings)


def test_a_seal_is_signed_by_its_actor_and_sealing_the_same_position_again_changes_nothing(world):
    history_of_2024(world)
    sealed = world.ledger.seal("auditor")
    assert sealed.fields["signed_by"] == "auditor"
    assert {"position", "head", "state", "key", "signature"} <= set(sealed.fields)
    again = world.ledger.seal("auditor")
    assert again.fields["position"] == sealed.fields["position"] + 1  # the first seal is itself an event
    assert world.ledger.verify("auditor").checks["seals"] == "ok (2)"
    assert refused(world.ledger, "close", "clerk", year="2024", fund="KJ", doc="J").code == "FORBIDDEN"


def test_a_seal_carries_its_signers_signature_and_a_checkpoint_with_a_forged_one_fails(world):
    from projections.audit import seal_signed

    sealed = dict(world.ledger.seal("auditor").fields)
    assert sealed["key"].startswith("ed25519:") and sealed["signature"]
    assert seal_signed(sealed)
    forged = dict(sealed, signed_by="admin")  # the same signature claimed for another person
    assert not seal_signed(forged)
    report = world.ledger.verify("auditor", checkpoint=forged)
    assert report.checks["checkpoint"] == "TAMPERED"
