"""Shared helpers for the endpoint tests: a data folder, a real server process, a listener."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).parent / "fixtures" / "endpoint.nq"
FIXTURE_QUADS = sum(1 for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip())
BASE = "https://w3id.org/kosovo-kg/"
KR = BASE + "ontology#"
GRAPHS = [BASE + f"graph/{name}" for name in ("article", "derived", "news", "reference")]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def make_data_dir(root: Path, nquads: bytes | None = None) -> tuple[Path, Path]:
    """A data folder holding the fixture (or the given N-Quads) as the dump, and a var folder."""
    data, var = root / "data", root / "var"
    (data / "generated").mkdir(parents=True, exist_ok=True)
    target = data / "generated" / "kosovo-kg.nq"
    if nquads is None:
        shutil.copy(FIXTURE, target)
    else:
        target.write_bytes(nquads)
    return data, var


@contextlib.contextmanager
def fixture_app(root: Path, **overrides: Any) -> Iterator[Any]:
    """The Flask app on the fixture, with an engine of its own (closed at the end)."""
    from kosovo_kg.engine import Engine
    from kosovo_kg.settings import load_settings
    from kosovo_kg.web import create_app

    data, var = make_data_dir(root)
    settings = load_settings({"data_dir": data, "var_dir": var, **overrides}, environ={})
    engine = Engine(settings).start()
    try:
        yield create_app(settings, engine=engine)
    finally:
        engine.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> dict:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(
        self,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        accept: str | None = None,
        path: str = "/sparql",
        timeout: float = 30.0,
    ) -> Reply:
        query = "?" + urllib.parse.urlencode(params) if params else ""
        headers = {"Accept": accept} if accept else {}
        return self.request("GET", path + query, headers=headers, timeout=timeout)

    def post_query(self, query: str, accept: str | None = None, timeout: float = 30.0) -> Reply:
        headers = {"Content-Type": "application/sparql-query"}
        if accept:
            headers["Accept"] = accept
        return self.request("POST", "/sparql", query.encode(), headers, timeout)

    def post_form(self, params: Mapping[str, str], accept: str | None = None) -> Reply:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        body = urllib.parse.urlencode(params).encode()
        return self.request("POST", "/sparql", body, headers)

    def count(self) -> int:
        reply = self.get({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
        assert reply.status == 200, reply.text
        return int(reply.json()["results"]["bindings"][0]["n"]["value"])


def kosovo_kg_command() -> list[str]:
    script = Path(sys.executable).parent / "kosovo-kg"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from kosovo_kg.cli import main; main()"]


@contextlib.contextmanager
def run_server(
    root: Path, extra_env: Mapping[str, str], nquads: bytes | None = None
) -> Iterator[Server]:
    """Start `kosovo-kg serve` on a free loopback port and wait for /healthz."""
    data, var = make_data_dir(root, nquads)
    env = {"KOSOVO_KG_DATA_DIR": str(data), "KOSOVO_KG_VAR_DIR": str(var), **extra_env}
    with serving(kosovo_kg_command(), {**os.environ, **env}, root / "server.log") as server:
        yield server


@contextlib.contextmanager
def serving(
    command: list[str], env: Mapping[str, str], log: Path, cwd: Path | None = None
) -> Iterator[Server]:
    """`<command> serve` with this environment on a free loopback port, once /healthz is 200;
    stopped (SIGTERM, then SIGKILL to its process group) at the end."""
    port = free_port()
    env = {**env, "KOSOVO_KG_PORT": str(port), "KOSOVO_KG_HOST": "127.0.0.1"}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*command, "serve"],
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, process, log, env)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError("server exited:\n" + log.read_text(errors="replace"))
            with contextlib.suppress(OSError, http.client.HTTPException):
                if server.request("GET", "/healthz", timeout=2).status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become healthy:\n" + log.read_text())
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


class Listener:
    """A TCP listener on loopback that records every connection (it must stay untouched)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.connections.append(data or b"<connected>")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def as_client(server: Server, who: str, query: str, timeout: float = 60) -> int:
    """POST a query as client `who` (X-Forwarded-For; the server trusts loopback as a proxy)."""
    headers = {"Content-Type": "application/sparql-query", "X-Forwarded-For": who}
    return server.request("POST", "/sparql", query.encode(), headers, timeout).status


def wait_until(check, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def health(server: Server) -> dict:
    return server.get(path="/healthz", timeout=30).json()


def check_slow_client_holds_one_slot(server: Server) -> None:
    """Two slow queries of one client, then a cheap one of another client (a server with 2
    workers and a `query_timeout` under its `queue_timeout`): the cheap one is answered while
    the slow ones still run, one after the other, each to its deadline (504)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(as_client, server, "10.0.0.1", CARTESIAN) for _ in range(2)]
        wait_until(lambda: health(server)["busy"] == 1 and health(server)["waiting"] == 1)
        assert as_client(server, "10.0.0.2", "ASK {}") == 200  # the second slot was free
        assert not any(f.done() for f in slow)
        assert [f.result() for f in slow] == [504, 504]
