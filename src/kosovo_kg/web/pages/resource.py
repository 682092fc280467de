"""What the HTML page of one minted IRI shows: its triples by graph, the blank nodes it points to
(quote selectors), incoming links, labels; for a state also its status periods per perspective
and every event it acted in with each claim about it, the claim's evidence, quote and source."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from typing import Any

from kosovo_kg.web import pages
from kosovo_kg.web.pages import claim_titles, timeline
from kosovo_kg.web.pages.data import PERSPECTIVES, STATUS_NAMES, prologue, select, value
from kosovo_kg.web.pages.links import cell, short

MAX_INCOMING = 300
HIDDEN_KINDS = ("ontology#Event", "prov#Activity")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def construct(iri: str) -> str:
    return f"""CONSTRUCT {{ <{iri}> ?p ?o . ?o ?bp ?bo . ?s ?ip <{iri}> }} WHERE {{
  {{ <{iri}> ?p ?o OPTIONAL {{ ?o ?bp ?bo FILTER(isBlank(?o)) }} }}
  UNION {{ ?s ?ip <{iri}> }}
}}"""


# a literal's datatype shows as ^^xsd:date; IRIs by their label, else their short name
_term = functools.partial(cell, datatype_mark="^^")


def labels_of(iris: set[str]) -> dict[str, str]:
    """Labels (rdfs:label, dcterms:title, a document's publisher and date) of up to 400 IRIs."""
    st = pages.state()
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris)[:400])
    rows = select(
        st.engine,
        prologue(st.settings.base_iri)
        + f"SELECT ?x (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} "
        f"{{ ?x rdfs:label|dcterms:title ?l }} UNION {{ ?x a kr:SourceDocument "
        f"{claim_titles.doc_label('?x', 'l')} }} FILTER(BOUND(?l)) }} GROUP BY ?x",
    )
    return {value(r, "x") or "": value(r, "label") or "" for r in rows}


def _uris(rows: list[dict[str, dict[str, str]]]) -> set[str]:
    return {t["value"] for r in rows for t in r.values() if t["type"] == "uri"}


def describe(iri: str, offset: int = 0) -> dict[str, Any] | None:
    """The template context of the resource page, or None when nothing is known about `iri`;
    `offset` is the first incoming link listed (they come in pages of MAX_INCOMING)."""
    st = pages.state()
    base = st.settings.base_iri
    out_rows = select(
        st.engine, f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} ORDER BY ?g ?p ?o"
    )
    in_rows = select(
        st.engine,
        f"SELECT ?g ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} ORDER BY ?p ?s"
        f" OFFSET {offset} LIMIT {MAX_INCOMING}",
    )
    incoming_total = int(
        value(
            select(st.engine, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }}")[
                0
            ],
            "n",
        )
        or 0
    )
    if not out_rows and not incoming_total:
        return None
    blank_rows = select(
        st.engine,
        f"SELECT ?b ?p ?o WHERE {{ <{iri}> ?x ?b FILTER(isBlank(?b)) ?b ?p ?o }}",
    )
    labels = labels_of(_uris(out_rows) | _uris(in_rows) | {iri})
    by_graph: dict[str, list[dict[str, Any]]] = defaultdict(list)
    wikidata = None
    for r in out_rows:
        by_graph[short(value(r, "g") or "", base)].append(
            {"p": _term(r["p"], base, {}), "o": _term(r["o"], base, labels)}
        )
        if value(r, "p") == base + "ontology#wikidataEntity":
            wikidata = value(r, "o")
    blanks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in blank_rows:
        blanks[value(r, "b") or ""].append(
            {"p": _term(r["p"], base, {}), "o": _term(r["o"], base, labels)}
        )
    context: dict[str, Any] = {
        "title": labels.get(iri) or short(iri, base),
        "iri": iri,
        "graphs": dict(by_graph),
        "blanks": dict(blanks),
        "incoming": [
            {"s": _term(r["s"], base, labels), "p": _term(r["p"], base, {})} for r in in_rows
        ],
        "incoming_page": _pages(offset, len(in_rows), incoming_total),
        "wikidata": wikidata,
    }
    kinds = {value(r, "o") for r in out_rows if value(r, "p") == RDF_TYPE}
    if base + "ontology#Claim" in kinds:
        found = claim_titles.claim(iri)
        if found:
            context["title"], context["claim"] = found["title"], found
    elif base + "ontology#SourceLocation" in kinds:
        located = claim_titles.location_title(iri)
        if located:
            context["title"], context["location"] = located
    if iri in st.periods().states:
        context["periods"] = _periods(iri)
        context["events"] = _events(
            f"{{ ?event kr:actor <{iri}> }} UNION {{ ?event kr:participant <{iri}> }}"
        )
        context["summary"] = summary(iri, context["events"])
        context["timeline"] = timeline.svg(context["events"])
    elif any(
        value(r, "p") == RDF_TYPE and value(r, "o") == base + "ontology#Event" for r in out_rows
    ):
        context["events"] = _events(f"VALUES ?event {{ <{iri}> }}")
    return context


def _pages(offset: int, shown: int, total: int) -> dict[str, Any]:
    """Where this page of incoming links sits: first and last shown, previous and next offsets."""
    return {
        "first": offset + 1 if shown else offset,
        "last": offset + shown,
        "total": total,
        "previous": max(offset - MAX_INCOMING, 0) if offset > 0 else None,
        "next": offset + MAX_INCOMING if offset + shown < total else None,
    }


def summary(iri: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """A state's status today per perspective, and how many events, claims and claimants."""
    periods = pages.state().periods()
    today = dt.date.today()
    statuses, recognised_by = [], []
    for name in PERSPECTIVES:
        if iri.endswith("/id/state/XKX"):  # Kosovo's own page: who recognises it
            recognised_by.append((name, *periods.count(name, "Recognises", today)))
            continue
        key, definite, disputed = periods.status(name, iri, today)
        statuses.append(
            {
                "perspective": name,
                "key": key,
                "status": STATUS_NAMES.get(key, key),
                "definite": definite,
                "disputed": disputed,
            }
        )
    claims_ = [c for e in events for c in e["claims"]]
    return {
        "today": today.isoformat(),
        "statuses": statuses,
        "recognised_by": recognised_by,
        "events": len(events),
        "claims": len(claims_),
        "claimants": len({c["claimant"].get("iri") for c in claims_}),
        "documents": len({ev["doc"].get("iri") for c in claims_ for ev in c["evidence"]}),
    }


def _periods(iri: str) -> list[dict[str, Any]]:
    periods = pages.state().periods()
    out = []
    for name in PERSPECTIVES:
        for p in periods.by_perspective.get(name, {}).get(iri, []):
            out.append(
                {
                    "perspective": name,
                    "status": STATUS_NAMES.get(p.status, p.status),
                    "key": p.status,
                    "start": _span(p.start_earliest, p.start_latest, p.index == 0),
                    "end": _span(p.end_earliest, p.end_latest, not p.has_end, open_end=True),
                    "disputed": p.disputed,
                }
            )
    return out


def _span(earliest: Any, latest: Any, trivial: bool, open_end: bool = False) -> str:
    if trivial:
        return "(open)" if open_end else "(initial)"
    if earliest is None and latest is None:
        return "unknown"
    if earliest == latest:
        return earliest.isoformat()
    return f"{earliest.isoformat() if earliest else '?'} – {latest.isoformat() if latest else '?'}"


def _events(pattern: str) -> list[dict[str, Any]]:
    """Events matching `pattern` (binds ?event), each with its claims and their evidence."""
    st = pages.state()
    base = st.settings.base_iri
    rows = select(
        st.engine,
        prologue(base)
        + f"""SELECT ?event ?kind ?claim ?claimant ?stance ?dateText ?date ?loc ?doc ?url
       ?section ?row ?exact ?earliest WHERE {{
  {pattern}
  ?event a ?kind .
  ?claim kr:about ?event ; kr:claimant ?claimant ; kr:stance ?stance .
  OPTIONAL {{ ?claim kr:statedDateText ?dateText }}
  OPTIONAL {{ ?claim kr:statedDate ?date }} OPTIONAL {{ ?claim kr:earliest ?earliest }}
  OPTIONAL {{ ?claim kr:evidence ?loc . ?loc oa:hasSource ?doc .
    OPTIONAL {{ ?doc schema:url ?url }} OPTIONAL {{ ?loc kr:sectionPath ?section }}
    OPTIONAL {{ ?loc kr:rowLabel ?row }} OPTIONAL {{ ?loc oa:hasSelector/oa:exact ?exact }} }}
}} ORDER BY ?event ?claim ?loc""",
    )
    labels = labels_of(
        {value(r, "claimant") or "" for r in rows}
        | {value(r, "event") or "" for r in rows}
        | {value(r, "doc") or "" for r in rows if "doc" in r}
    )
    events: dict[str, dict[str, Any]] = {}
    for r in rows:
        e = value(r, "event") or ""
        kind = value(r, "kind") or ""
        event = events.setdefault(
            e, {"term": _term(r["event"], base, labels), "kinds": set(), "claims": {}}
        )
        if not kind.endswith(HIDDEN_KINDS):
            event["kinds"].add(short(kind, base))
        c = value(r, "claim") or ""
        claim = event["claims"].setdefault(
            c,
            {
                "term": _term(r["claim"], base, {}),
                "claimant": _term(r["claimant"], base, labels),
                "stance": short(value(r, "stance") or "", base),
                "date": value(r, "dateText") or value(r, "date") or "",
                # the day it is drawn at in the timeline: the stated day, else the earliest bound
                "day": (value(r, "date") or value(r, "earliest") or "")[:10],
                "evidence": {},
            },
        )
        if "loc" in r:
            claim["evidence"].setdefault(
                value(r, "loc"),
                {
                    "loc": _term(r["loc"], base, {}),
                    "doc": _term(r["doc"], base, labels),
                    "url": value(r, "url"),
                    "section": value(r, "section"),
                    "row": value(r, "row"),
                    "exact": value(r, "exact"),
                },
            )
    return [
        {
            **ev,
            "kinds": sorted(ev["kinds"]),
            "claims": [
                {**cl, "evidence": list(cl["evidence"].values())} for cl in ev["claims"].values()
            ],
        }
        for ev in events.values()
    ]
