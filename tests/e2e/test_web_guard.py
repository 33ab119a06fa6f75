"""The web view is safe by default: loopback only without a credential, the credential on every request when
there is one, and a database it cannot write to."""

from __future__ import annotations

import base64
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from tests.e2e.driver import Cli, describe, error_line, runner, standard_world
from tests.e2e.web_server import clean_env, serving
from web.app import create_app
from web.guard import credential, is_loopback, presented

TOKEN = "s3cret-token-0123456789"


@pytest.fixture
def world(db_url) -> Cli:
    return standard_world(Cli(db_url))


def basic(user: str, password: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_serve_refuses_to_listen_beyond_loopback_without_a_credential(sqlite_url, host):
    standard_world(Cli(sqlite_url))
    from cli.main import main

    result = runner().invoke(main, ["--db", sqlite_url, "serve", "--host", host])
    assert result.exit_code == 2, describe(result)
    code, message = error_line(result)
    assert code == "INVALID_INPUT" and host in message and "GRANTLEDGER_WEB_TOKEN" in message


def test_serve_refuses_a_short_token_and_an_unreadable_token_file(sqlite_url, tmp_path):
    standard_world(Cli(sqlite_url))
    from cli.main import main

    short = tmp_path / "token"
    short.write_text("tiny\n")
    for options in (["--token-file", str(short)], ["--token-file", str(tmp_path / "missing")]):
        result = runner().invoke(main, ["--db", sqlite_url, "serve", "--host", "0.0.0.0", *options])
        assert result.exit_code == 2, describe(result)
        assert error_line(result)[0] == "INVALID_INPUT"


def test_serve_refuses_a_database_that_was_never_initialised(tmp_path):
    from cli.main import main

    result = runner().invoke(main, ["--db", f"sqlite:///{tmp_path}/none.db", "serve"])
    assert result.exit_code != 0, describe(result)
    assert "grantledger init" in error_line(result)[1]


def test_loopback_is_recognised_and_anything_else_is_not():
    assert all(map(is_loopback, ("127.0.0.1", "127.8.9.1", "::1", "[::1]", "localhost")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "10.0.0.1", "example.org", "localhost.example.org")))
    assert credential(None, "127.0.0.1") is None
    assert credential(f" {TOKEN}\n", "0.0.0.0") == TOKEN


def test_a_token_is_read_from_bearer_or_basic_credentials():
    assert presented(f"Bearer {TOKEN}") == TOKEN
    assert presented(basic("anyone", TOKEN)["authorization"]) == TOKEN
    assert presented("Basic !!!not-base64") is None
    assert presented("Digest abc") is None and presented(None) is None


def test_with_a_token_every_request_must_present_it(world):
    client = TestClient(create_app(world.db, TOKEN, "0.0.0.0"), base_url="http://ledger.example")
    for path in ("/funds", "/awards", "/integrity", "/download/funds.xlsx", "/static/style.css", "/nope"):
        refused = client.get(path)
        assert refused.status_code == 401, path
        assert refused.headers["www-authenticate"].startswith("Basic")
        assert client.get(path, headers={"authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    assert client.get("/funds", headers=basic("x", TOKEN + "x")).status_code == 401
    assert client.get("/funds", headers=basic("auditor", TOKEN)).status_code == 200
    answer = client.get("/funds", headers={"authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200 and "资金预算执行" in answer.text
    assert "script-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"


def test_without_a_token_only_loopback_host_names_are_answered(world):
    client = TestClient(create_app(world.db, None, "127.0.0.1"), base_url="http://127.0.0.1:8765")
    assert client.get("/funds").status_code == 200
    assert client.get("/funds", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/funds", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding


def test_the_web_views_database_connection_cannot_write(world):
    app = create_app(world.db, None, "127.0.0.1")
    with app.state.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM funds")).scalar_one() == 2
        with pytest.raises(DBAPIError, match=r"(?i)read.?only"):
            conn.execute(text("DELETE FROM funds"))
    app.state.engine.dispose()


def test_pages_say_when_the_read_models_are_behind_the_log(world):
    from ledger import commands
    from ledger.service import GrantLedger, execute

    app = GrantLedger(world.db)  # the write side alone: no projector catches up
    try:
        execute(app, commands.build("fund create", {"fund": "XX", "name": "新资金"}), "admin")
    finally:
        app.close()
    client = TestClient(create_app(world.db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    page = client.get("/funds").text
    assert "读模型落后于事件日志 1 条" in page
    world.ok("report", "funds")  # any command catches up
    assert "读模型落后" not in client.get("/funds").text


def test_serve_answers_on_loopback_and_asks_for_the_token_it_was_given(sqlite_url, tmp_path):
    standard_world(Cli(sqlite_url))
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    with serving(sqlite_url, "--token-file", str(token_file)) as base:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/funds", timeout=10)
        assert refused.value.code == 401
        request = urllib.request.Request(base + "/funds", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200 and "资金预算执行" in answer.read().decode()


def test_serve_help_names_the_credential_options():
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "serve", "--help"], env=clean_env(), capture_output=True, text=True
    )
    assert done.returncode == 0 and "--token-file" in done.stdout and "GRANTLEDGER_WEB_TOKEN" in done.stdout


def test_text_from_the_ledger_is_escaped_never_run(world):
    from tests.helpers import HOSPITAL as code

    world.ok("unit", "register", code, "--name", "<script>alert(1)</script>", "--type", "enterprise")
    world.ok("apply", "R-1", "--unit", code, "--clause", "qd2024-01-common-tech", "--amount", "10万")
    client = TestClient(create_app(world.db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    for path in ("/units", f"/units/{code}", "/awards/R-1"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path


def test_an_application_not_yet_awarded_has_a_page_with_its_history(world):
    from tests.helpers import ENTERPRISE

    world.ok("apply", "R-2", "--unit", ENTERPRISE, "--clause", "qd2024-01-common-tech", "--amount", "10万")
    world.ok("reject", "R-2", "--reason", "材料不全", actor="reviewer")
    client = TestClient(create_app(world.db, None, "127.0.0.1"), base_url="http://127.0.0.1")
    page = client.get("/awards/R-2").text
    assert "已驳回" in page and "材料不全" in page and "100,000.00" in page
    assert client.get("/awards?q=R-2", follow_redirects=False).headers["location"].endswith("/awards/R-2")
    assert client.get("/funds?year=20x4").status_code == 400
