"""The words of a project's acts (issue 24) in history details: milestone, result, term, budget moves."""

from __future__ import annotations

from ledger.tranches import MILESTONES, RESULTS
from ledger.values import CATEGORIES

# (field, label, vocabulary), appended to ``folds._DETAILS``.
PROJECT_DETAILS = (
    ("milestone", "里程碑", MILESTONES),
    ("result", "结论", RESULTS),
    ("previous", "原截止日期", None),
    ("end", "执行期至", None),
    ("source", "调出", CATEGORIES),
    ("target", "调入", CATEGORIES),
    ("retain_doc", "留用文号", None),
)
