"""A year closed through ``batch`` is sealed as ``close`` seals it: a signed Seal of the books right after the
close (its position, head and state), which verify checks; a later line of the same batch comes after it.
Both engines."""

from __future__ import annotations

import json

from ledger.periods import Seal
from projections.redecide import CHECK
from tests.helpers import WH_ENTERPRISE, run


def _seals(ledger) -> list[dict]:
    rows = ledger.app.recorder.select_notifications(1, 10_000)
    return [{"seq": r.id, **json.loads(r.state)} for r in rows if r.topic.endswith("Seal.Written")]


def test_a_batch_close_writes_the_seal_the_cli_close_writes(world):
    ledger = world.ledger
    world.awarded("QD-22", "wh2018-1-new-rd-institution", "100万", unit=WH_ENTERPRISE, date="2022-03-01")
    close = {"cmd": "close", "year": "2022", "fund": "KJ", "doc": "JZ-2022", "date": "2023-01-10"}
    after = {"cmd": "fund appropriate", "fund": "KJ", "year": "2024", "amount": "1万", "doc": "ZJ-1"}
    after["date"] = "2024-02-01"
    before = ledger.app.recorder.max_notification_id()
    summary = ledger.batch([(n, json.dumps(x, ensure_ascii=False)) for n, x in ((1, close), (2, after))], "admin")
    assert summary.failed == 0 and summary.applied == 2, summary
    seals = [s for s in _seals(ledger) if s["seq"] > before]
    assert len(seals) == 1, seals
    seal = seals[0]
    assert seal["signed_by"] == "admin" and seal["signature"]
    # the seal covers the log up to the close, before the batch's next line
    closed_at = max(
        r.id for r in ledger.app.recorder.select_notifications(1, 10_000) if r.topic.endswith("Period.Closed")
    )
    assert closed_at <= seal["position"] < seal["seq"]
    appropriated = max(
        r.id for r in ledger.app.recorder.select_notifications(1, 10_000) if r.topic.endswith("FundYear.Appropriated")
    )
    assert appropriated > seal["seq"]
    report = ledger.verify("auditor")
    assert report.ok, report.findings
    assert report.checks[CHECK].startswith("ok")
    assert ledger.app.load(Seal, Seal.create_id(seal["position"])).signed_by == "admin"


def test_a_repeated_close_in_a_batch_seals_nothing_new(world):
    ledger = world.ledger
    run(ledger, "close", year="2022", fund="KJ", doc="JZ-2022", date="2023-01-10")
    count = len(_seals(ledger))
    close = {"cmd": "close", "year": "2022", "fund": "KJ", "doc": "JZ-2022", "date": "2023-01-10"}
    summary = ledger.batch([(1, json.dumps(close, ensure_ascii=False))], "admin")
    assert summary.skipped == 1, summary
    assert len(_seals(ledger)) == count
