"""graph/derived: date bounds derived from the order of the article's chronological tables.

The recognition tables are sorted by date ("Same-day recognitions are sorted alphabetically"), so
a row's order number bounds its date by the dates that sources state for other rows:

- rows sharing an order label ("2–8") were on the same day: a stated date of one bounds all;
- otherwise the date is no earlier than any stated date of an earlier row and no later than any
  stated date of a later row.

Conflicting stated dates are never merged: each neighbour contributes its *weakest* bound (the
earliest of its claims' `earliest`, the latest of their `latest`). Each derived dating is a claim
of its own, by the build (`agent:kosovo-kg`), with `kr:dateBasis kr:RowOrderBound`, and names the
claims it was computed from with `kr:derivedFrom`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kosovo_kg.build.stage import Sources
from kosovo_kg.graph import ClaimInfo, GraphBuilder, lit

G = "derived"


@dataclass(frozen=True)
class OrderedRow:
    event: str  # the recognition event of the row
    order: tuple[int, int]  # (from, to) as printed, e.g. (2, 8)
    evidence: str  # location of the row


def add_to(b: GraphBuilder, sources: Sources) -> None:
    """Row-order datings for the rows of the article's two recognition tables."""
    ex = sources.the_article()
    derived = 0
    for table, name in (
        ("un-recognitions", "UN-member recognitions"),
        ("non-un-recognitions", "non-UN recognitions"),
    ):
        ordered = [
            OrderedRow(
                ex.recognition(entity), facts.order, b.iris.ref("article", table, f"L{facts.line}")
            )
            for facts, entity in ex.rows[table]
            if facts.order
        ]
        made, problems = derive_row_order_bounds(b, ordered, name)
        derived += made
        for problem in problems:
            sources.report.warn(sources.path("article"), None, problem)
    sources.report.facts["derived_datings"] = derived


def _stated(b: GraphBuilder, event: str) -> list[ClaimInfo]:
    return [
        c
        for c in b.claims_about.get(event, [])
        if c.stance == "Affirms" and c.earliest and c.basis in {"Stated", "InferredBySource"}
    ]


def derive_row_order_bounds(
    b: GraphBuilder, rows: list[OrderedRow], table: str
) -> tuple[int, list[str]]:
    """Add a derived dating for every row event that no source dates. Returns (count, problems)."""
    kr = b.kr
    agent = b.iris.agent("kosovo-kg")
    stated = {r.event: _stated(b, r.event) for r in rows}
    made, problems = 0, []
    for row in rows:
        if stated[row.event]:
            continue
        lower: tuple[dt.date, list[str]] | None = None
        upper: tuple[dt.date, list[str]] | None = None
        for other in rows:
            claims = stated[other.event]
            if other is row or not claims:
                continue
            weakest_lo = min(c.earliest for c in claims if c.earliest)
            weakest_hi = max(c.latest for c in claims if c.latest)
            iris = sorted(c.iri for c in claims)
            same_day = other.order == row.order
            if (same_day or other.order[1] < row.order[0]) and (
                lower is None or weakest_lo > lower[0]
            ):
                lower = (weakest_lo, iris)
            if (same_day or other.order[0] > row.order[1]) and (
                upper is None or weakest_hi < upper[0]
            ):
                upper = (weakest_hi, iris)
        if lower is None and upper is None:
            continue
        lo = lower[0] if lower else None
        hi = upper[0] if upper else None
        if lo and hi and lo > hi:
            problems.append(
                f"{row.event}: neighbours' dates conflict ({lo} > {hi}); no bound derived"
            )
            continue
        sources = sorted(set((lower[1] if lower else []) + (upper[1] if upper else [])))
        extra = [(kr + "derivedFrom", s) for s in sources]
        extra.append(
            (
                kr + "note",
                lit(
                    f"Bounds derived from the order of the {table} table "
                    f"(rows {row.order[0]}–{row.order[1]}) and the stated dates of the "
                    "nearest rows."
                ),
            )
        )
        claim = b.claim(
            G,
            claimant=agent,
            about=row.event,
            evidence=row.evidence,
            cls="Claim",
            date_basis="RowOrderBound",
            key="row-order",
            extra=extra,
        )
        if lo:
            b.add(G, claim, kr + "earliest", lit(lo))
        if hi:
            b.add(G, claim, kr + "latest", lit(hi))
        b.add(G, claim, kr + "dateBasis", kr + "RowOrderBound")
        made += 1
    return made, problems
