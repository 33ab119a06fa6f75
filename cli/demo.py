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
        "准备: 第一个运行 init 的人成为管理员; 授予角色也是事件。",
        [
            "--actor admin init",
            "--actor admin role grant wang.li clerk",
            "--actor admin role grant chen.jie reviewer",
            "--actor admin role grant zhao.min approver",
            "--actor admin role grant audit.office auditor",
        ],
    ),
    (
        "专项资金及其 2024 年度预算 (达到审批阈值的付款须第二人审批)。",
        [
            "--actor wang.li fund create KJ --name 青岛市科技创新专项资金",
            "--actor wang.li fund create TZ --name 市级科技股权投资专项 --approval-threshold 50万",
            "--actor wang.li fund appropriate KJ --year 2024 --amount 1.2亿 --doc 青财预〔2024〕18号 --date 2024-01-15",
            "--actor wang.li fund appropriate TZ --year 2024 --amount 5000万 --doc 青财预〔2024〕19号 "
            "--date 2024-01-15",
        ],
    ),
    (
        "单位, 以统一社会信用代码识别 (GB 32100-2015, 校验码核对)。",
        [
            f"--actor wang.li unit register {ENTERPRISE} --name 青岛海澜智能装备有限公司 --type enterprise",
            f"--actor wang.li unit register {UNIVERSITY} --name 青岛滨海大学 --type university",
            f"--actor wang.li unit register {STARTUP} --name 青岛蓝芯半导体有限公司 --type enterprise",
            "--actor wang.li unit register 91370212MA3C4PQR1X --name 录入错误 --type enterprise",
        ],
    ),
    (
        "行业共性技术攻关项目 (最高 500万元): 申报、评审、批复、拨付。",
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
        "单位使用拨付的资金, 只能用于政策允许的用途 (专款专用, 负面清单)。",
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
        "首次认定高新技术企业奖励 (最高 10万元, 每单位一次) 和一个已被取代的 2020 年条款。",
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
        "拨改投: 股权投资批复、投资、第二人审批, 然后出售一部分。",
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
        "报表来自事件日志的投影; 审计人员校验整条哈希链。",
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
    click.secho(f"\n演示账本: {db_file} (如上所示, 有 {refused} 条命令是故意被拒绝的)。", bold=True)
    click.echo(f"试试: grantledger --db {db} --actor audit.office report awards --format json")
