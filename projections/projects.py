"""项目管理 (issue 24): the ``projects`` read model behind ``report overdue`` and the statement's tranches.

One row per ``Project``: its term (extended by ``Project.Extended``), its schedule and what its milestones
released, and how it was closed (验收结论, 结余, 追回, 留用). The money of a
closeout moves in ``Grant.Recovered`` like any recovery; this row only says what the closeout decided.
"""

from __future__ import annotations

from .folds import on
from .page import Event, Page


@on("Project.Opened")
def _opened(e: Event, page: Page) -> None:
    d = e.data
    schedule = ";".join(f"{t['pct']}:{t['milestone']}:{t['amount']}" for t in d["tranches"] or []) or None
    page.put(
        "projects",
        (d["ref"],),
        unit=d["unit"],
        clause=d["clause"],
        fund=d["fund"],
        year=d["year"],
        opened_on=e.on,
        tranches=schedule,
        status="open",
    )
    if not d["tranches"]:
        page.add("projects", (d["ref"],), released=d["awarded"])


@on("Project.MilestoneRecorded")
def _milestone(e: Event, page: Page) -> None:
    d, ref = e.data, e.origin["key"]
    page.add("projects", (ref,), released=d["released"])
    if d["released"]:  # the first pass of a milestone that releases a tranche
        page.put("projects", (ref,), **{f"{d['milestone']}_on": e.on})


@on("Project.Contracted")
def _contracted(e: Event, page: Page) -> None:
    page.put("projects", (e.origin["key"],), end_date=e.data["end"])


@on("Project.Extended")
def _extended(e: Event, page: Page) -> None:
    page.put("projects", (e.origin["key"],), end_date=e.data["end"])


@on("Project.Closed")
def _closed(e: Event, page: Page) -> None:
    d = e.data
    page.put(
        "projects",
        (e.origin["key"],),
        status="closed",
        result=d["result"],
        close_doc=d["doc"],
        closed_on=e.on,
        retain_doc=d["retain_doc"],
    )
    page.add("projects", (e.origin["key"],), balance=d["amount"], recovered=d["recovered"], retained=d["retained"])
