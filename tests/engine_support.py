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
