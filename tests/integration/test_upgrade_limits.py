"""``init`` upgrades a first-edition ledger's limits from the log's own awards (issue 28), on both engines.

The first edition kept no lifetime total for a platform clause and no yearly mark for a clause awarded once a
year or cycle; the command code used to ask the read model for the awards made before them
(``GrantLedger.awarded_before``). Now ``init`` carries those awards into the totals and marks once
(``UnitCap.Carried``), and a command decides from the aggregates alone: the same refusals, naming the same
awards, and verify accepts what the upgrade wrote.
"""

from __future__ import annotations

import pytest

from app.facade import Ledger
from ledger import clauses, rules
from ledger.caps import LIFE, ONCE, UnitCap
from ledger.service import UnitOfWork
from tests.helpers import ENTERPRISE, UNIVERSITY, World, event_count, refused, run
from tests.integration.test_policy_load import FIRST_EDITION

LAB = "qd2024-05-national-key-lab-lead"  # platform (lifetime 1000万) since the second edition
RENEWAL = "qd2024-14-hnte-renewal"  # once in a 3-year cycle since the third edition
POINT = "qd2024-10-tech-contract-point"  # once a year since the third edition
WAN = 1_000_000


def awarded(ledger, ref: str, clause: str, amount: str, unit: str, date: str, base: str | None = None) -> None:
    run(ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
    run(ledger, "evaluate", ref=ref, grade="good", date=date)
    run(ledger, "award", ref=ref, amount=amount, fund="KJ", doc=f"D-{ref}", date=date)


def applied(ledger, ref: str, clause: str, amount: str, unit: str, date: str, base: str | None = None) -> None:
    run(ledger, "apply", ref=ref, unit=unit, clause=clause, amount=amount, base=base, date=date)
    run(ledger, "evaluate", ref=ref, grade="good", date=date)


def award_refused(ledger, ref: str, amount: str, date: str):
    return refused(ledger, "award", ref=ref, amount=amount, fund="KJ", doc=f"D-{ref}", date=date)


@pytest.fixture
def first_edition(db_url, monkeypatch) -> str:
    """A ledger whose awards were all decided under the first edition's catalogue."""
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        ledger.app.catalogue = clauses.load(FIRST_EDITION)
        monkeypatch.setattr(rules, "check_region", lambda clause, region: None)
        World.build(ledger)
        for year in ("2025", "2026"):
            run(ledger, "fund appropriate", fund="KJ", year=year, amount="1亿", doc=f"KJ-{year}", date=f"{year}-01-05")
        awarded(ledger, "L1", LAB, "600万", UNIVERSITY, "2024-09-01")
        awarded(ledger, "R0", RENEWAL, "5万", ENTERPRISE, "2024-09-01")
        awarded(ledger, "C1", POINT, "50万", ENTERPRISE, "2024-09-01", base="5000万")
        awarded(ledger, "C2", POINT, "50万", ENTERPRISE, "2024-10-01", base="5000万")  # twice a year: then allowed
    monkeypatch.undo()
    return db_url


def test_init_carries_the_first_editions_awards_into_totals_and_marks_once(first_edition):
    with Ledger(first_edition) as ledger:
        before = event_count(ledger)
        result = ledger.init("admin")
        assert (result.fields["status"], result.fields["limits_carried"]) == ("upgraded", 3)
        assert event_count(ledger) == before + 6  # three totals opened, three carried
        uow = UnitOfWork(ledger.app)
        life = uow.find(UnitCap, UNIVERSITY, LAB, LIFE)
        assert (life.refs, life.used, life.cap) == (["L1"], 600 * WAN, 1000 * WAN)
        assert uow.find(UnitCap, ENTERPRISE, f"{RENEWAL}/year/2024", ONCE).refs == ["R0"]
        assert uow.find(UnitCap, ENTERPRISE, f"{POINT}/year/2024", ONCE).refs == ["C1", "C2"]
        again = ledger.init("admin")
        assert again.fields["status"] == "up-to-date" and not again.changed
        assert event_count(ledger) == before + 6
        report = ledger.verify("auditor")
        assert report.ok, report.findings


def test_after_the_upgrade_the_totals_and_marks_refuse_what_the_read_model_used_to(first_edition):
    with Ledger(first_edition) as ledger:
        ledger.init("admin")
        # the lifetime total: 600万 of 1000万 was awarded under the first edition
        applied(ledger, "L2", LAB, "500万", UNIVERSITY, "2024-10-01")
        error = award_refused(ledger, "L2", "500万", "2024-10-01")
        assert error.code == "EXCEEDS_CLAUSE_MAX" and "L1" in error.message and "400万" in error.message
        assert ledger.quote("admin", LAB, UNIVERSITY, None, None, "2024-10-01").max == 400 * WAN
        run(ledger, "award", ref="L2", amount="400万", fund="KJ", doc="D-L2", date="2024-10-01")
        # the renewal cycle: R0 (2024) rules out 2025 and 2026
        applied(ledger, "R1", RENEWAL, "5万", ENTERPRISE, "2025-09-01")
        error = award_refused(ledger, "R1", "5万", "2025-09-01")
        assert error.code == "ALREADY_AWARDED_ONCE" and "R0" in error.message
        assert ledger.quote("admin", RENEWAL, ENTERPRISE, None, None, "2027-09-01").refusal is None
        # once a year: 2024 was taken (twice) under the first edition; 2025 is free
        applied(ledger, "C3", POINT, "50万", ENTERPRISE, "2024-12-01", base="5000万")
        error = award_refused(ledger, "C3", "50万", "2024-12-01")
        assert error.code == "ALREADY_AWARDED_ONCE" and "C1" in error.message
        run(ledger, "award", ref="C3", amount="50万", fund="KJ", doc="D-C3", date="2025-01-02")
        report = ledger.verify("auditor")
        assert report.ok, report.findings
        ledger.replay("admin")
        assert ledger.verify("auditor").ok


YEARLY_SUCCESSOR = """
[document]
id = "qd2025-ct"
title = "青岛市行业共性技术攻关项目管理办法"
doc_number = "青科规〔2025〕7号"
issuer = "青岛市科学技术局"
issued = "2025-01-01"
effective_from = "2024-01-01"
city = "qingdao"

[[clauses]]
id = "qd2025-ct-common-tech"
title = "行业共性技术攻关项目(每年一项)"
item = "第二条"
quote = "同一单位每年支持一项行业共性技术攻关项目,给予最高500万元支持。"
max = "500万"
once_per = "year"
shares = "qd2024-01-common-tech"
"""


def test_a_loaded_clause_keeping_yearly_marks_for_a_record_it_shares_counts_the_awards_made_under_it(world):
    """The successor keeps a yearly mark under ``qd2024-01-common-tech``'s record, which kept none: ``policy load``
    carries the unit's awards under it into the marks (the command code used to ask the read model)."""
    world.awarded("AB-1", "qd2024-01-common-tech", "100万")
    ledger = world.ledger
    from ledger import commands

    loaded = ledger.run(commands.build("policy load", {"file-name": "c.toml", "content": YEARLY_SUCCESSOR}), "admin")
    assert loaded.fields["limits_carried"] == 1
    applied(ledger, "AB-2", "qd2025-ct-common-tech", "100万", ENTERPRISE, "2024-10-01")
    error = award_refused(ledger, "AB-2", "100万", "2024-10-01")
    assert error.code == "ALREADY_AWARDED_ONCE" and "AB-1" in error.message
    assert ledger.verify("auditor").ok


def test_a_carried_amount_the_awards_do_not_add_up_to_is_named_by_verify(first_edition):
    """The upgrade's range has no award in it: verify's re-decision accepts its totals only as the awards stand."""
    from ledger import signing
    from ledger.actors import Actor

    with Ledger(first_edition) as ledger:
        ledger.init("admin")
        app = ledger.app
        life = app.load(UnitCap, UnitCap.create_id(UNIVERSITY, LAB, LIFE))
        life.carry(["L1"], 1, "admin", "2026-12-03")  # L1 again, 0.01元: no award stands behind it
        key = app.load(Actor, Actor.create_id("admin")).key
        with signing.signing_as(signing.Signer("admin", key, app.keyring.private("admin", key))):
            app.save(life)
        report = ledger.verify("auditor")
        assert not report.ok
        assert any("UnitCap.Carried" in f and "额度记录须来自同一操作中的批复" in f for f in report.findings)
