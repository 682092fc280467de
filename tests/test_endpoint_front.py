"""The uvicorn server's process model (`kosovo_kg.web.front`), over HTTP on a real server.

`kosovo-kg serve` supervises one front process. The front answers a query that its worker has
answered fast before itself (the query log says where each query ran). When such a query runs
past its deadline in the front (a query whose cost follows the clock), the client gets its 504
and a new front serves; the supervisor also replaces a front that is killed; a front that cannot
start stops the supervisor.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from endpoint_support import kosovo_kg_command, make_data_dir, run_server

ASK = "ASK { ?s ?p ?o }"
# Fast (one row at once) while the server's clock is in the first half of a second; otherwise
# the filter fails on every row of a cartesian product that runs for hours. The filter reads
# all three patterns, so the planner can neither fold it nor push it into one of them.
CLOCKED = (
    "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i"
    " FILTER(SECONDS(NOW()) - FLOOR(SECONDS(NOW()))"
    " + 0 * (STRLEN(STR(?c)) + STRLEN(STR(?f)) + STRLEN(STR(?i))) < 0.5) } LIMIT 1"
)


def _front_pid(supervisor: int) -> int:
    """The supervisor's child that serves (not multiprocessing's resource tracker)."""
    for line in Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split():
        cmdline = Path(f"/proc/{line}/cmdline").read_bytes()
        if b"spawn_main" in cmdline:
            return int(line)
    raise AssertionError("no front process")


def _until(server, ready: Callable[[], object], seconds: float = 60) -> None:
    """Poll `ready` until it is true; a connection error counts as "not yet" (a front being
    replaced). Past `seconds`, fail with the server's log."""
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            if ready():
                return
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.05)


def _health(server) -> dict:
    return server.get(path="/healthz").json()


def _log_lines(server, needle: str, count: int) -> list[str]:
    deadline = time.monotonic() + 10
    while True:
        lines = [x for x in server.log.read_text().splitlines() if needle in x]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_a_repeated_query_is_answered_by_the_front_with_the_workers_answer(tmp_path):
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    with run_server(tmp_path, {}) as server:
        assert not _health(server)["front_copy_loaded"]
        replies = [server.post_query(query)]  # a worker answers; the front starts its copy
        _until(server, lambda: _health(server)["front_copy_loaded"], 30)
        replies += [server.post_query(query) for _ in range(2)]
        lines = _log_lines(server, "kosovo_kg.query", 3)
        health = _health(server)
    assert health["front_known_jobs"] == 1 and health["front_answered"] == 2
    assert [r.status for r in replies] == [200, 200, 200]
    assert replies[1].body == replies[0].body == replies[2].body
    assert [x.rsplit("ran=", 1)[1] for x in lines[-3:]] == ["worker", "front", "front"]


def _at_fraction(low: float, high: float) -> None:
    """Wait until the clock's fraction of a second is in [low, high)."""
    while not low <= time.time() % 1 < high:
        time.sleep(0.005)


def test_a_query_the_front_runs_past_its_deadline_gets_504_and_a_new_front_serves(tmp_path):
    env = {"KOSOVO_KG_QUERY_TIMEOUT": "1", "KOSOVO_KG_INLINE_MS": "1000"}
    with run_server(tmp_path, env) as server:
        front = _front_pid(server.process.pid)
        for _ in range(10):  # a worker answers it fast: the front learns it
            _at_fraction(0.05, 0.3)
            if server.post_query(CLOCKED).status == 200:
                break
        else:
            raise AssertionError("the clocked query was never fast")
        _until(
            server, lambda: (h := _health(server))["front_copy_loaded"] and h["front_known_jobs"]
        )
        for _ in range(10):  # now the same job runs for hours, in the front
            _at_fraction(0.6, 0.8)
            started = time.monotonic()
            reply = server.post_query(CLOCKED)
            elapsed = time.monotonic() - started
            if reply.status != 200:  # 200: a busy machine delayed it into a fast half-second
                break
        assert reply.status == 504, reply.text
        assert "deadline" in reply.text and reply.headers["connection"] == "close"
        assert elapsed < 10  # 1 s deadline, the watchdog looks every 0.05 s
        _until(server, lambda: server.post_query(ASK, timeout=10).status == 200)  # a new front
        assert _front_pid(server.process.pid) != front
        log = server.log.read_text()
    assert f"Child process [{front}] died" in log
    stopped = [x for x in log.splitlines() if "status=504" in x]
    assert stopped and stopped[-1].endswith("ran=front")
    digest = stopped[-1].split("hash=")[1].split()[0]
    assert f"ERROR query hash={digest} ran past its 1 s deadline in the server process" in log


def test_sighup_serves_a_new_build_without_refusing_a_query(tmp_path):
    with run_server(tmp_path, {}) as server:
        before = _health(server)["data_version"]
        count = server.count()
        dump = Path(server.env["KOSOVO_KG_DATA_DIR"]) / "generated" / "kosovo-kg.nq"
        new = dump.with_suffix(".new")
        extra = '<http://example.org/s> <http://example.org/p> "new" <http://example.org/g> .\n'
        new.write_bytes(dump.read_bytes() + extra.encode())
        os.replace(new, dump)  # as `kosovo-kg build` does
        statuses: list[int | str] = []
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                try:
                    statuses.append(server.post_query(ASK, timeout=30).status)
                except OSError as exc:  # e.g. a reset: a refused query
                    statuses.append(repr(exc))

        client = threading.Thread(target=ask)
        client.start()
        time.sleep(0.3)
        os.kill(server.process.pid, signal.SIGHUP)
        _until(server, lambda: _health(server)["data_version"] != before)
        time.sleep(0.5)
        stop.set()
        client.join()
        assert server.count() == count + 1
        assert server.process.poll() is None
    assert len(statuses) > 10 and set(statuses) == {200}, statuses


def test_the_supervisor_replaces_a_front_that_ends(tmp_path):
    with run_server(tmp_path, {}) as server:
        assert server.post_query(ASK).status == 200
        front = _front_pid(server.process.pid)
        os.kill(front, signal.SIGKILL)
        _until(
            server,
            lambda: (
                server.post_query(ASK, timeout=10).status == 200
                and _front_pid(server.process.pid) != front
            ),
        )
        assert server.get(path="/healthz").status == 200
        assert server.process.poll() is None
        assert f"Child process [{front}] died" in server.log.read_text()


def test_a_front_that_cannot_start_stops_the_server(tmp_path):
    data, var = make_data_dir(tmp_path, b"<http://a> <http://b> this is not N-Quads .\n")
    env = dict(
        os.environ,
        KOSOVO_KG_DATA_DIR=str(data),
        KOSOVO_KG_VAR_DIR=str(var),
        KOSOVO_KG_PORT="0",
    )
    process = subprocess.run(
        [*kosovo_kg_command(), "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,
    )
    assert process.returncode == 3, process.stderr
    assert "the server cannot start" in process.stderr and "N-Quads" in process.stderr
    assert process.stderr.count("Started server process") == 0
    assert process.stderr.count("the server cannot start") == 1  # no restart loop
