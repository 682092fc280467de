"""Perspectives: the status of every state toward Kosovo at a date, according to chosen claimants.

Who a perspective is (its claimants) is in `views`, the engine in `core` (rules:
`docs/perspectives.md`), the facts it reads from a store in `facts`, and the materialisation of
`graph/perspectives` at build time in `graph`. The public names are re-exported here:
`from kosovo_kg import perspective as pv; pv.count_at(...)`.
"""

from __future__ import annotations

from kosovo_kg.perspective.core import (
    DATING,
    FAR,
    INVALIDATED,
    NOT_AN_ACT,
    NOT_RECOGNISED,
    RANK,
    RECOGNISES,
    STATED_BASES,
    STATUSES,
    UNCERTAIN,
    WITHDRAWN,
    Count,
    Period,
    StateStatus,
    Timed,
    count_at,
    counted_events,
    status_at,
    status_from_periods,
    timeline,
)
from kosovo_kg.perspective.facts import KINDS, ClaimFact, EventFact, Facts, load_facts
from kosovo_kg.perspective.views import (
    PREDEFINED,
    Perspective,
    PerspectiveError,
    custom,
    get,
    predefined,
    side_claimants,
)

__all__ = [
    "DATING",
    "FAR",
    "INVALIDATED",
    "KINDS",
    "NOT_AN_ACT",
    "NOT_RECOGNISED",
    "PREDEFINED",
    "RANK",
    "RECOGNISES",
    "STATED_BASES",
    "STATUSES",
    "UNCERTAIN",
    "WITHDRAWN",
    "ClaimFact",
    "Count",
    "EventFact",
    "Facts",
    "Period",
    "Perspective",
    "PerspectiveError",
    "StateStatus",
    "Timed",
    "count_at",
    "counted_events",
    "custom",
    "get",
    "load_facts",
    "predefined",
    "side_claimants",
    "status_at",
    "status_from_periods",
    "timeline",
]
