"""The second query backend: any SPARQL 1.1 endpoint (setting `sparql_backend_url`).

The standard library's `http.client`, so that the whole exchange is held to the query's deadline
(`requests`' and `urlopen`'s timeouts are per socket operation). Jobs and replies are the pool's,
plus ("unavailable", message); answers are re-serialised under the same caps
(`store.reserialize_remote`).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import time
import urllib.parse
from typing import Any

from kosovo_kg import store
from kosovo_kg.engine.inject import bind_values
from kosovo_kg.engine.lexer import QueryCheckError
from kosovo_kg.engine.turns import Turns
from kosovo_kg.settings import Settings

HEADERS = {
    "Content-Type": "application/x-www-form-urlencoded",
    "Accept": "application/sparql-results+json, application/sparql-results+xml;q=0.9,"
    " application/n-triples;q=0.8, text/turtle;q=0.5",
    "User-Agent": "kosovo-kg",
}


def http_url(url: str, what: str) -> urllib.parse.SplitResult:
    """The parts of an http(s) URL with a host; ValueError saying what `what` must be."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{what} must be an http(s) URL: {url!r}")
    return parts


def connection(parts: urllib.parse.SplitResult, timeout: float) -> http.client.HTTPConnection:
    """An (unopened) connection to the host of `parts` (from `http_url`)."""
    https = parts.scheme == "https"
    cls = http.client.HTTPSConnection if https else http.client.HTTPConnection
    return cls(parts.hostname or "", parts.port, timeout=timeout)


def allow_echoed_graph_headers(graph_params: int) -> None:
    """Let `http.client` read more than 100 headers: Virtuoso echoes each dataset graph of a
    request as a header (no per-connection setting before Python 3.14); never lowered."""
    needed = graph_params + 100
    if getattr(http.client, "_MAXHEADERS", needed) < needed:
        http.client._MAXHEADERS = needed  # type: ignore[attr-defined]


class _DeadlineReader:
    """An HTTP answer's `read` (all that pyoxigraph's parsers call), held to one deadline."""

    def __init__(self, response: http.client.HTTPResponse, sock: socket.socket, deadline: float):
        self.response, self.sock, self.deadline = response, sock, deadline

    def read(self, size: int) -> bytes:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed while reading the answer")
        self.sock.settimeout(left)
        return self.response.read(size)


class RemoteBackend:
    """At most `workers` requests in flight, in the same fair turns as the worker pool's."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.sparql_backend_url
        self.parts = http_url(self.url, "sparql_backend_url")
        self.path = urllib.parse.urlunsplit(("", "", self.parts.path or "/", self.parts.query, ""))
        self.union_default = settings.sparql_backend_union_default
        self.max_nesting = settings.max_nesting
        self.turns = Turns(settings.queue_size)
        for slot in range(settings.workers):
            self.turns.add(slot)
        self.graphs: tuple[str, ...] = ()  # every named graph, sent when the union is needed

    def _form(self, job: dict[str, Any]) -> list[tuple[str, str]]:
        text = job["text"]
        if job.get("substitutions"):
            text = bind_values(text, job["substitutions"], self.max_nesting)
        base = job.get("base_iri")
        if base and store.is_iri(base):
            # relative IRIs resolve against the request URL; the query's own BASE comes after
            text = f"BASE <{base}>\n{text}"
        form = [("query", text)]
        dgu, ngu = job.get("default_graph_uris") or (), job.get("named_graph_uris") or ()
        if not dgu and not ngu and job.get("union") and not self.union_default:
            dgu = ngu = self.graphs  # the union of the named graphs, said the standard way
        form += [("default-graph-uri", g) for g in dgu]
        form += [("named-graph-uri", g) for g in ngu]
        return form

    def execute(
        self, job: dict[str, Any], queue_timeout: float, timeout: float, client: str = ""
    ) -> tuple[Any, ...]:
        """Send one job to the engine in `client`'s turn; raises Busy (`turns.Turns.acquire`)."""
        try:
            form = self._form(job)
        except QueryCheckError as exc:
            return ("fail", 400, str(exc))
        except store.QueryFailed as exc:
            return ("fail", exc.status, str(exc))
        slot = self.turns.acquire(client, queue_timeout)
        try:
            return self._send(job, urllib.parse.urlencode(form).encode(), timeout)
        finally:
            self.turns.release(slot, client)

    def _send(self, job: dict[str, Any], body: bytes, timeout: float) -> tuple[Any, ...]:
        deadline = time.monotonic() + timeout
        conn = connection(self.parts, timeout)
        try:
            conn.request("POST", self.path, body, HEADERS)  # connects first
            if conn.sock is None:
                return ("unavailable", f"the SPARQL engine at {self.url} closed the connection")
            conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
            response = conn.getresponse()
            reader = _DeadlineReader(response, conn.sock, deadline)
            if response.status != 200:
                detail = reader.read(2000).decode("utf-8", "replace").strip() or response.reason
                status = 400 if 400 <= response.status < 500 else 502
                return ("fail", status, f"the SPARQL engine answered {response.status}: {detail}")
            kind, out, rows, truncated = store.reserialize_remote(
                reader,
                response.getheader("Content-Type", ""),
                result_format=job["result_format"],
                max_rows=job["max_rows"],
                max_bytes=job["max_bytes"],
                prefixes=job.get("prefixes"),
            )
            return ("ok", kind, out, rows, truncated)
        except store.QueryFailed as exc:
            return ("fail", exc.status, str(exc))
        except TimeoutError:
            return ("timeout",)
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= deadline:
                return ("timeout",)
            return ("unavailable", f"the SPARQL engine at {self.url} cannot be reached ({exc})")
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def health(self) -> bool:
        job = {"result_format": "json", "max_rows": 1, "max_bytes": 1 << 16}
        return self._send(job, b"query=ASK+%7B%7D", 5.0)[0] == "ok"
