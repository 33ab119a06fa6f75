"""A project after its award (任务书, milestones, extensions, budget adjustments, closeout), re-decided.

Each of these is a clerk's act (or an admin's). The money they move is re-decided where it moves: a
closeout's recovery is a ``Grant.Recovered`` (``spending``). Not yet re-decided here: that a disbursement
stays within the tranches released so far.
"""

from __future__ import annotations

from .act import Act

FIELDS = {
    "Project.Opened": {"ref": str, "fund": str, "awarded": int},
    "Project.Contracted": {"doc": str},
    "Project.MilestoneRecorded": {"milestone": str, "result": str, "released": int},
    "Project.Extended": {"end": str, "doc": str},
    "Project.BudgetAdjusted": {"amount": int, "doc": str},
    "Project.Closed": {"result": str, "amount": int, "recovered": int},
}
WORDS = {
    "Project.Opened": "批复 (立项)",
    "Project.Contracted": "签订任务书",
    "Project.MilestoneRecorded": "登记里程碑",
    "Project.Extended": "项目延期",
    "Project.BudgetAdjusted": "调整预算",
    "Project.Closed": "项目验收结题",
}


def project_act(a: Act) -> None:
    a.needs({"clerk"}, WORDS[a.name])


RULES = dict.fromkeys(WORDS, project_act)
