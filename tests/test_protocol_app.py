"""Protocol details through Flask's test client (real workers, real store): the dataset given by
the protocol or by FROM, repeated `format` parameters, routing (404, 405 + Allow, OPTIONS) and
linked-data paths that make no IRI."""

from __future__ import annotations

import json

import pytest
from endpoint_support import BASE, fixture_app

NEWS, REFERENCE = BASE + "graph/news", BASE + "graph/reference"
UNKNOWN = "http://example.org/no-such-graph"
SUR_EVENT = BASE + "id/event/SUR-XKX-withdrawal-1"  # in graph/news only
XKX = BASE + "id/state/XKX"  # typed in graph/reference
ASK_ANY = "ASK { ?s ?p ?o }"
SAVED = "count-claims"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with fixture_app(tmp_path_factory.mktemp("protocol-app"), workers=1) as started:
        yield started


@pytest.fixture
def client(app):
    return app.test_client()


def ask(client, query: str, params: list[tuple[str, str]] = ()) -> bool:
    reply = client.get(
        "/sparql", query_string=[("query", query), *params], headers={"Accept": "application/json"}
    )
    assert reply.status_code == 200, reply.data
    return json.loads(reply.data)["boolean"]


# --- the dataset -------------------------------------------------------------------------------
def test_unknown_protocol_graphs_are_empty_graphs(client):
    assert ask(client, ASK_ANY) is True
    assert ask(client, ASK_ANY, [("default-graph-uri", UNKNOWN)]) is False
    assert ask(client, "ASK { GRAPH ?g { ?s ?p ?o } }", [("named-graph-uri", UNKNOWN)]) is False
    # a known graph next to an unknown one: the default graph is the merge, so the known one
    assert ask(client, f"ASK {{ <{SUR_EVENT}> ?p ?o }}", [("default-graph-uri", NEWS)]) is True
    both = [("default-graph-uri", UNKNOWN), ("default-graph-uri", NEWS)]
    assert ask(client, f"ASK {{ <{SUR_EVENT}> ?p ?o }}", both) is True
    assert ask(client, f"ASK {{ <{XKX}> a ?t }}", both) is False  # reference is not in it
    # the named graphs are exactly those given, an unknown (empty) one included
    reply = client.post(
        f"/sparql?named-graph-uri={UNKNOWN}&named-graph-uri={NEWS}",
        data="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/json"},
    )
    rows = json.loads(reply.data)["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [NEWS]


def test_from_with_unknown_graphs_names_empty_graphs(client):
    assert ask(client, f"ASK FROM <{UNKNOWN}> {{ ?s ?p ?o }}") is False
    assert ask(client, f"ASK FROM NAMED <{UNKNOWN}> {{ GRAPH ?g {{ ?s ?p ?o }} }}") is False
    assert ask(client, f"ASK FROM <{NEWS}> {{ <{SUR_EVENT}> ?p ?o }}") is True
    assert ask(client, f"ASK FROM <{REFERENCE}> {{ <{SUR_EVENT}> ?p ?o }}") is False


def test_the_protocol_dataset_wins_over_from(client):
    query = f"ASK FROM <{REFERENCE}> {{ <{SUR_EVENT}> ?p ?o }}"
    assert ask(client, query) is False
    assert ask(client, query, [("default-graph-uri", NEWS)]) is True
    assert ask(client, f"ASK FROM <{NEWS}> {{ ?s ?p ?o }}", [("default-graph-uri", UNKNOWN)]) is (
        False
    )


@pytest.mark.parametrize("param", ["default-graph-uri", "named-graph-uri"])
@pytest.mark.parametrize("value", ["not an iri", "relative/path", "http://a/b>c", "http://a/%zz"])
def test_a_dataset_parameter_that_is_no_iri_is_400(client, param, value):
    reply = client.get("/sparql", query_string={"query": ASK_ANY, param: value})
    assert reply.status_code == 400
    assert param in reply.data.decode() and "not an absolute IRI" in reply.data.decode()


# --- format ------------------------------------------------------------------------------------
def test_the_same_format_twice_is_one_format(client):
    query = 'SELECT ?x WHERE { VALUES ?x { "a" } }'
    reply = client.post(
        "/sparql?format=tsv",
        data={"query": query, "format": "tsv"},
        content_type="application/x-www-form-urlencoded",
    )
    assert reply.status_code == 200, reply.data
    assert reply.mimetype == "text/tab-separated-values"
    assert reply.data.decode().splitlines() == ["?x", '"a"']
    twice = client.get(
        "/sparql", query_string=[("query", query), ("format", "csv"), ("format", "csv")]
    )
    assert twice.status_code == 200 and twice.mimetype == "text/csv"


@pytest.mark.parametrize(
    ("query", "formats", "media"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", ["tsv", "text/tab-separated-values"], "-values"),
        (
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
            ["json-ld", "application/ld+json,application/x-json+ld"],
            "ld+json",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", ["rdf+xml", "application/rdf+xml"], "rdf+xml"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", ["n3", "n3"], "turtle"),
    ],
)
def test_one_format_by_two_names_is_one_format(client, query, formats, media):
    # what SPARQLWrapper sends for TSV, JSON-LD, RDF/XML (a name, then the media types)
    reply = client.get(
        "/sparql", query_string=[("query", query)] + [("format", f) for f in formats]
    )
    assert reply.status_code == 200, reply.data
    assert reply.mimetype.endswith(media)


def test_two_different_formats_are_400(client):
    reply = client.get(
        "/sparql", query_string=[("query", ASK_ANY), ("format", "json"), ("format", "xml")]
    )
    assert reply.status_code == 400
    assert "conflicting format" in reply.data.decode()


def test_saved_queries_take_a_repeated_format_too(client):
    same = client.get(f"/queries/{SAVED}", query_string=[("format", "csv"), ("format", "csv")])
    assert same.status_code == 200 and same.mimetype == "text/csv"
    other = client.get(f"/queries/{SAVED}", query_string=[("format", "csv"), ("format", "json")])
    assert other.status_code == 400 and "conflicting format" in other.data.decode()


# --- routing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_unknown_paths_are_404_for_every_method(client, method):
    for path in ("/no-such-page", "/sparql/extra", "/queries/x/y/z"):
        assert client.open(path, method=method).status_code == 404, (method, path)


def allowed(reply) -> set[str]:
    return {m.strip() for m in reply.headers["Allow"].split(",")}


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_write_methods_on_known_paths_are_405_with_that_paths_allow(client, method):
    sparql = client.open("/sparql", method=method)
    assert sparql.status_code == 405 and "read-only" in sparql.data.decode()
    assert allowed(sparql) == {"GET", "HEAD", "POST", "OPTIONS"}
    page = client.open("/queries", method=method)
    assert page.status_code == 405 and allowed(page) == {"GET", "HEAD", "OPTIONS"}


def test_post_to_a_saved_query_text_is_405(client):
    assert client.get(f"/queries/{SAVED}.rq").status_code == 200
    reply = client.post(f"/queries/{SAVED}.rq", data={"category": "all"})
    assert reply.status_code == 405
    assert allowed(reply) == {"GET", "HEAD", "OPTIONS"}
    assert client.post("/queries/no-such-query.rq").status_code == 405
    assert client.post(f"/queries/{SAVED}", data={"category": "all"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/sparql", {"GET", "HEAD", "POST", "OPTIONS"}),
        (f"/queries/{SAVED}", {"GET", "HEAD", "POST", "OPTIONS"}),
        (f"/queries/{SAVED}.rq", {"GET", "HEAD", "OPTIONS"}),
        ("/queries", {"GET", "HEAD", "OPTIONS"}),
        ("/id/state/XKX", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_options_lists_the_methods_of_that_path(client, path, methods):
    reply = client.options(path, headers={"Origin": "https://example.org"})
    assert reply.status_code == 204
    assert allowed(reply) == methods
    cors = {m.strip() for m in reply.headers["Access-Control-Allow-Methods"].split(",")}
    assert cors == methods


# --- linked-data paths -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/id/state/XKX%3E%20%3Fp%20%3Fo%20%7D%20%23",  # `> ?p ?o } #` would end the IRI
        "/id/x%3E",
        "/id/a%20b",
        "/id/a%22b",
        "/id/a%7Bb%7D",
        "/id/a%5Cu003E",  # a backslash: no \u escape reaches a query
        "/id/a%zz",
        "/graph/x%3Ey",
    ],
)
@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_linked_data_path_that_makes_no_iri_is_404(client, path, accept):
    reply = client.get(path, headers={"Accept": accept})
    assert reply.status_code == 404, reply.data
    assert "not a valid IRI" in reply.data.decode()


def test_a_minted_iri_still_dereferences(client):
    page = client.get("/id/state/XKX", headers={"Accept": "text/turtle"})
    assert page.status_code == 200 and XKX.encode() in page.data
    assert client.get("/id/state/NO-SUCH", headers={"Accept": "text/turtle"}).status_code == 404
