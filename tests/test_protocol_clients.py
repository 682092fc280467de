"""Protocol conformance over HTTP, against a real `kosovo-kg serve` process (default server
settings): SPARQLWrapper with every return format it offers for each query form, and the query
cases of the W3C SPARQL 1.1 Protocol tests that apply to a read-only endpoint.

The W3C dataset cases name graphs of their own (http://kasei.us/2009/09/sparql/data/data1.rdf
...) that a test server is expected to hold. Here they run twice: verbatim, where an IRI that is
no graph of this dataset is an empty graph (never fetched: the answer is `false`), and with the
fixture's own graphs in their place, where the dataset semantics are checked on real data."""

from __future__ import annotations

import csv
import io
import urllib.parse
import warnings

import pytest
import rdflib
from endpoint_support import BASE, FIXTURE, KR, run_server
from rdflib.compare import isomorphic

from kosovo_kg import store

NEWS, REFERENCE, ARTICLE = (BASE + f"graph/{n}" for n in ("news", "reference", "article"))
SUR_EVENT = BASE + "id/event/SUR-XKX-withdrawal-1"  # in graph/news only
XKX = BASE + "id/state/XKX"  # typed in graph/reference
SELECT = f"SELECT ?e ?actor WHERE {{ ?e a <{KR}Recognition> ; <{KR}actor> ?actor }}"
ASK = f"ASK {{ <{XKX}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ ?e <{KR}actor> ?s }} WHERE {{ ?e a <{KR}Recognition> ; <{KR}actor> ?s }}"
DESCRIBE = f"DESCRIBE <{XKX}>"
RESULTS_XML = "application/sparql-results+xml"
RESULTS_JSON = "application/sparql-results+json"
KASEI = "http://kasei.us/2009/09/sparql/data/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with run_server(tmp_path_factory.mktemp("protocol-clients"), {}) as srv:
        yield srv


@pytest.fixture(scope="module")
def local():
    """The fixture in an in-memory store: the expected answers, computed, not written down."""
    return store.memory_store_from_nquads(FIXTURE)


def expected_rows(local) -> set[tuple[str, str]]:
    return {(r["e"], r["actor"]) for r in store.select_rows(local, SELECT)}


def expected_graph(local, query: str) -> rdflib.Graph:
    triples = store.query(local, query).serialize(format=store.GRAPH_FORMATS["ntriples"])
    return rdflib.Graph().parse(data=triples, format="nt")


def wrapper(server, query: str, fmt: str, method: str):
    from SPARQLWrapper import SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    with warnings.catch_warnings():
        # "Format requested was X, but Y has been returned": a mismatch fails the test
        warnings.filterwarnings("error", "Format requested", RuntimeWarning)
        result = client.query().convert()
    return result.decode("utf-8") if isinstance(result, bytes) else result  # CSV, TSV, N3


# --- SPARQLWrapper -----------------------------------------------------------------------------
METHODS = ["GET", "POST"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_select(server, local, fmt, method):
    result = wrapper(server, SELECT, fmt, method)
    if fmt == "json":
        got = {(b["e"]["value"], b["actor"]["value"]) for b in result["results"]["bindings"]}
    elif fmt == "xml":
        got = set()
        for node in result.getElementsByTagName("result"):
            values = {
                b.getAttribute("name"): b.getElementsByTagName("uri")[0].firstChild.data
                for b in node.getElementsByTagName("binding")
            }
            got.add((values["e"], values["actor"]))
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(result)))
        assert rows[0] == ["e", "actor"]
        got = {(e, a) for e, a in rows[1:]}
    else:
        lines = result.splitlines()
        assert lines[0] == "?e\t?actor"
        got = {tuple(cell.strip("<>") for cell in line.split("\t")) for line in lines[1:]}
    assert got == expected_rows(local) and got


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_sparqlwrapper_ask(server, fmt, method):
    for query, expected in ((ASK, True), (f"ASK {{ <{XKX}> <{KR}no-such> ?o }}", False)):
        result = wrapper(server, query, fmt, method)
        if fmt == "json":
            assert result["boolean"] is expected
        elif fmt == "xml":
            text = result.getElementsByTagName("boolean")[0].firstChild.data
            assert text == str(expected).lower()
        else:
            assert result.strip().splitlines()[-1] == str(expected).lower()


GRAPH_FORMATS = ["turtle", "n3", "xml", "rdf+xml", "rdf", "json-ld", "json"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlwrapper_graph_forms(server, local, query, fmt, method):
    result = wrapper(server, query, fmt, method)
    if isinstance(result, (bytes, str)):  # Turtle and N3 come back as text
        result = rdflib.Graph().parse(data=result, format="turtle")
    got = rdflib.Graph()
    for triple in result.triples((None, None, None)):
        got.add(triple)
    expected = expected_graph(local, query)
    assert len(expected) > 0
    assert isomorphic(got, expected)


# --- W3C SPARQL 1.1 Protocol: query cases ------------------------------------------------------
def direct(server, query: str, params: list[tuple[str, str]] = (), headers: dict | None = None):
    path = "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    sent = {"Content-Type": "application/sparql-query", **(headers or {})}
    return server.request("POST", path, query.encode(), sent)


def boolean(reply) -> bool:
    assert reply.status == 200, reply.text
    media = reply.header("content-type").split(";")[0]
    assert media in (RESULTS_XML, RESULTS_JSON)
    if media == RESULTS_JSON:
        return reply.json()["boolean"]
    return "<boolean>true</boolean>" in reply.text


def test_w3c_query_get_post_form_post_direct(server):
    assert boolean(server.get({"query": "ASK {}"})) is True  # query_get
    assert boolean(server.post_form({"query": "ASK {}"})) is True  # query_post_form
    assert boolean(direct(server, "ASK {}")) is True  # query_post_direct
    xml = server.get({"query": "ASK {}"}, accept=RESULTS_XML)
    assert xml.header("content-type").startswith(RESULTS_XML) and boolean(xml) is True


def test_w3c_dataset_cases_verbatim_name_empty_graphs(server):
    data1, data2, data3 = (KASEI + f"data{n}.rdf" for n in (1, 2, 3))
    # query_dataset_default_graph
    assert boolean(
        direct(server, f"ASK {{ <{data1}> ?p ?o }}", [("default-graph-uri", data1)])
    ) is (False)
    # query_dataset_default_graphs_get
    reply = server.get(
        [
            ("query", f"ASK {{ <{data1}> a ?type . <{data2}> a ?type . }}"),
            ("default-graph-uri", data1),
            ("default-graph-uri", data2),
        ]
    )
    assert boolean(reply) is False
    # query_dataset_named_graphs_post
    named = [("named-graph-uri", data1), ("named-graph-uri", data2)]
    assert boolean(direct(server, "ASK { GRAPH ?g { ?s ?p ?o } }", named)) is False
    # query_dataset_full
    full = direct(
        server,
        "SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }",
        [("default-graph-uri", data3), *named],
        {"Accept": RESULTS_JSON},
    )
    assert full.status == 200 and full.json()["results"]["bindings"] == []


def test_w3c_dataset_default_graphs(server):
    both = f"ASK {{ <{SUR_EVENT}> a ?t1 . <{XKX}> a ?t2 }}"
    params = [("default-graph-uri", NEWS), ("default-graph-uri", REFERENCE)]
    assert boolean(server.get([("query", both), *params])) is True  # ..._default_graphs_get
    assert boolean(direct(server, both, params)) is True  # ..._default_graphs_post
    assert boolean(direct(server, both, params[:1])) is False  # one graph: not the merge
    # query_dataset_default_graph
    assert boolean(direct(server, f"ASK {{ <{SUR_EVENT}> ?p ?o }}", params[:1])) is True


def test_w3c_dataset_named_graphs(server):
    query = f"ASK {{ GRAPH ?g1 {{ <{SUR_EVENT}> a ?t1 }} GRAPH ?g2 {{ <{XKX}> a ?t2 }} }}"
    params = [("named-graph-uri", NEWS), ("named-graph-uri", REFERENCE)]
    assert boolean(server.get([("query", query), *params])) is True  # ..._named_graphs_get
    assert boolean(direct(server, query, params)) is True  # ..._named_graphs_post
    assert boolean(direct(server, query, params[:1])) is False
    # only named graphs given: the default graph is empty
    assert boolean(direct(server, f"ASK {{ <{SUR_EVENT}> ?p ?o }}", params)) is False


def test_w3c_dataset_full(server, local):
    query = "SELECT ?g ?x ?s { ?x ?y ?o  GRAPH ?g { ?s ?p ?o } }"
    params = [
        ("default-graph-uri", REFERENCE),
        ("named-graph-uri", NEWS),
        ("named-graph-uri", ARTICLE),
    ]
    reply = direct(server, query, params, {"Accept": RESULTS_JSON})
    assert reply.status == 200, reply.text
    got = {
        tuple(b[n]["value"] for n in ("g", "x", "s")) for b in reply.json()["results"]["bindings"]
    }
    dataset = f"FROM <{REFERENCE}> FROM NAMED <{NEWS}> FROM NAMED <{ARTICLE}>"
    rows = store.select_rows(local, query.replace("{", dataset + " {", 1), union=False)
    assert got == {(r["g"], r["x"], r["s"]) for r in rows}
    assert {g for g, _, _ in got} <= {NEWS, ARTICLE}


def test_w3c_multiple_dataset_protocol_wins(server):
    # query_multiple_dataset: a dataset in both the request and the query text
    query = f"ASK FROM <{REFERENCE}> {{ <{SUR_EVENT}> ?p ?o }}"
    assert boolean(direct(server, query)) is False
    assert boolean(direct(server, query, [("default-graph-uri", NEWS)])) is True


def test_w3c_content_types(server):
    select = direct(server, "SELECT (1 AS ?value) {}")
    assert select.status == 200
    assert select.header("content-type").split(";")[0] in (
        RESULTS_XML,
        RESULTS_JSON,
        "text/tab-separated-values",
        "text/csv",
    )
    ask = direct(server, "ASK {}")
    assert ask.status == 200
    assert ask.header("content-type").split(";")[0] in (RESULTS_XML, RESULTS_JSON)
    graph_types = ("application/rdf+xml", "application/rdf+json", "text/turtle")
    for query in (
        "DESCRIBE <http://example.org/>",
        "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}",
    ):
        reply = direct(server, query)
        assert reply.status == 200, reply.text
        assert reply.header("content-type").split(";")[0] in graph_types
    construct = direct(
        server,
        "CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}",
        headers={"Accept": "application/rdf+xml"},
    )
    graph = rdflib.Graph().parse(data=construct.body, format="xml")
    assert len(graph) == 1


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
SPARQL_UPDATE = {"Content-Type": "application/sparql-update"}
CONFLICT_UPDATE = (
    "using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople&update=PREFIX%20foaf%3A%20%3Chttp%3A"
    "%2F%2Fxmlns.com%2Ffoaf%2F0.1%2F%3E%20WITH%20%3Chttp%3A%2F%2Fexample%2Faddresses%3E%20DELETE"
    "%20%7B%20%3Fperson%20foaf%3AgivenName%20%27Bill%27%20%7D%20INSERT%20%7B%20%3Fperson%20foaf"
    "%3AgivenName%20%27William%27%20%7D%20WHERE%20%7B%20%3Fperson%20foaf%3AgivenName%20%27Bill"
    "%27%20%7D"
)
BAD_REQUESTS = {
    "bad_query_method": ("PUT", "/sparql?query=ASK%20%7B%7D", None, {}),
    "bad_multiple_queries": (
        "GET",
        "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D",
        None,
        {},
    ),
    "bad_query_wrong_media_type": ("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
    "bad_query_missing_form_type": ("POST", "/sparql", b"query=ASK%20%7B%7D", {}),
    "bad_query_missing_direct_type": ("POST", "/sparql", b"ASK {}", {}),
    "bad_query_non_utf8": (
        "POST",
        "/sparql",
        "ASK {}".encode("utf-16"),
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
    ),
    "bad_query_syntax": ("GET", "/sparql?query=ASK%20%7B", None, {}),
    "bad_update_get": ("GET", "/sparql?update=CLEAR%20ALL", None, {}),
    "bad_multiple_updates": (
        "POST",
        "/sparql",
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        FORM,
    ),
    "bad_update_wrong_media_type": (
        "POST",
        "/sparql",
        b"CLEAR NAMED",
        {"Content-Type": "text/plain"},
    ),
    "bad_update_missing_form_type": ("POST", "/sparql", b"update=CLEAR%20NAMED", {}),
    "bad_update_non_utf8": (
        "POST",
        "/sparql",
        "CLEAR NAMED".encode("utf-16"),
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
    ),
    "bad_update_syntax": ("POST", "/sparql", b"update=CLEAR%20XYZ", FORM),
    "bad_update_dataset_conflict": ("POST", "/sparql", CONFLICT_UPDATE.encode(), FORM),
    # a read-only endpoint refuses the positive update cases too
    "update_post_form": ("POST", "/sparql", b"update=CLEAR%20ALL", FORM),
    "update_post_direct": ("POST", "/sparql", b"CLEAR ALL", SPARQL_UPDATE),
}


@pytest.mark.parametrize("case", sorted(BAD_REQUESTS))
def test_w3c_bad_requests_are_4xx(server, case):
    method, path, body, headers = BAD_REQUESTS[case]
    reply = server.request(method, path, body, headers)
    assert 400 <= reply.status < 500, (case, reply.status, reply.text)
    assert boolean(server.get({"query": "ASK {}"})) is True  # and the server still answers


# --- routing over HTTP -------------------------------------------------------------------------
def test_routing_over_http(server):
    for method in ("GET", "POST", "PUT", "DELETE", "OPTIONS"):
        assert server.request(method, "/no-such-page").status == 404, method
    put = server.request("PUT", "/sparql", b"x", {"Content-Type": "text/turtle"})
    assert put.status == 405 and "read-only" in put.text
    assert "POST" in put.header("allow") and "PUT" not in put.header("allow")
    text = server.request("POST", "/queries/count-claims.rq", b"", FORM)
    assert text.status == 405
    assert {m.strip() for m in text.header("allow").split(",")} == {"GET", "HEAD", "OPTIONS"}
    options = server.request("OPTIONS", "/queries/count-claims.rq")
    assert "POST" not in options.header("access-control-allow-methods")
    assert "POST" in server.request("OPTIONS", "/sparql").header("access-control-allow-methods")
    for path in ("/id/state/XKX%3E%20%3Fp%20%3Fo%20%7D%20%23", "/id/a%22b", "/id/a%5Cu003E"):
        for accept in ("text/html", "text/turtle"):
            reply = server.request("GET", path, headers={"Accept": accept})
            assert reply.status == 404 and "not a valid IRI" in reply.text, (path, reply.text)
    assert server.request("GET", "/id/state/XKX", headers={"Accept": "text/turtle"}).status == 200
