"""The double-entry journal: every money event posts balanced lines.

Chart of accounts (科目), by the figure each balance is:

- ``appropriation`` 预算指标 (credit) — money given to the fund for a year;
- ``fund_available`` 专项资金可用额度 (debit) — appropriated + returned − committed;
- ``commitment`` 已批复未拨付 (debit) — awarded − paid, per award;
- ``earmarked`` 单位专账结余 (debit) — paid − spent − recovered: the unit's 专账 per award;
- ``expense:<category>`` 专项支出 (debit);
- ``pending`` / ``pending_contra`` 待审批拨付 (备查, memorandum pair);
- ``equity_holding`` 股权投资成本 (debit) and ``equity_invested`` 股权投资形成 (credit);
- ``equity_gain`` 股权退出损益 (credit a gain, debit a loss); ``equity_writeoff`` 股权核销 (debit);
- ``carried_forward`` / ``carried_forward_contra`` 结转 (备查): a close posts what carries into the next
  year on the next year's line and its contra on the closed year; ``lapsed`` / ``lapsed_contra`` 结余
  (备查) on the closed year. A reopening posts them again with negative amounts.

A reversal (红字冲正) posts the original lines again with negative amounts, so
each column still sums to what really happened and the trial balance is zero.
"""

from __future__ import annotations

from ledger.values import CATEGORIES

from .folds import FOLDED_BY_CORRECTIONS, handled_in, on
from .page import Event, Page

ACCOUNTS = {
    "appropriation": "预算指标",
    "fund_available": "专项资金可用额度",
    "commitment": "已批复未拨付",
    "earmarked": "单位专账结余",
    "pending": "待审批拨付(备查)",
    "pending_contra": "待审批拨付(对方)",
    "equity_holding": "股权投资成本",
    "equity_invested": "股权投资形成",
    "equity_gain": "股权退出损益",
    "equity_writeoff": "股权核销损失",
    "carried_forward": "上年结转(备查)",
    "carried_forward_contra": "结转下年(对方)",
    "lapsed": "结余(备查)",
    "lapsed_contra": "结余(对方)",
}


def account_name(account: str) -> str:
    if account.startswith("expense:"):
        return f"专项支出-{CATEGORIES.get(account[8:], account[8:])}"
    return ACCOUNTS.get(account, account)


def post(
    e: Event, page: Page, movement: str, lines: list[tuple], application: str | None = None, stake: int | None = None
) -> None:
    """lines: (account, debit, credit, fund, year); ``stake`` rides on the equity_holding line.

    Refuses to post an unbalanced entry."""
    if sum(line[1] for line in lines) != sum(line[2] for line in lines):
        raise AssertionError(f"unbalanced entry for event {e.seq}: {lines}")
    written = page.rows_of("journal")  # (seq, line, effective_date, movement, account, fund, year, application,
    start = written[-1][1] + 1 if written and written[-1][0] == e.seq else 0  # voucher, debit, credit, stake)
    on, voucher = e.on, e.data.get("voucher")
    for number, (account, debit, credit, fund, year) in enumerate(lines, start):
        written.append(
            (
                e.seq,
                number,
                on,
                movement,
                account,
                fund,
                year,
                application,
                voucher,
                debit,
                credit,
                stake if account == "equity_holding" else None,
            )
        )
        page.add("balances", (account,), debit=debit, credit=credit)
        page.add("fund_balances", (account, fund, year), debit=debit, credit=credit)


def _award_dims(e: Event) -> tuple:
    return e.origin["fund"], e.origin["year"]


def _pay(e: Event, page: Page, kind: str, amount: int) -> None:
    fund, year = _award_dims(e)
    lines = [("earmarked", amount, 0, fund, year), ("commitment", 0, amount, fund, year)]
    stake = None
    if kind == "investment":
        lines += [("equity_holding", amount, 0, fund, year), ("equity_invested", 0, amount, fund, year)]
        stake = e.data["stake"]
    post(e, page, kind, lines, e.origin["key"], stake)


def _memo(e: Event, page: Page, amount: int) -> None:
    fund, year = _award_dims(e)
    post(
        e,
        page,
        "pending",
        [("pending", amount, 0, fund, year), ("pending_contra", 0, amount, fund, year)],
        e.origin["key"],
    )


@on("FundYear.Appropriated")
def _appropriated(e: Event, page: Page) -> None:
    fund, year, amount = e.origin["fund"], e.origin["year"], e.data["amount"]
    post(
        e, page, "appropriation", [("fund_available", amount, 0, fund, year), ("appropriation", 0, amount, fund, year)]
    )


@on("FundYear.Committed")
def _committed(e: Event, page: Page) -> None:
    fund, year, amount = e.origin["fund"], e.origin["year"], e.data["amount"]
    post(
        e,
        page,
        "award",
        [("commitment", amount, 0, fund, year), ("fund_available", 0, amount, fund, year)],
        e.data["ref"],
    )


@on("Grant.Disbursed", "Grant.Invested")
def _disbursed(e: Event, page: Page) -> None:
    if e.data["held"]:
        _memo(e, page, e.data["amount"])
    else:
        _pay(e, page, "investment" if e.name == "Grant.Invested" else "disbursement", e.data["amount"])


@on("Grant.Approved")
def _approved(e: Event, page: Page) -> None:
    _memo(e, page, -e.data["amount"])
    _pay(e, page, e.data["kind"], e.data["amount"])


@on("Grant.Voided")
def _voided(e: Event, page: Page) -> None:
    _memo(e, page, -e.data["amount"])


def _spend_lines(e: Event, amount: int, category: str) -> list[tuple]:
    fund, year = _award_dims(e)
    return [(f"expense:{category}", amount, 0, fund, year), ("earmarked", 0, amount, fund, year)]


def _recover_lines(e: Event, amount: int, on_date: str) -> list[tuple]:
    fund, award_year = _award_dims(e)
    return [("fund_available", amount, 0, fund, int(on_date[:4])), ("earmarked", 0, amount, fund, award_year)]


@on("Grant.Spent")
def _spent(e: Event, page: Page) -> None:
    post(e, page, "expenditure", _spend_lines(e, e.data["amount"], e.data["category"]), e.origin["key"])


@on("Grant.Recovered")
def _recovered(e: Event, page: Page) -> None:
    post(e, page, "recovery", _recover_lines(e, e.data["amount"], e.on), e.origin["key"])


@on("Grant.Reversed")
def _reversed(e: Event, page: Page) -> None:
    d = e.data
    kind, amount = d["kind"], -d["amount"]
    if kind == "disbursement":
        _pay(e, page, "disbursement", amount)
    elif kind == "expenditure":
        post(e, page, "expenditure", _spend_lines(e, amount, d["category"]), e.origin["key"])
    else:
        post(e, page, "recovery", _recover_lines(e, amount, d["original_on"]), e.origin["key"])


@on("Grant.Converted")
def _converted(e: Event, page: Page) -> None:
    fund, year = _award_dims(e)
    cost = e.data["cost"]
    post(
        e,
        page,
        "conversion",
        [("equity_holding", cost, 0, fund, year), ("equity_invested", 0, cost, fund, year)],
        e.origin["key"],
        e.data["stake"],
    )


@on("Grant.Exited")
def _exited(e: Event, page: Page) -> None:
    fund, year = _award_dims(e)
    d = e.data
    gain = d["gain"]
    lines = [("fund_available", d["proceeds"], 0, fund, int(e.on[:4])), ("equity_holding", 0, d["cost"], fund, year)]
    if gain:
        lines.append(("equity_gain", -gain if gain < 0 else 0, gain if gain > 0 else 0, fund, year))
    post(e, page, "exit", lines, e.origin["key"], -d["stake"])


@on("Grant.WrittenOff")
def _written_off(e: Event, page: Page) -> None:
    fund, year = _award_dims(e)
    cost = e.data["cost"]
    post(
        e,
        page,
        "write_off",
        [("equity_writeoff", cost, 0, fund, year), ("equity_holding", 0, cost, fund, year)],
        e.origin["key"],
        -e.data["stake"],
    )


def _period_lines(e: Event, carried_forward: int, lapsed: int) -> list[tuple]:
    fund, year = e.origin["fund"], e.origin["year"]
    return [
        ("carried_forward", carried_forward, 0, fund, year + 1),
        ("carried_forward_contra", 0, carried_forward, fund, year),
        ("lapsed", lapsed, 0, fund, year),
        ("lapsed_contra", 0, lapsed, fund, year),
    ]


@on("Period.Closed")
def _closed(e: Event, page: Page) -> None:
    f = e.data["figures"]
    post(e, page, "close", _period_lines(e, f["carried_forward"], f["lapsed"]))


@on("Period.Reopened")
def _reopened(e: Event, page: Page) -> None:
    post(e, page, "reopen", _period_lines(e, -e.data["carried_forward"], -e.data["lapsed"]))


# Where each declared event (``ledger.vocabulary``) stands with this module's folds (tests/unit/test_vocabulary.py).
HANDLES = handled_in(__name__)
IGNORES = FOLDED_BY_CORRECTIONS | frozenset(
    {
        "Project.*",  # a project's acts move no money (a closeout's 追回 is a Grant.Recovered)
        "Actor.*",
        "Fund.*",
        "FundYear.Opened",
        "FundYear.Returned",
        "FundYear.ReturnReversed",
        "Grant.Awarded",
        "Grant.Evaluated",
        "Grant.Rejected",
        "Grant.Submitted",
        "Installation.*",
        "KeyBinding.*",
        "Period.Opened",
        "Period.ReopenProposed",
        "Period.ReopenWithdrawn",
        "PolicyRegister.*",
        "Seal.*",
        "Unit.*",
        "UnitCap.*",
        "Voucher.*",
    }
)
