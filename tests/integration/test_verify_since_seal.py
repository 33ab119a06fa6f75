"""Incremental verify (issue 26, item 5): ``verify --since-seal`` / ``--from-checkpoint FILE``, on both engines.

A seal commits to a snapshot of verify's fold states; verifying from it checks the seal, the snapshot, and the
chain, signatures, invariants and rules from there on. An edit after the seal is named exactly as the full
verify names it (the two are compared on the same tampered ledger); an edit before it is not seen (the seal
vouches for the prefix: only the full verify finds it); a tampered snapshot and a seal not bound to its signer
are findings, never starting points.
"""

from __future__ import annotations

import pytest

from ledger import errors
from ledger.periods import seal_payload
from projections import resume
from tests.helpers import run
from tests.integration.test_audit import disarm, events_table, raw, seq_of, some_history
from tests.integration.test_seal_proofs import stranger


def more_history(world) -> None:
    run(world.ledger, "disburse", ref="QD-1", amount="20万", voucher="PZ-2", date="2024-09-04")
    run(world.ledger, "spend", ref="QD-1", amount="5万", category="rd", voucher="ZC-2", date="2024-09-05")
    world.awarded("QD-2", "qd2024-01-common-tech", "100万")
    run(world.ledger, "disburse", ref="QD-2", amount="30万", voucher="PZ-3", date="2024-09-06")


def sealed_world(world) -> dict:
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    more_history(world)
    return sealed


def both(ledger, **given):
    return ledger.verify("auditor"), ledger.verify("auditor", since=True, **given)


def test_an_honest_ledger_verifies_from_its_seal_as_in_full(world):
    sealed = sealed_world(world)
    assert sealed.get("snapshot")
    full, since = both(world.ledger)
    assert full.ok, full.findings
    assert since.ok, since.findings
    assert since.since == sealed["position"]
    assert (since.events, since.head, since.signatures) == (full.events, full.head, full.signatures)
    assert since.checks["规则复核"].startswith("ok") and since.checks["invariants"].startswith("ok")
    assert since.checks["projections"].startswith("ok") and since.checks["seals"] == "ok (1)"
    from_file = world.ledger.verify("auditor", checkpoint=dict(sealed), since=True)
    assert from_file.ok, from_file.findings


def test_an_edit_after_the_seal_is_named_as_the_full_verify_names_it(world):
    sealed = sealed_world(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    seqs = [s for s in _seqs(ledger, "Grant.Disbursed") if s > sealed["position"]]
    seq = seqs[0]
    state = bytes(raw(ledger, f"SELECT state FROM {table} WHERE {seq_column} = :s", s=seq).scalar())
    forged = state.replace(b'"amount":20000000', b'"amount":90000000')
    assert forged != state
    disarm(ledger)
    raw(ledger, f"UPDATE {table} SET state = :v WHERE {seq_column} = :s", v=forged, s=seq)
    full, since = both(ledger)
    assert not full.ok and not since.ok
    assert since.findings[0] == full.findings[0]
    assert since.findings[0].startswith(f"第 {seq} 条事件「拨付」(Grant.Disbursed")
    assert since.checks["hash chain"] == full.checks["hash chain"] == "TAMPERED"


def test_a_journal_line_edited_after_the_seal_is_named_as_the_full_verify_names_it(world):
    sealed = sealed_world(world)
    ledger = world.ledger
    raw(ledger, "UPDATE journal SET debit = debit + 1 WHERE seq = (SELECT max(seq) FROM journal) AND line = 0")
    full, since = both(ledger)
    assert not full.ok and not since.ok
    assert since.findings[0] == full.findings[0], (since.findings, full.findings)
    assert since.findings[0].startswith("读模型「日记账」(表 journal) 的行 (")
    assert sealed["position"] < ledger.app.recorder.max_notification_id()


def test_an_edit_before_the_seal_is_trusted_by_since_seal_and_found_by_the_full_verify(world):
    sealed = sealed_world(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    seq = seq_of(ledger, "Grant.Disbursed")
    assert seq <= sealed["position"]
    state = bytes(raw(ledger, f"SELECT state FROM {table} WHERE {seq_column} = :s", s=seq).scalar())
    disarm(ledger)
    raw(
        ledger,
        f"UPDATE {table} SET state = :v WHERE {seq_column} = :s",
        v=state.replace(b'"amount":50000000', b'"amount":90000000'),
        s=seq,
    )
    full, since = both(ledger)
    assert not full.ok and full.findings[0].startswith(f"第 {seq} 条事件「拨付」(Grant.Disbursed")
    # the chain from the seal still checks: the prefix is what the seal vouches for (README "What verify proves");
    # only the forger's first step, dropping the append-only triggers, shows (a full verify names that too)
    assert since.checks["hash chain"] == "ok" and since.checks["since seal"].startswith("ok")
    assert since.checks["规则复核"].startswith("ok") and since.checks["projections"].startswith("ok")
    assert len(since.findings) == 1 and since.findings[0].startswith("只追加保护已失效")


def test_a_tampered_snapshot_is_a_finding_not_a_starting_point(world):
    sealed = sealed_world(world)
    ledger = world.ledger
    with ledger.engine.begin() as conn:
        body = resume.load(conn, sealed["position"])
    forged = body.replace(b'"count":', b'"count": ', 1)
    assert forged != body
    raw(ledger, "UPDATE verify_snapshots SET body = :b WHERE position = :p", b=forged, p=sealed["position"])
    since = ledger.verify("auditor", since=True)
    assert not since.ok and since.checks["since seal"] == "TAMPERED"
    assert "校验快照被改动" in since.findings[0] and since.findings[0].startswith("日志中的封存 (第 ")
    raw(ledger, "DELETE FROM verify_snapshots")
    gone = ledger.verify("auditor", since=True)
    assert not gone.ok and "不在数据库中" in gone.findings[0]
    assert ledger.verify("auditor").ok  # the full verify does not need it


def test_a_seal_file_not_bound_to_its_signer_is_refused_as_a_start(world):
    sealed = sealed_world(world)
    forger = stranger("auditor")
    from ledger import signing

    signed = signing.sign_as(
        forger, seal_payload(sealed["position"], sealed["head"], sealed["state"], sealed["snapshot"])
    )
    forged = dict(sealed, key=signed["key"], signature=signed["signature"])
    since = world.ledger.verify("auditor", checkpoint=forged, since=True)
    assert not since.ok and since.checks["since seal"] == "TAMPERED"
    assert since.findings[0].startswith(f"封存文件 (第 {sealed['position']} 条)") and "伪造的封存" in since.findings[0]
    # the same file with its snapshot hash changed no longer carries the signer's signature
    changed = dict(sealed, snapshot="00" * 32)
    since = world.ledger.verify("auditor", checkpoint=changed, since=True)
    assert not since.ok and "签名与内容不符" in since.findings[0], since.findings


def test_a_seal_without_a_snapshot_cannot_start_an_incremental_verify(world):
    some_history(world)
    sealed = world.ledger.seal("auditor").fields
    old = {k: v for k, v in sealed.items() if k != "snapshot"}
    with pytest.raises(errors.LedgerError) as refused:
        world.ledger.verify("auditor", checkpoint=old, since=True)
    assert refused.value.code == errors.INVALID_INPUT and "没有校验快照" in refused.value.message


def test_no_seal_at_all_is_a_refusal_in_words(world):
    some_history(world)
    with pytest.raises(errors.LedgerError) as refused:
        world.ledger.verify("auditor", since=True)
    assert refused.value.code == errors.INVALID_INPUT and "还没有封存" in refused.value.message


def test_the_snapshot_round_trips_the_fold_states_exactly(world):
    """Restored from a snapshot and written again, the folds' states are the same bytes."""
    sealed = sealed_world(world)
    with world.ledger.engine.connect() as conn:
        body = resume.load(conn, sealed["position"])
    assert resume.digest(body) == sealed["snapshot"]
    from projections.invariants import InvariantCheck
    from projections.redecide import Redecide

    content, sections = resume.parse(body)
    again = InvariantCheck.from_snapshot(content["invariants"], sections)
    app = world.ledger.app
    rules = Redecide.from_snapshot(app.recorder, app.catalogue, content["rules"], sections, 0)
    out = resume.Sections()
    assert again.snapshot(out) == content["invariants"] and rules.snapshot(out) == content["rules"]
    written = [line for line in body.split(b"\n")[1:] if not line.startswith(b"%d:" % content["origins"]["section"])]
    assert out.lines() == written and len(written) > 3


def _seqs(ledger, suffix: str) -> list[int]:
    table, seq = events_table(ledger)
    rows = raw(ledger, f"SELECT {seq} FROM {table} WHERE topic LIKE :t ORDER BY {seq}", t=f"%{suffix}")
    return [r[0] for r in rows]


def test_an_event_deleted_after_the_seal_is_named_as_the_full_verify_names_it(world):
    sealed = sealed_world(world)
    ledger = world.ledger
    table, seq_column = events_table(ledger)
    seq = next(s for s in _seqs(ledger, "Grant.Spent") if s > sealed["position"])
    disarm(ledger)
    raw(ledger, f"DELETE FROM {table} WHERE {seq_column} = :s", s=seq)
    full, since = both(ledger)
    assert not full.ok and not since.ok
    assert since.findings[0] == full.findings[0], (since.findings, full.findings)


def test_an_origin_rewritten_after_the_seal_is_named_as_the_full_verify_names_it(world):
    sealed_world(world)
    ledger = world.ledger
    raw(ledger, "UPDATE origins SET fund = 'ZZ' WHERE key = 'QD-2'")
    full, since = both(ledger)
    assert not full.ok and not since.ok
    assert since.findings[0] == full.findings[0], (since.findings, full.findings)
    assert (
        since.findings[0].startswith("读模型「事件来源」(表 origins) 的行 (")
        and "与从事件重建的结果不同" in since.findings[0]
    )


def test_a_kept_seal_beyond_the_logs_end_is_named(world):
    sealed = sealed_world(world)
    beyond = dict(sealed, position=world.ledger.app.recorder.max_notification_id() + 50)
    since = world.ledger.verify("auditor", checkpoint=beyond, since=True)
    assert not since.ok and since.checks["since seal"] == "TAMPERED"
    assert "日志比您持有的封存记录短" in since.findings[0], since.findings


def _seal_and_fold_from_zero(world, monkeypatch) -> tuple[bytes, bytes, list[int]]:
    """Seal once more: the snapshot the seal stored, the snapshot folded from event zero on the same arguments
    (what a seal made without any earlier one stores), and the positions this seal folded."""
    from projections import incremental

    taken: list = []
    folded: list[int] = []
    take, page = incremental.take, incremental.ChainCheck.page

    def recording(*args, **kwargs):
        taken.append(args)
        return take(*args, **kwargs)

    def counting(self, rows):
        folded.extend(r[0] for r in rows)
        return page(self, rows)

    monkeypatch.setattr(incremental, "take", recording)
    monkeypatch.setattr(incremental.ChainCheck, "page", counting)
    sealed = world.ledger.seal("auditor").fields
    monkeypatch.undo()
    with world.ledger.engine.connect() as conn:
        stored = resume.load(conn, sealed["position"])
    assert resume.digest(stored) == sealed["snapshot"]
    return stored, incremental.take(*taken[-1]), folded


def test_a_seal_folds_on_from_the_last_seal_to_the_same_snapshot_as_from_zero(world, monkeypatch):
    """Sealing starts from the latest earlier seal's snapshot (a seal costs what was written since), and what it
    stores is byte for byte what a fold from event zero gives; the second seal starts a verify --since-seal."""
    first = sealed_world(world)
    stored, from_zero, folded = _seal_and_fold_from_zero(world, monkeypatch)
    assert stored == from_zero
    assert folded and min(folded) > first["position"]  # only what followed the first seal was folded
    assert world.ledger.verify("auditor", since=True).ok


def test_a_tampered_earlier_snapshot_is_not_a_starting_point_for_the_next_seal(world, monkeypatch):
    first = sealed_world(world)
    with world.ledger.engine.connect() as conn:
        body = resume.load(conn, first["position"])
    forged = body.replace(b'"count":', b'"count": ', 1)
    raw(world.ledger, "UPDATE verify_snapshots SET body = :b WHERE position = :p", b=forged, p=first["position"])
    stored, from_zero, folded = _seal_and_fold_from_zero(world, monkeypatch)
    assert stored == from_zero and min(folded) == 1  # folded from event zero: the forged snapshot was not trusted
