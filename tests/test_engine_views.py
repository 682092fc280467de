"""The perspectives and the audit computed through an external engine equal the embedded ones.

Oxigraph's own server and Debian's Virtuoso (when installed) are started on loopback and loaded
with `kosovo-kg publish`. The perspective engine reads its facts through
`audit.remote_rows.RemoteRows` (the `select_rows` interface on the engine) and its counts and
statuses at several dates are compared with those from the embedded store; `kosovo-kg audit
--json` is run as a process with `KOSOVO_KG_SPARQL_BACKEND_URL` set and its report compared with
the embedded run's, at several dates. The differences between engines that remain are in
docs/external-engines.md; none touches these results.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_support import kosovo_kg_command
from engine_support import loaded_engine

from kosovo_kg import perspective as pv
from kosovo_kg.audit.remote_rows import RemoteRows
from kosovo_kg.settings import PROJECT_ROOT, load_settings
from kosovo_kg.store import QueryFailed, memory_store_from_nquads
from kosovo_kg.vocab import Iris

DUMP = PROJECT_ROOT / "data" / "generated" / "kosovo-kg.nq"
BASE = "https://w3id.org/kosovo-kg/"
# the declaration, the first year, the ICJ opinion, the 2018-2020 withdrawals claims, and later
DATES = [
    dt.date(2008, 2, 17),
    dt.date(2008, 12, 31),
    dt.date(2010, 7, 22),
    dt.date(2017, 11, 1),
    dt.date(2019, 6, 30),
    dt.date(2020, 9, 4),
    dt.date(2025, 1, 1),
]
AUDIT_DATES = ["2012-01-01", "2020-09-04"]


def _env(url: str, union: bool) -> dict[str, str]:
    return {
        "KOSOVO_KG_SPARQL_BACKEND_URL": url,
        "KOSOVO_KG_SPARQL_BACKEND_UNION_DEFAULT": "true" if union else "false",
        "KOSOVO_KG_QUERY_TIMEOUT": "120",
    }


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment that points our code at a loaded engine of each kind."""
    root = tmp_path_factory.mktemp(f"views-{request.param}")
    with loaded_engine(request.param, root / "db", DUMP) as (url, union):
        yield _env(url, union)


@pytest.fixture(scope="module")
def local_facts() -> pv.Facts:
    return pv.load_facts(memory_store_from_nquads(DUMP), Iris(BASE))


def _settings(env: dict[str, str]):
    return load_settings(environ=env)


def test_perspectives_through_the_engine_equal_the_embedded_ones(engine, local_facts):
    with RemoteRows(_settings(engine)) as source:
        remote_facts = pv.load_facts(source, Iris(BASE))
    perspectives = pv.predefined(local_facts)
    assert sorted(pv.predefined(remote_facts)) == sorted(perspectives)
    assert len(perspectives) >= 4
    compared = 0
    for name in perspectives:
        ours, theirs = pv.get(local_facts, name), pv.get(remote_facts, name)
        for day in DATES:
            assert pv.count_at(remote_facts, theirs, day) == pv.count_at(local_facts, ours, day)
            # every state's status, with the claims it is based on and who disputes it
            assert pv.status_at(remote_facts, theirs, day) == pv.status_at(local_facts, ours, day)
            compared += len(pv.count_at(local_facts, ours, day).definitely)
    assert compared > 1000  # real counts, not empty ones


def _audit(env: dict[str, str], day: str, tmp: Path) -> dict:
    data = tmp / "data" / "generated"
    data.mkdir(parents=True, exist_ok=True)
    full = dict(os.environ, KOSOVO_KG_DATA_DIR=str(data.parent), **env)
    if not env:  # the embedded run reads the bundled dump
        (data / "kosovo-kg.nq").write_bytes(DUMP.read_bytes())
    done = subprocess.run(
        [*kosovo_kg_command(), "audit", "--json", "--date", day],
        env=full,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("day", AUDIT_DATES)
def test_kosovo_kg_audit_through_the_engine_equals_the_embedded_audit(engine, day, tmp_path):
    remote = _audit(engine, day, tmp_path / "remote")  # no dump there: only the engine is read
    local = _audit({}, day, tmp_path / "local")
    assert local["contradictions"] and local["claimed_counts"]  # not an empty report
    for section in sorted(local):
        assert remote[section] == local[section], section


def test_an_unreachable_engine_is_a_clear_error(tmp_path):
    from endpoint_support import free_port

    env = _env(f"http://127.0.0.1:{free_port()}/sparql", True)
    data = tmp_path / "data"
    data.mkdir()
    done = subprocess.run(
        [*kosovo_kg_command(), "audit", "--json"],
        env=dict(os.environ, KOSOVO_KG_DATA_DIR=str(data), **env),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert b"Traceback" not in done.stderr
    assert b"audit failed" in done.stderr and b"cannot be reached" in done.stderr


def test_a_refused_query_raises_query_failed(engine):
    with RemoteRows(_settings(engine)) as source, pytest.raises(QueryFailed):
        source.select_rows("SELECT ?x WHERE { ?x")
