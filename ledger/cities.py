"""The cities whose policies the ledger pays for, by the name a policy file uses: (division prefix, name).

A city's clauses are for units registered there: 统一社会信用代码 characters 3–8 (administrative division).
Kept apart from ``ledger.clauses`` (which re-exports it) so that naming a city (a fund's scope, its label)
does not load the catalogue's machinery (issue 26).
"""

from __future__ import annotations

CITIES = {"qingdao": ("3702", "青岛市"), "weihai": ("3710", "威海市")}
