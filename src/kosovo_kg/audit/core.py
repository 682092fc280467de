"""The provenance audit: who says what, on which evidence, where sources disagree, and coverage.

`run_audit(store, iris, today)` returns one JSON-ready dict with these sections:

- `contradictions`: events that one claimant affirms and another denies, with the evidence of
  each claim (document, URL, quote, table row or line, named graph);
- `single_source`: events whose affirming claims (derived datings aside) rest on one document;
- `derived_only_dates`: events whose only dates are derived (row-order bounds), with the claims
  they were derived from;
- `date_conflicts`: events for which sources state dates that cannot both be right
  (non-overlapping day/month/year ranges), each date with its claimants and evidence;
- `figures`: the article's figures (120, 84, ~110, 22/27, 28/32, 37/57, ...) against the count
  of its own rows and each perspective's count, state by state;
- `claimed_counts`: every count claim (and ordinal) in the graph against the claimant's
  perspective's [definite, possible] count at the claim's date, with the states that explain
  each difference (`kosovo_kg.audit.counts`);
- `coverage`: events with a stated date, derived-only, undated; sources per event;
- `hedged`: every claim not asserted as fact (reported only, speculated, rumoured, retracted),
  with its wording (quote), claimant, document and what it is about.

Everything is computed with SPARQL over the store (default graph = union of named graphs) and
with `kosovo_kg.perspective`; nothing is read from the build's memory.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from typing import Any

from kosovo_kg import perspective as pv
from kosovo_kg.store import select_rows
from kosovo_kg.vocab import PREFIXES, Iris

EVENT_KINDS = ("Recognition", "Resumption", "Withdrawal", "Annulment", "Invalidation")


def prologue(iris: Iris) -> str:
    """The PREFIX lines of the audit's queries."""
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]
    return "\n".join([*lines, f"PREFIX kr: <{iris.kr}>"]) + "\n"


def local_name(iri: str | None) -> str | None:
    """The part of an ontology IRI after '#' (the IRI itself when it has none)."""
    return iri.rsplit("#", 1)[-1] if iri and "#" in iri else iri


def label_map(store: object, iris: Iris) -> dict[str, str]:
    """Every labelled node's label (one, where it has several)."""
    query = "SELECT ?a (MIN(?x) AS ?l) { ?a rdfs:label ?x } GROUP BY ?a"
    return {r["a"]: r["l"] for r in select_rows(store, prologue(iris) + query)}


def is_true(value: str | None) -> bool:
    """An xsd:boolean read by its lexical form: "true" or "1" (Virtuoso answers 1/0)."""
    return value in ("true", "1")


class AuditData:
    """Claims about state-to-Kosovo events, their claimants and evidence, read once."""

    def __init__(self, store: object, iris: Iris) -> None:
        self.store, self.iris = store, iris
        pre = prologue(iris)
        kinds = " ".join(f"kr:{k}" for k in EVENT_KINDS)
        self.claims: dict[str, dict[str, Any]] = {}
        for r in select_rows(
            store,
            pre
            + f"""SELECT DISTINCT ?c ?e ?kind ?actor ?code ?claimant ?stance ?text ?stated ?lo ?hi ?basis
                  ?made ?hedge ?char WHERE {{
              VALUES ?kind {{ {kinds} }}
              ?e a ?kind ; kr:actor ?actor ; kr:target <{iris.state("XKX")}> .
              ?c kr:about ?e ; kr:claimant ?claimant ; kr:stance ?stance .
              OPTIONAL {{ ?actor kr:iso3 ?code }}
              OPTIONAL {{ ?c kr:statedDateText ?text }} OPTIONAL {{ ?c kr:statedDate ?stated }}
              OPTIONAL {{ ?c kr:earliest ?lo }} OPTIONAL {{ ?c kr:latest ?hi }}
              OPTIONAL {{ ?c kr:dateBasis ?basis }} OPTIONAL {{ ?c kr:claimMadeOn ?made }}
              OPTIONAL {{ ?c kr:hedge ?hedge }} OPTIONAL {{ ?c kr:characterisation ?char }} }}""",
        ):
            kind = local_name(r["kind"])
            if r["c"] in self.claims:  # a second characterisation or date text: keep the first
                continue
            self.claims[r["c"]] = {
                "claim": r["c"],
                "event": r["e"],
                "kind": "Resumption" if "-resumption-" in r["e"] else kind,
                "state": r["code"] or r["actor"],
                "claimant": r["claimant"],
                "stance": local_name(r["stance"]),
                "date_text": r["text"],
                "stated_date": r["stated"],
                "earliest": r["lo"],
                "latest": r["hi"],
                "basis": local_name(r["basis"]),
                "claim_made_on": r["made"],
                "hedge": local_name(r["hedge"]),
                "characterisation": r["char"],
            }
        self.labels = label_map(store, iris)
        self.sides = {
            r["a"]: r["s"].rsplit("/", 1)[1]
            for r in select_rows(store, pre + "SELECT ?a ?s { ?a prov:actedOnBehalfOf ?s }")
        }
        self.evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in select_rows(
            store,
            pre
            + """SELECT DISTINCT ?c ?g ?doc ?url ?title ?table ?row ?line ?quote WHERE {
              GRAPH ?g { ?c kr:about ?e ; kr:evidence ?loc }
              ?loc oa:hasSource ?doc .
              OPTIONAL { ?doc schema:url ?url } OPTIONAL { ?doc dcterms:title ?title }
              OPTIONAL { ?loc kr:table ?table } OPTIONAL { ?loc kr:rowLabel ?row }
              OPTIONAL { ?loc kr:line ?line } OPTIONAL { ?loc oa:hasSelector/oa:exact ?quote }
            } ORDER BY ?c ?doc ?line""",
        ):
            if r["c"] in self.claims:
                self.evidence[r["c"]].append(
                    {
                        "graph": r["g"],
                        "document": r["doc"],
                        "url": r["url"],
                        "title": r["title"],
                        "table": r["table"],
                        "row": r["row"],
                        "line": int(r["line"]) if r["line"] else None,
                        "quote": r["quote"],
                    }
                )
        self.by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for claim in sorted(self.claims.values(), key=lambda c: c["claim"]):
            self.by_event[claim["event"]].append(claim)

    def describe(self, claim: dict[str, Any]) -> dict[str, Any]:
        who = claim["claimant"]
        return {
            **claim,
            "claimant_label": self.labels.get(who),
            "claimant_side": self.sides.get(who)
            or (who.rsplit("/", 1)[1] if "/state/" in who else None),
            "evidence": self.evidence.get(claim["claim"], []),
        }

    def documents(self, claims: list[dict[str, Any]]) -> set[str]:
        return {ev["document"] for c in claims for ev in self.evidence.get(c["claim"], [])}


def _is_build(data: AuditData, claim: dict[str, Any]) -> bool:
    return claim["claimant"] == data.iris.agent("kosovo-kg")


def contradictions(data: AuditData) -> list[dict[str, Any]]:
    out = []
    for event, claims in sorted(data.by_event.items()):
        affirm = [c for c in claims if c["stance"] == "Affirms" and not _is_build(data, c)]
        deny = [c for c in claims if c["stance"] == "Denies"]
        if not affirm or not deny:
            continue
        if {c["claimant"] for c in affirm} == {c["claimant"] for c in deny}:
            continue
        out.append(
            {
                "event": event,
                "state": claims[0]["state"],
                "kind": claims[0]["kind"],
                "affirmed_by": [data.describe(c) for c in affirm],
                "denied_by": [data.describe(c) for c in deny],
                "sides_affirming": sorted({data.sides.get(c["claimant"], "-") for c in affirm}),
                "sides_denying": sorted({data.sides.get(c["claimant"], "-") for c in deny}),
            }
        )
    return out


def single_source(data: AuditData) -> list[dict[str, Any]]:
    out = []
    for event, claims in sorted(data.by_event.items()):
        affirm = [c for c in claims if c["stance"] == "Affirms" and not _is_build(data, c)]
        docs = data.documents(affirm)
        if affirm and len(docs) == 1:
            out.append(
                {
                    "event": event,
                    "state": claims[0]["state"],
                    "kind": claims[0]["kind"],
                    "document": next(iter(docs)),
                    "claims": [data.describe(c) for c in affirm],
                }
            )
    return out


def derived_only_dates(data: AuditData) -> list[dict[str, Any]]:
    pre = prologue(data.iris)
    derived_from: dict[str, list[str]] = defaultdict(list)
    for r in select_rows(store := data.store, pre + "SELECT ?c ?f { ?c kr:derivedFrom ?f }"):
        derived_from[r["c"]].append(r["f"])
    del store
    out = []
    for event, claims in sorted(data.by_event.items()):
        dated = [c for c in claims if c["earliest"] or c["latest"]]
        if dated and all(c["basis"] == "RowOrderBound" for c in dated):
            out.append(
                {
                    "event": event,
                    "state": claims[0]["state"],
                    "kind": claims[0]["kind"],
                    "derived": [
                        {**data.describe(c), "derived_from": sorted(derived_from[c["claim"]])}
                        for c in dated
                    ],
                }
            )
    return out


def date_conflicts(data: AuditData) -> list[dict[str, Any]]:
    out = []
    for event, claims in sorted(data.by_event.items()):
        stated = [
            c
            for c in claims
            if c["stance"] == "Affirms"
            and c["basis"] in pv.STATED_BASES
            and c["earliest"]
            and c["latest"]
        ]
        ranges = sorted({(c["earliest"], c["latest"]) for c in stated})
        disjoint = [
            (a, b)
            for i, a in enumerate(ranges)
            for b in ranges[i + 1 :]
            if a[1] < b[0] or b[1] < a[0]
        ]
        if not disjoint:
            continue
        dates = []
        for lo, hi in ranges:
            with_range = [c for c in stated if (c["earliest"], c["latest"]) == (lo, hi)]
            dates.append(
                {
                    "earliest": lo,
                    "latest": hi,
                    "stated": sorted({c["stated_date"] or "" for c in with_range}),
                    "claims": [data.describe(c) for c in with_range],
                }
            )
        out.append(
            {
                "event": event,
                "state": claims[0]["state"],
                "kind": claims[0]["kind"],
                "dates": dates,
                "disjoint_pairs": [[f"{a[0]}..{a[1]}", f"{b[0]}..{b[1]}"] for a, b in disjoint],
            }
        )
    return out


def coverage(data: AuditData) -> dict[str, Any]:
    per_kind: dict[str, Counter] = defaultdict(Counter)
    sources: list[int] = []
    for _event, claims in data.by_event.items():
        kind = claims[0]["kind"]
        affirm = [c for c in claims if c["stance"] == "Affirms"]
        if any(c["basis"] in pv.STATED_BASES and c["earliest"] for c in affirm):
            per_kind[kind]["stated_date"] += 1
        elif any(c["earliest"] or c["latest"] for c in affirm):
            per_kind[kind]["derived_date_only"] += 1
        else:
            per_kind[kind]["undated"] += 1
        per_kind[kind]["events"] += 1
        sources.append(len(data.documents([c for c in claims if not _is_build(data, c)])))
    total = Counter()
    for counts in per_kind.values():
        total.update(counts)
    histogram = Counter(
        "1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6+" for n in sources
    )
    return {
        "events": total["events"],
        "events_with_stated_date": total["stated_date"],
        "events_with_derived_date_only": total["derived_date_only"],
        "events_undated": total["undated"],
        "share_with_stated_date": round(total["stated_date"] / total["events"], 3)
        if total["events"]
        else None,
        "by_kind": {k: dict(sorted(v.items())) for k, v in sorted(per_kind.items())},
        "sources_per_event": {
            "min": min(sources, default=0),
            "median": statistics.median(sources) if sources else 0,
            "mean": round(statistics.mean(sources), 2) if sources else 0,
            "max": max(sources, default=0),
            "histogram": {k: histogram[k] for k in ("1", "2", "3-5", "6+")},
        },
        "claims": len(data.claims),
        "claims_with_quote": sum(
            1 for c in data.claims if any(ev["quote"] for ev in data.evidence.get(c, []))
        ),
    }


HEDGED = """SELECT ?c ?mod ?who ?label ?about ?code ?value ?doc ?url ?quote ?position WHERE {
  ?c kr:modality ?mod ; kr:claimant ?who ; kr:evidence ?loc .
  FILTER(?mod NOT IN (kr:Asserted, kr:Denied))
  ?loc oa:hasSource ?doc .
  OPTIONAL { ?who rdfs:label ?label } OPTIONAL { ?doc schema:url ?url }
  OPTIONAL { ?loc oa:hasSelector/oa:exact ?quote }
  OPTIONAL { ?c kr:about ?about . OPTIONAL { ?about kr:actor/kr:iso3 ?code } }
  OPTIONAL { ?c kr:claimedValue ?value } OPTIONAL { ?c kr:positionText ?position }
} ORDER BY ?mod ?code ?c ?quote"""


def hedged(data: AuditData) -> list[dict[str, Any]]:
    """Claims not asserted as fact, one entry per claim, with the wording they were read in."""
    out: dict[str, dict[str, Any]] = {}
    for r in select_rows(data.store, prologue(data.iris) + HEDGED):
        item = out.setdefault(
            r["c"],
            {
                "claim": r["c"],
                "modality": local_name(r["mod"]),
                "state": r["code"],
                "about": r["about"],
                "claimed_value": int(r["value"]) if r["value"] else None,
                "claimant": r["who"],
                "claimant_label": r["label"],
                "document": r["doc"],
                "url": r["url"],
                "quotes": [],
            },
        )
        for wording in (r["quote"], r["position"]):  # a position's wording is its text
            if wording and wording not in item["quotes"]:
                item["quotes"].append(wording)
    return list(out.values())


def run_audit(store: object, iris: Iris, today: dt.date) -> dict[str, Any]:
    from kosovo_kg.audit.context import Context
    from kosovo_kg.audit.counts import claimed_vs_computed
    from kosovo_kg.audit.editions import copies, flag_shared_as_of, latest_by_edition
    from kosovo_kg.audit.figures import figures

    data = AuditData(store, iris)
    ctx = Context(store, iris, today, data.labels)  # perspectives, timelines, members: once
    days = sorted({dt.date(2019, 12, 31), today})
    claimed = claimed_vs_computed(ctx, copies(store, iris))
    flag_shared_as_of(claimed)
    return {
        "date": today.isoformat(),
        "perspective_counts": [
            ctx.count_at(name, day).as_dict() for day in days for name in ctx.views
        ],
        "contradictions": contradictions(data),
        "single_source": single_source(data),
        "derived_only_dates": derived_only_dates(data),
        "date_conflicts": date_conflicts(data),
        "figures": figures(ctx),
        "claimed_counts": claimed,
        "coverage": coverage(data),
        "hedged": hedged(data),
        "wikipedia_latest": latest_by_edition(claimed),
    }
