"""A payments-by-month bar chart as plain geometry, drawn by the template as inline SVG (no script, no CDN).

Heights are proportional to the amounts in 分, computed in integers; each bar
keeps its month and exact amount so the page (and its tests) can read them.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, TOP, BOTTOM, LEFT = 640, 200, 16, 36, 8
MAX_BARS = 36


@dataclass(frozen=True)
class Bar:
    month: str
    amount: int  # 分
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    peak: int = 0


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def bars(months: list[tuple[str, int]]) -> Chart | None:
    """Every month from the first payment to the last (empty months as gaps), the last ``MAX_BARS`` of them."""
    if not months:
        return None
    paid = dict(months)
    span = months_between(months[0][0], months[-1][0])[-MAX_BARS:]
    peak = max(max(paid.get(m, 0) for m in span), 1)
    room = HEIGHT - TOP - BOTTOM
    step = (WIDTH - 2 * LEFT) // max(len(span), 1)
    width = max(step * 3 // 4, 2)
    drawn = []
    for index, month in enumerate(span):
        amount = paid.get(month, 0)
        height = max(amount, 0) * room // peak
        x = LEFT + index * step + (step - width) // 2
        drawn.append(Bar(month, amount, x, HEIGHT - BOTTOM - height, width, height))
    return Chart(tuple(drawn), peak=peak)
