"""Who acted, through the command line: each person's account has its own keyring; a typed name proves nothing."""

from __future__ import annotations

from tests.e2e.driver import Cli, awarded, describe, one_json_document, standard_world


def test_a_clerk_typing_the_approvers_name_is_refused_and_the_real_approver_approves(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    # zhao.min makes a key on her own account and gives the admin only the public half.
    zhao = {"GRANTLEDGER_KEYS": str(tmp_path / "zhao-keys")}
    made = one_json_document(cli("key", "new", actor="zhao.min", env=zhao))
    assert made["public_key"].startswith("ed25519:")
    granted = cli.ok("role", "grant", "zhao.min", "approver", "--key", made["public_key"])
    assert granted["custody"] == "enrolled"
    awarded(cli, "QD-1", "qd2024-01-common-tech", "300万")
    paid = cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-1", "--date", "2024-09-02", actor="clerk")
    assert paid["status"] == "pending"
    # The clerk, at the clerk's own terminal (the default keyring here), types zhao.min's name.
    result = cli("approve", "PZ-1", actor="zhao.min", fmt="table")
    assert result.exit_code == 4, describe(result)
    assert result.stderr.startswith("error[FORBIDDEN]: ") and "zhao.min" in result.stderr
    # And the admin cannot grant roles under another admin's name either: no such key here.
    result = cli("role", "grant", "clerk", "approver", actor="nobody", fmt="table")
    assert result.exit_code == 4, describe(result)
    # zhao.min, from her own account, approves.
    result = cli("approve", "PZ-1", actor="zhao.min", env=zhao)
    assert result.exit_code == 0 and one_json_document(result)["status"] == "posted", describe(result)
    listing = {r["actor"]: r for r in cli.ok("role", "list")}
    assert listing["zhao.min"]["custody"] == "enrolled" and listing["clerk"]["custody"] == "issued"
    assert set(listing["admin"]) >= {"actor", "roles", "key", "custody", "since"}
    verified = cli.ok("verify", actor="auditor")
    assert verified["ok"] and verified["signatures"] >= 10
    assert verified["keys"] == {"issued": 4, "enrolled": 2}
    history = cli.ok("history", "PZ-1")
    assert [h["actor"] for h in history][-1] == "zhao.min"


def test_rotate_and_revoke_through_the_command_line(tmp_path):
    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    rotated = cli.ok("key", "rotate", actor="clerk")
    assert rotated["previous"] != rotated["key"]
    cli.ok("fund", "create", "XX", "--name", "新资金", actor="clerk")  # the new key acts
    revoked = cli.ok("role", "revoke", "clerk", "clerk")
    assert revoked["roles"] == []
    code, error, _ = cli.refused("fund", "create", "ZZ", "--name", "Z", actor="clerk")
    assert (code, error) == (4, "FORBIDDEN")
    assert cli.ok("verify", actor="auditor")["ok"]
