"""``policy load`` through the command line, on both engines: load, show where clauses came from, refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.driver import Cli, describe, standard_world
from tests.helpers import UNIVERSITY
from tests.integration.test_policy_load import guide_example


@pytest.fixture
def cli(db_url) -> Cli:
    return standard_world(Cli(db_url))


def test_policy_load_end_to_end(cli, tmp_path):
    path = tmp_path / "qd2021-talent.toml"
    path.write_text(guide_example(), encoding="utf-8")
    loaded = cli.ok("policy", "load", str(path))
    assert loaded["document"] == "qd2021-talent" and loaded["changed"] is True
    assert loaded["supersedes"] == ["qd2020-kc16-talent-living", "qd2020-kc16-talent-project"]
    shown = cli.ok("policy", "show", "qd2021-talent-project")
    assert shown["origin"].startswith("loaded by admin on ") and loaded["sha256"] in shown["origin"]
    assert shown["doc_number"] == "青人才字〔2021〕1号" and shown["rule"]["modes"] == ["equity"]
    rows = {r["id"]: r for r in cli.ok("policy", "list")}
    assert rows["qd2021-talent-living"]["loaded_by"] == "admin"
    assert rows["qd2024-01-demo"]["origin"] == "shipped"
    announced = cli.ok("policy", "show", "qd2020-kc16-talent-project")
    assert announced["status"] == "announced"
    assert announced["rule"]["superseded_by"][0]["clause"] == "qd2021-talent-project"
    # the same file again: nothing new
    events = cli.event_count()
    assert cli.ok("policy", "load", str(path))["changed"] is False
    assert cli.event_count() == events
    # applications under the loaded clause go through
    cli.ok(
        "apply",
        "T",
        "--unit",
        UNIVERSITY,
        "--clause",
        "qd2021-talent-living",
        "--amount",
        "100万",
        "--date",
        "2021-06-01",
    )
    assert cli.ok("verify", actor="auditor")["ok"] is True
    # a loaded clause is a clause like any other to a report's filter
    assert cli.ok("report", "awards", "--clause", "qd2021-talent-living") == []


def test_a_bad_file_is_refused_naming_the_line_and_nothing_is_written(cli, tmp_path):
    events = cli.event_count()
    bad = tmp_path / "bad.toml"
    bad.write_text(guide_example().replace('max = "1亿"', 'maximum = "1亿"'), encoding="utf-8")
    exit_code, code, message = cli.refused("policy", "load", str(bad))
    assert (exit_code, code) == (2, "INVALID_INPUT") and "bad.toml:11" in message and "maximum" in message
    latin = tmp_path / "latin.toml"
    latin.write_bytes(guide_example().encode("gb18030"))
    exit_code, code, message = cli.refused("policy", "load", str(latin))
    assert (exit_code, code) == (2, "INVALID_INPUT") and "UTF-8" in message
    exit_code, code, _ = cli.refused("policy", "load", str(tmp_path / "missing.toml"))
    assert (exit_code, code) == (3, "NOT_FOUND")
    good = tmp_path / "good.toml"
    good.write_text(guide_example(), encoding="utf-8")
    exit_code, code, _ = cli.refused("policy", "load", str(good), actor="clerk")
    assert (exit_code, code) == (4, "FORBIDDEN")
    assert cli.event_count() == events


def test_help_describes_the_second_edition_and_the_load_format(tmp_path):
    cli = Cli(f"sqlite:///{tmp_path}/none.db")
    group = cli("policy", "--help", fmt="table")
    assert group.exit_code == 0 and "宣布而未印发" in group.output and "policy load" in group.output
    load = cli("policy", "load", "--help", fmt="table")
    assert load.exit_code == 0, describe(load)
    for word in ("docs/policy-format.md", "doc_number", "supersedes", "ends", "sha256", "INVALID_INPUT"):
        assert word in load.output, word
    register = cli("unit", "register", "--help", fmt="table")
    assert "--region" in register.output and "--region-doc" in register.output
    # listing needs no database, and creates none
    assert any(r["id"] == "qd2024-01-demo" for r in cli.ok("policy", "list"))
    assert not Path(f"{tmp_path}/none.db").exists()
