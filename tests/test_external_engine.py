"""The service over an external SPARQL engine: a separate `oxigraph serve-read-only` process
loaded with our dump, our server pointed at it with `sparql_backend_url`.

Answers are compared with the same queries run in-process on the same dump (pyoxigraph)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_support import CARTESIAN, Listener, check_slow_client_holds_one_slot, run_server
from engine_support import VIRTUOSO_MISSING, isql, oxigraph_cli, oxigraph_serve, virtuoso

from kosovo_kg.saved.library import load_library
from kosovo_kg.saved.sample import LocalRunner
from kosovo_kg.settings import PROJECT_ROOT

DUMP = PROJECT_ROOT / "data" / "generated" / "kosovo-kg.nq"


@pytest.fixture(scope="module")
def ox_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("oxigraph") / "store"
    subprocess.run(
        [oxigraph_cli(), "load", "--location", str(location), "--file", str(DUMP)],
        check=True,
        capture_output=True,
    )
    return location


@contextlib.contextmanager
def engine_process(location: Path, union: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:
    """`oxigraph serve-read-only` on a free loopback port, its default graph the union of the
    named graphs (`union`), or not (then the service sends the named graphs with the protocol's
    default-graph-uri/named-graph-uri; portable, but slow on Oxigraph for joins)."""
    flags = ["--union-default-graph"] if union else []
    with oxigraph_serve(["serve-read-only", "--location", str(location), *flags]) as (url, proc):
        yield f"{url}/query", proc


@pytest.fixture(scope="module")
def engine(ox_store: Path) -> Iterator[str]:
    with engine_process(ox_store) as (url, _):
        yield url


@pytest.fixture(scope="module")
def server(engine: str, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("remote-server")
    env = {
        "KOSOVO_KG_SPARQL_BACKEND_URL": engine,
        "KOSOVO_KG_SPARQL_BACKEND_UNION_DEFAULT": "true",
        "KOSOVO_KG_MAX_ROWS": "500",
    }
    with run_server(root, env, nquads=DUMP.read_bytes()) as srv:
        yield srv


@pytest.fixture(scope="module")
def local() -> LocalRunner:
    return LocalRunner(DUMP, "https://w3id.org/kosovo-kg/")


def _values(data: dict) -> list[tuple]:
    names = data["head"]["vars"]
    return sorted(
        tuple(b.get(n, {}).get("value", "") for n in names) for b in data["results"]["bindings"]
    )


UNION_QUERIES = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?type }",  # the union default graph
)


def _expected(local: LocalRunner, query: str) -> list[tuple]:
    import json

    from kosovo_kg import store

    body = store.run_serialized(
        local.store, query, result_format="json", max_rows=500, max_bytes=1 << 30, union=True
    )[1]
    return _values(json.loads(body))


def test_union_default_graph_through_protocol_parameters(ox_store, tmp_path, local):
    """An engine whose default graph is NOT the union: the service sends the named graphs."""
    with engine_process(ox_store, union=False) as (url, _):  # noqa: SIM117 (url needed next)
        with run_server(tmp_path, {"KOSOVO_KG_SPARQL_BACKEND_URL": url}) as srv:
            for query in UNION_QUERIES:
                reply = srv.get({"query": query}, accept="application/sparql-results+json")
                assert reply.status == 200, reply.text
                assert _values(reply.json()) == _expected(local, query), query


def test_sparql_answers_like_the_embedded_store(server, local):
    for query in (
        *UNION_QUERIES,
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
        " ORDER BY ?s LIMIT 40",
    ):
        reply = server.get({"query": query}, accept="application/sparql-results+json")
        assert reply.status == 200, reply.text
        assert _values(reply.json()) == _expected(local, query), query
    # other formats and the row cap, applied to the engine's answer
    reply = server.get({"query": "SELECT * WHERE { ?s ?p ?o }"}, accept="text/csv")
    assert reply.status == 200
    assert reply.header("X-Kosovo-KG-Truncated") == "true"
    assert len(reply.text.strip().splitlines()) == 501  # header + max_rows
    graph = server.get(
        {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"}, accept="text/turtle"
    )
    assert graph.status == 200 and graph.header("Content-Type").startswith("text/turtle")
    bad = server.get({"query": "SELECT * WHERE { ?s ?p }"})
    assert bad.status == 400
    health = server.get(path="/healthz")
    assert health.status == 200 and health.json()["backend"].endswith("/query")


def test_saved_query_with_parameters_cache_and_pages(server, local):
    library = load_library(PROJECT_ROOT / "queries")
    calls = [
        ("recognitions-in-range", {"from": "2008-02-17", "to": "2008-02-19"}),
        ("contradictions", {"state": "GHA"}),
        ("positions", {"text": 'war" } # '}),  # quotes and a brace in a value stay a value
    ]
    for name, args in calls:
        path = f"/queries/{name}?" + urllib.parse.urlencode(args)
        reply = server.get(path=path, accept="application/sparql-results+json")
        assert reply.status == 200, (name, reply.text)
        assert _values(reply.json()) == _values(local.json(library[name], args)), name
        etag = reply.header("ETag")
        assert etag
        again = server.request("GET", path, headers={"If-None-Match": etag})
        assert again.status == 304
    assert local.rows(library["recognitions-in-range"], dict(calls[0][1]))  # not vacuous
    page = server.get(path="/queries", accept="text/html")
    assert page.status == 200 and "recognitions-in-range" in page.text
    void = server.get(path="/.well-known/void", accept="text/turtle")
    assert void.status == 200 and "graph/reference" in void.text


def test_allowlist_refusal_never_reaches_the_service(server):
    listener = Listener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        reply = server.get({"query": query})
        assert reply.status == 400 and listener.url in reply.text
        assert listener.connections == []
    finally:
        listener.close()


def test_a_refused_dataset_is_logged_and_never_sent_to_the_engine(server):
    """A graph that is not the dataset's is refused before the engine is asked; the refusal is
    logged once (ran=none), never run without its dataset."""
    query = "ASK { ?refused_dataset_probe ?p ?o }"
    reply = server.get({"query": query, "default-graph-uri": "http://example.org/not-ours"})
    assert reply.status == 400 and "not a graph of this dataset" in reply.text
    digest = hashlib.sha256(query.encode()).hexdigest()[:16]
    deadline = time.monotonic() + 5  # the log line is written as the request ends
    while True:
        lines = [x for x in server.log.read_text().splitlines() if f"hash={digest}" in x]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert len(lines) == 1 and "status=400" in lines[0] and "ran=none" in lines[0], lines


def test_slow_query_gets_504_and_a_dead_engine_503(ox_store, tmp_path):
    with engine_process(ox_store) as (url, process):
        env = {
            "KOSOVO_KG_SPARQL_BACKEND_URL": url,
            "KOSOVO_KG_SPARQL_BACKEND_UNION_DEFAULT": "true",
            "KOSOVO_KG_QUERY_TIMEOUT": "2",
        }
        with run_server(tmp_path, env) as srv:
            slow = srv.get({"query": CARTESIAN}, timeout=60)
            assert slow.status == 504, slow.text
            assert "deadline" in slow.text
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
            dead = srv.get({"query": "ASK {}"}, timeout=60)
            assert dead.status == 503, dead.text
            assert "cannot be reached" in dead.text and dead.header("Retry-After")
            assert srv.get(path="/healthz").status == 503


@pytest.mark.skipif(shutil.which("virtuoso-t") is None, reason=VIRTUOSO_MISSING)
def test_virtuoso(tmp_path, local):
    """Load the dump into a throw-away Virtuoso with its bulk loader and query it through the
    service (which sends the dataset's graphs: Virtuoso's union also holds its system graphs,
    and it echoes each graph of the request as a header)."""
    with virtuoso(tmp_path / "virtuoso", DUMP.parent) as (base, sql_port):
        isql(sql_port, f"ld_dir('{DUMP.parent}', '{DUMP.name}', 'urn:unused'); rdf_loader_run();")
        env = {"KOSOVO_KG_SPARQL_BACKEND_URL": f"{base}/sparql"}
        with run_server(tmp_path / "srv", env) as srv:
            query = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?t } }"
            reply = srv.get({"query": query}, accept="application/sparql-results+json")
            assert reply.status == 200, reply.text
            expected = local.store.query(query)
            assert int(reply.json()["results"]["bindings"][0]["n"]["value"]) == int(
                next(iter(expected))["n"].value
            )


def test_values_block_takes_only_terms_written_by_the_rdf_serializer(local):
    from kosovo_kg.engine.inject import bind_values
    from kosovo_kg.engine.lexer import QueryCheckError
    from kosovo_kg.store import QueryFailed

    query = "SELECT ?s ?x WHERE { ?s ?p ?x } LIMIT 1"
    tricky = '"a\\" } } SELECT * { ?s ?p ?o } #"'  # one literal whose text looks like SPARQL
    text = bind_values(query, {"x": tricky})
    assert text.count("VALUES") == 1 and text.endswith("} LIMIT 1")
    rows = list(local.store.query(text, use_default_graph_as_union=True))
    assert rows == []  # the literal matched nothing: it stayed a value
    for bad in ("<a> } ASK { ?s ?p ?o", '"unterminated', "?y", "<a> <b>"):
        with pytest.raises((QueryFailed, QueryCheckError)):
            bind_values(query, {"x": bad})
    with pytest.raises(QueryCheckError):
        bind_values(query, {"x y": "<a>"})
    ghana = "https://w3id.org/kosovo-kg/id/state/GHA"
    sub = bind_values("SELECT ?s WHERE { SELECT ?s { ?s ?p ?o } }", {"s": f"<{ghana}>"})
    found = {row["s"].value for row in local.store.query(sub, use_default_graph_as_union=True)}
    assert found == {ghana}  # a bare sub-SELECT is wrapped and still bound


def test_no_release_files_are_offered_for_an_external_engine(server):
    # the pinned local dump is not what the external engine answers from: nothing to offer
    reply = server.get(path="/downloads")
    assert reply.status == 404 and "external engine" in reply.text
    assert server.get(path="/downloads/SHA256SUMS").status == 404


def test_relative_iris_resolve_against_the_request_url(server):
    """As on the embedded store: the service sends the request URL as the query's base."""
    reply = server.post_query("CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert reply.status == 200, reply.text
    assert f"<{server.url}/s> <{server.url}/p> " in reply.text
    with_base = server.post_query(
        "BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples"
    )
    assert with_base.status == 200 and "<http://example.org/s>" in with_base.text


def test_one_clients_slow_queries_take_one_engine_connection_not_all(ox_store, tmp_path):
    """The pool's turns hold for an external engine too: one running query per client."""
    with engine_process(ox_store) as (url, _):  # its own: the slow queries end with it
        env = {
            "KOSOVO_KG_SPARQL_BACKEND_URL": url,
            "KOSOVO_KG_SPARQL_BACKEND_UNION_DEFAULT": "true",
            "KOSOVO_KG_WORKERS": "2",
            "KOSOVO_KG_QUERY_TIMEOUT": "5",  # the second waits less than queue_timeout
            "KOSOVO_KG_QUEUE_TIMEOUT": "20",
            "KOSOVO_KG_TRUSTED_PROXIES": "127.0.0.1",
        }
        with run_server(tmp_path, env) as srv:
            check_slow_client_holds_one_slot(srv)
