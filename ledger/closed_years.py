"""Invariant 10 at the door of every money handler: a date in a closed fiscal year of a fund is refused.

``check_open(uow, fund, day…)`` asks the fund's ``Period`` of each year (``ledger.periods``), named here by its
topic (``uow.Deferred``): a year that was never closed has no ``Period``, and a command that only finds none
never imports ``ledger.periods`` nor builds its event classes (issue 26).
"""

from __future__ import annotations

from typing import Any

from . import dates
from .uow import Deferred

PERIOD = Deferred("ledger.periods:Period", "period")  # Period.create_id(fund, year): key_id("period", fund, year)


def check_open(uow: Any, fund: str, *days: str | int) -> None:
    """Refuse (``PERIOD_CLOSED``) when any of these dates, or fiscal years, falls in a closed period of ``fund``."""
    seen = set()
    for day in days:
        year = day if isinstance(day, int) else dates.year_of(day)
        if year in seen:
            continue
        seen.add(year)
        period = uow.find(PERIOD, fund, year)
        if period is not None:
            period.check_open(day)
