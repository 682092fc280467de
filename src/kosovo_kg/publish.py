"""`kosovo-kg publish`: load the built dump into an external engine through the SPARQL 1.1
Graph Store HTTP Protocol, one named graph at a time, then check every graph's size there.

Each named graph is sent as one `PUT <store>?graph=<iri>` (the protocol's "replace this graph":
on engines that run a request as one transaction, Oxigraph and Virtuoso among them, readers see
the old graph or the new one, never half of it). Then every graph is read back with `GET` and its
triples counted; the run fails unless each count equals the dump's. Graphs the engine holds that
the dump does not name are left alone.

Credentials come from the environment only (`KOSOVO_KG_PUBLISH_USER`,
`KOSOVO_KG_PUBLISH_PASSWORD`, sent as HTTP Basic); a URL with a user or password in it is refused,
so that they never sit in a shell history, and no message written here contains them.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import os
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import store
from kosovo_kg.engine.remote import connection, http_url

USER_ENV, PASSWORD_ENV = "KOSOVO_KG_PUBLISH_USER", "KOSOVO_KG_PUBLISH_PASSWORD"
# N-Triples is Turtle: `text/turtle` is the one RDF type every Graph Store implementation takes
# (Virtuoso 7.2 among them); Oxigraph parses it with the same speed.
CONTENT_TYPE = "text/turtle"
ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class PublishError(RuntimeError):
    """The engine refused or could not be reached; the message never holds credentials."""


@dataclass(frozen=True)
class GraphReport:
    graph: str | None  # None: the default graph
    ours: int
    theirs: int


class GraphStore:
    """A Graph Store HTTP Protocol client on the standard library's `http.client`."""

    def __init__(self, url: str, environ: Mapping[str, str], timeout: float) -> None:
        try:
            parts = http_url(url, "--to (a Graph Store endpoint)")
        except ValueError as exc:
            raise PublishError(str(exc)) from None
        if parts.username or parts.password:
            raise PublishError(
                f"credentials in the URL are refused: set {USER_ENV} and {PASSWORD_ENV} instead"
            )
        self.parts, self.url, self.timeout = parts, url, timeout
        self.headers = {"User-Agent": "kosovo-kg publish"}
        user, password = environ.get(USER_ENV), environ.get(PASSWORD_ENV)
        if user is not None or password is not None:
            token = base64.b64encode(f"{user or ''}:{password or ''}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    def _target(self, graph: str | None) -> str:
        pairs = urllib.parse.parse_qsl(self.parts.query, keep_blank_values=True)
        selector = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        query = "&".join([urllib.parse.urlencode(pairs), selector] if pairs else [selector])
        return (self.parts.path or "/") + "?" + query

    def request(
        self, method: str, graph: str | None, body: bytes | None = None, **headers: str
    ) -> tuple[int, str, bytes]:
        conn = connection(self.parts, self.timeout)
        try:
            conn.request(method, self._target(graph), body, {**self.headers, **headers})
            response = conn.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise PublishError(f"the engine at {self.url} cannot be reached ({exc})") from exc
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def put(self, graph: str | None, data: bytes) -> None:
        status, _, body = self.request("PUT", graph, data, **{"Content-Type": CONTENT_TYPE})
        if status not in (200, 201, 204):
            raise PublishError(_refusal("PUT", graph, status, body))

    def count(self, graph: str | None) -> int:
        status, media_type, body = self.request("GET", graph, Accept=ACCEPT)
        if status == 404:
            return 0
        if status != 200:
            raise PublishError(_refusal("GET", graph, status, body))
        try:
            return store.count_triples(body, media_type)
        except ValueError as exc:
            raise PublishError(f"GET {_name(graph)}: {exc}") from exc


def _name(graph: str | None) -> str:
    return "the default graph" if graph is None else f"<{graph}>"


def _refusal(method: str, graph: str | None, status: int, body: bytes) -> str:
    detail = body[:500].decode("utf-8", "replace").strip()
    hint = " (set the engine's credentials in the environment)" if status in (401, 403) else ""
    return f"{method} {_name(graph)}: the engine answered {status}{hint}: {detail}"


def publish(
    dump: Path,
    url: str,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 600.0,
    progress: Callable[[str], None] = lambda _: None,
) -> list[GraphReport]:
    """Replace each graph of `dump` on the Graph Store at `url`; raises PublishError unless every
    graph then holds on the engine exactly as many triples as in the dump."""
    client = GraphStore(url, os.environ if environ is None else environ, timeout)
    local = store.memory_store_from_nquads(dump)
    graphs: list[str | None] = list(store.named_graphs(local))
    if store.has_default_graph_triples(local):
        graphs.insert(0, None)
    sizes: dict[str | None, int] = {}
    for number, graph in enumerate(graphs, 1):
        data = store.graph_ntriples(local, graph)
        sizes[graph] = data.count(b"\n")
        client.put(graph, data)
        progress(f"[{number}/{len(graphs)}] {_name(graph)}: {sizes[graph]} triples sent")
    reports = [GraphReport(g, sizes[g], client.count(g)) for g in graphs]
    wrong = [r for r in reports if r.ours != r.theirs]
    if wrong:
        lines = "; ".join(f"{_name(r.graph)}: ours {r.ours}, engine {r.theirs}" for r in wrong)
        raise PublishError(f"{len(wrong)} graph(s) differ on the engine after loading: {lines}")
    progress(f"checked: {len(reports)} graphs, {sum(sizes.values())} triples, all equal")
    return reports
