"""What a query gives back (`QueryOutcome`), made from a worker's reply or a refusal."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True)
class QueryOutcome:
    status: int
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    kind: str = ""  # "solutions", "boolean", "graph", or "" for an error
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200


def error_outcome(status: int, message: str, **headers: str) -> QueryOutcome:
    return QueryOutcome(
        status, "text/plain; charset=utf-8", (message + "\n").encode(), headers=headers
    )


def busy_outcome(message: str, queue_timeout: float) -> QueryOutcome:
    """503 with Retry-After: no free worker in time, a full queue, or an unreachable engine."""
    return error_outcome(503, message, **{"Retry-After": str(max(1, math.ceil(queue_timeout)))})


def reply_outcome(
    reply: tuple[Any, ...], result_format: str, timeout: float, queue_timeout: float
) -> QueryOutcome:
    """The outcome of a worker's (or an external engine's) reply to a job."""
    if reply[0] == "ok":
        kind, body, rows, truncated = reply[1:5]
        return QueryOutcome(200, MEDIA_TYPES[result_format], body, rows, truncated, kind)
    if reply[0] == "fail":
        return error_outcome(reply[1], reply[2])
    if reply[0] == "unavailable":
        return busy_outcome(reply[1], queue_timeout)
    if reply[0] == "timeout":
        return error_outcome(
            504,
            f"query stopped: it ran past the {timeout:g} s deadline; no partial result is returned",
        )
    return error_outcome(500, f"query failed: {reply[1]}")
