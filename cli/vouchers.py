"""``voucher print V --out FILE.pdf``: a voucher's approval form (拨付审批单) to file or print."""

from __future__ import annotations

import click

from .context import guarded, open_ledger, settings


@click.group()
def voucher() -> None:
    """凭证打印: 每张凭证按业务类型打印成单。

    拨付审批单、股权投资拨付审批单、支出凭单、追回凭单、股权退出凭单; 作废的打印作废单, 冲正的打印红字冲正单。
    """


@voucher.command(name="print")
@click.argument("number")
@click.option("--out", required=True, metavar="FILE.pdf", help="要写入的 PDF 文件。")
@guarded
def print_(number: str, out: str) -> None:
    """把凭证 NUMBER 打印成 A4 PDF: 批复与单位、政策条款及其原文、金额 (小写与大写)、
    股权比例与估值、经办人与审批人 (或作废人、冲正人及理由)、日期和凭证历史。

    PDF 内嵌中文 TrueType 字体 (文泉驿微米黑, Debian 软件包 fonts-wqy-microhei;
    环境变量 GRANTLEDGER_PDF_FONT 可指定其他 .ttf/.ttc 文件), 任何电脑和阅读器都能正确显示和打印。

    \b
    示例:
      grantledger voucher print PZ-2024-0001 --out PZ-2024-0001.pdf
      grantledger --actor auditor voucher print TZ-2024-0003 --out TZ-2024-0003.pdf
    """
    from ledger.commands import key

    from . import voucher_pdf

    s = settings()
    number = key(number)
    with open_ledger() as ledger:
        form = ledger.voucher_form(number, s.actor)
    voucher_pdf.write(form, out, s.actor)
    click.echo(f"已写入 {voucher_pdf.title(form)} {number}: {out}", err=True)
