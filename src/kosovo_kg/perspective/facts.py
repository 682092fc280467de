"""The facts a perspective needs, read from a store with SPARQL: state-to-Kosovo events (and how
they link: withdraws, annuls, follows, invalidates), the claims about them with their dates,
disputes, the sides claimants act for, and the states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kosovo_kg import dates
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import PREFIXES, Iris

KINDS = ("Resumption", "Recognition", "Withdrawal", "Annulment", "Invalidation")


@dataclass(frozen=True)
class ClaimFact:
    iri: str
    claimant: str
    stance: str  # Affirms | Denies
    event: str
    earliest: dt.date | None
    latest: dt.date | None
    basis: str | None  # Stated | InferredBySource | RowOrderBound | None
    made: dt.date | None  # latest day on which the claim was made
    modality: str = "Asserted"  # Asserted | ReportedOnly | Speculated | Rumoured | Denied | ...


@dataclass(frozen=True)
class EventFact:
    iri: str
    kind: str  # one of KINDS
    actor: str
    links: tuple[str, ...]  # withdraws / annuls / follows / invalidates


@dataclass
class Facts:
    iris: Iris
    events: dict[str, EventFact] = field(default_factory=dict)
    claims: dict[str, list[ClaimFact]] = field(default_factory=dict)  # by event
    disputed: dict[str, set[str]] = field(default_factory=dict)  # claim -> disputing claimants
    sides: dict[str, str] = field(default_factory=dict)  # agent -> state it acts for
    states: dict[str, tuple[str, str]] = field(default_factory=dict)  # iri -> (code, label)
    claimants: set[str] = field(default_factory=set)

    @property
    def build_agent(self) -> str:
        return self.iris.agent("kosovo-kg")

    @property
    def article_agent(self) -> str:
        return self.iris.agent("wikipedia")


def _prologue(iris: Iris) -> str:
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    return "\n".join([*lines, f"PREFIX kr: <{iris.kr}>"]) + "\n"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _made(value: str | None) -> dt.date | None:
    date = dates.try_parse(value)
    return date.latest if date else None


def load_facts(store: object, iris: Iris) -> Facts:
    """Read events, claims, disputes, sides and states from a store (union default graph)."""
    pre = _prologue(iris)
    facts = Facts(iris)
    xkx = iris.state("XKX")
    kinds = " ".join(f"kr:{k}" for k in KINDS)
    rows = select_rows(
        store,
        pre
        + f"""SELECT ?e ?kind ?actor ?link WHERE {{
          VALUES ?kind {{ {kinds} }}
          ?e a ?kind ; kr:actor ?actor ; kr:target <{xkx}> .
          OPTIONAL {{ ?e kr:withdraws|kr:annuls|kr:follows|kr:invalidates ?link }} }}""",
    )
    found: dict[str, tuple[set[str], str, set[str]]] = {}
    for r in rows:
        kinds_of, actor, links = found.setdefault(r["e"], (set(), r["actor"], set()))
        kinds_of.add(r["kind"].rsplit("#", 1)[1])
        if r["link"]:
            links.add(r["link"])
    for iri, (kinds_of, actor, links) in found.items():
        kind = next(k for k in KINDS if k in kinds_of)
        facts.events[iri] = EventFact(iri, kind, actor, tuple(sorted(links)))
    rows = select_rows(
        store,
        pre
        + """SELECT DISTINCT ?c ?e ?claimant ?stance ?lo ?hi ?basis ?made ?mod WHERE {
          ?c kr:about ?e ; kr:claimant ?claimant ; kr:stance ?stance .
          OPTIONAL { ?c kr:modality ?mod }
          OPTIONAL { ?c kr:earliest ?lo } OPTIONAL { ?c kr:latest ?hi }
          OPTIONAL { ?c kr:dateBasis ?basis } OPTIONAL { ?c kr:claimMadeOn ?made } }""",
    )
    for r in rows:
        if r["e"] not in facts.events:
            continue
        facts.claimants.add(r["claimant"])
        facts.claims.setdefault(r["e"], []).append(
            ClaimFact(
                r["c"],
                r["claimant"],
                r["stance"].rsplit("#", 1)[1],
                r["e"],
                _date(r["lo"]),
                _date(r["hi"]),
                r["basis"].rsplit("#", 1)[1] if r["basis"] else None,
                _made(r["made"]),
                r["mod"].rsplit("#", 1)[1] if r["mod"] else "Asserted",
            )
        )
    for claims in facts.claims.values():
        claims.sort(key=lambda c: c.iri)
    for r in select_rows(
        store, pre + "SELECT ?d ?who WHERE { ?x kr:disputes ?d ; kr:claimant ?who }"
    ):
        facts.disputed.setdefault(r["d"], set()).add(r["who"])
    for r in select_rows(store, pre + "SELECT ?a ?s WHERE { ?a prov:actedOnBehalfOf ?s }"):
        facts.sides[r["a"]] = r["s"]
    for r in select_rows(
        store,
        pre
        + """SELECT ?s ?code (MIN(?l) AS ?label) WHERE {
          ?s a kr:PoliticalEntity ; kr:iso3 ?code . OPTIONAL { ?s rdfs:label ?l } }
          GROUP BY ?s ?code""",
    ):
        if r["s"] != xkx:
            facts.states[r["s"]] = (r["code"], r["label"] or r["code"])
    for ev in facts.events.values():
        if ev.actor not in facts.states:
            code = ev.actor.rstrip("/").rsplit("/", 1)[1]
            facts.states[ev.actor] = (code, code)
    return facts
