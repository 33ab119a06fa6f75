"""A province (issue 26, item 4): one ledger per city, consolidated reports and a verify of every city."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import ENGINES
from tests.e2e.driver import Cli, describe, error_line
from tests.helpers import World, run
from tests.pgserver import create_database, drop_database


@pytest.fixture(params=ENGINES)
def cities(request, tmp_path):
    from app.facade import Ledger

    urls = {}
    for city in ("青岛", "威海"):
        if request.param == "sqlite":
            urls[city] = f"sqlite:///{tmp_path}/{uuid.uuid4().hex[:8]}.db"
        else:
            admin = request.getfixturevalue("pg_admin_url")
            name = f"city_{uuid.uuid4().hex[:10]}"
            urls[city] = create_database(admin, name)
            request.addfinalizer(lambda admin=admin, name=name: drop_database(admin, name))
    for city, amount in (("青岛", "150万"), ("威海", "80万")):
        with Ledger(urls[city], create_tables=True) as ledger:
            ledger.init("admin")
            world = World.build(ledger)
            world.awarded("QD-1", "qd2024-01-common-tech", "300万")
            run(ledger, "disburse", "clerk", ref="QD-1", amount=amount, voucher="P-1", date="2024-09-02")
            if amount == "150万":
                run(ledger, "approve", "approver", voucher="P-1", date="2024-09-03")
    return urls


def _province(urls: dict[str, str], *args: str, fmt: str = "json"):
    from cli.main import main
    from tests.e2e.driver import runner

    ledgers = [a for city, url in urls.items() for a in ("--ledger", f"{city}={url}")]
    return runner().invoke(main, ["--actor", "auditor", "--format", fmt, "province", *args, *ledgers])


def test_province_report_funds_and_awards_consolidate_each_city_to_the_fen(cities):
    for name in ("funds", "awards"):
        result = _province(cities, "report", name)
        assert result.exit_code == 0, describe(result)
        got = json.loads(result.stdout)
        per_city = {city: Cli(url, actor="auditor").ok("report", name) for city, url in cities.items()}
        assert [{k: v for k, v in r.items() if k != "city"} for r in got["rows"]] == [
            r for city in cities for r in per_city[city]
        ]
        assert [r["city"] for r in got["rows"]] == [city for city in cities for _ in per_city[city]]
        for column, total in got["total"].items():
            assert total == sum_yuan(got["cities"][c][column] for c in cities), column
    awards = json.loads(_province(cities, "report", "awards").stdout)
    assert (
        awards["cities"]["青岛"]["disbursed"] == "1500000.00" and awards["cities"]["威海"]["disbursed"] == "800000.00"
    )
    assert awards["total"]["disbursed"] == "2300000.00"
    table = _province(cities, "report", "funds", fmt="table")
    assert table.exit_code == 0 and "青岛 小计" in table.stdout and "全省合计" in table.stdout


def sum_yuan(values) -> str:
    fen = sum(int(v.replace(".", "")) for v in values)
    return f"{fen // 100}.{fen % 100:02d}"


def test_province_verify_checks_every_city_and_names_the_one_that_fails(cities, tmp_path):
    result = _province(cities, "verify")
    assert result.exit_code == 0, describe(result)
    assert [(r["city"], r["ok"]) for r in json.loads(result.stdout)] == [("青岛", True), ("威海", True)]
    broken = dict(cities, 烟台=f"sqlite:///{tmp_path}/missing.db")
    result = _province(broken, "verify", fmt="table")
    assert result.exit_code == 1, describe(result)
    assert "烟台" in result.stdout and "青岛" in result.stdout
    code, message = error_line_of(result)
    assert code == "TAMPERED" and "烟台" in message and "青岛" not in message.split("(")[0]


def error_line_of(result):
    line = result.stderr.strip().splitlines()[-1]
    code, _, message = line.partition("]: ")
    return code.removeprefix("error["), message


def test_province_refuses_a_ledger_that_is_not_city_equals_url():
    from cli.main import main
    from tests.e2e.driver import runner

    result = runner().invoke(main, ["--format", "table", "province", "report", "funds", "--ledger", "青岛"])
    code, message = error_line(result)
    assert (result.exit_code, code) == (2, "INVALID_INPUT") and "城市=数据库URL" in message
