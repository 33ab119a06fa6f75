"""Every voucher form prints anywhere: fonts embedded, titled and filled for its kind, read back by poppler.

Issue 27: the forms referenced the CID font STSong-Light and embedded nothing, so without poppler-data (or
in Adobe Reader without its font pack) the Chinese rendered as empty boxes. Here each form is checked with
poppler's own tools: ``pdffonts`` (every font embedded, none of the base-14 substituted), ``pdftotext`` (the
words and figures read back) and ``pdftoppm`` (the page renders at A4 with ink on it). A document whose
fonts are all embedded needs nothing of poppler-data; on a machine that has poppler-data, the text is also
read back with it hidden (a private mount namespace) when the system allows one.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.driver import Cli, awarded, describe, standard_world
from tests.helpers import ENTERPRISE

COMMON_TECH = "qd2024-01-common-tech"
EQUITY = "qd2024-22-equity"
POPPLER = ("pdffonts", "pdftotext", "pdftoppm")
pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER), reason="needs poppler-utils (scripts/test installs it)"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Cli:
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('forms')}/ledger.db"))
    awarded(cli, "QD-1", COMMON_TECH, "500万")
    cli.ok("disburse", "QD-1", "--amount", "120万", "--voucher", "PZ-1", "--date", "2024-09-02")  # held
    cli.ok("approve", "PZ-1", "--date", "2024-09-03", actor="approver")
    cli.ok("disburse", "QD-1", "--amount", "5万", "--voucher", "PZ-2", "--date", "2024-09-04")  # below 100万
    cli.ok("disburse", "QD-1", "--amount", "150万", "--voucher", "PZ-3", "--date", "2024-09-05")
    cli.ok("void", "PZ-3", "--reason", "金额有误", "--date", "2024-09-06", actor="approver")
    cli.ok("spend", "QD-1", "--amount", "3万", "--category", "equipment", "--voucher", "ZC-1", "--date", "2024-09-07")
    cli.ok("recover", "QD-1", "--amount", "1万", "--voucher", "ZH-1", "--reason", "项目结余", "--date", "2024-09-08")
    cli.ok("reverse", "PZ-2", "--reason", "重复录入", "--date", "2024-09-09")
    awarded(cli, "TZ-A", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    cli.ok(
        "invest",
        *("TZ-A", "--amount", "80万", "--stake", "8", "--valuation", "1亿", "--voucher", "TZ-1"),
        *("--date", "2024-09-10"),
    )
    cli.ok("approve", "TZ-1", "--date", "2024-09-11", actor="approver")
    cli.ok("exit", "TZ-A", "--stake", "2", "--proceeds", "10万", "--voucher", "TC-1", "--date", "2024-12-20")
    return cli


def print_pdf(cli: Cli, voucher: str, tmp_path: Path) -> Path:
    out = tmp_path / f"{voucher}.pdf"
    result = cli("voucher", "print", voucher, "--out", str(out), fmt="table")
    assert result.exit_code == 0, describe(result)
    assert "已写入" in result.stderr and "wrote" not in result.stderr
    return out


def fonts(pdf: Path) -> list[str]:
    """pdffonts' lines, one a font: name, type, encoding, emb, sub, uni, object."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    return lines[2:]


def text_of(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_font_of_every_form_is_an_embedded_subset_truetype_with_unicode(world, tmp_path):
    for voucher in ("PZ-1", "PZ-2", "PZ-3", "ZC-1", "ZH-1", "TZ-1", "TC-1"):
        found = fonts(print_pdf(world, voucher, tmp_path))
        assert found, voucher
        for line in found:
            assert re.search(r"\byes\s+yes\s+yes\b", line), (voucher, line)  # embedded, subset, with Unicode
            assert "TrueType" in line and "STSong" not in line and "Helvetica" not in line, line


def test_the_text_reads_back_without_poppler_data(world, tmp_path):
    """Every font is embedded (above), so poppler needs none of poppler-data's CMaps or fonts; where
    poppler-data is installed, it is hidden from a second reading when the kernel lets us."""
    pdf = print_pdf(world, "PZ-1", tmp_path)
    plain = flat(text_of(pdf))
    assert "专项资金拨付审批单" in plain and "人民币壹佰贰拾万元整" in plain and "¥1,200,000.00" in plain
    data = Path("/usr/share/poppler")
    unshare = shutil.which("unshare")
    if data.exists() and unshare:
        empty = tmp_path / "empty"
        empty.mkdir()
        script = f"mount --bind {empty} {data} && pdftotext -layout {pdf} -"
        hidden = subprocess.run([unshare, "-rm", "sh", "-c", script], capture_output=True, text=True)
        if hidden.returncode == 0:
            assert flat(hidden.stdout) == plain


def test_the_page_renders_at_a4_with_ink_in_the_title(world, tmp_path):
    pdf = print_pdf(world, "TZ-1", tmp_path)
    subprocess.run(["pdftoppm", "-r", "50", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = sorted(tmp_path.glob("page*.pgm"))
    header, body = _pgm(page)
    width, height = header
    assert (width, height) == (414, 585)  # A4 (595 x 842 pt) at 50 dpi, rounded up
    title_band = body[20 * width : 60 * width]  # the title's rows
    assert sum(1 for px in title_band if px < 128) > 200, "the title renders as ink, not blank or boxes"


def _pgm(path: Path) -> tuple[tuple[int, int], bytes]:
    data = path.read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    return (width, height), parts[4][-width * height :]


def test_an_approved_payment_names_its_approver_and_a_small_one_needed_no_approval(world, tmp_path):
    approved = flat(text_of(print_pdf(world, "PZ-1", tmp_path)))
    assert "审批人approver" in approved and "待审批" not in approved
    small = flat(text_of(print_pdf(world, "PZ-2", tmp_path)))
    assert "无需审批" in small and "审批人(待审批" not in small and "审批人签字" not in small


def test_a_voided_payment_prints_as_a_voiding_form_naming_the_voider_and_reason(world, tmp_path):
    text = flat(text_of(print_pdf(world, "PZ-3", tmp_path)))
    assert text.startswith("拨付作废单")
    assert "作废人approver" in text and "作废理由金额有误" in text and "2024-09-06" in text
    assert "(待审批" not in text and "已作废" in text


def test_a_reversed_payment_prints_as_a_red_ink_form_with_its_reason(world, tmp_path):
    text = flat(text_of(print_pdf(world, "PZ-2", tmp_path)))
    assert text.startswith("拨付红字冲正单")
    assert "冲正人admin" in text and "冲正理由重复录入" in text and "2024-09-09" in text and "已冲正" in text


def test_an_expenditure_and_a_recovery_have_their_own_titles(world, tmp_path):
    spent = flat(text_of(print_pdf(world, "ZC-1", tmp_path)))
    assert spent.startswith("专项资金支出凭单") and "支出类别设备费" in spent
    assert "本次支出(大写)人民币叁万元整" in spent
    assert "拨付审批单" not in spent and "审批人" not in spent
    recovered = flat(text_of(print_pdf(world, "ZH-1", tmp_path)))
    assert recovered.startswith("专项资金追回凭单") and "追回理由项目结余" in recovered


def test_the_equity_forms_show_stakes_in_percent_and_money_in_yuan(world, tmp_path):
    invested = flat(text_of(print_pdf(world, "TZ-1", tmp_path)))
    assert invested.startswith("股权投资拨付审批单")
    assert "持股比例8%" in invested and "¥100,000,000.00" in invested
    assert "stake" not in invested and "valuation" not in invested and "80000" not in invested
    sold = flat(text_of(print_pdf(world, "TC-1", tmp_path)))
    assert sold.startswith("股权退出凭单") and "出售股权比例2%" in sold
    assert "¥200,000.00" in sold  # the cost of the quarter sold (2% of 8% of 80万)
    assert "¥-100,000.00(损失)" in sold


def test_without_a_font_the_form_is_refused_in_chinese_naming_the_package(world, tmp_path):
    out = tmp_path / "x.pdf"
    result = world(
        "voucher", "print", "PZ-1", "--out", str(out), fmt="table", env={"GRANTLEDGER_PDF_FONT": "/nonexistent.ttf"}
    )
    assert result.exit_code == 3 and "GRANTLEDGER_PDF_FONT" in result.stderr, describe(result)
    assert not out.exists()
    from cli import pdf_fonts

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_fonts, "CANDIDATES", (("/nonexistent/a.ttc", 0, "x"),))
        patch.delenv("GRANTLEDGER_PDF_FONT", raising=False)
        from ledger.errors import LedgerError

        with pytest.raises(LedgerError) as refused:
            pdf_fonts.find()
    assert "fonts-wqy-microhei" in refused.value.message and "apt-get install" in refused.value.message


@pytest.fixture(scope="module")
def corrected(tmp_path_factory) -> Cli:
    """The later forms: corrections filed under their document numbers (in force, withdrawn, waiting) and a
    closeout's 追回 of the project's 结余."""
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('corrections')}/ledger.db"))
    awarded(cli, "QD-1", COMMON_TECH, "500万")
    awarded(cli, "QD-2", COMMON_TECH, "300万")
    cli.ok("apply", "QD-3", "--unit", ENTERPRISE, "--clause", COMMON_TECH, "--amount", "50万", "--date", "2024-09-01")
    cli.ok("evaluate", "QD-3", "--grade", "good", "--score", "78", "--date", "2024-09-01")
    cli.ok("cancel-award", "QD-2", "--doc", "撤-1", "--reason", "误批", "--date", "2024-09-10", actor="clerk")
    cli.ok("approve", "撤-1", "--date", "2024-09-11", actor="approver")
    reduce = ("reduce-award", "QD-1", "--amount", "400万", "--reason", "核减设备费", "--date", "2024-09-12")
    cli.ok(*reduce, "--doc", "减-1", actor="clerk")
    cli.ok("void", "减-1", "--reason", "文号有误", "--date", "2024-09-12", actor="approver")
    cli.ok(*reduce, "--doc", "减-2", actor="clerk")
    cli.ok("approve", "减-2", "--date", "2024-09-13", actor="approver")
    cli.ok("correct", "QD-3", "--amount", "40万", "--doc", "更-1", "--reason", "录错", "--date", "2024-09-02",
           actor="clerk")  # fmt: skip
    cli.ok("approve", "更-1", "--date", "2024-09-03", actor="approver")
    cli.ok("reevaluate", "QD-3", "--grade", "excellent", "--score", "91", "--doc", "复-1", "--reason", "汇总有误",
           "--date", "2024-09-04", actor="reviewer")  # fmt: skip
    cli.ok("disburse", "QD-1", "--amount", "50万", "--voucher", "PZ-1", "--date", "2024-09-16", actor="clerk")
    cli.ok("spend", "QD-1", "--amount", "20万", "--category", "equipment", "--voucher", "ZC-1", "--date",
           "2024-09-17", actor="clerk")  # fmt: skip
    cli.ok("close-project", "QD-1", "--result", "pass", "--doc", "验-1", "--voucher", "ZH-9", "--date",
           "2024-10-01", actor="clerk")  # fmt: skip
    return cli


def test_every_later_form_embeds_its_font(corrected, tmp_path):
    for voucher in ("撤-1", "减-1", "减-2", "更-1", "复-1", "ZH-9"):
        found = fonts(print_pdf(corrected, voucher, tmp_path))
        assert found and all(re.search(r"\byes\s+yes\s+yes\b", line) for line in found), (voucher, found)


def test_a_cancellation_prints_as_its_approval_form_with_the_award_it_cancelled(corrected, tmp_path):
    text = flat(text_of(print_pdf(corrected, "撤-1", tmp_path)))
    assert text.startswith("撤销批复审批单") and "专项资金凭单" not in text
    assert "状态已撤销" in text and "已入账" not in text
    assert "批复文号DOC-QD-2" in text and "KJ科技创新专项资金" in text
    assert "批复金额(元)¥3,000,000.00" in text and "撤销金额(大写)人民币叁佰万元整" in text
    assert "理由误批" in text and "提出人clerk" in text and "审批人approver审批日期2024-09-11" in text
    assert "提请更正" in text and "撤销批复2024-09-11" in text  # its history: proposed, then in force


def test_a_reduction_states_before_after_and_the_difference_and_a_withdrawn_one_says_so(corrected, tmp_path):
    text = flat(text_of(print_pdf(corrected, "减-2", tmp_path)))
    assert text.startswith("调减批复审批单") and "状态已调减" in text
    assert "调减金额(小写)¥1,000,000.00" in text and "人民币壹佰万元整" in text
    assert "调减前批复金额¥5,000,000.00调减后批复金额¥4,000,000.00" in text
    withdrawn = flat(text_of(print_pdf(corrected, "减-1", tmp_path)))
    assert withdrawn.startswith("调减批复审批单(已撤回)") and "状态已撤回" in withdrawn
    assert "撤回人approver" in withdrawn and "撤回理由文号有误" in withdrawn and "审批人approver" not in withdrawn
    assert "调减前批复金额¥5,000,000.00" in withdrawn  # the award as it stood when it was proposed


def test_a_correction_and_a_waiting_reevaluation_show_what_they_change(corrected, tmp_path):
    text = flat(text_of(print_pdf(corrected, "更-1", tmp_path)))
    assert text.startswith("申报更正审批单") and "状态已更正" in text
    assert "原申报金额¥500,000.00更正后申报金额¥400,000.00" in text
    waiting = flat(text_of(print_pdf(corrected, "复-1", tmp_path)))
    assert waiting.startswith("复评审批单") and "状态待审批" in waiting
    assert "原评审等级良好(78分)复评等级优秀(91分)" in waiting and "提出人reviewer" in waiting
    assert "(待审批:须由提出人以外的审批人或管理员审批后生效)" in waiting
    assert "¥0.00" not in waiting and "零元整" not in waiting  # a grade moves no money


def test_a_closeouts_recovery_prints_as_a_recovery_form_with_its_reason(corrected, tmp_path):
    text = flat(text_of(print_pdf(corrected, "ZH-9", tmp_path)))
    assert text.startswith("专项资金追回凭单") and "追回金额(小写)¥300,000.00" in text  # 50万 − 20万
    assert "追回理由结题验收通过,追回结余(文号验-1)" in text and "验收结题" in text


@pytest.fixture(scope="module")
def held(tmp_path_factory) -> Cli:
    """Equity acts held for a second person (TZ's threshold is 50万): an exit approved, one voided, a
    write-off waiting."""
    cli = standard_world(Cli(f"sqlite:///{tmp_path_factory.mktemp('held')}/ledger.db"))
    awarded(cli, "TZ-A", EQUITY, "800万", fund="TZ", extra=("--mode", "equity"))
    invest = ("TZ-A", "--amount", "800万", "--stake", "8", "--valuation", "1亿", "--voucher", "TZ-1")
    cli.ok("invest", *invest, "--date", "2024-09-10", actor="clerk")
    cli.ok("approve", "TZ-1", "--date", "2024-09-11", actor="approver")
    cli.ok("exit", "TZ-A", "--stake", "2", "--proceeds", "300万", "--voucher", "TC-1", "--date", "2024-12-20",
           actor="clerk")  # fmt: skip
    cli.ok("exit", "TZ-A", "--stake", "1", "--proceeds", "150万", "--voucher", "TC-2", "--date", "2024-12-21",
           actor="clerk")  # fmt: skip
    cli.ok("void", "TC-2", "--reason", "价格有误", "--date", "2024-12-22", actor="approver")
    cli.ok("approve", "TC-1", "--date", "2024-12-23", actor="approver")
    cli.ok("write-off", "TZ-A", "--reason", "破产清算", "--doc", "核-1", "--date", "2024-12-24", actor="clerk")
    return cli


def test_a_held_exit_once_approved_names_its_maker_and_its_approver(held, tmp_path):
    text = flat(text_of(print_pdf(held, "TC-1", tmp_path)))
    assert text.startswith("股权退出凭单") and "状态已入账" in text
    assert "经办人clerk" in text and "审批人approver审批日期2024-12-23" in text  # the approver recorded it
    assert "所售股权成本(元)¥2,000,000.00" in text and "¥1,000,000.00(收益)" in text
    assert "股权退出/核销待审批" in text and "股权退出/核销审批通过" in text


def test_a_voided_held_exit_and_a_waiting_write_off_say_so(held, tmp_path):
    voided = flat(text_of(print_pdf(held, "TC-2", tmp_path)))
    assert voided.startswith("股权退出作废单") and "状态已作废" in voided and "已入账" not in voided
    assert "作废人approver" in voided and "作废理由价格有误" in voided
    assert "所售股权成本(元)¥1,000,000.00" in voided and "¥500,000.00(收益)" in voided
    waiting = flat(text_of(print_pdf(held, "核-1", tmp_path)))
    assert waiting.startswith("股权核销凭单") and "状态待审批" in waiting and "已入账" not in waiting
    assert "核销金额(大写)人民币陆佰万元整" in waiting and "核销股权比例6%核销理由破产清算" in waiting
    assert "(待审批" in waiting


def test_a_reopening_document_is_not_a_money_voucher_and_says_where_to_look(tmp_path):
    """``voucher print`` of a 重新开账 document once said 没有凭证号 though history lists it."""
    from tests.e2e.driver import error_line

    cli = standard_world(Cli(f"sqlite:///{tmp_path}/ledger.db"))
    cli.ok("close", "2024", "--fund", "TZ", "--doc", "结-1", "--date", "2025-01-10")
    cli.ok("reopen", "2024", "--fund", "TZ", "--doc", "开-1", "--reason", "补记", "--date", "2025-01-11")
    code, message = error_line(cli("voucher", "print", "开-1", "--out", str(tmp_path / "k.pdf"), fmt="table"))
    assert code == "INVALID_INPUT" and "重新开账" in message and "history 开-1" in message, message
    assert not (tmp_path / "k.pdf").exists()
