"""A state's timeline: one row per claimant, a point per dated claim (at its stated day, else
at its earliest bound), each point a link to the claim's page with its date, stance and event
on hover. Inline SVG drawn on the server, styled by the page's stylesheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup, escape

from kosovo_kg.saved.params import ParamValueError, date_bounds

W, ROW, LEFT, RIGHT, TOP, AXIS = 760, 20, 230, 16, 8, 22
FIRST_YEAR = 2008


def _first_day(text: str) -> dt.date | None:
    """The first day of a YYYY, YYYY-MM or YYYY-MM-DD value (a gYear, a gYearMonth, a date)."""
    try:
        return dt.date.fromisoformat(date_bounds(text)[0])
    except ParamValueError:
        return None


def svg(events: list[dict[str, Any]], today: dt.date | None = None) -> Markup:
    """The timeline of the claims in `events` (as built by the resource page); empty if none
    is dated."""
    rows: dict[str, list[tuple[dt.date, dict[str, Any], str]]] = {}
    for event in events:
        for claim in event["claims"]:
            day = _first_day(claim.get("day") or "")
            if day is None:
                continue
            rows.setdefault(claim["claimant"]["text"], []).append(
                (day, claim, event["term"]["text"])
            )
    if not rows:
        return Markup("")
    today = today or dt.date.today()
    first = dt.date(min(FIRST_YEAR, *(d.year for r in rows.values() for d, _, _ in r)), 1, 1)
    span = (today - first).days or 1

    def x(day: dt.date) -> float:
        return LEFT + (W - LEFT - RIGHT) * (day - first).days / span

    height = TOP + ROW * len(rows) + AXIS
    parts = [
        f'<svg class="timeline" viewBox="0 0 {W} {height}" role="group"'
        ' aria-label="Dated claims per claimant; each point links to its claim">'
    ]
    years = today.year - first.year + 1
    step = next(s for s in (1, 2, 5, 10, 20, 50) if years / s <= 10)
    for year in range(first.year + (-first.year) % step, today.year + 1, step):
        gx = x(dt.date(year, 1, 1))
        parts.append(
            f'<line class="grid" x1="{gx:.1f}" x2="{gx:.1f}" y1="{TOP}" y2="{height - AXIS}"/>'
            f'<text class="tick" x="{gx:.1f}" y="{height - 6}" text-anchor="middle">{year}</text>'
        )
    for i, (claimant, points) in enumerate(
        sorted(rows.items(), key=lambda kv: (min(p[0] for p in kv[1]), kv[0]))
    ):
        y = TOP + ROW * i + ROW / 2
        name = claimant if len(claimant) <= 34 else claimant[:33] + "…"
        parts.append(
            f'<text class="who" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(name)}<title>{escape(claimant)}</title></text>"
        )
        for day, claim, event in sorted(points, key=lambda p: p[0]):
            stance = claim["stance"].rsplit(":", 1)[-1]
            tip = f"{day.isoformat()}: {claimant} {stance.lower()} {event}"
            parts.append(
                f'<a href="{escape(claim["term"].get("href") or "")}">'
                f'<circle class="point {escape(stance)}" cx="{x(day):.1f}" cy="{y:.1f}" r="5">'
                f"<title>{escape(tip)}</title></circle></a>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
