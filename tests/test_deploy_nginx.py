"""docs/deploy.md's nginx configuration, run for real: Debian's nginx (its own prefix, config and
cache in a temporary folder, on loopback) in front of two `kosovo-kg serve` processes."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from endpoint_support import FIXTURE, Reply, Server, free_port, kosovo_kg_command, run_server

DEPLOY = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"
NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
)
pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (Debian: `apt-get install nginx`; `.ci/run` installs it)",
)
MAX_AGE = 2  # seconds a saved answer stays fresh in nginx (KOSOVO_KG_SAVED_MAX_AGE)
COUNT = "/queries/quad-count"
SAVED = """#+ title: Quads
#+ description: How many quads the named graphs hold.
SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
"""
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
EXTRA = '<urn:x:new> <urn:x:p> "a new version" <https://w3id.org/kosovo-kg/graph/reference> .\n'


def nginx_block() -> str:
    """The one ```nginx block of docs/deploy.md, as documented."""
    blocks = re.findall(r"```nginx\n(.*?)```", DEPLOY.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1, "docs/deploy.md must hold exactly one nginx block"
    return blocks[0]


@dataclass
class Proxy:
    port: int
    access_log: Path

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def count(self) -> Reply:
        return self.request("GET", COUNT, Accept="application/json")

    def sparql(self) -> Reply:
        return self.request(
            "POST", "/sparql", QUERY.encode(), **{"Content-Type": "application/sparql-query"}
        )


def value(reply: Reply) -> int:
    assert reply.status == 200, reply.text
    return int(reply.json()["results"]["bindings"][0]["n"]["value"])


@contextlib.contextmanager
def nginx(folder: Path, upstreams: list[int]) -> Iterator[Proxy]:
    port = free_port()
    config = nginx_block()
    replacements = {
        "127.0.0.1:8001": f"127.0.0.1:{upstreams[0]}",
        "127.0.0.1:8002": f"127.0.0.1:{upstreams[1]}",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/cache/nginx/kosovo-kg": str(folder / "cache"),
    }
    for old, new in replacements.items():
        assert config.count(old) == 1, f"docs/deploy.md's nginx block lacks {old!r}"
        config = config.replace(old, new)
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    temp += f" uwsgi_temp_path {folder / 'uwsgi'}; scgi_temp_path {folder / 'scgi'};"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers reach the tmp folder
    (folder / "nginx.conf").write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\nevents {{ worker_connections 256; }}\n"
        "http {\n"
        f"log_format routed '$request_method $uri $status $upstream_addr $upstream_cache_status';\n"
        f"access_log {folder / 'access.log'} routed;\n{temp}\n{config}\n}}\n"
    )
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", "stderr"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        command, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
    )
    proxy = Proxy(port, folder / "access.log")
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError):
                proxy.request("GET", "/healthz")
                break
            assert process.poll() is None, (folder / "error.log").read_text()
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield proxy
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful shutdown of master and worker
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@dataclass
class Deployment:
    proxy: Proxy
    servers: list[Server]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "quad-count.rq").write_text(SAVED)
    env = {
        "KOSOVO_KG_QUERIES_DIR": str(queries),
        "KOSOVO_KG_SAVED_MAX_AGE": str(MAX_AGE),
        "KOSOVO_KG_TRUSTED_PROXIES": "127.0.0.1",
        "KOSOVO_KG_WORKERS": "1",
    }
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(run_server(tmp_path / n, env)) for n in ("a", "b")]
        (tmp_path / "nginx").mkdir()
        proxy = stack.enter_context(nginx(tmp_path / "nginx", [s.port for s in servers]))
        yield Deployment(proxy, servers)


def stop(server: Server, how: signal.Signals = signal.SIGTERM) -> None:
    os.killpg(server.process.pid, how)
    server.process.wait(30)


def test_cached_answers_are_served_while_both_servers_are_stopped(deployment):
    proxy = deployment.proxy
    first = proxy.count()
    assert first.header("X-Cache-Status") == "MISS" and first.header("ETag")
    again = proxy.count()
    assert again.header("X-Cache-Status") == "HIT" and again.body == first.body
    home = proxy.request("GET", "/", Accept="text/html")
    assert home.status == 200 and "max-age" in (home.header("Cache-Control") or "")
    assert proxy.request("GET", "/", Accept="text/html").header("X-Cache-Status") == "HIT"
    passed = proxy.sparql()
    assert value(passed) == value(first) and passed.header("X-Cache-Status") is None
    for server in deployment.servers:
        stop(server)
    down = proxy.count()
    assert down.status == 200 and down.body == first.body
    assert down.header("X-Cache-Status") in {"HIT", "STALE"}
    page = proxy.request("GET", "/", Accept="text/html")
    assert page.status == 200 and page.body == home.body
    assert proxy.sparql().status == 502  # never cached: nothing answers it now


def test_a_killed_replica_is_routed_around(deployment):
    proxy, (killed, alive) = deployment.proxy, deployment.servers
    stop(killed, signal.SIGKILL)
    statuses = []
    by_get = "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    for _ in range(12):
        statuses.append(proxy.sparql().status)
        statuses.append(proxy.request("GET", "/healthz").status)
        statuses.append(proxy.request("GET", by_get).status)
        statuses.append(proxy.count().status)
    assert statuses == [200] * len(statuses)
    log = proxy.access_log.read_text()
    # a request nginx sent to the killed server first and then on to the other one
    assert f"127.0.0.1:{killed.port}, 127.0.0.1:{alive.port}" in log, log
    assert json.loads(alive.request("GET", "/healthz").body)["ok"] is True


def _reload_with_extra_quad(server: Server) -> str:
    """A new dump in the server's data folder, `serve --reload`; the new version once served."""
    before = json.loads(server.request("GET", "/healthz").body)["data_version"]
    dump = Path(server.env["KOSOVO_KG_DATA_DIR"]) / "generated" / "kosovo-kg.nq"
    dump.write_text(FIXTURE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    done = subprocess.run(
        [*kosovo_kg_command(), "serve", "--reload"], env=server.env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(OSError, http.client.HTTPException, ValueError):
            now = json.loads(server.request("GET", "/healthz").body)["data_version"]
            if now != before:
                return now
        assert time.monotonic() < deadline, server.log.read_text()
        time.sleep(0.2)


def _until_expired(proxy: Proxy) -> Reply:
    """The first answer nginx does not give from a fresh copy (MAX_AGE seconds after caching)."""
    deadline = time.monotonic() + 10 * MAX_AGE + 30
    while True:
        reply = proxy.count()
        if reply.header("X-Cache-Status") != "HIT":
            return reply
        assert time.monotonic() < deadline, "nginx kept its copy past max-age"
        time.sleep(0.25)


def test_a_new_data_version_invalidates_the_cached_answer(deployment):
    proxy = deployment.proxy
    old = proxy.count()
    assert old.header("X-Cache-Status") == "MISS"
    assert proxy.count().header("X-Cache-Status") == "HIT"
    versions = {_reload_with_extra_quad(server) for server in deployment.servers}
    assert len(versions) == 1  # both replicas serve the same new version
    new = _until_expired(proxy)
    assert new.header("X-Cache-Status") == "EXPIRED"  # revalidated: the server's ETag changed
    assert value(new) == value(old) + 1
    assert new.header("ETag") != old.header("ETag")
    assert proxy.count().body == new.body
    same = _until_expired(proxy)  # same version: the server answers nginx's If-None-Match 304
    assert same.header("X-Cache-Status") == "REVALIDATED"
    assert same.body == new.body and same.header("ETag") == new.header("ETag")
