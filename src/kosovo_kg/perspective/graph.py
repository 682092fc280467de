"""graph/perspectives: each predefined perspective's status periods, materialised at build time.

Saved queries answer "status at D", "count at D (definitely / possibly)" and "count per month"
from these periods (queries/perspective-*.rq). A period of state S in perspective P:

    <id/period/{P}/{ISO3}/{n}> a kr:StatusPeriod ;
        kr:perspective <id/perspective/{P}> ; kr:periodOf <id/state/{ISO3}> ;
        kr:status kr:Recognises ; kr:periodIndex n ;
        kr:startEarliest / kr:startLatest / kr:endEarliest / kr:endLatest (xsd:date, if known) ;
        kr:hasEnd true|false ; kr:disputed true|false ; kr:dating "own" ... ;
        kr:startedBy <event> ... ; kr:basedOn <claim> ... .

Every state gets an initial period (index 0, kr:NotRecognised, open to the past), so that a
query over periods covers every state.
"""

from __future__ import annotations

from kosovo_kg import perspective as pv
from kosovo_kg.graph import GraphBuilder, lit
from kosovo_kg.store import memory_store_from_nquads
from kosovo_kg.vocab import PROV, RDF, RDFS, Iris

G = "perspectives"
STATUS_TERMS = {
    pv.RECOGNISES: "Recognises",
    pv.WITHDRAWN: "Withdrawn",
    pv.NOT_RECOGNISED: "NotRecognised",
    pv.INVALIDATED: "Invalidated",
}


def perspective_iri(iris: Iris, name: str) -> str:
    return f"{iris.base}id/perspective/{name}"


def period_iri(iris: Iris, name: str, code: str, index: int) -> str:
    return f"{iris.base}id/period/{name}/{code}/{index}"


def emit(b: GraphBuilder, facts: pv.Facts) -> int:
    """Add every predefined perspective's periods to `b`. Returns the number of periods."""
    kr = b.kr
    made = 0
    for name, view in pv.predefined(facts).items():
        p_iri = perspective_iri(b.iris, name)
        b.typed(G, p_iri, kr + "Perspective", PROV + "Entity")
        b.label(G, p_iri, view.label)
        b.add(G, p_iri, RDFS + "comment", lit(view.description, lang="en"))
        for state in sorted(facts.states):
            code = facts.states[state][0]
            for period in pv.timeline(facts, view, state):
                _period(b, p_iri, period_iri(b.iris, name, code, period.index), period)
                made += 1
    return made


def _period(b: GraphBuilder, p_iri: str, iri: str, period: pv.Period) -> None:
    kr = b.kr
    b.add(G, iri, RDF + "type", kr + "StatusPeriod")
    b.add(G, iri, RDF + "type", PROV + "Entity")
    b.add(G, iri, kr + "perspective", p_iri)
    b.add(G, iri, kr + "periodOf", period.state)
    b.add(G, iri, kr + "status", kr + STATUS_TERMS[period.status])
    b.add(G, iri, kr + "periodIndex", lit(period.index))
    b.add(G, iri, kr + "hasEnd", lit(period.next is not None))
    b.add(G, iri, kr + "disputed", lit(bool(period.disputed_by)))
    for prop, value in (
        ("startEarliest", period.start_earliest),
        ("startLatest", period.start_latest),
        ("endEarliest", period.end_earliest),
        ("endLatest", period.end_latest),
    ):
        if value is not None:
            b.add(G, iri, kr + prop, lit(value))
    for dating in period.dating:
        b.add(G, iri, kr + "dating", lit(dating))
    for t in period.events:
        b.add(G, iri, kr + "startedBy", t.event)
    for claim in sorted(period.based_on):
        b.add(G, iri, kr + "basedOn", claim)


def materialise(b: GraphBuilder) -> int:
    """Read the graph built so far and add graph/perspectives to it."""
    store = memory_store_from_nquads(b.nquads())
    return emit(b, pv.load_facts(store, b.iris))
