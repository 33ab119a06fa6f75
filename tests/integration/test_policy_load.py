"""``policy load``: a policy document recorded as an event, on both engines.

The example of docs/policy-format.md (the issued talent policy) loads and supersedes the announced shipped
clauses; malformed and conflicting files are refused naming the line, and write nothing; replay and verify
after a load reproduce every projection; and events recorded under the first edition of the catalogue replay
to the same projections under the second (rules decide new commands, never history).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.facade import Ledger
from ledger import clauses, commands, rules
from ledger.caps import LIFE, UnitCap
from ledger.service import UnitOfWork
from projections.reports import REPORTS
from tests.helpers import ENTERPRISE, INVESTOR, UNIVERSITY, World, event_count, refused, run

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "policy-format.md"
FIRST_EDITION = ROOT / "tests" / "fixtures" / "policies-first-edition"
WAN = 1_000_000


def guide_example() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, "the guide has exactly one complete example"
    return blocks[0]


def load(ledger, text: str, name: str = "qd2021-talent.toml", actor: str = "admin"):
    return ledger.run(commands.build("policy load", {"file-name": name, "content": text}), actor)


def refused_load(ledger, text: str, name: str = "bad.toml", actor: str = "admin"):
    before = event_count(ledger)
    try:
        load(ledger, text, name, actor)
    except Exception as error:
        assert event_count(ledger) == before, "a refused load wrote something"
        return error
    raise AssertionError("the load was not refused")


def everything(ledger) -> dict:
    return {name: ledger.report(name, "admin") for name in REPORTS}


def test_the_guide_example_loads_and_supersedes_the_announced_talent_clauses(world):
    ledger = world.ledger
    before = refused(ledger, "apply", ref="T0", unit=ENTERPRISE, clause="qd2020-kc16-talent-project", amount="1万")
    assert before.code == "NOT_IN_FORCE"
    result = load(ledger, guide_example())
    assert result.changed
    assert result.fields["clauses"] == ["qd2021-talent-project", "qd2021-talent-living"]
    assert result.fields["supersedes"] == ["qd2020-kc16-talent-living", "qd2020-kc16-talent-project"]
    assert result.fields["doc_number"] == "青人才字〔2021〕1号" and len(result.fields["sha256"]) == 64
    # the announced clause is now superseded by the issued one, from its date
    error = refused(
        ledger, "apply", ref="T1", unit=ENTERPRISE, clause="qd2020-kc16-talent-project", amount="1万", date="2021-03-01"
    )
    assert error.code == "SUPERSEDED" and "qd2021-talent-project" in error.message
    early = refused(
        ledger, "apply", ref="T2", unit=ENTERPRISE, clause="qd2020-kc16-talent-project", amount="1万", date="2021-02-28"
    )
    assert early.code == "NOT_IN_FORCE" and "尚未印发" in early.message
    # the loaded clause is in force by its dates, and equity only (拨改投)
    assert refused(
        ledger, "apply", ref="T3", unit=ENTERPRISE, clause="qd2021-talent-project", amount="1万", date="2021-02-28"
    ).code == ("NOT_IN_FORCE")
    run(ledger, "apply", ref="T4", unit=ENTERPRISE, clause="qd2021-talent-project", amount="3000万", date="2021-06-01")
    run(ledger, "evaluate", ref="T4", grade="good", date="2021-06-01")
    run(ledger, "fund appropriate", fund="TZ", year="2021", amount="1亿", doc="TZ-2021", date="2021-01-04")
    award = dict(ref="T4", amount="3000万", fund="TZ", doc="D-T4", date="2021-06-02")
    assert refused(ledger, "award", **award).code == "NOT_ELIGIBLE"
    assert run(ledger, "award", **award, mode="equity").fields["awarded"] == 3000 * WAN
    q = ledger.quote("admin", "qd2021-talent-living", ENTERPRISE, None, None, "2021-06-01")
    assert q.refusal is None and q.max == 500 * WAN
    # where it came from
    clause = ledger.catalogue().get("qd2021-talent-project")
    assert clause.document.loaded_by == "admin" and clause.document.sha256 == result.fields["sha256"]
    assert "loaded by admin" in clause.document.origin
    assert ledger.catalogue().get("qd2024-01-demo").document.origin == "shipped"
    # the same bytes again change nothing
    events = event_count(ledger)
    assert not load(ledger, guide_example()).changed
    assert event_count(ledger) == events


def test_a_loaded_document_is_seen_by_a_new_process_and_replay_and_verify_reproduce_everything(db_url):
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        world = World.build(ledger)
        load(ledger, guide_example())
        run(ledger, "apply", ref="L", unit=ENTERPRISE, clause="qd2021-talent-living", amount="500万", date="2021-06-01")
        run(ledger, "evaluate", ref="L", grade="good", date="2021-06-01")
        run(ledger, "fund appropriate", fund="KJ", year="2021", amount="1亿", doc="KJ-2021", date="2021-01-04")
        run(ledger, "award", ref="L", amount="500万", fund="KJ", doc="D-L", date="2021-06-02")
        world.awarded("P", "qd2024-01-common-tech", "300万")
        live = everything(ledger)
    with Ledger(db_url) as ledger:  # a new process: the catalogue comes from the log
        assert "qd2021-talent-living" in ledger.catalogue()
        ledger.replay("admin")
        assert everything(ledger) == live
        report = ledger.verify("admin")
        assert report.ok, report.findings
        assert report.checks["policies"] == "ok (1 loaded)"


def test_only_an_admin_loads_policies(world):
    error = refused_load(world.ledger, guide_example(), actor="clerk")
    assert error.code == "FORBIDDEN"


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("name", "change", "line", "words"),
    [
        ("unknown key", ('max = "1亿"', 'maximum = "1亿"'), 11, "不认识的字段 ['maximum']"),
        ("bad TOML", ('max = "500万"', "max = 500万"), None, "第 26 行"),
        ("no 文号", ('doc_number = "青人才字〔2021〕1号"\n', ""), 1, "doc_number 须是非空文字"),
        ("bad date", ('issued = "2021-03-01"', 'issued = "2021-02-30"'), 1, "日历上没有这一天"),
        ("bad amount", ('max = "1亿"', 'max = "一亿"'), 11, "max"),
        ("wrong prefix", ('id = "qd2021-talent-living"', 'id = "qd2022-talent-living"'), 21, "须以文件编号"),
        ("unknown city", ('city = "qingdao"', 'city = "jinan"'), 1, "city 须是"),
        ("no limit", ('max = "500万"\n', ""), 21, "没有任何限额"),
        (
            "missing predecessor",
            ('clause = "qd2020-kc16-talent-living"', 'clause = "qd2020-kc16-nothing"'),
            21,
            "不在政策目录中",
        ),
        ("other city", ('clause = "qd2020-kc16-talent-living"', 'clause = "wh2018-6-star-space"'), 21, "weihai"),
        (
            "successor late",
            ('on = "2021-03-01" }]\nnote', 'on = "2021-02-01" }]\nnote'),
            None,
            "晚于取代日",
        ),
    ],
)
def test_a_malformed_or_conflicting_file_is_refused_naming_the_line_and_nothing_is_written(
    world, name, change, line, words
):
    text = _with(guide_example(), *change)
    error = refused_load(world.ledger, text, "talent.toml")
    assert error.code == "INVALID_INPUT", (name, error)
    assert "未载入" in error.message and words in error.message, (name, error.message)
    if line is not None:
        assert f"talent.toml:{line}" in error.message, (name, error.message)
    assert "qd2021-talent-project" not in world.ledger.catalogue()


def test_a_clause_id_once_in_the_catalogue_is_never_rewritten(world):
    ledger = world.ledger
    load(ledger, guide_example())
    # the same document id with other bytes: a new version needs its own id
    error = refused_load(ledger, _with(guide_example(), 'max = "1亿"', 'max = "2亿"'))
    assert error.code == "INVALID_INPUT" and "文件编号 qd2021-talent 已在政策目录中" in error.message
    # a new document that redefines a loaded clause id, or a shipped one
    clash = _with(guide_example(), 'id = "qd2021-talent"\n', 'id = "qd2021"\n')
    error = refused_load(ledger, clash, "clash.toml")
    assert "条款 qd2021-talent-project 已在政策目录中" in error.message
    assert "clash.toml:11" in error.message
    shipped = (
        '[document]\nid = "qd2024"\ntitle = "改"\ndoc_number = "X-1"\nissuer = "X"\nissued = "2025-01-01"\n'
        'effective_from = "2025-01-01"\ncity = "qingdao"\n\n[[clauses]]\nid = "qd2024-01-demo"\ntitle = "改"\n'
        'item = "1."\nquote = "最高2000万元"\nmax = "2000万"\n'
    )
    error = refused_load(ledger, shipped, "rewrite.toml")
    assert "文件编号 qd2024 已在政策目录中 (随软件提供)" in error.message


def test_a_document_can_end_an_earlier_clause(world):
    text = (
        '[document]\nid = "qd2025-sme"\ntitle = "科技型中小企业支持办法"\ndoc_number = "青科字〔2025〕3号"\n'
        'issuer = "青岛市科学技术局"\nissued = "2025-01-01"\neffective_from = "2025-01-01"\ncity = "qingdao"\n'
        'ends = [{ clause = "qd2024-14-sme-project", last_day = "2024-12-31" }]\n\n'
        '[[clauses]]\nid = "qd2025-sme-project"\ntitle = "科技型中小企业项目"\nitem = "第二条"\n'
        'quote = "给予最高80万元支持"\nmax = "80万"\nunit_types = ["enterprise"]\n'
    )
    load(world.ledger, text, "sme.toml")
    run(
        world.ledger, "apply", ref="A", unit=ENTERPRISE, clause="qd2024-14-sme-project", amount="1万", date="2024-12-31"
    )
    error = refused(
        world.ledger, "apply", ref="B", unit=ENTERPRISE, clause="qd2024-14-sme-project", amount="1万", date="2025-01-01"
    )
    assert error.code == "NOT_IN_FORCE" and "2024-12-31" in error.message
    run(world.ledger, "apply", ref="C", unit=ENTERPRISE, clause="qd2025-sme-project", amount="1万", date="2025-01-01")


# -- existing ledgers: first-edition events replay to identical projections --------------------------------


def test_first_edition_events_replay_to_the_same_projections_under_the_second_edition(db_url, monkeypatch):
    """Awards the first edition accepted and the second refuses stay exactly as recorded."""
    first = clauses.load(FIRST_EDITION)
    assert "qd2020-kc16-intl-base-national" not in first  # it really is the first edition
    with Ledger(db_url, create_tables=True) as ledger:
        ledger.init("admin")
        # The rules as they were when these events were recorded: the first edition's data, and no city check.
        ledger.app.catalogue = first
        monkeypatch.setattr(rules, "check_region", lambda clause, region: None)
        world = World.build(ledger)
        # two 1000万 awards to one unit under one platform clause (point 4)
        world.awarded("L1", "qd2024-05-national-key-lab-lead", "1000万", unit=UNIVERSITY)
        world.awarded("L2", "qd2024-05-national-key-lab-lead", "1000万", unit=UNIVERSITY, date="2024-10-01")
        # a Qingdao unit under a Weihai clause (point 7)
        world.awarded("W", "wh2018-3-tech-center-municipal", "300万", unit=UNIVERSITY)
        # an announced talent clause, awarded as equity (point 1)
        run(ledger, "fund appropriate", fund="TZ", year="2021", amount="1亿", doc="TZ-2021", date="2021-01-04")
        world.awarded("T", "qd2020-kc16-talent-project", "100万", date="2021-06-01", fund="TZ", mode="equity")
        # a VC reward below 10 % (point 5), and the 细则 in November 2020 (point 3)
        world.awarded("V", "qd2024-24-vc-reward", "5万", unit=INVESTOR, base="100万")
        run(ledger, "fund appropriate", fund="KJ", year="2020", amount="1亿", doc="KJ-2020", date="2020-01-04")
        world.awarded("I", "qd2020-intl-base-national", "50万", unit=UNIVERSITY, grade="new", date="2020-11-02")
        run(ledger, "disburse", ref="L2", amount="100万", voucher="PZ-L2", date="2024-10-02")
        submitted_under_first = run(
            ledger,
            "apply",
            ref="LATE",
            unit=UNIVERSITY,
            clause="qd2024-05-national-key-lab-lead",
            amount="1万",
            date="2024-10-04",
        )
        assert submitted_under_first.changed
        live = everything(ledger)
    monkeypatch.undo()
    with Ledger(db_url) as ledger:  # the second edition, as shipped now
        assert ledger.app.catalogue.get("qd2024-05-national-key-lab-lead").platform
        ledger.replay("admin")
        assert everything(ledger) == live
        report = ledger.verify("admin")
        assert report.ok, report.findings
        # upgrading (init) carries the first edition's awards into the lifetime totals it did not keep
        assert ledger.init("admin").fields["limits_carried"] >= 1
        life = UnitOfWork(ledger.app).find(UnitCap, UNIVERSITY, "qd2024-05-national-key-lab-lead", LIFE)
        assert (life.refs, life.used, life.cap) == (["L1", "L2"], 2000 * WAN, 1000 * WAN)
        assert everything(ledger) == live  # what the reports show is unchanged: the awards were already there
        assert ledger.init("admin").fields["status"] == "up-to-date"  # once: a second init carries nothing
        report = ledger.verify("admin")
        assert report.ok, report.findings
        # the rules decide new commands: the application submitted under the first edition is now refused
        run(ledger, "evaluate", ref="LATE", grade="good", date="2024-10-05")
        error = refused(ledger, "award", ref="LATE", amount="1万", fund="KJ", doc="D-LATE", date="2024-10-05")
        assert error.code == "EXCEEDS_CLAUSE_MAX" and "2,000万元" in error.message and "L1, L2" in error.message
