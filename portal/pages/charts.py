"""Geometry for the inline SVG charts of a lab series (with its reference band) and of growth by age.

Pure arithmetic: the template draws the shapes, and a table next to the chart carries the same numbers as text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from portal.journal.queries import SeriesPoint

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 10, 26


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    at: datetime
    value: float
    entry_id: str
    current: bool


@dataclass(frozen=True)
class Chart:
    dots: tuple[Dot, ...]
    line: str
    band: tuple[float, float] | None  # top y and height of the reference range
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: float = HEIGHT - BOTTOM

    @property
    def right(self) -> int:
        return self.width - RIGHT


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values spanning ``low``..``high``: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def series_chart(
    series: Sequence[SeriesPoint], current_id: str, low: float | None, high: float | None,
    x_of: Callable[[datetime], float], x_label: Callable[[float], str], y_label: Callable[[float], str],
) -> Chart | None:
    """A line through the series, with the reference band when there is one; None for fewer than two points."""
    if len(series) < 2:
        return None
    values = [point.value for point in series] + [v for v in (low, high) if v is not None]
    pad = (max(values) - min(values)) * 0.15 or abs(max(values)) * 0.1 or 1
    ticks = nice_ticks(min(values) - pad, max(values) + pad)
    xs = [x_of(point.at) for point in series]
    x_min, x_max = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1

    def sx(x: float) -> float:
        return round(LEFT + (x - x_min) / (x_max - x_min) * (WIDTH - LEFT - RIGHT), 1)

    def sy(y: float) -> float:
        return round(TOP + (ticks[-1] - y) / (ticks[-1] - ticks[0]) * (HEIGHT - TOP - BOTTOM), 1)

    dots = tuple(Dot(sx(x), sy(p.value), p.at, p.value, p.entry_id, p.entry_id == current_id)
                 for x, p in zip(xs, series, strict=True))
    band = None
    if low is not None or high is not None:
        top, bottom = sy(high if high is not None else ticks[-1]), sy(low if low is not None else ticks[0])
        band = (top, round(bottom - top, 1))
    return Chart(
        dots=dots, line=" ".join(f"{dot.x},{dot.y}" for dot in dots), band=band,
        y_ticks=tuple((sy(tick), y_label(tick)) for tick in ticks),
        x_ticks=tuple((sx(x), x_label(x)) for x in _x_ticks(x_min, x_max)),
    )


def _x_ticks(x_min: float, x_max: float) -> list[float]:
    return [x_min, (x_min + x_max) / 2, x_max]


def age_in_years(birth: date) -> Callable[[datetime], float]:
    """x for a growth chart: age in years at the measurement."""
    return lambda at: (at.date() - birth).days / 365.25


def timestamp(at: datetime) -> float:
    return at.timestamp()
