"""The ASGI app (`kosovo_kg.web.asgi`, served by uvicorn) and the pool's waiting on an event loop.

Each request of the fast-path cases goes once through the ASGI app and once through the Flask
app alone; status, headers and body must be the same, and a `before_request` hook proves which
path answered. The pool tests run real worker processes: a deadline kills the worker and the
next query is answered, a full queue refuses, a coroutine and a thread waiting for the one
worker are both served, and a query cancelled mid-job does not leave its reply for the next.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
import urllib.parse

import pytest
from endpoint_support import CARTESIAN, counted_app, make_data_dir
from test_endpoint_fastpath import CASES, FORM, SELECT
from werkzeug.test import Client

from kosovo_kg.engine import Engine
from kosovo_kg.engine.pool import Busy
from kosovo_kg.settings import load_settings
from kosovo_kg.web.asgi import AsgiApp


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with counted_app(tmp_path_factory.mktemp("asgi")) as (app, settings, engine, seen):
        loop = asyncio.new_event_loop()
        yield AsgiApp(app, engine, settings), app, seen, loop
        loop.close()


def _body_bytes(body) -> bytes:
    if body is None:
        return b""
    if isinstance(body, dict):
        return urllib.parse.urlencode(body).encode()
    return body if isinstance(body, bytes) else body.encode()


async def _asgi_call(app, method, args, ctype, body, accept, path="/sparql"):
    headers = [(b"host", b"localhost")]
    if accept:
        headers.append((b"accept", accept.encode()))
    data = _body_bytes(body)
    if method == "POST":
        headers += [(b"content-type", ctype.encode()), (b"content-length", b"%d" % len(data))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": urllib.parse.urlencode(args).encode(),
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("localhost", 80),
    }
    chunks = [data[:5], data[5:]]  # the body in two messages

    async def receive():
        if chunks:
            part = chunks.pop(0)
            return {"type": "http.request", "body": part, "more_body": bool(chunks)}
        await asyncio.sleep(3600)  # a client that stays connected

    sent = []

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    start = sent[0]
    assert start["type"] == "http.response.start"
    headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    payload = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], headers, payload


def _flask_call(app, case):
    method, args, ctype, body, accept, _ = case
    kwargs = {"query_string": args, "headers": {"Accept": accept} if accept else {}}
    if method == "POST":
        kwargs["content_type"] = ctype
        kwargs["data"] = body
    response = Client(app.wsgi_app.app).open("/sparql", method=method, **kwargs)
    return response.status_code, {k.lower(): v for k, v in response.headers}, response.get_data()


@pytest.mark.parametrize("name", sorted(CASES))
def test_asgi_app_answers_as_the_flask_view_does(served, name):
    asgi, app, seen, loop = served
    case = CASES[name]
    before = len(seen)
    ours = loop.run_until_complete(_asgi_call(asgi, *case[:5]))
    on_the_loop = len(seen) == before
    flask_only = _flask_call(app, case)
    assert on_the_loop is case[-1], f"{name}: answered by the wrong path"
    if name == "deadline-504":
        assert ours[0] == flask_only[0] == 504
    assert ours == flask_only


def test_other_paths_and_bodies_over_the_limit_go_to_flask(served):
    asgi, _, seen, loop = served
    before = len(seen)
    status, headers, body = loop.run_until_complete(
        _asgi_call(asgi, "GET", {}, None, None, None, path="/healthz")
    )
    assert status == 200 and b"workers_alive" in body
    assert headers["access-control-allow-origin"] == "*"
    assert len(seen) == before + 1
    limit = asgi.max_body
    near = {"query": SELECT + " " * 30_000}  # a long body within the limit: on the loop
    status, _, _ = loop.run_until_complete(_asgi_call(asgi, "POST", {}, FORM, near, None))
    assert status == 200 and len(seen) == before + 1
    over = {"query": SELECT + " " * limit}  # over it: Flask refuses it
    status, _, body = loop.run_until_complete(_asgi_call(asgi, "POST", {}, FORM, over, None))
    assert status == 413 and b"request body too large" in body
    assert len(seen) == before + 2


# --- the pool on an event loop -------------------------------------------------------------------
@pytest.fixture
def engine(tmp_path):
    data, var = make_data_dir(tmp_path)
    settings = load_settings(
        {
            "data_dir": data,
            "var_dir": var,
            "workers": 1,
            "query_timeout": 1.0,
            "queue_size": 2,
            "queue_timeout": 3.0,
        },
        environ={},
    )
    engine = Engine(settings).start()
    yield engine
    engine.close()


def test_deadline_kills_the_worker_and_the_next_query_is_answered(engine):
    async def scenario():
        began = time.monotonic()
        stopped = await engine.run_async(CARTESIAN)
        took = time.monotonic() - began
        after = await engine.run_async("ASK {}")
        return stopped, took, after

    before = set(engine.pool._active)
    stopped, took, after = asyncio.run(scenario())
    assert stopped.status == 504 and b"deadline" in stopped.body
    assert took < 5
    assert after.status == 200 and after.body.strip().endswith(b"true}")
    assert engine.pool.replaced == 1
    assert not before & set(engine.pool._active)  # the worker that ran it is gone


def test_a_full_queue_refuses_at_once_and_waiters_are_served_in_turn(engine):
    async def scenario():
        slow = asyncio.ensure_future(engine.run_async(CARTESIAN))  # holds the one worker
        await asyncio.sleep(0.1)
        waiting = [asyncio.ensure_future(engine.run_async("ASK {}")) for _ in range(2)]
        await asyncio.sleep(0.1)
        refused = await engine.run_async("ASK {}")  # two wait already: queue_size is 2
        return refused, await slow, await asyncio.gather(*waiting)

    refused, slow, waited = asyncio.run(scenario())
    assert refused.status == 503 and "queue is full" in refused.body.decode()
    assert refused.headers["Retry-After"] == "3"
    assert slow.status == 504
    assert [o.status for o in waited] == [200, 200]


def test_a_thread_and_a_coroutine_waiting_for_one_worker_are_both_served(engine):
    """Flask views (threads) and the fast path (coroutines) share the pool under uvicorn."""
    results: dict[str, int] = {}

    def in_thread():
        results["thread"] = engine.run("ASK {}").status

    async def scenario():
        worker = engine.pool.acquire(1.0)  # the one worker is busy
        thread = threading.Thread(target=in_thread)
        thread.start()
        coroutine = asyncio.ensure_future(engine.run_async("ASK {}"))
        await asyncio.sleep(0.2)
        assert not coroutine.done() and thread.is_alive()
        engine.pool.release(worker)
        results["coroutine"] = (await coroutine).status
        await asyncio.get_running_loop().run_in_executor(None, thread.join, 10)

    asyncio.run(scenario())
    assert results == {"thread": 200, "coroutine": 200}


def test_a_coroutine_waiting_too_long_gets_busy(engine):
    async def scenario():
        worker = engine.pool.acquire(1.0)
        try:
            began = time.monotonic()
            with pytest.raises(Busy, match="no query worker became free in time"):
                await engine.pool.acquire_async(0.3)
            return time.monotonic() - began
        finally:
            engine.pool.release(worker)

    assert 0.25 < asyncio.run(scenario()) < 2
    assert engine.pool.health()["waiting"] == 0


def test_a_query_cancelled_mid_job_does_not_answer_the_next(engine):
    """A coroutine cancelled while its worker runs (e.g. at shutdown) discards the worker: its
    late reply must not be read as the answer to the next query."""

    async def scenario():
        task = asyncio.ensure_future(engine.run_async(CARTESIAN))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return await engine.run_async("SELECT (42 AS ?answer) WHERE {}")

    answer = asyncio.run(scenario())
    assert answer.status == 200 and b'"42"' in answer.body
    assert engine.pool.replaced == 1


def test_large_replies_on_the_loop_then_in_a_thread(engine):
    """A reply larger than the pipe's buffer arrives in pieces: read whole on the event loop
    (uvloop's, as served) and then, from the same worker, by a thread (a Flask view)."""
    import uvloop

    everything = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?copy { 1 2 3 4 5 6 7 8 9 10 11 } }"  # 9,262 rows: over the pipe's buffer, so the worker waits for the reader

    async def on_the_loop():
        return [await engine.run_async(everything) for _ in range(3)]

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        replies = runner.run(on_the_loop())
    replies.append(engine.run(everything))
    assert [r.status for r in replies] == [200] * 4
    assert len(replies[0].body) > 1 << 21 and replies[0].rows == 9262
    assert len({r.body for r in replies}) == 1
    assert engine.pool.replaced == 0


@pytest.fixture
def serving_loop(engine):
    """An event loop running in its own thread, as uvicorn's runs while Flask threads work."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_thread_queries_go_through_the_serving_loop(engine, serving_loop):
    """While the loop serves queries, a thread's query (a Flask view's) runs on the loop too:
    one owner of the workers' pipes. The deadline and the replacement hold on that path, and
    the replacement worker, first used by a thread, is watched by the loop."""
    first = asyncio.run_coroutine_threadsafe(engine.run_async("ASK {}"), serving_loop).result(10)
    assert first.status == 200
    assert engine.pool._idle.loop is serving_loop
    stopped = engine.run(CARTESIAN)  # from this (non-loop) thread
    assert stopped.status == 504 and engine.pool.replaced == 1
    answer = engine.run("SELECT (42 AS ?answer) WHERE {}")
    assert answer.status == 200 and b'"42"' in answer.body
    (active,) = [engine.pool._all[pid] for pid in engine.pool._active]
    assert active.on_loop is serving_loop  # the thread's job ran on the loop


def test_a_watched_worker_that_dies_idle_is_unwatched_and_replaced(engine, serving_loop):
    def ask():
        coroutine = engine.run_async("ASK {}")
        return asyncio.run_coroutine_threadsafe(coroutine, serving_loop).result(10)

    assert ask().status == 200
    (worker,) = [w for w in engine.pool._all.values() if w.on_loop is serving_loop]
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(5)
    deadline = time.monotonic() + 5
    while worker.on_loop is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert worker.on_loop is None  # the loop stopped watching the closed pipe (no busy loop)
    statuses = [ask().status for _ in range(3)]
    assert statuses[0] in (200, 500) and statuses[1:] == [200, 200]
    assert engine.pool.replaced == 1
