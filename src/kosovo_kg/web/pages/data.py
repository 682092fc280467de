"""Reading the served graph for the pages: SELECT through the engine, status periods, figures.

Everything goes through `Engine.run` (the same workers, deadline and limits as /sparql). The
status periods come from `graph/perspectives` (materialised by the build with
`kosovo_kg.perspective`); a status at a date is read off them with the rules of the saved query
`perspective-status-at` (definitely / possibly current).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from kosovo_kg.engine import Engine

STATUS_NAMES = {
    "Recognises": "recognises",
    "Withdrawn": "withdrawn",
    "NotRecognised": "not recognised",
    "Invalidated": "invalidated",
}
PERSPECTIVES = ("all", "kosovo", "serbia", "article")
FIRST_MONTH = dt.date(2008, 2, 1)


class PageDataError(RuntimeError):
    """The engine refused or failed a page's query (the message says why)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def prologue(base: str) -> str:
    return (
        f"PREFIX kr: <{base}ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "PREFIX schema: <https://schema.org/>\n"
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
    )


def select(engine: Engine, text: str) -> list[dict[str, dict[str, str]]]:
    """Rows of a SELECT as SPARQL JSON bindings (term dicts); PageDataError when refused."""
    outcome = engine.run(text, result_format="json")
    if not outcome.ok:
        raise PageDataError(outcome.status, outcome.body.decode("utf-8", "replace").strip())
    return json.loads(outcome.body)["results"]["bindings"]


def value(row: dict[str, dict[str, str]], name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term["value"]


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text[:10])


@dataclass(frozen=True)
class Period:
    perspective: str
    state: str
    status: str  # a key of STATUS_NAMES
    index: int
    has_end: bool
    start_earliest: dt.date | None
    start_latest: dt.date | None
    end_earliest: dt.date | None
    end_latest: dt.date | None
    disputed: bool

    def possible(self, d: dt.date) -> bool:
        started = self.index == 0 or self.start_earliest is None or self.start_earliest <= d
        ended = self.has_end and self.end_latest is not None and self.end_latest <= d
        return started and not ended

    def definite(self, d: dt.date) -> bool:
        started = self.index == 0 or (self.start_latest is not None and self.start_latest <= d)
        running = not self.has_end or (self.end_earliest is not None and self.end_earliest > d)
        return started and running


@dataclass(frozen=True)
class State:
    iri: str
    iso3: str
    label: str
    qid: str | None


@dataclass
class Periods:
    states: dict[str, State]
    by_perspective: dict[str, dict[str, list[Period]]] = field(default_factory=dict)

    def status(self, perspective: str, state: str, d: dt.date) -> tuple[str, bool, bool]:
        """(status key or 'uncertain', definite?, disputed?) of a state at the end of day d."""
        periods = self.by_perspective.get(perspective, {}).get(state, [])
        for p in periods:
            if p.definite(d):
                return p.status, True, p.disputed
        possible = {p.status for p in periods if p.possible(d)}
        if len(possible) == 1:
            return possible.pop(), False, any(p.disputed for p in periods if p.possible(d))
        return ("uncertain" if possible else "NotRecognised"), False, False

    def count(self, perspective: str, status: str, d: dt.date) -> tuple[int, int]:
        """(definitely, possibly) number of states in `status` at the end of day d."""
        definitely = possibly = 0
        for periods in self.by_perspective.get(perspective, {}).values():
            mine = [p for p in periods if p.status == status]
            if any(p.definite(d) for p in mine):
                definitely += 1
            if any(p.possible(d) for p in mine):
                possibly += 1
        return definitely, possibly


def load_periods(engine: Engine, base: str) -> Periods:
    """Every status period of every perspective, and the states they are about."""
    rows = select(
        engine,
        prologue(base)
        + f"""SELECT ?p ?state ?status ?index ?hasEnd ?disputed ?se ?sl ?ee ?el WHERE {{
  GRAPH <{base}graph/perspectives> {{
    ?period kr:perspective ?p ; kr:periodOf ?state ; kr:status ?status ;
            kr:periodIndex ?index ; kr:hasEnd ?hasEnd ; kr:disputed ?disputed .
    OPTIONAL {{ ?period kr:startEarliest ?se }} OPTIONAL {{ ?period kr:startLatest ?sl }}
    OPTIONAL {{ ?period kr:endEarliest ?ee }} OPTIONAL {{ ?period kr:endLatest ?el }}
  }} }} ORDER BY ?p ?state ?index""",
    )
    states = {s.iri: s for s in load_states(engine, base)}
    periods = Periods(states)
    for row in rows:
        name = (value(row, "p") or "").rsplit("/", 1)[-1]
        period = Period(
            perspective=name,
            state=value(row, "state") or "",
            status=(value(row, "status") or "").rsplit("#", 1)[-1],
            index=int(value(row, "index") or 0),
            has_end=value(row, "hasEnd") == "true",
            start_earliest=_date(value(row, "se")),
            start_latest=_date(value(row, "sl")),
            end_earliest=_date(value(row, "ee")),
            end_latest=_date(value(row, "el")),
            disputed=value(row, "disputed") == "true",
        )
        periods.by_perspective.setdefault(name, {}).setdefault(period.state, []).append(period)
    return periods


def load_states(engine: Engine, base: str) -> list[State]:
    """States with an ISO code (label in English when there is one), by name."""
    rows = select(
        engine,
        prologue(base)
        + """SELECT ?s ?iso (SAMPLE(?l) AS ?label) (SAMPLE(?q) AS ?qid) WHERE {
  ?s a kr:PoliticalEntity ; kr:iso3 ?iso .
  OPTIONAL { ?s rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en") || LANG(?l) = "") }
  OPTIONAL { ?s kr:wikidata ?q }
} GROUP BY ?s ?iso""",
    )
    states = [
        State(
            value(r, "s") or "",
            value(r, "iso") or "",
            value(r, "label") or value(r, "iso") or "",
            value(r, "qid"),
        )
        for r in rows
    ]
    return sorted(states, key=lambda s: s.label.casefold())


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from `first`'s month to `last`'s month."""
    out: list[dt.date] = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        out.append(dt.date(ny, nm, 1) - dt.timedelta(days=1))
        y, m = ny, nm
    return out


@dataclass(frozen=True)
class SeriesPoint:
    day: dt.date
    definitely: int
    possibly: int
    withdrawn_definitely: int
    withdrawn_possibly: int


def series(periods: Periods, perspective: str, today: dt.date) -> list[SeriesPoint]:
    """Month by month: states recognising (definitely / possibly) and states withdrawn; the
    last point is today (not the end of this month)."""
    points = []
    for d in [min(end, today) for end in month_ends(FIRST_MONTH, today)]:  # ends today
        rd, rp = periods.count(perspective, "Recognises", d)
        wd, wp = periods.count(perspective, "Withdrawn", d)
        points.append(SeriesPoint(d, rd, rp, wd, wp))
    return points
