"""Finance controls: roles, maker–checker, idempotency of every writing command."""

from __future__ import annotations

import pytest

from ledger.errors import LedgerError
from ledger.uscc import make
from tests.helpers import ENTERPRISE, event_count, refused, run

# command → the role that may run it (admin may run everything)
COMMAND_ROLES = {
    "fund create": "clerk",
    "fund appropriate": "clerk",
    "unit register": "clerk",
    "unit rename": "clerk",
    "apply": "clerk",
    "award": "clerk",
    "disburse": "clerk",
    "invest": "clerk",
    "spend": "clerk",
    "recover": "clerk",
    "reverse": "clerk",
    "convert": "clerk",
    "exit": "clerk",
    "write-off": "clerk",
    "evaluate": "reviewer",
    "reject": "reviewer",
    "approve": "approver",
    "void": "approver",
    "role grant": "admin",
}
SAMPLE = {  # a well-formed command of each kind (most refer to things that need not exist)
    "fund create": {"fund": "F9", "name": "x"},
    "fund appropriate": {"fund": "KJ", "year": "2024", "amount": "1万", "doc": "X1", "date": "2024-01-01"},
    "unit register": {"code": ENTERPRISE, "name": "海澜智能", "type": "enterprise"},
    "unit rename": {"code": ENTERPRISE, "name": "海澜智能装备", "doc": "更名1"},
    "apply": {
        "ref": "Z1",
        "unit": ENTERPRISE,
        "clause": "qd2024-01-common-tech",
        "amount": "1万",
        "date": "2024-09-01",
    },
    "award": {"ref": "Z1", "amount": "1万", "fund": "KJ", "doc": "D", "date": "2024-09-01"},
    "disburse": {"ref": "Z1", "amount": "1万", "voucher": "V1", "date": "2024-09-01"},
    "invest": {"ref": "Z1", "amount": "1万", "stake": "1", "valuation": "1亿", "voucher": "V2", "date": "2024-09-01"},
    "spend": {"ref": "Z1", "amount": "1万", "category": "rd", "voucher": "V3", "date": "2024-09-01"},
    "recover": {"ref": "Z1", "amount": "1万", "voucher": "V4", "reason": "r", "date": "2024-09-01"},
    "reverse": {"voucher": "V1", "reason": "r"},
    "convert": {"ref": "Z1", "stake": "1", "valuation": "1亿", "doc": "C", "date": "2024-09-01"},
    "exit": {"ref": "Z1", "stake": "1", "proceeds": "1万", "voucher": "V5", "date": "2024-09-01"},
    "write-off": {"ref": "Z1", "reason": "r", "date": "2024-09-01"},
    "evaluate": {"ref": "Z1", "grade": "good", "date": "2024-09-01"},
    "reject": {"ref": "Z1", "reason": "r", "date": "2024-09-01"},
    "approve": {"voucher": "V1"},
    "void": {"voucher": "V1", "reason": "r"},
    "role grant": {"actor": "someone", "role": "clerk"},
}


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver", "auditor", "nobody"])
def test_each_role_may_run_exactly_its_own_commands(world, role):
    for name, raw in SAMPLE.items():
        try:
            run(world.ledger, name, role, **raw)
            outcome = "ran"
        except LedgerError as error:
            outcome = "forbidden" if error.code == "FORBIDDEN" else "ran"
        allowed = COMMAND_ROLES[name] == role
        assert outcome == ("ran" if allowed else "forbidden"), f"{role} running {name}: {outcome}"


def test_every_role_reads_but_a_person_without_a_role_does_not(world):
    """cli.md "The office's daily work": reads were auditors' and admins'; now every role's."""
    for reader in ("clerk", "reviewer", "approver", "auditor", "admin"):
        assert world.ledger.report("funds", reader)
        world.ledger.history("KJ", reader)
    with pytest.raises(LedgerError) as refusal:
        world.ledger.report("funds", "nobody")
    assert refusal.value.code == "FORBIDDEN"
    with pytest.raises(LedgerError) as refusal:
        world.ledger.replay("auditor")
    assert refusal.value.code == "FORBIDDEN"


def test_the_first_actor_to_init_is_admin_and_others_cannot_re_init(world):
    assert world.ledger.init("admin").fields["status"] == "up-to-date"
    with pytest.raises(LedgerError) as refusal:
        world.ledger.init("clerk")
    assert refusal.value.code == "FORBIDDEN"


def test_role_grants_are_events_in_the_actors_history(world):
    history = world.ledger.history("clerk", "admin")
    # The grant also issued the clerk's key (second edition): binding a key is an event of the person too.
    assert [h["type"] for h in history] == ["Actor.Registered", "Actor.RoleGranted", "Actor.KeyBound"]


# -- maker–checker --------------------------------------------------------------------


def test_a_payment_at_the_threshold_waits_for_a_second_person(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    assert (
        run(ledger, "disburse", "clerk", ref="QD-1", amount="99.99万", voucher="P-1", date="2024-09-02").fields[
            "status"
        ]
        == "posted"
    )
    assert (
        run(ledger, "disburse", "clerk", ref="QD-1", amount="100万", voucher="P-2", date="2024-09-02").fields["status"]
        == "pending"
    )
    row = world.award_row("QD-1")
    assert (row["disbursed"], row["pending"]) == (99_9900_00, 100_0000_00)
    error = refused(ledger, "disburse", "clerk", ref="QD-1", amount="100.02万", voucher="P-3", date="2024-09-02")
    assert error.code == "EXCEEDS_AWARD" and "待审批 100万元" in error.message  # pending counts against the award
    assert run(ledger, "approve", "approver", voucher="P-2", date="2024-09-03").fields["status"] == "posted"
    row = world.award_row("QD-1")
    assert (row["disbursed"], row["pending"]) == (199_9900_00, 0)


def test_the_maker_cannot_approve_their_own_payment(world):
    ledger = world.ledger
    run(ledger, "role grant", actor_="clerk", role="approver")
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", "clerk", ref="QD-1", amount="150万", voucher="P-1", date="2024-09-02")
    error = refused(ledger, "approve", "clerk", voucher="P-1", date="2024-09-03")
    assert error.code == "SAME_ACTOR"
    assert refused(ledger, "approve", "admin", voucher="P-9").code == "NOT_FOUND"
    run(ledger, "approve", "approver", voucher="P-1", date="2024-09-03")


def test_voiding_a_pending_payment_releases_it_and_it_can_no_longer_be_approved(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", "clerk", ref="QD-1", amount="300万", voucher="P-1", date="2024-09-02")
    assert (
        refused(ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="P-2", date="2024-09-02").code
        == "EXCEEDS_AWARD"
    )
    assert run(ledger, "void", "approver", voucher="P-1", reason="账号错误").fields["status"] == "voided"
    assert refused(ledger, "approve", "approver2", voucher="P-1").code == "INVALID_STATE"
    run(ledger, "disburse", "clerk", ref="QD-1", amount="1万", voucher="P-2", date="2024-09-02")
    assert world.award_row("QD-1")["pending"] == 0


def test_a_posted_payment_cannot_be_voided_only_reversed(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    run(ledger, "disburse", "clerk", ref="QD-1", amount="10万", voucher="P-1", date="2024-09-02")
    assert refused(ledger, "void", "approver", voucher="P-1", reason="x").code == "INVALID_STATE"
    assert run(ledger, "reverse", "clerk", voucher="P-1", reason="重复支付").fields["reversed"] == 10_0000_00
    assert world.award_row("QD-1")["disbursed"] == 0


def test_equity_investments_are_held_for_approval_too(world):
    ledger = world.ledger
    world.awarded("QD-E", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
    result = run(
        ledger,
        "invest",
        "clerk",
        ref="QD-E",
        amount="50万",
        stake="5",
        valuation="1000万",
        voucher="T-1",
        date="2024-09-02",
    )
    assert result.fields["status"] == "pending"  # the TZ fund's threshold is 50万
    assert world.report("equity") == []
    run(ledger, "approve", "approver", voucher="T-1", date="2024-09-03")
    assert [(r["application"], r["stake"]) for r in world.report("equity")] == [("QD-E", "5")]


# -- idempotency ------------------------------------------------------------------------


def _awarded_world(world):
    ledger = world.ledger
    world.awarded("QD-1", "qd2024-01-common-tech", "300万")
    world.awarded("QD-E", "qd2024-22-equity", "500万", fund="TZ", mode="equity")
    world.awarded("QD-C", "qd2024-02-demo", "200万", mode="convertible")
    run(ledger, "disburse", ref="QD-C", amount="50万", voucher="C-1", date="2024-09-02")
    run(ledger, "apply", ref="QD-R", unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="1万", date="2024-09-01")
    run(ledger, "apply", ref="QD-A", unit=ENTERPRISE, clause="qd2024-01-common-tech", amount="1万", date="2024-09-01")
    run(ledger, "evaluate", ref="QD-A", grade="good", date="2024-09-01")
    return ledger


NEW_UNIT = make("91370203MA3N12345")
# name, the command, and the same key with different content
REPEATS = [
    ("role grant", {"actor_": "x", "role": "clerk"}, None),
    ("fund create", {"fund": "N", "name_": "新资金"}, {"fund": "N", "name_": "别的名字"}),
    (
        "fund appropriate",
        {"fund": "KJ", "year": "2025", "amount": "10万", "doc": "A-1", "date": "2025-01-01"},
        {"fund": "KJ", "year": "2025", "amount": "11万", "doc": "A-1", "date": "2025-01-01"},
    ),
    (
        "unit register",
        {"code": NEW_UNIT, "name_": "x", "type": "enterprise"},
        {"code": NEW_UNIT, "name_": "x", "type": "university"},
    ),
    (
        "apply",
        {"ref": "N1", "unit": ENTERPRISE, "clause": "qd2024-01-common-tech", "amount": "1万", "date": "2024-09-01"},
        {"ref": "N1", "unit": ENTERPRISE, "clause": "qd2024-01-common-tech", "amount": "2万", "date": "2024-09-01"},
    ),
    (
        "evaluate",
        {"ref": "QD-R", "grade": "good", "date": "2024-09-02"},
        {"ref": "QD-R", "grade": "excellent", "date": "2024-09-02"},
    ),
    (
        "reject",
        {"ref": "QD-R", "reason": "不符合", "date": "2024-09-02"},
        {"ref": "QD-R", "reason": "另一个理由", "date": "2024-09-02"},
    ),
    (
        "award",
        {"ref": "QD-A", "amount": "300万", "fund": "KJ", "doc": "DOC-A", "date": "2024-09-01"},
        {"ref": "QD-A", "amount": "200万", "fund": "KJ", "doc": "DOC-A", "date": "2024-09-01"},
    ),
    (
        "disburse",
        {"ref": "QD-1", "amount": "10万", "voucher": "P-1", "date": "2024-09-02"},
        {"ref": "QD-1", "amount": "11万", "voucher": "P-1", "date": "2024-09-02"},
    ),
    (
        "spend",
        {"ref": "QD-C", "amount": "1万", "category": "rd", "voucher": "S-1", "date": "2024-09-03"},
        {"ref": "QD-C", "amount": "1万", "category": "labor", "voucher": "S-1", "date": "2024-09-03"},
    ),
    (
        "recover",
        {"ref": "QD-C", "amount": "1万", "voucher": "R-1", "reason": "结余", "date": "2024-09-03"},
        {"ref": "QD-C", "amount": "2万", "voucher": "R-1", "reason": "结余", "date": "2024-09-03"},
    ),
    ("reverse", {"voucher": "C-1", "reason": "重复"}, {"voucher": "C-1", "reason": "另一个"}),
    (
        "invest",
        {"ref": "QD-E", "amount": "10万", "stake": "1", "valuation": "1000万", "voucher": "I-1", "date": "2024-09-02"},
        {"ref": "QD-E", "amount": "10万", "stake": "2", "valuation": "1000万", "voucher": "I-1", "date": "2024-09-02"},
    ),
    (
        "convert",
        {"ref": "QD-C", "stake": "2", "valuation": "1亿", "doc": "CV-1", "date": "2024-09-05"},
        {"ref": "QD-C", "stake": "3", "valuation": "1亿", "doc": "CV-1", "date": "2024-09-05"},
    ),
]


@pytest.mark.parametrize(("name", "raw", "different"), REPEATS, ids=[r[0] for r in REPEATS])
def test_an_exact_repeat_changes_nothing_and_a_changed_repeat_is_refused(world, name, raw, different):
    ledger = _awarded_world(world)
    first = run(ledger, name, **raw)
    assert first.changed
    events = event_count(ledger)
    again = run(ledger, name, **raw)
    assert not again.changed and again.fields == first.fields
    assert event_count(ledger) == events
    if different is not None:
        assert refused(ledger, name, **different).code == "DUPLICATE_KEY"
        assert event_count(ledger) == events


def test_repeats_of_approve_void_exit_and_write_off_change_nothing(world):
    ledger = _awarded_world(world)
    run(ledger, "invest", ref="QD-E", amount="100万", stake="10", valuation="1000万", voucher="I-1", date="2024-09-02")
    run(ledger, "disburse", ref="QD-1", amount="150万", voucher="P-1", date="2024-09-02")
    for name, actor, raw, different in (
        ("approve", "approver", {"voucher": "I-1"}, None),
        ("void", "approver", {"voucher": "P-1", "reason": "错误"}, {"voucher": "P-1", "reason": "别的"}),
        (
            "exit",
            "clerk",
            {"ref": "QD-E", "stake": "4", "proceeds": "60万", "voucher": "X-1", "date": "2024-10-01"},
            {"ref": "QD-E", "stake": "4", "proceeds": "70万", "voucher": "X-1", "date": "2024-10-01"},
        ),
        ("approve", "approver", {"voucher": "X-1", "date": "2024-10-01"}, None),  # 60万 ≥ the fund's 50万: held
        (
            "write-off",
            "clerk",
            {"ref": "QD-E", "reason": "破产", "date": "2024-11-01", "doc": "HX-1"},  # held too: a document
            {"ref": "QD-E", "reason": "别的", "date": "2024-11-01", "doc": "HX-1"},
        ),
        ("approve", "approver", {"voucher": "HX-1", "date": "2024-11-01"}, None),
    ):
        assert run(ledger, name, actor, **raw).changed
        events = event_count(ledger)
        assert not run(ledger, name, actor, **raw).changed, name
        assert event_count(ledger) == events
        if different:
            assert refused(ledger, name, actor, **different).code == "DUPLICATE_KEY", name


def test_a_voucher_number_is_unique_across_kinds_and_applications(world):
    ledger = _awarded_world(world)
    run(ledger, "disburse", ref="QD-1", amount="10万", voucher="V-1", date="2024-09-02")
    assert (
        refused(ledger, "spend", ref="QD-1", amount="10万", category="rd", voucher="V-1", date="2024-09-03").code
        == "DUPLICATE_KEY"
    )
    assert (
        refused(ledger, "disburse", ref="QD-C", amount="10万", voucher="V-1", date="2024-09-02").code == "DUPLICATE_KEY"
    )


def test_a_repeat_without_a_date_matches_the_recorded_date(world):
    ledger = _awarded_world(world)
    run(ledger, "disburse", ref="QD-1", amount="10万", voucher="V-1", date="2024-09-02")
    assert not run(ledger, "disburse", ref="QD-1", amount="10万", voucher="V-1").changed
    assert (
        refused(ledger, "disburse", ref="QD-1", amount="10万", voucher="V-1", date="2024-09-03").code == "DUPLICATE_KEY"
    )


def test_a_command_that_keeps_losing_races_gives_up_with_conflict_and_writes_nothing(world, monkeypatch):
    from eventsourcing.persistence import IntegrityError

    from ledger import service
    from ledger.errors import exit_code

    attempts = []

    def always_loses(self):
        attempts.append(1)
        raise IntegrityError("another clerk saved first")

    monkeypatch.setattr(service.UnitOfWork, "commit", always_loses)
    monkeypatch.setattr(service, "backoff", lambda attempt: None)
    before = event_count(world.ledger)
    error = refused(world.ledger, "fund create", fund="NEW", name_="新资金")
    assert error.code == "CONFLICT" and exit_code(error.code) == 5
    assert len(attempts) == 12  # bounded retries, then the refusal
    assert event_count(world.ledger) == before
