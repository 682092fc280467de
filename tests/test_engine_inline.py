"""Queries answered in the front process (`kosovo_kg.engine.inline`), on a real store.

A job is answered by the front only after a worker has answered it fast, and then the answer is
the worker's, byte for byte. Slow jobs, large answers, SERVICE queries and callers that cannot
be told of a deadline always go to a worker. Past its deadline an inline job gets its 504 on the
client's socket and the process that ran it ends (checked in a child process).
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
import time

import pytest
from endpoint_support import CARTESIAN, KR, free_port, make_data_dir

from kosovo_kg.engine import Engine, inline
from kosovo_kg.engine.inline import KEY_CHARS, KNOWN_JOBS, InlineRunner, Watchdog
from kosovo_kg.settings import load_settings

SELECT = f"SELECT ?s ?o WHERE {{ ?s <{KR}actor> ?o }} ORDER BY ?s ?o LIMIT 5"
CONSTRUCT = f"CONSTRUCT {{ ?s <{KR}actor> ?o }} WHERE {{ ?s <{KR}actor> ?o }} LIMIT 5"
CASES = [
    (SELECT, "json"),
    (SELECT, "xml"),
    (SELECT, "csv"),
    (SELECT, "tsv"),
    ("ASK { ?s ?p ?o }", "json"),
    ("ASK { ?s ?p ?o }", "xml"),
    (CONSTRUCT, "turtle"),
    (CONSTRUCT, "ntriples"),
    (CONSTRUCT, "nquads"),
    (CONSTRUCT, "rdfxml"),
    (CONSTRUCT, "jsonld"),
    (f"DESCRIBE ?s WHERE {{ ?s <{KR}actor> ?o }} LIMIT 1", "trig"),
    ("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "json"),  # capped at max_rows: truncated
    ("SELECT * WHERE { ?s ?p", "json"),  # a parse error: 400, never learned
]


def _noop(outcome) -> None:
    raise AssertionError(f"no query here should pass its deadline: {outcome}")


def _engine(tmp_path, **values) -> Engine:
    data, var = make_data_dir(tmp_path)
    settings = load_settings(
        {"data_dir": data, "var_dir": var, "max_rows": 3, "workers": 1, **values}, environ={}
    )
    engine = Engine(settings).start()
    if engine.inline is None:
        return engine
    assert not engine.inline.started  # nothing loaded before a query from an event loop asks
    assert engine.run("ASK {}").status == 200 and not engine.inline.started
    asyncio.run(engine.run_async("ASK {}", overrun=_noop))
    deadline = time.monotonic() + 30
    while not engine.inline.ready:
        assert time.monotonic() < deadline, "the front's copy of the store did not load"
        time.sleep(0.05)
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine = _engine(tmp_path_factory.mktemp("inline"), inline_ms=1000.0)
    yield engine
    engine.close()


def _run(engine: Engine, query: str, overrun=_noop, **options):
    before = engine.inline.answered
    outcome = asyncio.run(engine.run_async(query, overrun=overrun, **options))
    return outcome, engine.inline.answered - before


@pytest.mark.parametrize(("query", "fmt"), CASES)
def test_a_repeated_job_is_answered_by_the_front_exactly_as_by_its_worker(engine, query, fmt):
    first, inline_first = _run(engine, query, result_format=fmt)
    second, inline_second = _run(engine, query, result_format=fmt)
    assert inline_first == 0  # the first time, a worker
    assert inline_second == (1 if first.status == 200 else 0)
    assert (second.status, second.media_type, second.rows, second.truncated, second.kind) == (
        first.status,
        first.media_type,
        first.rows,
        first.truncated,
        first.kind,
    )
    assert second.body == first.body
    assert second.headers == first.headers


def test_a_job_is_known_with_its_dataset_and_bound_values(engine):
    query = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
    graph = "https://w3id.org/kosovo-kg/graph/news"
    assert _run(engine, query)[1] == 0
    assert _run(engine, query)[1] == 1
    assert _run(engine, query, default_graph_uris=[graph])[1] == 0  # another dataset
    bound = f"SELECT ?s ?o WHERE {{ ?s <{KR}actor> ?o }} LIMIT 1"
    one, other = f"<{KR}x1>", f"<{KR}x2>"
    assert _run(engine, bound, substitutions={"s": one})[1] == 0
    assert _run(engine, bound, substitutions={"s": one})[1] == 1
    assert _run(engine, bound, substitutions={"s": other})[1] == 0  # other values: a worker


def test_callers_that_cannot_be_told_of_a_deadline_always_use_a_worker(engine):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _run(engine, query)[1] == 0 and _run(engine, query)[1] == 1  # known to the front
    before = engine.inline.answered
    for _ in range(3):
        assert engine.run(query).status == 200  # from a thread: no overrun callable
        assert asyncio.run(engine.run_async(query)).status == 200
    assert engine.inline.answered == before


def test_large_answers_are_not_learned(engine, monkeypatch):
    monkeypatch.setattr(inline, "INLINE_BYTES", 100)
    query = f"SELECT ?s ?o ?x WHERE {{ ?s <{KR}actor> ?o BIND(1 AS ?x) }} LIMIT 3"
    first, _ = _run(engine, query)
    assert first.status == 200 and len(first.body) > 100
    assert _run(engine, query)[1] == 0


def test_slow_jobs_are_not_learned(tmp_path):
    engine = _engine(tmp_path, inline_ms=0.000001)
    try:
        for _ in range(3):
            assert _run(engine, "ASK { ?s ?p ?o }")[1] == 0
        assert engine.inline.known == 0
    finally:
        engine.close()


def test_service_queries_are_never_answered_by_the_front(tmp_path):
    endpoint = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens: SILENT answers fast
    engine = _engine(tmp_path, inline_ms=10_000.0, service_allowlist=(endpoint,))
    try:
        query = f"SELECT * WHERE {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}"
        known = engine.inline.known
        for _ in range(3):
            outcome, inline_runs = _run(engine, query)
            assert outcome.status == 200 and inline_runs == 0
        assert engine.inline.known == known
    finally:
        engine.close()


def test_inline_ms_zero_turns_the_front_copy_off(tmp_path):
    engine = _engine(tmp_path, inline_ms=0.0)
    try:
        assert engine.inline is None
        for _ in range(2):
            assert asyncio.run(engine.run_async("ASK {}", overrun=_noop)).status == 200
    finally:
        engine.close()


def test_the_known_jobs_are_bounded_in_number_and_size(tmp_path):
    runner = InlineRunner("memory", tmp_path / "none.nq", budget=1.0)
    fast = ("ok", "boolean", b"true", 1, False, 0.0001)
    for i in range(KNOWN_JOBS + 10):
        runner.learn((f"q{i}", "json", 1, 1, True, (), (), ()), fast)
    assert runner.known == KNOWN_JOBS
    slow, failed = (
        ("slow", "json", 1, 1, True, (), (), ()),
        ("bad", "json", 1, 1, True, (), (), ()),
    )
    runner.learn(slow, ("ok", "boolean", b"true", 1, False, 2.0))
    runner.learn(failed, ("fail", 400, "bad"))
    assert slow not in runner._known and failed not in runner._known
    long_text = ("x" * (KEY_CHARS + 1), "json", 1, 1, True, (), (), ())
    long_values = ("q", "json", 1, 1, True, (("v", "x" * KEY_CHARS),), (), ())
    runner.learn(long_text, fast)
    runner.learn(long_values, fast)
    assert long_text not in runner._known and long_values not in runner._known
    assert runner.known == KNOWN_JOBS
    assert ("q0", "json", 1, 1, True, (), (), ()) not in runner._known  # the oldest forgotten
    assert not runner.knows((f"q{KNOWN_JOBS + 9}", "json", 1, 1, True, (), (), ()))  # not loaded


def test_the_watchdog_fires_once_past_the_deadline_and_never_after_disarm():
    events: list[str] = []
    dog = Watchdog(interval=0.01, end=lambda: events.append("end"))
    dog.start()
    dog.arm(time.monotonic() + 0.05, lambda: events.append("overrun"))
    dog.disarm()
    time.sleep(0.2)
    assert events == []
    dog.arm(time.monotonic() + 0.05, lambda: events.append("overrun"))
    time.sleep(0.3)
    assert events == ["overrun", "end"]


CHILD = """
import asyncio, functools
from kosovo_kg.engine import Engine
from kosovo_kg.engine.inline import job_key
from kosovo_kg.settings import load_settings
from kosovo_kg.web import logs
from kosovo_kg.web.asgi import write_last

logs.configure()
settings = load_settings(
    {{"data_dir": {data!r}, "var_dir": {var!r}, "query_timeout": 1.0, "workers": 1,
      "inline_ms": 60000.0}},
    environ={{}},
)
engine = Engine(settings).start()
engine.inline.start(wait=True)
job, limit, info = engine._prepare({query!r})
# as if a worker had answered this job at once: it runs in the front from now on
engine.inline.learn(job_key(job), ("ok", "solutions", b"", 1, False, 0.0))
overrun = functools.partial(write_last, {fd}, [("X-Test", "1")])
outcome = asyncio.run(engine.run_async({query!r}, overrun=overrun))
print("not stopped:", outcome.status)
"""


def test_an_inline_job_past_its_deadline_gets_a_504_and_its_process_ends(tmp_path):
    data, var = make_data_dir(tmp_path)
    ours, theirs = socket.socketpair()
    code = textwrap.dedent(
        CHILD.format(data=str(data), var=str(var), query=CARTESIAN, fd=theirs.fileno())
    )
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        pass_fds=[theirs.fileno()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    theirs.close()
    try:
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    elapsed = time.monotonic() - started
    received = b""
    ours.settimeout(5)
    while chunk := ours.recv(65536):
        received += chunk
    ours.close()
    assert child.returncode == inline.EXIT_DEADLINE, err.decode()
    assert b"not stopped" not in out
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 504 Gateway Timeout"
    assert "Connection: close" in lines and "X-Test: 1" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert b"deadline" in body
    log = err.decode()
    assert "status=504" in log and "ran=front" in log  # the query's log line is written
    assert elapsed < 30  # a 1 s deadline, plus start-up: the cartesian product runs for hours
