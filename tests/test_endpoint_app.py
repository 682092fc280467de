"""The endpoint through Flask's test client and the engine directly (real workers, real store)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from endpoint_support import BASE, CARTESIAN, FIXTURE, FIXTURE_QUADS, KR, make_data_dir

from kosovo_kg import store
from kosovo_kg.engine import Engine
from kosovo_kg.settings import load_settings
from kosovo_kg.web import create_app


def settings_for(tmp_path, **overrides):
    data, var = make_data_dir(tmp_path)
    return load_settings({"data_dir": data, "var_dir": var, **overrides}, environ={})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = settings_for(
        tmp_path_factory.mktemp("endpoint-app"), max_bytes=4000, query_timeout=5.0, workers=1
    )
    engine = Engine(settings).start()
    yield create_app(settings, engine=engine)
    engine.close()


@pytest.fixture
def client(app):
    return app.test_client()


def test_engine_run_with_substitutions(app):
    engine = app.extensions["kosovo_kg.engine"]
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    query = f"SELECT ?state ?label WHERE {{ ?state {label} ?label }}"
    outcome = engine.run(query, substitutions={"state": f"<{BASE}id/state/DEU>"})
    assert outcome.status == 200
    rows = json.loads(outcome.body)["results"]["bindings"]
    assert [r["label"]["value"] for r in rows] == ["Germany"]
    assert outcome.rows == 1 and not outcome.truncated
    literal = engine.run(
        f"SELECT ?s ?code WHERE {{ ?s <{KR}iso3> ?code }}",
        substitutions={"code": '"SEN"'},
        result_format="csv",
    )
    assert literal.body.decode().splitlines()[1] == f"{BASE}id/state/SEN,SEN"
    bad = engine.run("SELECT * WHERE { ?s ?p ?o }", substitutions={"s": "not a term"})
    assert bad.status == 400 and "N-Triples" in bad.body.decode()


def test_bytes_cap_cuts_at_a_row_and_says_so(client):
    reply = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status_code == 200
    assert len(reply.data) <= 4000
    body = json.loads(reply.data)  # still a complete JSON document
    assert body["truncated"] is True
    assert reply.headers["X-Kosovo-KG-Truncated"] == "true"
    assert 0 < len(body["results"]["bindings"]) < FIXTURE_QUADS
    graph = client.post(
        "/sparql",
        data="CONSTRUCT WHERE { ?s ?p ?o }",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert graph.headers["X-Kosovo-KG-Truncated"] == "true"
    assert len(graph.data) <= 4000
    assert all(line.endswith(" .") for line in graph.data.decode().splitlines())


@pytest.mark.parametrize(
    "accept,expected",
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ],
)
def test_negotiation_for_select(client, accept, expected):
    headers = {"Accept": accept} if accept else {}
    reply = client.get("/sparql", query_string={"query": "ASK {}"}, headers=headers)
    assert reply.status_code == 200
    assert reply.content_type.startswith(expected)


def test_format_parameter_wins_over_accept(client):
    reply = client.get(
        "/sparql",
        query_string={"query": "ASK {}", "format": "csv"},
        headers={"Accept": "text/html"},
    )
    assert reply.content_type.startswith("text/csv")


def test_html_for_graph_results_and_service_page(client):
    reply = client.get(
        "/sparql",
        query_string={"query": f"DESCRIBE <{BASE}id/agent/kosovo-mfa>"},
        headers={"Accept": "text/html"},
    )
    assert reply.status_code == 200
    text = reply.data.decode()
    assert "&lt;script&gt;" in text
    # the data's text is escaped: the one script is the site template's own search box
    assert re.findall(r"<script[^>]*>", text) == ['<script src="/static/search.js" defer>']
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "<textarea" in page.data.decode() and "sd:Service" in page.data.decode()
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    css = client.get("/kosovo-kg.css")
    assert css.status_code == 200 and css.content_type.startswith("text/css")


def test_html_error_page_is_escaped(client):
    reply = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { <script>alert(1)</script> }"},
        headers={"Accept": "text/html"},
    )
    assert reply.status_code == 400
    assert "<script>" not in reply.data.decode()


def test_void_in_other_formats(client):
    reply = client.get("/.well-known/void", query_string={"format": "ntriples"})
    assert reply.status_code == 200
    assert reply.content_type.startswith("application/n-triples")
    assert f"<{BASE}dataset>" in reply.data.decode()
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def test_write_methods_and_unknown_dump(client):
    put = client.put("/sparql", data="x")
    assert put.status_code == 405 and "read-only" in put.data.decode()
    assert client.get("/dumps/other.nq").status_code == 404


def test_queue_full_and_queue_timeout_give_503_with_retry_after(tmp_path):
    settings = settings_for(tmp_path, workers=1, queue_size=0, queue_timeout=0.2, query_timeout=3.0)
    engine = Engine(settings).start()
    try:
        results = []
        slow = threading.Thread(target=lambda: results.append(engine.run(CARTESIAN)))
        slow.start()
        while engine.health()["busy"] < 1:  # wait until the only worker has taken the slow query
            time.sleep(0.01)
        full = engine.run("ASK {}", client="another")
        assert full.status == 503
        assert full.headers["Retry-After"] == "1"
        assert "queue is full" in full.body.decode()
        engine.pool.turns.queue_size = 1
        late = engine.run("ASK {}", client="another")
        assert late.status == 503 and "in time" in late.body.decode()
        slow.join(30)
        assert results[0].status == 504
        deadline = time.monotonic() + 60  # the killed worker's replacement starts
        while engine.health()["workers_alive"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert engine.run("ASK {}").status == 200
    finally:
        engine.close()


def test_a_crashing_worker_is_replaced(app):
    """Defence in depth: a query that kills its worker (here: nesting that overflows the parser's
    stack, sent past the pre-check) gets 500 and the pool replaces the worker."""
    engine = app.extensions["kosovo_kg.engine"]
    job = {
        "text": "SELECT * WHERE " + "{" * 20000 + "}" * 20000,
        "result_format": "json",
        "max_rows": 10,
        "max_bytes": 1000,
        "union": True,
    }
    reply = engine.pool.execute(job, 5.0, 30.0)
    assert reply[0] == "crash"
    assert engine.pool.replaced == 2  # the job was given once more, to another worker
    assert engine.run("ASK {}").status == 200
    deadline = time.monotonic() + 60
    while engine.health()["workers_alive"] < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert engine.health()["ok"] is True and engine.health()["workers_alive"] == 1


def test_format_parameter_may_be_a_media_type(client):
    reply = client.get("/sparql?query=ASK%20%7B%7D&format=application/sparql-results+xml")
    assert reply.status_code == 200
    assert reply.content_type.startswith("application/sparql-results+xml")


def test_empty_query_and_missing_query(client):
    empty = client.get("/sparql?query=")
    assert empty.status_code == 400 and "empty" in empty.data.decode()
    form = client.post("/sparql", data={"format": "json"})
    assert form.status_code == 400 and "missing query" in form.data.decode()


def test_served_data_are_pinned_at_start(tmp_path):
    """A rebuild while serving does not reach a replaced worker: all workers serve one version."""
    settings = settings_for(tmp_path, workers=1, query_timeout=1.0)
    dump = settings.data_dir / "generated" / "kosovo-kg.nq"
    engine = Engine(settings).start()
    try:
        version = engine.data_version
        assert version == store.data_version(dump)
        dump.write_text(
            "<urn:x:s> <urn:x:p> <urn:x:o> <https://w3id.org/kosovo-kg/graph/article> .\n"
        )
        for _ in range(2):  # kill twice: both replacements start after the rewrite
            deadline = time.monotonic() + 60
            while engine.health()["workers_alive"] < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert engine.run(CARTESIAN).status == 504
        assert engine.pool.replaced == 2
        count = engine.run("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        rows = json.loads(count.body)["results"]["bindings"]
        assert int(rows[0]["n"]["value"]) == FIXTURE_QUADS
        assert engine.data_version == version
        assert engine.dump.read_bytes() == FIXTURE.read_bytes()
    finally:
        engine.close()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_workers_die_with_the_server_even_mid_query(tmp_path):
    data, var = make_data_dir(tmp_path)
    host = tmp_path / "engine_host.py"
    host.write_text(
        textwrap.dedent(
            f"""
            import pathlib
            import time
            from kosovo_kg.engine import Engine
            from kosovo_kg.settings import load_settings
            if __name__ == "__main__":
                overrides = {{"data_dir": pathlib.Path({str(data)!r}),
                             "var_dir": pathlib.Path({str(var)!r}),
                             "workers": 1, "query_timeout": 300.0}}
                engine = Engine(load_settings(overrides, environ={{}})).start()
                pids = [w.process.pid for w in engine.pool.turns.free]
                print(" ".join(str(pid) for pid in pids), flush=True)
                engine.run({CARTESIAN!r})
            """
        )
    )
    process = subprocess.Popen([sys.executable, str(host)], stdout=subprocess.PIPE, text=True)
    pids = [int(pid) for pid in process.stdout.readline().split()]
    try:
        assert len(pids) == 1  # the worker about to run the slow query
        time.sleep(1.0)  # let the slow query start in its worker
        process.kill()
        process.wait(30)
        deadline = time.monotonic() + 30
        while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in pids if _running(pid)]
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_checked_dump_is_not_parsed_again_when_pinned_again(tmp_path, monkeypatch):
    """Pinning remembers a checked copy by its SHA-256: the same bytes skip the parse; other
    bytes (a corrupt dump) are parsed and refused; an old version's mark goes with its copy."""
    from kosovo_kg.store import disk

    data, var = make_data_dir(tmp_path)
    dump = data / "generated" / "kosovo-kg.nq"
    first = store.pin_serving_data("memory", dump, var)
    mark = var / "serve" / f"{first.version}.checked"
    assert mark.read_text().strip() == hashlib.sha256(dump.read_bytes()).hexdigest()
    parsed = []
    real_check = disk.check_nquads
    monkeypatch.setattr(disk, "check_nquads", lambda path: parsed.append(path) or real_check(path))
    assert store.pin_serving_data("memory", dump, var) == first
    assert parsed == []  # the same bytes: not parsed again
    dump.write_bytes(dump.read_bytes()[:-20])  # cut mid-quad
    with pytest.raises(store.StoreError, match=r"kosovo-kg\.nq:"):
        store.pin_serving_data("memory", dump, var)
    assert len(parsed) == 1
    dump.write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:o> <https://w3id.org/kosovo-kg/graph/a> .\n")
    second = store.pin_serving_data("memory", dump, var)
    assert len(parsed) == 2 and second.version != first.version
    assert sorted(p.name for p in (var / "serve").iterdir()) == [
        f"{second.version}.checked",
        f"{second.version}.nq",
    ]
