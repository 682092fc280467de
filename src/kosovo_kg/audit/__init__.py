"""The provenance audit: who says what, on which evidence, where sources disagree, and coverage.

`run_audit` (in `core`) computes the report; `counts` compares count claims with the perspective
engine, `figures` the article's figures, `editions` each Wikipedia edition's latest figures, and
`report` renders the report as text. The public names are re-exported here.
"""

from __future__ import annotations

from kosovo_kg.audit.core import (
    EVENT_KINDS,
    HEDGED,
    AuditData,
    contradictions,
    coverage,
    date_conflicts,
    derived_only_dates,
    hedged,
    run_audit,
    single_source,
)

__all__ = [
    "EVENT_KINDS",
    "HEDGED",
    "AuditData",
    "contradictions",
    "coverage",
    "date_conflicts",
    "derived_only_dates",
    "hedged",
    "run_audit",
    "single_source",
]
