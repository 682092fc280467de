"""Linked data: every family of IRIs the project mints dereferences (HTML for browsers, Turtle,
N-Triples, JSON-LD and RDF/XML by direct content negotiation with Vary: Accept), through the real
app over the shipped graph, and over a real `kosovo-kg serve` process whose base IRI is not the
server's host."""

from __future__ import annotations

import json
import re

import pytest
import rdflib
import rdflib.compare
from endpoint_support import run_server

from kosovo_kg.engine import Engine
from kosovo_kg.settings import PROJECT_ROOT, load_settings
from kosovo_kg.store import dump_path, memory_store_from_nquads, select_rows, turtle_to
from kosovo_kg.web import create_app

B = "https://w3id.org/kosovo-kg/"
DUMP = dump_path(PROJECT_ROOT / "data")
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
RDF = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
    "application/rdf+xml": "application/rdf+xml",
}
FAMILIES = [
    "id/state/",
    "id/entity/",
    "id/org/",
    "id/agent/",
    "id/event/",
    "id/claim/",
    "id/ref/",
    "id/doc/",
    "id/perspective/",
    "id/period/",
]


@pytest.fixture(scope="module")
def client():
    settings = load_settings({"workers": 1}, environ={})
    engine = Engine(settings).start()
    yield create_app(settings, engine=engine).test_client()
    engine.close()


@pytest.fixture(scope="module")
def samples() -> dict[str, str]:
    """One subject IRI of each family, read from the shipped dump."""
    store = memory_store_from_nquads(DUMP.read_bytes())
    out = {}
    for family in FAMILIES:
        rows = select_rows(
            store,
            f'SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{B}{family}")) }}'
            " ORDER BY ?s LIMIT 1",
        )
        assert rows, family
        out[family] = rows[0]["s"]
    return out


def triples_of(body: bytes, media: str) -> list[tuple[str, str, str]]:
    """Parse an RDF answer (re-serialised to N-Triples by the store module)."""
    fmt = {"text/turtle": "ntriples"}.get(media)
    if media == "application/n-triples":
        text = body
    elif fmt:
        text = turtle_to(body.decode(), "ntriples")
    else:
        raise AssertionError(media)
    store = memory_store_from_nquads(text)
    return [(r["s"], r["p"], r["o"]) for r in select_rows(store, "SELECT * { ?s ?p ?o }")]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_dereferences(client, samples, family):
    iri = samples[family]
    path = "/" + iri[len(B) :]
    page = client.get(path, headers=HTML)
    assert page.status_code == 200, (path, page.get_data(as_text=True)[:300])
    assert page.mimetype == "text/html" and "Accept" in page.headers["Vary"]
    assert f"<code>{iri}</code>" in page.get_data(as_text=True)
    for accept, media in RDF.items():
        reply = client.get(path, headers={"Accept": accept})
        assert reply.status_code == 200, (path, accept)
        assert reply.mimetype == media and "Accept" in reply.headers["Vary"]
        assert iri in reply.get_data(as_text=True)
    triples = triples_of(client.get(path, headers={"Accept": "text/turtle"}).data, "text/turtle")
    assert any(s == iri for s, _, _ in triples) or any(o == iri for _, _, o in triples)
    data = json.loads(client.get(path + "?format=jsonld").data)
    assert iri in json.dumps(data)


def test_state_page_shows_status_events_claims_and_evidence(client):
    text = client.get("/id/state/PLW", headers=HTML).get_data(as_text=True)
    assert 'class="wikidata"' in text and "http://www.wikidata.org/entity/Q695" in text
    periods = text.split('<table class="periods">')[1].split("</table>")[0]
    for name in ("all", "kosovo", "serbia", "article"):
        assert f'<a href="/id/perspective/{name}">{name}</a>' in periods
    assert "withdrawn" in periods and "recognises" in periods
    assert 'href="/id/event/PLW-XKX-withdrawal-1"' in text
    assert "kr:Denies" in text  # Kosovo denies Palau's withdrawal
    assert "<blockquote>" in text  # quotes of the evidence
    assert re.search(r'<a href="https?://[^"]+">source</a>', text)  # source links


def test_turtle_of_a_state_has_its_facts(client):
    triples = triples_of(
        client.get("/id/state/PLW", headers={"Accept": "text/turtle"}).data, "text/turtle"
    )
    iri = B + "id/state/PLW"
    assert (iri, B + "ontology#iso3", "PLW") in triples
    assert any(p == B + "ontology#actor" and o == iri for _, p, o in triples)  # incoming


def test_graphs_ontology_dataset_and_unknown(client):
    reply = client.get("/graph/article", headers={"Accept": "text/turtle"})
    triples = triples_of(reply.data, "text/turtle")
    assert (
        B + "graph/article",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://rdfs.org/ns/void#Dataset",
    ) in triples
    assert client.get("/graph/article", headers=HTML).status_code == 200
    assert client.get("/graph/nothing", headers=HTML).status_code == 404
    onto = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert onto.mimetype == "text/turtle" and "Accept" in onto.headers["Vary"]
    triples = triples_of(onto.data, "text/turtle")
    assert (
        B + "ontology#Recognition",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
        "http://www.w3.org/2002/07/owl#Class",
    ) in triples
    text = client.get("/ontology", headers=HTML).get_data(as_text=True)
    assert '<dt id="Recognition">' in text and '<dt id="iso3">' in text
    assert client.get("/dataset").status_code == 303
    assert client.get("/dataset").headers["Location"].endswith("/.well-known/void")
    missing = client.get("/id/state/ZZZ", headers=HTML)
    assert missing.status_code == 404 and "Nothing is known" in missing.get_data(as_text=True)
    assert client.get("/id/state/ZZZ", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/state/PLW", headers={"Accept": "image/png"}).status_code == 406


def test_base_iri_other_than_the_host(tmp_path):
    """A server whose base IRI is http://data.example.org/kg/ maps /id/state/PLW to
    <http://data.example.org/kg/id/state/PLW> (docs/linked-data.md)."""
    base = "http://data.example.org/kg/"
    nquads = DUMP.read_bytes().replace(B.encode(), base.encode())
    env = {"KOSOVO_KG_BASE_IRI": base, "KOSOVO_KG_WORKERS": "1"}
    with run_server(tmp_path, env, nquads) as server:
        reply = server.request("GET", "/id/state/PLW", headers={"Accept": "application/n-triples"})
        assert reply.status == 200 and "Accept" in reply.header("Vary")
        assert f'<{base}id/state/PLW> <{base}ontology#iso3> "PLW"' in reply.text
        page = server.request("GET", "/id/state/PLW", headers=HTML)
        assert page.status == 200 and f"<code>{base}id/state/PLW</code>" in page.text
        assert "default-src 'self'" in page.header("Content-Security-Policy")
        home = server.request("GET", "/", headers=HTML)
        assert home.status == 200 and 'href="/id/state/PLW"' in home.text
        onto = server.request("GET", "/ontology", headers={"Accept": "text/turtle"})
        assert f"<{base}ontology#Recognition>" in turtle_to(onto.text, "ntriples").decode()


def test_event_page_lists_its_claims_with_evidence(client):
    text = client.get("/id/event/PLW-XKX-withdrawal-1", headers=HTML).get_data(as_text=True)
    events = text.split('id="events-h"')[1].split('id="props-h"')[0]
    assert events.count('<article class="event">') == 1
    assert "kr:Affirms" in events and "kr:Denies" in events  # claimed and denied
    assert '<ul class="evidence">' in events and "<blockquote>" in events


def _expanded(client, body: bytes) -> tuple[dict, rdflib.Graph]:
    """A compact JSON-LD answer and what a JSON-LD processor expands it to: the `@context` IRI
    is dereferenced on this server (/context.jsonld), never on the network."""
    doc = json.loads(body)
    assert doc["@context"] == B + "context.jsonld"  # by its stable IRI, not inlined
    context = json.loads(client.get("/context.jsonld").data)
    graph = rdflib.Graph().parse(data=json.dumps({**doc, **context}), format="json-ld")
    return doc, graph


def _keys(doc: dict) -> set[str]:
    nodes = doc.get("@graph", [doc])
    return {k for node in nodes for k in node if not k.startswith("@")}


@pytest.mark.parametrize("family", FAMILIES)
def test_jsonld_of_a_resource_is_compact_and_expands_to_its_triples(client, samples, family):
    path = "/" + samples[family][len(B) :]
    reply = client.get(path, headers={"Accept": "application/ld+json"})
    assert reply.status_code == 200 and reply.mimetype == "application/ld+json"
    doc, expanded = _expanded(client, reply.data)
    ntriples = client.get(path, headers={"Accept": "application/n-triples"}).data.decode()
    triples = rdflib.Graph().parse(data=ntriples, format="nt")
    assert len(triples) > 0
    assert rdflib.compare.isomorphic(expanded, triples)
    keys = _keys(doc)
    assert keys and not any(k.startswith(("http://", "https://")) for k in keys)
    ours = {str(p)[len(B + "ontology#") :] for p in triples.predicates() if str(p).startswith(B)}
    assert ours <= keys  # every property of ours is a short term (`periodOf`), not kr:periodOf


@pytest.mark.parametrize("path", ["/ontology", "/.well-known/void", "/graph/article", "/sparql"])
def test_jsonld_of_other_rdf_pages_is_compact_and_expands_to_their_turtle(client, path):
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200
    reply = client.get(path, headers={"Accept": "application/ld+json"})
    assert reply.status_code == 200 and reply.mimetype == "application/ld+json"
    _, expanded = _expanded(client, reply.data)
    base = B if path == "/ontology" else None
    triples = rdflib.Graph().parse(data=turtle.data.decode(), format="turtle", publicID=base)
    assert len(triples) > 0
    assert rdflib.compare.isomorphic(expanded, triples)
