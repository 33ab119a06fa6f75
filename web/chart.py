"""A payments-by-month bar chart as plain geometry, drawn by the template as inline SVG (no script, no CDN).

Heights are proportional to the amounts in 分, computed in integers, against a
value axis of round ticks (1, 2 or 5 × 10^n 元) labelled in 元/万元 on the
left; each bar keeps its month and exact amount so the page (and its tests)
can read them. Every label is placed to stay inside the drawing: the tick
labels right-aligned in the left margin, the peak's amount anchored towards
the middle of the chart so a first or last bar's label is never cut off.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.money import FEN_PER_YUAN, format_human

WIDTH, HEIGHT, TOP, BOTTOM, LEFT, RIGHT = 640, 200, 20, 36, 84, 8
MAX_BARS = 36
MAX_TICKS = 4


@dataclass(frozen=True)
class Bar:
    month: str
    amount: int  # 分
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Tick:
    amount: int  # 分
    y: int
    label: str


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - BOTTOM
    peak: int = 0
    ticks: tuple[Tick, ...] = ()
    left: int = LEFT
    peak_x: int = 0  # where the peak's amount is written, and how it is anchored
    peak_anchor: str = "middle"


def months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def step_for(peak: int) -> int:
    """A round tick step in 分 (1, 2 or 5 × 10^n 元) giving at most ``MAX_TICKS`` steps up to ``peak``."""
    step = FEN_PER_YUAN
    while True:
        for factor in (1, 2, 5):
            if -(-peak // (step * factor)) <= MAX_TICKS:
                return step * factor
        step *= 10


def bars(months: list[tuple[str, int]]) -> Chart | None:
    """Every month from the first payment to the last (empty months as gaps), the last ``MAX_BARS`` of them."""
    if not months:
        return None
    paid = dict(months)
    span = months_between(months[0][0], months[-1][0])[-MAX_BARS:]
    peak = max(max(paid.get(m, 0) for m in span), 1)
    step = step_for(peak)
    top = -(-peak // step) * step
    room = HEIGHT - TOP - BOTTOM
    baseline = HEIGHT - BOTTOM
    ticks = tuple(Tick(v, baseline - v * room // top, format_human(v)) for v in range(0, top + 1, step))
    inner = WIDTH - LEFT - RIGHT
    slot = inner // max(len(span), 1)
    width = max(slot * 3 // 4, 2)
    drawn = []
    for index, month in enumerate(span):
        amount = paid.get(month, 0)
        height = max(amount, 0) * room // top
        x = LEFT + index * slot + (slot - width) // 2
        drawn.append(Bar(month, amount, x, baseline - height, width, height))
    tallest = next(b for b in drawn if b.amount == max(b.amount for b in drawn))
    middle = tallest.x + tallest.width // 2
    if middle < LEFT + inner // 3:
        anchor, at = "start", tallest.x
    elif middle > LEFT + 2 * inner // 3:
        anchor, at = "end", tallest.x + tallest.width
    else:
        anchor, at = "middle", middle
    return Chart(tuple(drawn), peak=peak, ticks=ticks, peak_x=at, peak_anchor=anchor)
