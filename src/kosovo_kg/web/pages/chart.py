"""The recognitions-over-time chart as inline SVG, drawn on the server (no script needed).

Cumulative number of states recognising Kosovo at each month's end: a line for "definitely",
a band up to "possibly" (dates only bounded), and a line for states whose recognition stands
withdrawn; optionally, claimed counts as points (`kosovo_kg.web.pages.claims`), each a link to
its claim page with its text as tooltip. Styled by classes from the page's stylesheet (the CSP
allows no inline styles).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from kosovo_kg.web.pages.data import SeriesPoint

W, H = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28


def _scale(points: list[SeriesPoint], claims: Sequence[Any] = ()) -> tuple[float, float]:
    top = max([p.possibly for p in points] + [c.value for c in claims] + [1])
    step = 20 if top <= 140 else 50
    ymax = ((top // step) + 1) * step
    return (W - LEFT - RIGHT) / max(len(points) - 1, 1), ymax


def _month_index(first: dt.date, day: dt.date) -> float:
    """Where a day lies on the month-end axis (0 = the first month's last day)."""
    days = calendar.monthrange(day.year, day.month)[1]
    return (day.year - first.year) * 12 + day.month - first.month - 1 + day.day / days


def _span(lo: int, hi: int) -> str:
    return str(lo) if lo == hi else f"{lo}–{hi}"


def svg(
    points: list[SeriesPoint],
    title: str,
    claims: Sequence[Any] = (),
    marker: dt.date | None = None,
) -> Markup:
    """An accessible SVG chart (role=img with a title and a description of the last values);
    each point's values show on hover (an SVG <title> per month), `marker` draws a line at
    that day. `claims`: points with day, value, kind, path and text (see
    `pages.claims.ClaimPoint`), drawn above the hover areas so that each stays a link."""
    if not points:
        return Markup("")
    dx, ymax = _scale(points, claims)

    def x(i: int) -> float:
        return LEFT + i * dx

    def y(v: int) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - v / ymax)

    upper = [f"{x(i):.1f},{y(p.possibly):.1f}" for i, p in enumerate(points)]
    lower = [f"{x(i):.1f},{y(p.definitely):.1f}" for i, p in enumerate(points)]
    band = " ".join(upper + lower[::-1])
    withdrawn = " ".join(f"{x(i):.1f},{y(p.withdrawn_possibly):.1f}" for i, p in enumerate(points))
    last = points[-1]
    desc = (
        f"At {last.day.isoformat()}: {last.definitely} states definitely and {last.possibly}"
        f" possibly recognise Kosovo; {last.withdrawn_definitely} to {last.withdrawn_possibly}"
        " have withdrawn their recognition."
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="group" aria-labelledby="chart-t chart-d">',
        f'<title id="chart-t">{escape(title)}</title><desc id="chart-d">{escape(desc)}</desc>',
    ]
    step = 20 if ymax <= 160 else 50
    for v in range(0, int(ymax) + 1, step):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>'
        )
    for i, p in enumerate(points):
        if p.day.month == 12 and (p.day.year + 1) % 2 == 0:
            parts.append(
                f'<text class="tick" x="{x(i):.1f}" y="{H - 8}" text-anchor="middle">'
                f"{p.day.year + 1}</text>"
            )
    parts += [
        f'<polygon class="band" points="{band}"/>',
        f'<polyline class="definitely" points="{" ".join(lower)}"/>',
        f'<polyline class="possibly" points="{" ".join(upper)}"/>',
        f'<polyline class="withdrawn" points="{withdrawn}"/>',
    ]
    if marker is not None and points[0].day <= marker <= points[-1].day:
        # the chosen day, between the month ends around it
        i = next(k for k, p in enumerate(points) if p.day >= marker)
        before = points[i - 1].day if i else points[0].day
        span = (points[i].day - before).days or 1
        mx = x(i) - dx * (points[i].day - marker).days / span if i else x(0)
        parts.append(
            f'<line class="marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="{TOP}" y2="{H - BOTTOM}"/>'
            f'<text class="marker-label" x="{mx + 4:.1f}" y="{TOP + 12}">'
            f"{marker.isoformat()}</text>"
        )
    for i, p in enumerate(points):  # hover: the values at each point
        tip = (
            f"{p.day.isoformat()}: {_span(p.definitely, p.possibly)} recognising,"
            f" {_span(p.withdrawn_definitely, p.withdrawn_possibly)} withdrawn"
        )
        parts.append(
            f'<rect class="hover" x="{x(i) - dx / 2:.1f}" y="{TOP}" width="{dx:.1f}"'
            f' height="{H - TOP - BOTTOM}"><title>{escape(tip)}</title></rect>'
        )
    first, last = points[0].day, points[-1].day
    for c in claims:
        if not first.replace(day=1) <= c.day <= last:
            continue
        cx = LEFT + _month_index(first, c.day) * dx
        ranged = getattr(c, "ranged", False)
        shape = "rect" if getattr(c, "ever", False) or ranged else "circle"
        if ranged:  # a range or bound: a bar from its low to its high (open: to the top)
            top = y(c.high) if c.high is not None else TOP
            mark = (
                f'<rect class="claim k-{c.kind}" data-range="" x="{cx - 2:.1f}" y="{top - 2:.1f}" '
                f'width="4" height="{y(c.value) - top + 4:.1f}">'
            )
        elif shape == "rect":
            mark = (
                f'<rect class="claim k-{c.kind}" x="{cx - 3.5:.1f}" y="{y(c.value) - 3.5:.1f}" '
                'width="7" height="7">'
            )
        else:
            mark = f'<circle class="claim k-{c.kind}" cx="{cx:.1f}" cy="{y(c.value):.1f}" r="4">'

        parts.append(
            f'<a href="{escape(c.path)}">{mark}<title>{escape(c.text)}</title></{shape}></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
