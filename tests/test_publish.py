"""`kosovo-kg publish` against a real `oxigraph serve` process (read-write, loopback)."""

from __future__ import annotations

import base64
import http.client
import http.server
import os
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator

import pytest
from endpoint_support import free_port, kosovo_kg_command
from engine_support import oxigraph_serve

from kosovo_kg import store
from kosovo_kg.settings import PROJECT_ROOT

DUMP = PROJECT_ROOT / "data" / "generated" / "kosovo-kg.nq"
GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
SECRET = "s3cret-pass"


def _publish(url: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*kosovo_kg_command(), "publish", "--to", url],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )


def _sparql(base: str, query: str, update: bool = False) -> bytes:
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    kind = "update" if update else "query"
    conn.request(
        "POST",
        f"/{kind}",
        query.encode(),
        {"Content-Type": f"application/sparql-{kind}", "Accept": "text/csv"},
    )
    reply = conn.getresponse()
    body = reply.read()
    assert reply.status in (200, 204), body
    return body


def _graph_counts(base: str) -> dict[str, int]:
    lines = _sparql(base, GRAPH_COUNTS).decode().strip().splitlines()[1:]
    return {g: int(n) for g, n in (line.split(",") for line in lines)}


@pytest.fixture
def engine() -> Iterator[str]:
    with oxigraph_serve(["serve"]) as (url, _):
        yield url


def test_publish_loads_every_graph_and_checks_counts(engine):
    local = store.memory_store_from_nquads(DUMP)
    expected = {
        row["g"]: int(row["n"]) for row in store.select_rows(local, GRAPH_COUNTS, union=False)
    }
    stale, extra = "https://w3id.org/kosovo-kg/graph/reference", "urn:x:not-ours"
    _sparql(
        engine,
        f"INSERT DATA {{ GRAPH <{stale}> {{ <urn:x:s> <urn:x:p> 'stale' }}"
        f" GRAPH <{extra}> {{ <urn:x:s> <urn:x:p> 'kept' }} }}",
        update=True,
    )
    done = _publish(f"{engine}/store")
    assert done.returncode == 0, done.stderr
    assert f"[{len(expected)}/{len(expected)}]" in done.stderr
    assert f"checked: {len(expected)} graphs, {sum(expected.values())} triples" in done.stderr
    counts = _graph_counts(engine)
    assert counts.pop(extra) == 1  # a graph the dump does not name is left alone
    assert counts == expected  # the stale triple was replaced with the graph (PUT)
    again = _publish(f"{engine}/store")  # idempotent
    assert again.returncode == 0, again.stderr
    assert _graph_counts(engine) == {**expected, extra: 1}


def test_credentials_only_from_the_environment_and_never_printed(engine):
    refused = _publish(f"http://kkg:{SECRET}@{engine.removeprefix('http://')}/store")
    assert refused.returncode == 1
    assert "KOSOVO_KG_PUBLISH_PASSWORD" in refused.stderr and SECRET not in refused.stderr
    assert "Traceback" not in refused.stderr

    seen: list[str | None] = []

    class Guarded(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    guard = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Guarded)
    threading.Thread(target=guard.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{guard.server_address[1]}/store"
        env = {"KOSOVO_KG_PUBLISH_USER": "kkg", "KOSOVO_KG_PUBLISH_PASSWORD": SECRET}
        denied = _publish(url, env)
    finally:
        guard.shutdown()
        guard.server_close()
    assert denied.returncode == 1 and "401" in denied.stderr and "credentials" in denied.stderr
    assert SECRET not in denied.stderr + denied.stdout and "Traceback" not in denied.stderr
    assert seen == ["Basic " + base64.b64encode(f"kkg:{SECRET}".encode()).decode()]


def test_unreachable_engine_is_a_clear_error():
    done = _publish(f"http://127.0.0.1:{free_port()}/store")
    assert done.returncode == 1 and "cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr
    assert _publish("ftp://example.org/store").returncode == 1
