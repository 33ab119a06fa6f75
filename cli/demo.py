"""``demo``: a grant programme's year on a fresh SQLite ledger, typed as a clerk would type it.

Every step runs the real command line in-process and prints what it typed
and what came back, refusals included: the demo is also a tour.
"""

from __future__ import annotations

import os
import shlex

import click

from ledger.uscc import make

ENTERPRISE = make("91370212MA3C4PQR1")  # 青岛海澜智能装备有限公司
UNIVERSITY = make("12370200MB1234567")  # 青岛滨海大学
STARTUP = make("91370213MA7DXKL09")  # 青岛蓝芯半导体有限公司

SCENARIO = [
    (
        "Set up: the first person to run init becomes admin; roles are events too.",
        [
            "--actor admin init",
            "--actor admin role grant wang.li clerk",
            "--actor admin role grant chen.jie reviewer",
            "--actor admin role grant zhao.min approver",
            "--actor admin role grant audit.office auditor",
        ],
    ),
    (
        "Funds and their 2024 budgets (payments at or above the threshold need a second person).",
        [
            "--actor wang.li fund create KJ --name 青岛市科技创新专项资金",
            "--actor wang.li fund create TZ --name 市级科技股权投资专项 --approval-threshold 50万",
            "--actor wang.li fund appropriate KJ --year 2024 --amount 1.2亿 --doc 青财预〔2024〕18号 --date 2024-01-15",
            "--actor wang.li fund appropriate TZ --year 2024 --amount 5000万 --doc 青财预〔2024〕19号 "
            "--date 2024-01-15",
        ],
    ),
    (
        "Units, identified by 统一社会信用代码 (GB 32100-2015, check character verified).",
        [
            f"--actor wang.li unit register {ENTERPRISE} --name 青岛海澜智能装备有限公司 --type enterprise",
            f"--actor wang.li unit register {UNIVERSITY} --name 青岛滨海大学 --type university",
            f"--actor wang.li unit register {STARTUP} --name 青岛蓝芯半导体有限公司 --type enterprise",
            "--actor wang.li unit register 91370212MA3C4PQR1X --name 录入错误 --type enterprise",
        ],
    ),
    (
        "A common-technology project (行业共性技术攻关, max 500万元): apply, evaluate, award, pay.",
        [
            f"--actor wang.li apply QD-2024-001 --unit {ENTERPRISE} --clause qd2024-01-common-tech --amount 500万 "
            "--date 2024-08-20",
            "--actor chen.jie evaluate QD-2024-001 --grade excellent --score 91 --date 2024-09-10",
            "--actor wang.li award QD-2024-001 --amount 600万 --fund KJ --doc 青科字〔2024〕35号 --date 2024-09-20",
            "--actor wang.li award QD-2024-001 --amount 500万 --fund KJ --doc 青科字〔2024〕35号 --date 2024-09-20",
            "--actor wang.li disburse QD-2024-001 --amount 300万 --voucher PZ-2024-0001 --date 2024-09-25",
            "--actor wang.li approve PZ-2024-0001 --date 2024-09-26",
            "--actor zhao.min approve PZ-2024-0001 --date 2024-09-26",
            "--actor wang.li disburse QD-2024-001 --amount 300万 --voucher PZ-2024-0002 --date 2024-10-08",
        ],
    ),
    (
        "The unit spends the money it was paid, and only on what the policy allows (专款专用, 负面清单).",
        [
            "--actor wang.li spend QD-2024-001 --amount 120万 --category equipment --voucher ZC-2024-0101 "
            "--date 2024-10-15",
            "--actor wang.li spend QD-2024-001 --amount 20万 --category welfare --voucher ZC-2024-0102 "
            "--date 2024-10-16",
            "--actor wang.li spend QD-2024-001 --amount 200万 --category labor --voucher ZC-2024-0103 "
            "--date 2024-10-16",
            "--actor wang.li spend QD-2024-001 --amount 120万 --category equipment --voucher ZC-2024-0101 "
            "--date 2024-10-15",
        ],
    ),
    (
        "A first-time 高新技术企业 reward (max 10万元, once per unit) and a superseded 2020 clause.",
        [
            f"--actor wang.li apply QD-2024-002 --unit {STARTUP} --clause qd2024-14-hnte-first --amount 10万 "
            "--date 2024-11-01",
            "--actor chen.jie evaluate QD-2024-002 --grade new --date 2024-11-05",
            "--actor wang.li award QD-2024-002 --amount 10万 --fund KJ --doc 青科字〔2024〕51号 --date 2024-11-10",
            "--actor wang.li disburse QD-2024-002 --amount 10万 --voucher PZ-2024-0003 --date 2024-11-15",
            f"--actor wang.li apply QD-2024-003 --unit {UNIVERSITY} --clause qd2020-kc16-clinical-center "
            "--amount 200万 --date 2024-09-01",
        ],
    ),
    (
        "拨改投: an equity award, invested, approved by a second person, then partly sold.",
        [
            f"--actor wang.li apply QD-2024-004 --unit {STARTUP} --clause qd2024-22-equity --amount 800万 "
            "--date 2024-08-15",
            "--actor chen.jie evaluate QD-2024-004 --grade good --date 2024-08-30",
            "--actor wang.li award QD-2024-004 --amount 800万 --fund TZ --doc 青科投〔2024〕6号 --mode equity "
            "--date 2024-09-05",
            "--actor wang.li invest QD-2024-004 --amount 800万 --stake 8 --valuation 1亿 --voucher TZ-2024-0001 "
            "--date 2024-09-12",
            "--actor zhao.min approve TZ-2024-0001 --date 2024-09-13",
            "--actor wang.li exit QD-2024-004 --stake 2 --proceeds 300万 --voucher TC-2024-0001 --date 2024-12-20",
        ],
    ),
    (
        "Reports come from projections of the event log; the auditor verifies the whole chain.",
        [
            "--actor audit.office report awards",
            "--actor audit.office report funds",
            "--actor audit.office report equity",
            "--actor audit.office report trial-balance",
            "--actor audit.office history QD-2024-001",
            "--actor audit.office verify",
        ],
    ),
]


@click.command()
@click.option(
    "--db-file",
    default="grantledger-demo.db",
    show_default=True,
    help="The SQLite file to create (replaced if it exists).",
)
def demo(db_file: str) -> None:
    """Run a demonstration: a fund's year from appropriation to audit, refusals included.

    \b
    Examples:
      grantledger demo
      grantledger demo --db-file /tmp/demo.db
    """
    from .main import main

    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db_file + suffix):
            os.remove(db_file + suffix)
    db = f"sqlite:///{db_file}"
    refused = 0
    for title, steps in SCENARIO:
        click.secho(f"\n# {title}", bold=True)
        for step in steps:
            argv = shlex.split(step)
            click.secho(f"$ grantledger {step}", fg="cyan")
            try:
                main.main(["--db", db, *argv], prog_name="grantledger", standalone_mode=False)
            except SystemExit as stop:
                refused += stop.code not in (0, None)
    click.secho(f"\nDemo ledger: {db_file} ({refused} commands were refused on purpose, as shown above).", bold=True)
    click.echo(f"Try: grantledger --db {db} --actor audit.office report awards --format json")
