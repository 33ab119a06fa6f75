"""Corrections by two people through the command line (issue 24, item 1), on both engines.

"No mistake can be undone": a Weihai award typed against the Qingdao fund KJ was accepted; ``award`` again was
``DUPLICATE_KEY``, ``reject`` ``INVALID_STATE``, and because the clause was a platform clause (and once per unit)
the unit's lifetime total was used up for good. Now a clerk proposes ``cancel-award`` / ``reduce-award`` /
``correct`` / ``reevaluate`` under a document number, a second person approves it (``approve DOC``), and what
the award held — the fund-year's commitment, the yearly cap, the platform total, the once-per-unit mark —
comes back, so the unit is awarded correctly afterwards.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.driver import Cli, awarded, describe, standard_world, yuan
from tests.helpers import ENTERPRISE, WH_ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"
WH_ONCE_PLATFORM = "wh2018-6-tech-service-enterprise"  # 20万 fixed, platform, once per unit
WH_PLATFORM = "wh2018-1-new-rd-institution"  # platform: at most 200万 per unit over the clause's life
TEAM = "qd2020-kc16-key-project-team"  # 30万 max, 200万 yearly cap per unit


@pytest.fixture
def office(db_url) -> Cli:
    cli = standard_world(Cli(db_url))
    cli.ok("unit", "register", WH_ENTERPRISE, "--name", "威海海澜装备", "--type", "enterprise")
    cli.ok("fund", "create", "WH", "--name", "威海市科技创新平台专项资金")
    cli.ok("fund", "appropriate", "WH", "--year", "2024", "--amount", "5000万", "--doc", "WH-2024", "--date",
           "2024-01-05")  # fmt: skip
    return cli


def cancel(cli: Cli, ref: str, doc: str, *, actor: str = "clerk", date: str = "2024-09-02") -> dict:
    return cli.ok("cancel-award", ref, "--doc", doc, "--reason", "误记入青岛市资金", "--date", date, actor=actor)


def approve(cli: Cli, doc: str, *, actor: str = "approver", date: str = "2024-09-02") -> dict:
    return cli.ok("approve", doc, "--date", date, actor=actor)


def funds(cli: Cli) -> dict:
    return {(r["fund"], r["year"]): r for r in cli.ok("report", "funds")}


def test_a_mistaken_platform_award_is_cancelled_by_two_people_and_awarded_again_correctly(office):
    first = awarded(office, "WH-1", WH_ONCE_PLATFORM, "20万", unit=WH_ENTERPRISE, fund="KJ")
    assert first["fund"] == "KJ"
    # What the office had before: no way back.
    assert office.refused("award", "WH-1", "--amount", "20万", "--fund", "WH", "--doc", "威科字〔2024〕9号",
                          "--date", "2024-09-02")[1] == "DUPLICATE_KEY"  # fmt: skip
    apply = ("apply", "WH-2", "--unit", WH_ENTERPRISE, "--clause", WH_ONCE_PLATFORM, "--amount", "20万")
    office.ok(*apply, "--date", "2024-09-01")
    office.ok("evaluate", "WH-2", "--grade", "good", "--date", "2024-09-01")
    award_2 = ("award", "WH-2", "--amount", "20万", "--fund", "WH", "--doc", "威科字〔2024〕10号", "--date")
    exit_code, code, message = office.refused(*award_2, "2024-09-02")
    assert (exit_code, code) == (1, "ALREADY_AWARDED_ONCE") and "WH-1" in message

    proposed = cancel(office, "WH-1", "威科撤〔2024〕1号")
    assert (proposed["application"], proposed["doc"], proposed["kind"], proposed["status"]) == (
        "WH-1",
        "威科撤〔2024〕1号",
        "cancel-award",
        "pending",
    )
    assert yuan(proposed["awarded"]) == 200000  # nothing has moved yet
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 200000
    pending = {r["voucher"]: r for r in office.ok("report", "pending", actor="approver")}
    row = pending["威科撤〔2024〕1号"]
    assert (row["kind"], row["application"], row["fund"], row["maker"], row["reason"]) == (
        "cancel-award",
        "WH-1",
        "KJ",
        "clerk",
        "误记入青岛市资金",
    )

    # The proposer cannot put it in force: not by role, and not as an admin who proposed it.
    assert office.refused("approve", "威科撤〔2024〕1号", actor="clerk")[:2] == (4, "FORBIDDEN")
    done = approve(office, "威科撤〔2024〕1号")
    assert (done["voucher"], done["status"], done["application"]) == ("威科撤〔2024〕1号", "cancelled", "WH-1")
    assert "威科撤〔2024〕1号" not in {r["voucher"] for r in office.ok("report", "pending", actor="approver")}
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 0
    assert "WH-1" not in {r["application"] for r in office.ok("report", "awards")}

    # The cancelled application is final (its history stays as it was); the unit applies again and is awarded
    # from the right fund, under the same once-per-unit platform clause.
    exit_code, code, message = office.refused("award", "WH-1", "--amount", "20万", "--fund", "WH", "--doc",
                                              "威科字〔2024〕9号", "--date", "2024-09-03")  # fmt: skip
    assert (exit_code, code) == (1, "INVALID_STATE") and "撤销" in message and "重新申报" in message
    again = awarded(office, "WH-1B", WH_ONCE_PLATFORM, "20万", unit=WH_ENTERPRISE, fund="WH", date="2024-09-03")
    assert (again["fund"], yuan(again["awarded"])) == ("WH", 200000)
    assert yuan(funds(office)[("WH", 2024)]["committed"]) == 200000
    # As the ledger stood before the cancellation, the award is there; after it, it is not.
    before = {r["application"]: r for r in office.ok("report", "awards", "--as-of", "2024-09-01")}
    assert yuan(before["WH-1"]["awarded"]) == 200000 and before["WH-1"]["fund"] == "KJ"
    assert "WH-1" not in {r["application"] for r in office.ok("report", "awards", "--as-of", "2024-09-02")}
    period = {r["application"] for r in office.ok("report", "awards", "--from", "2024-09-01", "--to", "2024-09-30")}
    assert "WH-1" not in period and "WH-1B" in period  # awarded and cancelled within the period: nothing stood

    # History shows the original award and its correction, side by side.
    rows = office.ok("history", "WH-1")
    types = [r["type"] for r in rows]
    assert types.count("Grant.Awarded") == 1
    assert types.index("Grant.Awarded") < types.index("Grant.CorrectionProposed") < types.index("Grant.AwardCancelled")
    cancelled = next(r for r in rows if r["type"] == "Grant.AwardCancelled")
    assert cancelled["actor"] == "approver" and yuan(cancelled["amount"]) == 200000
    assert "威科撤〔2024〕1号" in cancelled["detail"] and "DOC-WH-1" in cancelled["detail"]
    table = office("history", "WH-1", fmt="table")
    assert table.exit_code == 0 and "撤销批复" in table.stdout and "提请更正" in table.stdout
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_a_platform_total_comes_back_with_the_cancellation(office):
    awarded(office, "WH-3", WH_PLATFORM, "200万", unit=WH_ENTERPRISE, fund="KJ")
    office.ok("apply", "WH-4", "--unit", WH_ENTERPRISE, "--clause", WH_PLATFORM, "--amount", "200万",
              "--date", "2024-09-01")  # fmt: skip
    office.ok("evaluate", "WH-4", "--grade", "good", "--date", "2024-09-01")
    award_4 = ("award", "WH-4", "--amount", "200万", "--fund", "WH", "--doc", "威科字〔2024〕11号", "--date")
    assert office.refused(*award_4, "2024-09-03")[1] == "EXCEEDS_CLAUSE_MAX"  # the lifetime total is used up
    cancel(office, "WH-3", "威科撤〔2024〕2号", actor="admin")
    code = office.refused("approve", "威科撤〔2024〕2号", actor="admin")
    assert code[:2] == (1, "SAME_ACTOR") and "另一名" in code[2]
    approve(office, "威科撤〔2024〕2号")
    assert yuan(office.ok(*award_4, "2024-09-03")["awarded"]) == 2000000


def test_a_yearly_cap_comes_back_with_a_reduction(office):
    for n in range(1, 8):  # 7 × 30万 > the 200万 yearly cap: the seventh is refused
        ref = f"QD-T{n}"
        office.ok("apply", ref, "--unit", ENTERPRISE, "--clause", TEAM, "--amount", "30万", "--date", "2024-09-01")
        office.ok("evaluate", ref, "--grade", "good", "--date", "2024-09-01")
        result = office("award", ref, "--amount", "30万", "--fund", "KJ", "--doc", f"D-{ref}", "--date", "2024-09-01")
        assert result.exit_code == (0 if n < 7 else 1), describe(result)
    reduced = office.ok("reduce-award", "QD-T1", "--amount", "10万", "--doc", "青科调〔2024〕1号", "--reason",
                        "核减", "--date", "2024-09-02", actor="clerk")  # fmt: skip
    assert (reduced["kind"], reduced["status"], yuan(reduced["amount"])) == ("reduce-award", "pending", 100000)
    assert (
        office.refused(
            "award", "QD-T7", "--amount", "30万", "--fund", "KJ", "--doc", "D-QD-T7", "--date", "2024-09-02"
        )[1]
        == "EXCEEDS_ANNUAL_CAP"
    )  # fmt: skip  (not in force yet)
    done = approve(office, "青科调〔2024〕1号")
    assert (done["status"], yuan(done["awarded"])) == ("reduced", 100000)
    caps = {r["cap_group"]: r for r in office.ok("report", "caps") if r["unit"] == ENTERPRISE}
    assert yuan(caps[TEAM]["used"]) == 1600000
    office.ok("award", "QD-T7", "--amount", "30万", "--fund", "KJ", "--doc", "D-QD-T7", "--date", "2024-09-02")
    awards = {r["application"]: r for r in office.ok("report", "awards")}
    assert yuan(awards["QD-T1"]["awarded"]) == 100000
    assert office.refused("disburse", "QD-T1", "--amount", "10.01万", "--voucher", "PZ-T1")[1] == "EXCEEDS_AWARD"


def test_money_paid_beyond_the_new_amount_must_come_back_first(office):
    awarded(office, "QD-1", COMMON_TECH, "300万")
    office.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02")  # held
    office.ok("disburse", "QD-1", "--amount", "80万", "--voucher", "PZ-2", "--date", "2024-09-02")  # posted
    exit_code, code, message = office.refused("reduce-award", "QD-1", "--amount", "100万", "--doc", "TJ-1",
                                              "--reason", "核减", "--date", "2024-09-03")  # fmt: skip
    assert (exit_code, code) == (1, "EXCEEDS_AWARD")
    assert "已拨付 80万元" in message and "待审批 150万元" in message and "须先收回 130万元" in message
    assert "void PZ-1" in message and "PZ-2" in message
    exit_code, code, message = office.refused("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "误批",
                                              "--date", "2024-09-03")  # fmt: skip
    assert code == "EXCEEDS_AWARD" and "须先收回 230万元" in message and "void" in message
    office.ok("void", "PZ-1", "--reason", "暂缓", "--date", "2024-09-03", actor="approver")
    exit_code, code, message = office.refused("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "误批",
                                              "--date", "2024-09-03")  # fmt: skip
    assert "已拨付 80万元" in message and "reverse" in message and "PZ-2" in message
    # A reduction proposed while the room is there is re-checked when the second person approves it.
    office.ok("reduce-award", "QD-1", "--amount", "100万", "--doc", "TJ-1", "--reason", "核减", "--date",
              "2024-09-03")  # fmt: skip
    office.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-3", "--date", "2024-09-04")  # held (window)
    exit_code, code, message = office.refused("approve", "TJ-1", "--date", "2024-09-04", actor="approver")
    assert code == "EXCEEDS_AWARD" and "须先收回 30万元" in message
    office.ok("void", "PZ-3", "--reason", "暂缓", "--date", "2024-09-04", actor="approver")
    assert approve(office, "TJ-1", date="2024-09-04")["status"] == "reduced"
    row = next(r for r in office.ok("report", "awards") if r["application"] == "QD-1")
    assert (yuan(row["awarded"]), yuan(row["disbursed"])) == (1000000, 800000)
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 1000000
    # Paid money back: reverse it, then the award can be cancelled.
    office.ok("reverse", "PZ-2", "--reason", "单位退回", "--date", "2024-09-05")
    office.ok("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "误批", "--date", "2024-09-05")
    assert approve(office, "CX-1", date="2024-09-05")["status"] == "cancelled"
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_a_withdrawn_correction_never_takes_effect_and_repeats_change_nothing(office):
    awarded(office, "QD-1", COMMON_TECH, "300万")
    first = cancel(office, "QD-1", "CX-1")
    again = office("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "误记入青岛市资金", "--date", "2024-09-02",
                   actor="clerk", fmt="json")  # fmt: skip
    assert again.exit_code == 0 and json.loads(again.stdout)["changed"] is False and first["changed"] is True
    assert office.refused("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "别的理由")[1] == "DUPLICATE_KEY"
    assert office.refused("disburse", "QD-1", "--amount", "1万", "--voucher", "CX-1")[1] == "DUPLICATE_KEY"
    _, code, message = office.refused("reduce-award", "QD-1", "--amount", "100万", "--doc", "TJ-9",
                                              "--reason", "核减")  # fmt: skip
    assert code == "INVALID_STATE" and "CX-1" in message  # one correction at a time
    voided = office.ok("void", "CX-1", "--reason", "核实无误", "--date", "2024-09-03", actor="approver")
    assert voided["status"] == "voided"
    assert office.refused("approve", "CX-1", actor="approver")[1] == "INVALID_STATE"
    assert yuan(funds(office)[("KJ", 2024)]["committed"]) == 3000000
    assert office.ok("report", "pending", actor="approver") == []
    assert office.refused("reduce-award", "QD-1", "--amount", "300万", "--doc", "TJ-2", "--reason", "核减")[:2] == (
        2,
        "INVALID_INPUT",
    )  # fmt: skip  (not lower)
    assert office.refused("cancel-award", "QD-9", "--doc", "CX-9", "--reason", "无")[:2] == (3, "NOT_FOUND")


def test_a_cancellation_in_a_closed_year_needs_the_year_reopened(office):
    awarded(office, "QD-1", COMMON_TECH, "300万")
    office.ok("close", "2024", "--fund", "KJ", "--doc", "JZ-1", "--date", "2025-01-05")
    exit_code, code, message = office.refused("cancel-award", "QD-1", "--doc", "CX-1", "--reason", "误批",
                                              "--date", "2025-01-06")  # fmt: skip
    assert (exit_code, code) == (1, "PERIOD_CLOSED") and "reopen" in message


def test_an_application_is_corrected_and_re_evaluated_before_its_award(office):
    office.ok("apply", "QD-5", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "50万",
              "--date", "2024-09-01")  # fmt: skip
    office.ok("evaluate", "QD-5", "--grade", "fail", "--date", "2024-09-01", actor="reviewer")
    assert office.refused("evaluate", "QD-5", "--grade", "good", actor="reviewer")[1] == "DUPLICATE_KEY"
    proposed = office.ok("correct", "QD-5", "--amount", "80万", "--doc", "GZ-1", "--reason", "申报书金额录错",
                         "--date", "2024-09-02", actor="clerk")  # fmt: skip
    assert (proposed["kind"], yuan(proposed["amount"])) == ("correct", 800000)
    assert approve(office, "GZ-1")["status"] == "corrected"
    assert office.refused(
        "reevaluate", "QD-5", "--grade", "good", "--doc", "FP-1", "--reason", "评分汇总有误", actor="clerk"
    )[:2] == (4, "FORBIDDEN")  # fmt: skip  (a reviewer's act)
    office.ok("reevaluate", "QD-5", "--grade", "good", "--score", "85", "--doc", "FP-1", "--reason", "评分汇总有误",
              "--date", "2024-09-02", actor="reviewer")  # fmt: skip
    assert (
        office.refused("award", "QD-5", "--amount", "80万", "--fund", "KJ", "--doc", "D-5", "--date", "2024-09-02")[1]
        == "NOT_ELIGIBLE"
    )  # fmt: skip  (still "fail" until approved)
    assert approve(office, "FP-1")["status"] == "reevaluated"
    assert yuan(office.ok("award", "QD-5", "--amount", "80万", "--fund", "KJ", "--doc", "D-5",
                          "--date", "2024-09-02")["awarded"]) == 800000  # fmt: skip
    details = " ".join(r["detail"] or "" for r in office.ok("history", "QD-5"))
    assert "更正申报" in details and "复评" in details and "不合格" in details and "良好" in details
    _, code, message = office.refused("correct", "QD-5", "--amount", "90万", "--doc", "GZ-2",
                                              "--reason", "再改")  # fmt: skip
    assert code == "INVALID_STATE" and "cancel-award" in message


def test_corrections_run_in_a_batch(office, tmp_path):
    awarded(office, "QD-1", COMMON_TECH, "300万")
    lines = [
        {
            "cmd": "reduce-award",
            "ref": "QD-1",
            "amount": "200万",
            "doc": "TJ-1",
            "reason": "核减",
            "date": "2024-09-02",
        },
        {"cmd": "approve", "voucher": "TJ-1", "date": "2024-09-02"},
    ]
    path = tmp_path / "corrections.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines[:1]) + "\n", encoding="utf-8")
    summary = office.ok("batch", str(path), actor="clerk")
    assert (summary["applied"], summary["failed"]) == (1, 0)
    path.write_text(json.dumps(lines[1]) + "\n", encoding="utf-8")
    assert office.ok("batch", str(path), actor="approver")["applied"] == 1
    assert yuan(next(r for r in office.ok("report", "awards") if r["application"] == "QD-1")["awarded"]) == 2000000


def test_a_cancelled_award_books_nothing(office, tmp_path):
    before = office.ok("report", "trial-balance", "--side", "both")
    awarded(office, "QD-1", COMMON_TECH, "300万")
    cancel(office, "QD-1", "CX-1")
    approve(office, "CX-1")
    assert office.ok("report", "trial-balance", "--side", "both") == before  # an award and its cancellation: memo
    out = tmp_path / "u8.txt"
    result = office("export", "vouchers", "--to", "u8", "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    assert "QD-1" not in out.read_text(encoding="utf-8", errors="replace")
    journal = office.ok("report", "trial-balance")
    assert yuan(next(r for r in journal if r["account"] == "total")["balance"]) == 0


def test_report_pending_shows_what_each_waiting_correction_puts_at_stake_in_every_format(office):
    """Before, a waiting cancellation showed no amount, a reduction its new amount, a re-evaluation none: the
    approver could not see what the approval would release. Now each shows the money at stake, like a payment."""
    awarded(office, "QD-C", COMMON_TECH, "30万")
    awarded(office, "QD-R", COMMON_TECH, "30万")
    cancel(office, "QD-C", "CX-1")
    office.ok("reduce-award", "QD-R", "--amount", "10万", "--doc", "TJ-1", "--reason", "核减", "--date",
              "2024-09-02", actor="clerk")  # fmt: skip
    for ref in ("QD-K", "QD-E"):
        office.ok("apply", ref, "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "20万", "--date",
                  "2024-09-01")  # fmt: skip
    office.ok("evaluate", "QD-E", "--grade", "good", "--date", "2024-09-01", actor="reviewer")
    office.ok("correct", "QD-K", "--amount", "15万", "--doc", "GZ-1", "--reason", "笔误", "--date", "2024-09-02",
              actor="clerk")  # fmt: skip
    office.ok("reevaluate", "QD-E", "--grade", "pass", "--doc", "FP-1", "--reason", "复评", "--date", "2024-09-02",
              actor="reviewer")  # fmt: skip
    stake = {"CX-1": 300000, "TJ-1": 200000, "GZ-1": 150000, "FP-1": 200000}
    rows = {r["voucher"]: r for r in office.ok("report", "pending", actor="approver")}
    assert {v: yuan(rows[v]["amount"]) for v in stake} == stake
    table = office("report", "pending", actor="approver", fmt="table").stdout
    line = next(x for x in table.splitlines() if x.startswith("CX-1"))
    assert "撤销批复" in line and "300,000.00" in line, table
    assert "200,000.00" in next(x for x in table.splitlines() if x.startswith("TJ-1")), table
    csv = office("report", "pending", actor="approver", fmt="csv").stdout.splitlines()
    header = csv[0].lstrip("\ufeff").split(",")
    shown = {r.split(",")[0]: r.split(",")[header.index("金额")] for r in csv[1:]}
    assert {v: shown[v] for v in stake} == {v: f"{fen}.00" for v, fen in stake.items()}
    # As known before the approvals, the amounts are the same (read from what was recorded before each proposal).
    position = office.event_count()
    approve(office, "CX-1", date="2024-09-03")
    office.ok("void", "TJ-1", "--reason", "不再调减", "--date", "2024-09-03", actor="approver")
    then = {r["voucher"]: r for r in office.ok("report", "pending", "--known-at", str(position), actor="approver")}
    assert {v: yuan(then[v]["amount"]) for v in stake} == stake
    as_of = {r["voucher"]: r for r in office.ok("report", "pending", "--as-of", "2024-09-02", actor="approver")}
    assert {v: yuan(as_of[v]["amount"]) for v in stake} == stake
    assert office.ok("verify", actor="auditor")["ok"] is True


def test_history_of_a_correction_document_is_its_whole_life(office):
    """Before, ``history DOC`` listed only the voucher's issue; now the proposal, its approval or withdrawal
    (who, when, why) and what the approval released, after a rebuild from the log as well."""
    awarded(office, "QD-C", COMMON_TECH, "30万")
    awarded(office, "QD-R", COMMON_TECH, "30万")
    cancel(office, "QD-C", "CX-1")
    approve(office, "CX-1", date="2024-09-04")
    office.ok("reduce-award", "QD-R", "--amount", "10万", "--doc", "TJ-1", "--reason", "核减", "--date",
              "2024-09-02", actor="clerk")  # fmt: skip
    office.ok("void", "TJ-1", "--reason", "不再调减", "--date", "2024-09-03", actor="approver")

    def life(doc: str) -> list[tuple]:
        return [(r["type"], r["actor"], r["effective_date"]) for r in office.ok("history", doc, actor="auditor")]

    assert life("CX-1") == [
        ("Grant.CorrectionProposed", "clerk", "2024-09-02"),
        ("Voucher.Issued", "clerk", "2024-09-02"),
        ("Grant.AwardCancelled", "approver", "2024-09-04"),
        ("FundYear.Released", "approver", "2024-09-04"),
    ]
    cancelled = office.ok("history", "CX-1", actor="auditor")
    assert "误记入青岛市资金" in cancelled[0]["detail"] and yuan(cancelled[2]["amount"]) == 300000
    assert life("TJ-1") == [
        ("Grant.CorrectionProposed", "clerk", "2024-09-02"),
        ("Voucher.Issued", "clerk", "2024-09-02"),
        ("Grant.CorrectionWithdrawn", "approver", "2024-09-03"),
    ]
    assert "不再调减" in office.ok("history", "TJ-1", actor="auditor")[-1]["detail"]
    table = office("history", "TJ-1", actor="auditor", fmt="table").stdout
    assert "提请更正" in table and "撤回更正" in table and "不再调减" in table, table
    before = office.ok("history", "CX-1", actor="auditor")
    office.ok("replay", actor="admin")
    assert office.ok("history", "CX-1", actor="auditor") == before
    assert office.ok("verify", actor="auditor")["ok"] is True
