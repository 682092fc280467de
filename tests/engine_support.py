"""Shared helpers for the tests over external engines: the `oxigraph` CLI and a started server."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_support import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"


def oxigraph_cli() -> str:
    if OXIGRAPH.exists():
        return str(OXIGRAPH)
    found = shutil.which("oxigraph")
    if not found:
        pytest.fail("the `oxigraph` CLI (PyPI package oxigraph, a test dependency) is missing")
    return found


def wait_http(port: int, process: subprocess.Popen, path: str = "/") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the engine exited")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        time.sleep(0.1)
    raise RuntimeError("the engine did not start")


@contextlib.contextmanager
def oxigraph_serve(args: list[str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """`oxigraph <args> --bind 127.0.0.1:<free port>`; yields its base URL and the process."""
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_cli(), *args, "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


VIRTUOSO_MISSING = (
    "Debian's virtuoso-opensource is not installed (virtuoso-t not on PATH); `.ci/run` installs"
    " it, or `apt-get install virtuoso-opensource`"
)


@contextlib.contextmanager
def virtuoso(
    folder: Path, allowed: Path, buffers: int = 0, query_seconds: int = 60
) -> Iterator[tuple[str, int]]:
    """A throw-away Virtuoso (Debian's `virtuoso-t`) on loopback, its database in `folder`, files
    under `allowed` readable by its bulk loader, and Graph Store writes allowed without a login
    (`SPARQL_UPDATE` granted to the anonymous `SPARQL` user: loopback test only). Yields its HTTP
    base URL and its SQL port (for `isql-vt`). `buffers`: its page cache in 8 KiB pages
    (`NumberOfBuffers`, dirty pages at most 3/4 of it), which bounds its memory; 0 keeps
    Virtuoso's small default (2,000 pages, enough for the bundled dump)."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (folder / "virtuoso.ini").write_text(
        f"[Database]\nDatabaseFile={folder}/v.db\nErrorLogFile={folder}/v.log\n"
        f"TransactionFile={folder}/v.trx\nxa_persistent_file={folder}/v.pxa\n"
        f"[Parameters]\nServerPort=127.0.0.1:{sql_port}\nDirsAllowed=.,{allowed}\n"
        + (f"NumberOfBuffers={buffers}\nMaxDirtyBuffers={buffers * 3 // 4}\n" if buffers else "")
        + f"[HTTPServer]\nServerPort=127.0.0.1:{http_port}\nServerRoot={folder}\n"
        f"[SPARQL]\nResultSetMaxRows=100000\nMaxQueryExecutionTime={query_seconds}\n"
    )
    process = subprocess.Popen(
        ["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_http(http_port, process, "/sparql")
        isql(sql_port, 'grant SPARQL_UPDATE to "SPARQL";')
        yield f"http://127.0.0.1:{http_port}", sql_port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def isql(sql_port: int, statements: str, timeout: float = 600) -> str:
    """Run SQL statements as `dba`; returns what isql printed."""
    done = subprocess.run(
        ["isql-vt", str(sql_port), "dba", "dba", f"exec={statements}"],
        check=True,
        timeout=timeout,
        capture_output=True,
    )
    return done.stdout.decode(errors="replace")


@contextlib.contextmanager
def loaded_engine(kind: str, folder: Path, dump: Path) -> Iterator[tuple[str, bool]]:
    """Oxigraph's server (`kind="oxigraph"`, with its union default graph) or a Virtuoso
    (`"virtuoso"`; skips when it is not installed) on loopback, loaded with `kosovo-kg publish`.
    Yields its query URL and the `sparql_backend_union_default` it needs: Virtuoso's union also
    holds its system graphs, so there the service sends the dataset's graphs with the protocol."""
    from kosovo_kg.publish import publish

    if kind == "oxigraph":
        with oxigraph_serve(["serve", "--union-default-graph"]) as (base, _):
            publish(dump, f"{base}/store", environ={})
            yield f"{base}/query", True
        return
    if shutil.which("virtuoso-t") is None:
        pytest.skip(VIRTUOSO_MISSING)
    with virtuoso(folder, dump.parent) as (base, _):
        publish(dump, f"{base}/sparql-graph-crud", environ={})
        yield f"{base}/sparql", False
