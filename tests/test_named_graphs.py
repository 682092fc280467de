"""Each triple in exactly one named graph, so that the union default graph counts without DISTINCT.

The rule (kosovo_kg.graph): descriptions of states, organisations, agents and events live once, in
graph/reference; a claim and its evidence live in the graph of the source that says it;
graph/derived and graph/perspectives keep what is put there. No exceptions.
"""

from __future__ import annotations

import pytest

from kosovo_kg.graph import GraphBuilder, GraphConflict, Loc
from kosovo_kg.store import memory_store_from_nquads, select_rows
from kosovo_kg.vocab import RDF, Iris

IN_TWO_GRAPHS = """SELECT ?s ?p ?o (COUNT(?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) LIMIT 20"""


def test_no_triple_of_the_built_graph_is_in_two_named_graphs(kg):
    assert select_rows(kg, IN_TWO_GRAPHS) == []


def test_counting_on_the_union_needs_no_distinct(q):
    # each state's recognition once: Palau's resumption is a kr:Resumption, not a kr:Recognition
    plain = q("SELECT (COUNT(*) AS ?n) WHERE { ?e a kr:Recognition }")[0]["n"]
    distinct = q("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kr:Recognition }")[0]["n"]
    assert plain == distinct
    palau = q("""SELECT ?e WHERE { ?e a kr:Recognition ; kr:actor/kr:iso3 "PLW" }""")
    assert [r["e"] for r in palau] == [Iris().event("PLW-XKX-recognition-1")]
    # every source of Suriname's withdrawal once (the 737 rows for 11 claims)
    rows = q("""SELECT ?c ?g WHERE { ?e a kr:Withdrawal ; kr:actor/kr:iso3 "SUR" .
                GRAPH ?g { ?c kr:about ?e ; kr:claimant ?who ; kr:stance ?stance } }""")
    assert rows and len(rows) == len({r["c"] for r in rows})


def test_each_event_has_one_class_besides_event(q):
    # so `?e a kr:Recognition`, `?e a kr:Resumption`, `?e a kr:Withdrawal` never overlap
    rows = q("""SELECT ?e WHERE { ?e a kr:Event , ?c FILTER(?c != kr:Event) }
                GROUP BY ?e HAVING (COUNT(?c) != 1)""")
    assert rows == []
    assert (
        q("SELECT (COUNT(*) AS ?n) WHERE { ?e a kr:Event }")[0]["n"]
        == q("SELECT (COUNT(*) AS ?n) WHERE { ?e a kr:Event , ?c FILTER(?c != kr:Event) }")[0]["n"]
    )


def test_event_descriptions_live_in_the_reference_graph_only(q, iris):
    rows = q("""SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e a kr:Event } }""")
    assert [r["g"] for r in rows] == [iris.graph("reference")]
    claims = q("""SELECT DISTINCT ?g WHERE { GRAPH ?g { ?c kr:about ?e } }""")
    assert iris.graph("article") in {r["g"] for r in claims}


def quads(b: GraphBuilder) -> set[tuple[str, str, str, str]]:
    return {(str(s), str(p), str(o), str(g)) for s, p, o, g in b.ds.quads((None, None, None, None))}


def test_builder_puts_an_event_named_by_two_sources_in_one_graph():
    iris = Iris()
    b = GraphBuilder(iris)
    for graph in ("article", "news/abc"):
        b.event(graph, "PLW-XKX-recognition-1", "Recognition", actor=iris.state("PLW"))
    event = iris.event("PLW-XKX-recognition-1")
    graphs = {g for s, _, _, g in quads(b) if s == event}
    assert graphs == {iris.graph("reference")}


def test_builder_keeps_a_claim_read_in_two_sources_apart():
    iris = Iris()
    b = GraphBuilder(iris)
    made = []
    for graph, doc in (("news/a", "doc-a"), ("news/b", "doc-b")):
        loc = b.location(graph, Loc(doc, "page", 1, quote="it was recognised"))
        made.append(b.claim(graph, claimant=iris.agent("x"), about=iris.event("e"), evidence=loc))
    assert made[0] != made[1]
    again = b.claim(
        "news/a",
        claimant=iris.agent("x"),
        about=iris.event("e"),
        evidence=b.location("news/a", Loc("doc-a", "page", 2, quote="recognised again")),
    )
    assert again == made[0]  # read twice in one source: one claim, two pieces of evidence


def test_builder_refuses_a_triple_in_a_second_graph():
    iris = Iris()
    b = GraphBuilder(iris)
    claim = iris.claim("0000000000000001")
    b.add("article", claim, RDF + "type", b.t("Claim"))
    with pytest.raises(GraphConflict, match=r"already in graph/article.*graph/news/x"):
        b.add("news/x", claim, RDF + "type", b.t("Claim"))


def test_derived_links_about_a_state_stay_in_the_derived_graph():
    iris = Iris()
    b = GraphBuilder(iris)
    b.same_as("derived", iris.state("FRA"), "http://www.wikidata.org/entity/Q142")
    assert {g for *_, g in quads(b)} == {iris.graph("derived")}
    store = memory_store_from_nquads(b.nquads())
    rows = select_rows(store, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert [r["g"] for r in rows] == [iris.graph("derived")]
