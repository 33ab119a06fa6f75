"""A synthetic but realistic funding programme, as batch lines (JSON Lines, cli.md's batch format).

Units with valid 统一社会信用代码; applications spread over many clauses in
force on their dates; evaluations; awards within each clause's limits; and
several disbursements and expenditures per award, with the odd recovery and
reversal. Every 17th application (on a clause that allows the equity modes)
alternates between an equity award (拨改投: invest, then a partial exit), a
convertible one (先投后股: paid, then converted) and a grant; the last line
closes the first year. Every line is one the ledger accepts, so a batch of it measures
the accepted path. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta

from ledger import clauses
from ledger.uscc import make

# clause, unit type, award range in 万元 — clauses with a plain max, in force from 2024-07-31
CLAUSES = [
    ("qd2024-01-common-tech", "enterprise", (50, 500)),
    ("qd2024-01-demo", "enterprise", (100, 1000)),
    ("qd2024-02-key-tech", "enterprise", (50, 500)),
    ("qd2024-02-demo", "enterprise", (100, 1000)),
    ("qd2024-03-frontier", "institute", (50, 500)),
    ("qd2024-03-nsf", "university", (10, 100)),
    ("qd2024-04-marine-tech", "institute", (50, 500)),
    ("qd2024-05-provincial-key-lab", "university", (20, 100)),
    ("qd2024-05-municipal-key-lab", "university", (10, 50)),
    ("qd2024-07-new-rd-institution", "institute", (10, 50)),
    ("qd2024-11-pilot-platform", "enterprise", (50, 200)),
    ("qd2024-12-scenario-demo", "enterprise", (50, 200)),
    ("qd2024-14-sme-project", "enterprise", (10, 100)),
    ("qd2024-17-park-challenge", "enterprise", (10, 50)),
    ("qd2024-23-rd-investment", "enterprise", (50, 500)),
    ("qd2024-25-think-tank", "institute", (10, 100)),
    ("qd2024-23-innovation-voucher", "enterprise", (1, 4)),  # half of a stated base; 20万 a unit a year
]
TYPES = {"enterprise": "91", "university": "12", "institute": "12"}
CATEGORIES = ("equipment", "materials", "testing", "travel", "labor", "consulting", "rd", "indirect")
START, END = date(2024, 8, 1), date(2026, 10, 31)
MORE_START = date(2025, 1, 2)  # a further stretch (``programme(more=True)``): after the first year's close
EVENTS_PER_APPLICATION = 21  # measured: apply 1, evaluate 1, award 2, 3 × (disburse 2), 4 × (spend 2), extras


def unit_code(kind: str, n: int) -> str:
    return make(f"{TYPES[kind]}3702{n % 100:02d}MA{list(TYPES).index(kind)}{n:06d}")


def _yuan(wan: float) -> str:
    return f"{wan}万"


def programme(events: int, seed: int = 2026, actor_threshold: str = "10亿", more: bool = False) -> Iterator[dict]:
    """About ``events`` events of a programme, as command dicts (``{"cmd": …}``), in a sensible order.

    ``more``: a further stretch of the same programme for a ledger that already holds one (``verify
    --since-seal``'s bench): new units and applications, dated after the first year (which the first stretch
    closed), without the fund's set-up and without a close."""
    rng = random.Random(seed)
    applications = max(1, events // EVENTS_PER_APPLICATION)
    first, start = (500_000, MORE_START) if more else (0, START)
    units = {kind: [unit_code(kind, first + n) for n in range(max(5, applications // 8))] for kind in TYPES}
    if more:
        yield from _applications(rng, applications, units, first, start)
        return
    yield {"cmd": "fund-create", "fund": "KJ", "name": "青岛市科技创新专项资金", "approval-threshold": actor_threshold}
    yield from _setup(units)
    yield from _applications(rng, applications, units, first, start)
    # the first year closed, after every payment dated in it (its later payments would be dated in the next)
    yield {"cmd": "close", "year": START.year, "fund": "KJ", "doc": f"青财决〔{START.year + 1}〕1号"}


def _setup(units: dict[str, list[str]]) -> Iterator[dict]:
    for year in range(START.year, END.year + 1):
        yield {
            "cmd": "fund-appropriate",
            "fund": "KJ",
            "year": year,
            "amount": "900亿",
            "doc": f"青财预〔{year}〕1号",
            "date": f"{year}-01-02",
        }
    for kind, codes in units.items():
        for n, code in enumerate(codes):
            yield {"cmd": "unit-register", "code": code, "name": f"{kind}-{n}", "type": kind}


def _applications(
    rng: random.Random, applications: int, units: dict[str, list[str]], first: int, start: date
) -> Iterator[dict]:
    if first:  # a further stretch registers its own units
        for kind, codes in units.items():
            for n, code in enumerate(codes):
                yield {"cmd": "unit-register", "code": code, "name": f"{kind}-{first + n}", "type": kind}
    span = (END - start).days
    for n in range(first, first + applications):
        clause, kind, (low, high) = CLAUSES[n % len(CLAUSES)]
        rule = clauses.default().get(clause)
        if rule.platform or rule.once_every:  # a platform's max is per unit for life, a yearly award once a year:
            # one award per unit
            unit = units[kind][((n - first) // len(CLAUSES)) % len(units[kind])]
        else:
            unit = rng.choice(units[kind])
        day = start + timedelta(days=rng.randrange(span - 120))
        ref = f"QD-{day.year}-{n:06d}"
        amount = rng.randrange(low, high + 1)
        base = {"base": _yuan(amount * 2)} if clause == "qd2024-23-innovation-voucher" else {}
        yield {
            "cmd": "apply",
            "ref": ref,
            "unit": unit,
            "clause": clause,
            "amount": _yuan(amount),
            **base,
            "date": day.isoformat(),
        }
        day += timedelta(days=rng.randrange(5, 30))
        yield {
            "cmd": "evaluate",
            "ref": ref,
            "grade": rng.choice(("excellent", "good", "pass")),
            "date": day.isoformat(),
        }
        day += timedelta(days=rng.randrange(5, 20))
        mode = ("equity", "convertible", "grant")[(n // len(CLAUSES)) % 3] if n % len(CLAUSES) == 0 else "grant"
        yield {
            "cmd": "award",
            "ref": ref,
            "amount": _yuan(amount),
            "fund": "KJ",
            "doc": f"青科字〔{day.year}〕{n}号",
            "date": day.isoformat(),
            **({"mode": mode} if mode != "grant" else {}),
        }
        if mode == "equity":  # 拨改投: the whole award invested, then half the stake sold
            day += timedelta(days=rng.randrange(1, 15))
            yield {
                "cmd": "invest",
                "ref": ref,
                "amount": _yuan(amount),
                "stake": "10",
                "valuation": _yuan(amount * 10),
                "voucher": f"TZ-{n:06d}",
                "date": day.isoformat(),
            }
            day += timedelta(days=rng.randrange(30, 90))
            yield {
                "cmd": "exit",
                "ref": ref,
                "stake": "5",
                "proceeds": _yuan(amount * 6 // 10),
                "voucher": f"TC-{n:06d}",
                "date": day.isoformat(),
            }
            continue
        paid = 0
        for k, part in enumerate((40, 30, 20)):  # three disbursements (90 % of the award), in 元
            day += timedelta(days=rng.randrange(1, 15))
            share = amount * 10_000 * part // 100
            paid += share
            yield {
                "cmd": "disburse",
                "ref": ref,
                "amount": str(share),
                "voucher": f"PZ-{n:06d}-{k}",
                "date": day.isoformat(),
            }
        if mode == "convertible":  # 先投后股: what was paid becomes a holding
            day += timedelta(days=rng.randrange(1, 30))
            yield {
                "cmd": "convert",
                "ref": ref,
                "stake": "5",
                "valuation": _yuan(amount * 10),
                "doc": f"青科转〔{day.year}〕{n}号",
                "date": day.isoformat(),
            }
            continue
        spent = 0
        for k in range(4):  # four expenditures from what was paid
            day += timedelta(days=rng.randrange(1, 10))
            share = paid * rng.randrange(5, 20) // 100
            spent += share
            yield {
                "cmd": "spend",
                "ref": ref,
                "amount": str(share),
                "category": rng.choice(CATEGORIES),
                "voucher": f"ZC-{n:06d}-{k}",
                "date": day.isoformat(),
            }
        if n % 10 == 0 and paid - spent >= 100:
            yield {
                "cmd": "recover",
                "ref": ref,
                "amount": str((paid - spent) // 10),
                "voucher": f"ZH-{n:06d}",
                "reason": "项目结余",
                "date": day.isoformat(),
            }
        if n % 25 == 0:
            yield {"cmd": "reverse", "voucher": f"ZC-{n:06d}-3", "reason": "重复录入"}


def write(path: str, events: int, seed: int = 2026, more: bool = False) -> int:
    lines = 0
    with open(path, "w", encoding="utf-8") as out:
        for line in programme(events, seed, more=more):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            lines += 1
    return lines
