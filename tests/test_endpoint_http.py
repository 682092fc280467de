"""The endpoint over HTTP: a real `kosovo-kg serve` (gunicorn) process on a loopback port."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib
from endpoint_support import (
    BASE,
    CARTESIAN,
    FIXTURE,
    FIXTURE_QUADS,
    GRAPHS,
    KR,
    Listener,
    run_server,
)

from kosovo_kg import store

RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
LABEL_Q = f"SELECT ?label WHERE {{ <{BASE}id/state/FRA> {RDFS_LABEL} ?label }}"
RECOGNITIONS = f"SELECT ?e WHERE {{ ?e a <{KR}Recognition> }}"
CONSTRUCT = f"CONSTRUCT {{ ?e <{KR}actor> ?s }} WHERE {{ ?e a <{KR}Recognition> ; <{KR}actor> ?s }}"
N_RECOGNITIONS = 30
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {
        "KOSOVO_KG_QUERY_TIMEOUT": "1",
        "KOSOVO_KG_MAX_ROWS": "100",
        "KOSOVO_KG_MAX_BODY_BYTES": "25000",
        "KOSOVO_KG_MAX_QUERY_LENGTH": "20000",
        "KOSOVO_KG_WORKERS": "2",
        "KOSOVO_KG_QUEUE_SIZE": "16",
        "KOSOVO_KG_QUEUE_TIMEOUT": "3",
        "KOSOVO_KG_HTTP_THREADS": "24",
        "KOSOVO_KG_STORE_MODE": "disk",
    }
    with run_server(tmp_path_factory.mktemp("endpoint-http"), env) as srv:
        yield srv


# --- protocol methods --------------------------------------------------------------------------
def test_get_post_form_and_post_query_agree(server):
    replies = [
        server.get({"query": RECOGNITIONS}),
        server.post_form({"query": RECOGNITIONS}),
        server.post_query(RECOGNITIONS),
    ]
    for reply in replies:
        assert reply.status == 200, reply.text
        assert reply.header("content-type").startswith("application/sparql-results+json")
        assert reply.header("x-kosovo-kg-truncated") == "false"
        assert reply.header("access-control-allow-origin") == "*"
        assert "access-control-allow-credentials" not in reply.headers
    values = [sorted(b["e"]["value"] for b in r.json()["results"]["bindings"]) for r in replies]
    assert len(values[0]) == N_RECOGNITIONS
    assert values[0] == values[1] == values[2]


# --- result formats ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "accept,fmt,media",
    [
        ("application/sparql-results+json", "json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "xml", "application/sparql-results+xml"),
        ("text/csv", "csv", "text/csv"),
        ("text/tab-separated-values", "tsv", "text/tab-separated-values"),
    ],
)
def test_select_and_ask_formats(server, accept, fmt, media):
    by_accept = server.get({"query": RECOGNITIONS}, accept=accept)
    by_param = server.get({"query": RECOGNITIONS, "format": fmt})
    for reply in (by_accept, by_param):
        assert reply.status == 200, reply.text
        assert reply.header("content-type").startswith(media)
    assert by_accept.body == by_param.body
    body = by_accept.text
    if fmt == "json":
        rows = [b["e"]["value"] for b in json.loads(body)["results"]["bindings"]]
    elif fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        rows = [u.text for u in ET.fromstring(body).iter(ns + "uri")]
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(body)))
        assert table[0] == ["e"]
        rows = [r[0] for r in table[1:]]
    else:
        lines = body.splitlines()
        assert lines[0] == "?e"
        rows = [line.strip("<>") for line in lines[1:]]
    assert len(rows) == N_RECOGNITIONS
    assert all(r.startswith(BASE + "id/event/") for r in rows)
    ask = server.get({"query": f"ASK {{ ?e a <{KR}Withdrawal> }}"}, accept=accept)
    assert ask.status == 200
    assert ask.header("content-type").startswith(media)
    assert "true" in ask.text


@pytest.mark.parametrize(
    "accept,rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_formats(server, accept, rdflib_format):
    reply = server.post_query(CONSTRUCT, accept=accept)
    assert reply.status == 200, reply.text
    assert reply.header("content-type").startswith(accept)
    graph = rdflib.Dataset() if rdflib_format in ("nquads", "trig") else rdflib.Graph()
    graph.parse(data=reply.body, format=rdflib_format)
    assert len(graph) == N_RECOGNITIONS
    assert reply.header("x-kosovo-kg-rows") == str(N_RECOGNITIONS)


def test_construct_without_accept_is_turtle(server):
    reply = server.request(
        "POST", "/sparql", CONSTRUCT.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert reply.status == 200
    assert reply.header("content-type").startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=reply.body, format="turtle")) == N_RECOGNITIONS


def test_describe(server):
    reply = server.get({"query": f"DESCRIBE <{BASE}id/state/FRA>", "format": "nt"})
    assert reply.status == 200
    assert f"<{BASE}id/state/FRA>" in reply.text


@pytest.mark.parametrize(
    "params,accept",
    [
        ({"query": CONSTRUCT}, "text/csv"),
        ({"query": CONSTRUCT, "format": "csv"}, None),
        ({"query": RECOGNITIONS, "format": "turtle"}, None),
        ({"query": RECOGNITIONS}, "image/png"),
    ],
)
def test_406_for_a_format_the_result_lacks(server, params, accept):
    reply = server.get(params, accept=accept)
    assert reply.status == 406
    assert reply.text.strip()


def test_html_page_escapes_and_has_security_headers(server):
    query = f"SELECT ?l WHERE {{ <{BASE}id/agent/kosovo-mfa> {RDFS_LABEL} ?l }}"
    reply = server.get({"query": query}, accept=BROWSER)
    assert reply.status == 200
    assert reply.header("content-type").startswith("text/html")
    assert reply.header("content-security-policy").startswith("default-src 'self'")
    assert reply.header("x-content-type-options") == "nosniff"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reply.text
    # the data's text is escaped: the one script is the site template's own search box
    assert re.findall(r"<script[^>]*>", reply.text) == ['<script src="/static/search.js" defer>']
    assert "http://" not in reply.text.split("<main")[0].replace(BASE, "")  # no external assets


# --- service description, VoID, dumps, health ---------------------------------------------------
def test_service_description(server):
    reply = server.get(accept="text/turtle")
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(server.url + "/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, rdflib.RDFS.seeAlso, rdflib.URIRef(server.url + "/.well-known/void")) in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert names == set(GRAPHS)
    jsonld = server.get({"format": "jsonld"})
    assert jsonld.header("content-type").startswith("application/ld+json")
    doc = json.loads(jsonld.body)  # compact, its @context by IRI: read that from this server
    assert doc["@context"] == BASE + "context.jsonld"
    doc.update(server.get(path="/context.jsonld").json())
    assert len(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")) == len(graph)


def test_void_dcat_and_dump_download(server):
    reply = server.get(path="/.well-known/void", accept="text/turtle")
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dataset = rdflib.URIRef(BASE + "dataset")
    assert (dataset, rdflib.RDF.type, dcat.Dataset) in graph
    assert int(graph.value(dataset, void.triples)) == FIXTURE_QUADS
    dump_url = str(graph.value(dataset, void.dataDump))
    assert {str(o) for o in graph.objects(None, dcat.downloadURL)} == {dump_url}
    dump = server.request("GET", urllib.parse.urlparse(dump_url).path)
    assert dump.status == 200
    assert dump.header("content-type").startswith("application/n-quads")
    assert dump.body == FIXTURE.read_bytes()


def test_healthz(server):
    health = server.get(path="/healthz").json()
    assert health["ok"] is True
    assert health["store_open"] is True
    assert health["workers_alive"] == health["workers"] == 2
    assert health["data_version"] == store.data_version(FIXTURE)


def test_cors_preflight(server):
    reply = server.request(
        "OPTIONS",
        "/sparql",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert reply.status == 204
    assert reply.header("access-control-allow-origin") == "*"
    assert "POST" in reply.header("access-control-allow-methods")
    assert "access-control-allow-credentials" not in reply.headers


# --- dataset -----------------------------------------------------------------------------------
def test_default_graph_is_the_union_unless_a_dataset_is_named(server):
    spans = (
        f"ASK {{ <{BASE}id/state/FRA> <http://www.w3.org/2000/01/rdf-schema#label> ?l ."
        f" ?e <{KR}actor> <{BASE}id/state/FRA> }}"
    )
    assert server.get({"query": spans}).json()["boolean"] is True
    reference = BASE + "graph/reference"
    assert server.get({"query": spans, "default-graph-uri": reference}).json()["boolean"] is False
    from_q = spans.replace("ASK", f"ASK FROM <{reference}>", 1)
    assert server.get({"query": from_q}).json()["boolean"] is False
    assert server.get({"query": LABEL_Q, "default-graph-uri": reference}).json()["results"][
        "bindings"
    ]
    named = server.get(
        [
            ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
            ("named-graph-uri", BASE + "graph/news"),
        ]
    ).json()
    assert [b["g"]["value"] for b in named["results"]["bindings"]] == [BASE + "graph/news"]


# --- limits and errors -------------------------------------------------------------------------
def test_rows_cap_is_marked(server):
    for accept in ("application/sparql-results+json", "text/csv"):
        reply = server.get({"query": "SELECT * WHERE { ?s ?p ?o }"}, accept=accept)
        assert reply.status == 200
        assert reply.header("x-kosovo-kg-truncated") == "true"
        assert reply.header("x-kosovo-kg-rows") == "100"
    body = server.get({"query": "SELECT * WHERE { ?s ?p ?o }"}).json()
    assert body["truncated"] is True
    assert len(body["results"]["bindings"]) == 100


@pytest.mark.parametrize(
    "kind",
    [
        "malformed",
        "two-queries",
        "no-content-type",
        "wrong-content-type",
        "too-large",
        "too-long",
        "too-deep",
        "bad-utf8-get",
        "bad-utf8-post",
        "post-without-query",
        "unknown-format",
    ],
)
def test_protocol_errors(server, kind):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    sq = {"Content-Type": "application/sparql-query"}
    deep = "SELECT * WHERE " + "{" * 10000 + "?s ?p ?o }"
    cases = {
        "malformed": (lambda: server.get({"query": "SELECT * WHERE { ?s ?p }"}), 400, "malformed"),
        "two-queries": (
            lambda: server.get([("query", "ASK {}"), ("query", "ASK {}")]),
            400,
            "more than one",
        ),
        "no-content-type": (
            lambda: server.request("POST", "/sparql", b"ASK {}", {}),
            415,
            "Content-Type",
        ),
        "wrong-content-type": (
            lambda: server.request("POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
            415,
            "text/plain",
        ),
        "too-large": (lambda: server.request("POST", "/sparql", b"#" * 30000, sq), 413, "large"),
        "too-long": (lambda: server.post_query("ASK {}" + " " * 21000), 400, "too long"),
        "too-deep": (lambda: server.request("POST", "/sparql", deep.encode(), sq), 400, "deep"),
        "bad-utf8-get": (
            lambda: server.request("GET", "/sparql?query=ASK%20%7B%7D%FF"),
            400,
            "UTF-8",
        ),
        "bad-utf8-post": (
            lambda: server.request("POST", "/sparql", b"ASK {} #\xff\xfe", sq),
            400,
            "UTF-8",
        ),
        "post-without-query": (
            lambda: server.request("POST", "/sparql", b"format=json", form),
            400,
            "missing",
        ),
        "unknown-format": (
            lambda: server.get({"query": "ASK {}", "format": "pdf"}),
            400,
            "unknown format",
        ),
    }
    call, status, words = cases[kind]
    reply = call()
    assert reply.status == status, reply.text
    assert words.lower() in reply.text.lower()
    assert server.get({"query": "ASK {}"}).status == 200  # and the server still answers


def test_updates_are_refused_and_data_unchanged(server):
    before = server.count()
    assert before == FIXTURE_QUADS
    insert = f"INSERT DATA {{ GRAPH <{GRAPHS[0]}> {{ <urn:x:s> <urn:x:p> <urn:x:o> }} }}"
    drop = "DROP ALL"
    attempts = [
        server.get({"update": insert}),
        server.post_form({"update": drop}),
        server.request(
            "POST", "/sparql", drop.encode(), {"Content-Type": "application/sparql-update"}
        ),
        server.post_query(insert),
        server.get({"query": insert}),
        server.post_form({"query": "DELETE WHERE { ?s ?p ?o }"}),
        server.request(
            "PUT",
            "/sparql?graph=" + GRAPHS[0],
            b"<urn:x:s> <urn:x:p> <urn:x:o> .",
            {"Content-Type": "application/n-triples"},
        ),
        server.request("DELETE", "/rdf-graph-store?graph=" + GRAPHS[0]),
        server.request(
            "POST",
            "/rdf-graph-store?graph=" + GRAPHS[0],
            b"<urn:x:s> <urn:x:p> <urn:x:o> .",
            {"Content-Type": "application/n-triples"},
        ),
    ]
    for reply in attempts:
        assert 400 <= reply.status < 500, reply.text
        assert reply.text.strip()
    assert any("read-only" in r.text for r in attempts)
    assert server.count() == before


def test_query_killed_at_deadline_then_next_query_answered(server):
    reply = server.post_query(CARTESIAN, timeout=30)
    assert reply.status == 504
    assert reply.header("content-type").startswith("text/plain")
    assert "deadline" in reply.text
    ask = server.post_query("ASK {}", timeout=10)
    assert ask.status == 200
    assert ask.json()["boolean"] is True
    health = server.get(path="/healthz").json()
    assert health["replaced"] >= 1
    deadline = time.monotonic() + 5
    while "status=504" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.log.read_text()
    assert "status=504" in log
    assert "query hash=" in log and "duration_ms=" in log and "rows=" in log


def test_request_target_and_header_fields_are_bounded(server):
    """gunicorn bounds the request line and the header fields before the app sees a request."""
    long_get = server.get({"query": "ASK {}" + " " * 9000})
    assert long_get.status in (400, 414)
    by_post = server.post_form({"query": "ASK {}" + " " * 9000})
    assert by_post.status == 200  # the same query, where long queries go
    many = server.request("GET", "/healthz", headers={f"X-Field-{i}": "v" for i in range(150)})
    assert many.status in (400, 431)
    huge = server.request("GET", "/healthz", headers={"X-Big": "v" * 70_000})
    assert huge.status in (400, 431)
    assert server.get(path="/healthz").status == 200


def test_pages_answer_while_queries_wait_for_workers(server):
    """A query waiting for a worker holds one of gunicorn's threads; with `http_threads` (24)
    above `workers` + `queue_size` (18), 16 slow queries in flight leave threads for the rest:
    /healthz answers before the first of them is stopped at the 1 s deadline."""
    with ThreadPoolExecutor(max_workers=16) as pool:
        slow = [pool.submit(server.post_query, CARTESIAN, None, 30) for _ in range(16)]
        time.sleep(0.3)  # all sent: 2 run, 14 wait for a worker
        health = server.get(path="/healthz", timeout=30)
        pending = sum(not f.done() for f in slow)
        statuses = sorted(f.result().status for f in slow)
    assert health.status == 200
    assert pending == 16, f"/healthz answered after {16 - pending} queries ended"
    assert set(statuses) <= {503, 504} and 504 in statuses


def test_200_concurrent_queries_all_answered(server):
    queries = [RECOGNITIONS, "ASK {}", LABEL_Q, CONSTRUCT]

    def one(i: int):
        return server.get({"query": queries[i % len(queries)]}, timeout=60)

    with ThreadPoolExecutor(max_workers=200) as pool:
        replies = list(pool.map(one, range(200), timeout=180))
    statuses = [r.status for r in replies]
    assert len(statuses) == 200
    assert set(statuses) <= {200, 503}, statuses
    assert all(r.header("retry-after") for r in replies if r.status == 503)
    assert statuses.count(200) > 0


# --- federation --------------------------------------------------------------------------------
def test_federation_is_refused_and_listener_untouched(server):
    listener = Listener()
    try:
        url = listener.url
        host = f"http://127.0.0.1:{listener.port}/"
        escaped = url.replace("sparql", "\\u0073parql")
        queries = {
            "service": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
            "lowercase": f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
            "variable": f"SELECT * WHERE {{ VALUES ?ep {{ <{url}> }} SERVICE ?ep {{ ?s ?p ?o }} }}",
            "prefixed": f"PREFIX ep: <{host}> SELECT * {{ SERVICE ep:sparql {{ ?s ?p ?o }} }}",
            "base": f"BASE <{host}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
            "escaped": f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
            "nested": "SELECT * { { SELECT * { OPTIONAL { SERVICE <"
            + url
            + "> { ?s ?p ?o } } } } }",
            "comment-trick": f"SELECT * WHERE {{ # }}\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        }
        for name, query in queries.items():
            for reply in (server.get({"query": query}), server.post_query(query)):
                assert reply.status == 400, (name, reply.text)
                expected = "?ep" if name == "variable" else url
                assert expected in reply.text, (name, reply.text)
        # a graph IRI that is not a graph of the dataset is an empty graph, never fetched
        any_triple = "ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        for query, params in (
            (f"ASK FROM <{url}> {{ ?s ?p ?o }}", {}),
            (f"ASK FROM NAMED <{url}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
            (any_triple, {"default-graph-uri": url}),
            (any_triple, {"named-graph-uri": url}),
        ):
            reply = server.get({"query": query, **params})
            assert reply.status == 200 and reply.json()["boolean"] is False, (query, params)
        # strings and comments mentioning SERVICE are not federation
        ok = server.get(
            {"query": f'SELECT * WHERE {{ BIND("SERVICE <{url}>" AS ?x) }} # SERVICE <{url}>'}
        )
        assert ok.status == 200, ok.text
        assert listener.connections == []
    finally:
        listener.close()


# --- clients -----------------------------------------------------------------------------------
def test_sparqlwrapper_client(server):
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(RECOGNITIONS)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert len(rows) == N_RECOGNITIONS
    client.setMethod(POST)
    client.setQuery(f"ASK {{ <{BASE}id/state/XKX> ?p ?o }}")
    assert client.query().convert()["boolean"] is True
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == N_RECOGNITIONS


def test_rdflib_sparqlstore_client(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(server.url + "/sparql"))
    rows = list(graph.query(RECOGNITIONS))
    assert len(rows) == N_RECOGNITIONS
    labels = {str(row[0]) for row in graph.query(LABEL_Q)}
    assert labels == {"France"}
    assert graph.query(f"ASK {{ ?e a <{KR}Withdrawal> }}").askAnswer is True


def test_busy_server_answers_503_with_retry_after(tmp_path):
    """One worker, no wait queue: while a slow query holds the worker, the next gets 503."""
    env = {"KOSOVO_KG_WORKERS": "1", "KOSOVO_KG_QUEUE_SIZE": "0", "KOSOVO_KG_QUERY_TIMEOUT": "2"}
    with run_server(tmp_path, env) as busy:
        with ThreadPoolExecutor(max_workers=1) as pool:
            slow = pool.submit(busy.post_query, CARTESIAN, None, 60)
            for _ in range(600):
                if busy.get(path="/healthz").json()["busy"] == 1:
                    break
                threading.Event().wait(0.05)
            reply = busy.post_query("ASK {}")
            assert reply.status == 503
            assert reply.header("retry-after")
            assert "busy" in reply.text
            assert slow.result(timeout=60).status == 504
        for _ in range(1200):  # the killed worker's replacement starts (no queue to wait in)
            if busy.get(path="/healthz").json()["workers_alive"] == 1:
                break
            threading.Event().wait(0.05)
        assert busy.post_query("ASK {}").status == 200


def test_listener_control_pyoxigraph_alone_would_fetch_service():
    """The control for the federation test: without our checks, Oxigraph does contact the URL
    named in SERVICE, and the listener records it."""
    listener = Listener()
    try:
        db = store.memory_store_from_nquads(FIXTURE)
        with contextlib.suppress(OSError, RuntimeError, SyntaxError, ValueError):
            list(store.query(db, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
        for _ in range(100):
            if listener.connections:
                break
            threading.Event().wait(0.05)
        assert listener.connections and b"POST /sparql" in listener.connections[0]
    finally:
        listener.close()
