"""store_mode=memory: query workers are forks of one process that loaded the store once."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from endpoint_support import CARTESIAN, FIXTURE, FIXTURE_QUADS, GRAPHS, make_data_dir

from kosovo_kg.engine import Engine
from kosovo_kg.engine.pool import WORKER_MALLOC_TUNABLES, Pool
from kosovo_kg.settings import load_settings

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc, pidfd")
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def _count(engine: Engine) -> int:
    outcome = engine.run(COUNT)
    assert outcome.status == 200, outcome.body
    return int(json.loads(outcome.body)["results"]["bindings"][0]["n"]["value"])


def _wait_healthy(engine: Engine, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        health = engine.health()
        if health["ok"] and health["spare_ready"] >= 1:
            return
        engine.run("ASK {}")  # a query on a dead worker makes the pool replace it
        time.sleep(0.05)
    raise AssertionError(f"not healthy in {seconds} s: {engine.health()}")


@pytest.fixture
def engine(tmp_path):
    data, var = make_data_dir(tmp_path)
    settings = load_settings(
        {"data_dir": data, "var_dir": var, "workers": 2, "query_timeout": 1.0}, environ={}
    )
    assert settings.store_mode == "memory"
    started = Engine(settings).start()
    _wait_healthy(started)  # the spare is started after the pool is ready
    yield started
    started.close()


def test_workers_are_forks_of_one_loaded_store(engine):
    zygote = engine.pool._zygote.process.pid
    workers = list(engine.pool._all)
    assert len(workers) == 3  # two in rotation and the spare
    assert {_ppid(pid) for pid in workers} == {zygote}
    assert _ppid(zygote) == os.getpid()
    # forking is only safe from a single-threaded process: the load leaves no thread behind
    assert _threads(zygote) == 1
    assert _count(engine) == FIXTURE_QUADS


def test_a_worker_killed_at_the_deadline_is_replaced_by_a_fork(engine):
    zygote = engine.pool._zygote.process.pid
    before = set(engine.pool._all)
    assert engine.run(CARTESIAN).status == 504
    assert engine.run("ASK {}").status == 200  # the spare took the killed worker's place
    _wait_healthy(engine)
    after = set(engine.pool._all)
    assert engine.pool.replaced == 1
    assert len(after - before) == 1 and len(before - after) == 1
    # the replacement is a fork of the same store process: nothing was loaded again
    assert engine.pool._zygote.process.pid == zygote
    assert {_ppid(pid) for pid in after} == {zygote}
    gone = (before - after).pop()
    assert not Path(f"/proc/{gone}").exists()  # killed and reaped, no zombie left
    assert _count(engine) == FIXTURE_QUADS


def test_the_pool_reloads_when_the_store_process_dies(engine):
    zygote = engine.pool._zygote.process.pid
    workers = set(engine.pool._all)
    os.kill(zygote, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    # its workers die with it (PR_SET_PDEATHSIG), and the kernel reaps them
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    _wait_healthy(engine)
    assert engine.pool._zygote.process.pid != zygote
    assert _count(engine) == FIXTURE_QUADS


def test_close_stops_the_store_process_and_its_workers(tmp_path):
    data, var = make_data_dir(tmp_path)
    settings = load_settings({"data_dir": data, "var_dir": var, "workers": 1}, environ={})
    engine = Engine(settings).start()
    pids = [engine.pool._zygote.process.pid, *engine.pool._all]
    engine.close()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_a_corrupt_dump_fails_the_start_with_a_message(tmp_path):
    data, var = make_data_dir(tmp_path, b"<urn:x:s> <urn:x:p> this is not N-Quads .\n")
    settings = load_settings({"data_dir": data, "var_dir": var, "workers": 1}, environ={})
    engine = Engine(settings)
    with pytest.raises(Exception, match="could not open the store"):
        engine.start()
    engine.close()


def test_graph_listing_is_not_cut_by_the_public_row_cap(tmp_path):
    """The graphs (for FROM checks and the VoID description) are listed in full even when
    there are more graphs than `max_rows` (100x the dump has 34,900 graphs; max_rows is 10,000)."""
    data, var = make_data_dir(tmp_path)
    settings = load_settings({"data_dir": data, "var_dir": var, "workers": 1, "max_rows": 2}, {})
    engine = Engine(settings).start()
    try:
        graphs = {g: 0 for g in GRAPHS}
        for line in FIXTURE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                graphs[line.rsplit(" ", 2)[-2].strip("<>")] += 1
        assert engine.graphs == frozenset(GRAPHS)
        assert engine.graph_sizes == graphs  # counted in the background, waited for here
        last = sorted(GRAPHS)[-1]
        outcome = engine.run(f"SELECT * FROM <{last}> WHERE {{ ?s ?p ?o }} LIMIT 1")
        assert outcome.status == 200
    finally:
        engine.close()


def _rollup(pid: int) -> dict[str, int]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        out[name] = int(value.split()[0])
    return out


def test_each_worker_holds_a_private_copy_of_the_store(engine):
    """Reading the in-memory store writes to it: copy-on-write pages would be copied during the
    first queries. The worker copies them before it answers: almost none stay shared."""
    for pid in engine.pool._all:
        memory = _rollup(pid)
        assert memory["Shared_Dirty"] < 0.25 * memory["Rss"], memory  # 55% without the copy
    assert _count(engine) == FIXTURE_QUADS


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().partition("=")[::2] for item in raw if item)


def test_query_processes_start_with_the_malloc_tuning(engine):
    """The zygote and every worker forked from it run with GLIBC_TUNABLES set (glibc reads it
    when a process starts, so it must be in the environment they are started with)."""
    tuning = os.environ["GLIBC_TUNABLES"]
    processes = [engine.pool._zygote.process.pid, *engine.pool._all]
    assert {_environ(pid).get("GLIBC_TUNABLES") for pid in processes} == {tuning}


def test_the_pool_sets_the_malloc_tuning_unless_the_user_did(monkeypatch):
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    Pool(1, 1, "memory", "unused")
    assert os.environ["GLIBC_TUNABLES"] == WORKER_MALLOC_TUNABLES
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=1")
    Pool(1, 1, "memory", "unused")
    assert os.environ["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=1"
