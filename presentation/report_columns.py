"""Which columns each report shows, and the figures its rows imply, for tables, CSV, xlsx and the web's downloads.

``COLUMNS`` is what fits a terminal; ``XLSX_COLUMNS`` what prints on A4 landscape at 8 pt or more (``sheets``
computes the scale, a test prints it through LibreOffice): no pair that says one thing twice (code and name,
预算年度 and 年度), no empty 例外文号. ``--columns`` picks others; JSON and CSV carry every field. The derived
figures (尚可拨付, 损益合计) are added to the rows by ``with_derived`` wherever a report is shown.
"""

from __future__ import annotations

# The columns a table shows by default: what fits a terminal. ``--columns`` picks others; JSON and CSV carry all.
COLUMNS = {
    "awards": [
        "application",
        "unit_name",
        "clause",
        "fund",
        "year",
        "mode",
        "awarded",
        "disbursed",
        "pending",
        "payable",
        "spent",
        "available",
    ],
    "funds": ["fund", "year", "appropriated", "committed", "disbursed", "returned", "available"],
    "units": ["unit", "name", "type", "applications", "awarded", "disbursed", "spent", "recovered"],
    "caps": ["unit", "cap_group", "year", "cap", "used", "remaining"],
    "clauses": ["clause", "year", "count", "awarded", "disbursed"],
    "equity": [
        "application",
        "unit",
        "invested",
        "stake",
        "exited_stake",
        "proceeds",
        "gain",
        "written_off",
        "net_gain",
        "status",
    ],
    "trial-balance": ["account", "name", "debit", "credit", "balance"],
    "pending": ["voucher", "kind", "application", "unit_name", "amount", "maker", "date", "reason", "held_because"],
    "carryover": [
        "fund",
        "year",
        "appropriated",
        "returned",
        "committed",
        "disbursed",
        "carried_forward",
        "lapsed",
        "closed",
    ],
    "monthly": ["fund", "fund_name", "month", "appropriated", "disbursed", "cumulative", "execution_rate"],
    "overdue": ["application", "unit_name", "fund", "end_date", "days_overdue", "awarded", "disbursed", "available"],
}
# ``--from``/``--to``: the period's columns a table and a sheet show by default (JSON and CSV carry every
# figure's opening, movement and closing).
PERIOD_COLUMNS = {
    "funds": [
        "fund",
        "year",
        "opening_available",
        "appropriated",
        "returned",
        "committed",
        "closing_available",
        "disbursed",
    ],
    "awards": [
        "application",
        "unit_name",
        "fund",
        "year",
        "awarded",
        "opening_available",
        "disbursed",
        "spent",
        "recovered",
        "closing_available",
    ],
}
# The columns an xlsx sheet shows by default: what prints on A4 landscape at 8 pt or more (``presentation.sheets``
# computes the scale; a test prints them through LibreOffice). No pair that says one thing twice (code and
# name, 预算年度 and 年度); ``--columns`` picks others, JSON and CSV carry all.
XLSX_COLUMNS = {
    "awards": COLUMNS["awards"],
    "funds": ["fund", "year", "appropriated", "committed", "disbursed", "returned", "available", "carried_forward"],
    "units": COLUMNS["units"],
    "caps": COLUMNS["caps"],
    "clauses": COLUMNS["clauses"],
    # on paper an investment also shows its mode and what is still held at cost
    "equity": ["application", "mode", "unit", "invested", "cost", *COLUMNS["equity"][3:]],
    "trial-balance": ["side", "account", "name", "debit", "credit", "balance"],
    "pending": [
        "voucher",
        "kind",
        "application",
        "unit_name",
        "fund",
        "amount",
        "maker",
        "date",
        "reason",
        "held_because",
    ],
    "carryover": COLUMNS["carryover"],
    "monthly": COLUMNS["monthly"],
    "overdue": COLUMNS["overdue"],
}
# Figures a clerk reads that the report's rows imply: 尚可拨付 = 批复 − 已拨付 − 待审批 (what may still be paid).
# 损益合计 = 退出损益 − 核销损失: a holding written off is a loss, not "0 gain or loss".
DERIVED_MONEY = {"awards": frozenset(("payable",)), "equity": frozenset(("net_gain",))}


def with_derived(name: str, rows: list[dict]) -> list[dict]:
    if name == "awards":
        for row in rows:
            row["payable"] = int(row["awarded"]) - int(row["disbursed"]) - int(row["pending"])
    if name == "equity":
        for row in rows:
            row["net_gain"] = int(row["gain"]) - int(row["written_off"] or 0)
    return rows


def money_of(name: str) -> frozenset[str]:
    from projections.report_rows import MONEY

    return frozenset(MONEY[name]) | DERIVED_MONEY.get(name, frozenset())
