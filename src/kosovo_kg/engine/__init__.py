"""Query execution for the endpoint and for saved queries: checks, limits, workers, logging.

`Engine.run` is the one entry point. Two backends sit behind it: the embedded Oxigraph store in
worker processes (`pool`), or, when the `sparql_backend_url` setting is set, any SPARQL 1.1
endpoint (`remote`); checks, limits, deadlines and logging are the same for both. It checks the
query text before any parser sees it (length, nesting, update, federation), waits for a free
worker in a bounded queue, runs the query in the worker under a hard deadline (killing the
worker when it passes), and returns a `QueryOutcome` with the serialised, capped body. Every call logs one line on `kosovo_kg.query`: query hash,
status, rows, truncated, duration, where it ran. No query runs in the calling process.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kosovo_kg import vocab
from kosovo_kg.engine.lexer import QueryCheckError, QueryInfo, analyse
from kosovo_kg.engine.outcome import (
    GRAPH_RESULT_FORMATS,
    QueryOutcome,
    busy_outcome,
    error_outcome,
    reply_outcome,
)
from kosovo_kg.engine.pool import Pool
from kosovo_kg.engine.remote import RemoteBackend, allow_echoed_graph_headers
from kosovo_kg.engine.turns import Busy
from kosovo_kg.settings import Settings
from kosovo_kg.store import Pinned, dump_path, pin_serving_data

start_log = logging.getLogger("kosovo_kg.engine")
query_log = logging.getLogger("kosovo_kg.query")
LOG_FORMAT = "query hash=%s status=%d rows=%d truncated=%s duration_ms=%.1f ran=%s"

__all__ = ["CLIENT", "Engine", "QueryCheckError", "QueryInfo", "QueryOutcome", "analyse"]

# who asks: the web app sets it per request (remote address, or the forwarded one from a trusted
# proxy); a client has at most one query running at a time (`pool`)
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("kosovo_kg_client", default="")


INTERNAL_CAP = 1 << 40  # rows and bytes of the service's own listings (not the public caps)
LIST_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g {} }"
COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class Engine:
    """Runs read-only SPARQL queries in a pool of worker processes under the settings' limits."""

    def __init__(self, settings: Settings, pinned: Pinned | None = None) -> None:
        self.settings = settings
        self.pinned = pinned  # the data to serve; None: pinned at start
        self.allowlist = frozenset(settings.service_allowlist)
        self.pool: Pool | None = None
        self.remote: RemoteBackend | None = None
        self._version = ""
        self.dump = dump_path(settings.data_dir)  # until start(): then the pinned copy
        self.graphs: frozenset[str] = frozenset()  # the dataset's named graphs (listed at start)
        self._graph_sizes: dict[str, int] = {}
        self._sizes_counted = threading.Event()
        self.prefixes = dict(vocab.PREFIXES, kr=settings.base_iri + "ontology#")
        self.started = False

    @property
    def graph_sizes(self) -> dict[str, int]:
        """Quads per named graph, for the VoID and service descriptions. With the embedded store
        they are counted in the background after start (a scan of every quad: 6.6 s at 100x the
        dump, bench/RESULTS-scale.md), so the server answers queries meanwhile; a caller waits
        until they are counted (an engine that is not started has none)."""
        if self.started:
            self._sizes_counted.wait()
        return self._graph_sizes

    @property
    def data_version(self) -> str:
        if self.remote:
            return self._version
        return self.pool.version if self.pool else ""

    def start(self) -> Engine:
        """Pin the data unless it was pinned for us (`kosovo-kg serve` pins it once, in the
        process that outlives the others; see `store.pin_serving_data`), start the workers,
        list the graphs.

        With `sparql_backend_url` set: no workers; the graphs are listed on the external engine
        and the data version is derived from its URL and the graphs' sizes (so the saved-query
        cache keys change when the engine's data do; restart the service after a reload)."""
        s = self.settings
        if s.sparql_backend_url:
            self.remote = RemoteBackend(
                s.sparql_backend_url,
                concurrency=s.workers,
                queue_size=s.queue_size,
                union_default=s.sparql_backend_union_default,
                max_nesting=s.max_nesting,
            )
        else:
            if self.pinned is None or self.pinned.mode != s.store_mode:
                self.pinned = pin_serving_data(s.store_mode, dump_path(s.data_dir), s.var_dir)
            self.dump = self.pinned.dump
            began = time.monotonic()
            self.pool = Pool(s.workers, s.queue_size, s.store_mode, str(self.pinned.location))
            self.pool.start()
            start_log.info(
                "%d query workers ready in %.1f s (data %s, store_mode=%s)",
                s.workers,
                time.monotonic() - began,
                self.pinned.version,
                s.store_mode,
            )
        self.started = True
        listing = time.monotonic()
        try:
            if self.remote:
                # the data version of an external engine derives from its graphs' sizes: count now
                # only the dataset's graphs: an engine also holds its own (Virtuoso's
                # virtrdf#, ...) and maybe other datasets'
                ours = s.base_iri + "graph/"
                listed_sizes = self._list_graphs(COUNT_GRAPHS)
                self._graph_sizes = {g: n for g, n in listed_sizes.items() if g.startswith(ours)}
                self.graphs = frozenset(self._graph_sizes)
                self._sizes_counted.set()
                self.remote.graphs = tuple(sorted(self._graph_sizes))
                # the union is sent as both dataset parameters; a request names each graph at
                # most once per parameter (duplicates dropped by the protocol parser)
                allow_echoed_graph_headers(2 * len(self.remote.graphs) + 2 * len(self.allowlist))
                listed = json.dumps([s.sparql_backend_url, sorted(self._graph_sizes.items())])
                self._version = "remote-" + hashlib.sha256(listed.encode()).hexdigest()[:12]
            else:
                self.graphs = frozenset(self._list_graphs(LIST_GRAPHS))
                threading.Thread(
                    target=self._count_graphs, name="kkg-graph-sizes", daemon=True
                ).start()
        except BaseException:
            self._sizes_counted.set()  # nobody waits for sizes that will not be counted
            raise
        start_log.info(
            "%d named graphs listed in %.1f s", len(self.graphs), time.monotonic() - listing
        )
        return self

    def run_internal(self, query: str, union: bool = True, aside: bool = False) -> QueryOutcome:
        """A query of the service's own (e.g. the state index of the saved queries) as SPARQL
        JSON: no checks, no log line, and not capped by the public row and byte limits.
        `aside`: on a worker of its own, not one of those that answer queries."""
        job = self._job(query, result_format="json", union=union, uncapped=True)
        return self._execute(job, max(self.settings.query_timeout, 600.0), aside=aside)

    def _list_graphs(self, query: str, aside: bool = False) -> dict[str, int]:
        """Graph IRI -> quads (0 when the query does not count), in full (a graph the listing
        missed could not be named in FROM)."""
        outcome = self.run_internal(query, union=False, aside=aside)
        if not outcome.ok:
            raise RuntimeError(f"cannot list the graphs: {outcome.body.decode()}")
        rows = json.loads(outcome.body)["results"]["bindings"]
        return {r["g"]["value"]: int(r["n"]["value"]) if "n" in r else 0 for r in rows}

    def _count_graphs(self) -> None:
        began = time.monotonic()
        sizes = dict.fromkeys(sorted(self.graphs), -1)  # -1: not known; every graph stays listed
        try:
            sizes = self._list_graphs(COUNT_GRAPHS, aside=True)
        except (RuntimeError, OSError, ValueError, KeyError) as exc:
            start_log.warning("counting the quads of each graph failed: %s", exc)
        finally:
            self._graph_sizes = sizes
            self._sizes_counted.set()
        start_log.info("quads of each graph counted in %.1f s", time.monotonic() - began)

    def close(self) -> None:
        if self.pool:
            self.pool.close()
        self.started = False

    def health(self) -> dict[str, Any]:
        """ok: queries are answered (a worker being replaced shows as workers_alive < workers)."""
        info: dict[str, Any] = {"workers": self.settings.workers, "data_version": self.data_version}
        if self.remote is not None:
            info["backend"] = self.remote.url
            info["busy"], info["waiting"] = len(self.remote.turns.busy), self.remote.turns.waiting
            info["store_open"] = self.started and self.remote.health()
        elif self.pool is None:
            info.update(store_open=False, workers_alive=0)
        else:
            info.update(self.pool.health(), store_mode=self.settings.store_mode)
            info["store_open"] = self.started and info["workers_alive"] > 0
            info["graph_sizes_counted"] = self._sizes_counted.is_set()
        info["ok"] = info["store_open"]
        return info

    def check(
        self,
        query: str,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> QueryInfo:
        """Check a query before parsing; raise QueryCheckError with a message saying why not."""
        if len(query) > self.settings.max_query_length:
            raise QueryCheckError(
                f"query too long: {len(query)} characters, the limit is"
                f" {self.settings.max_query_length}"
            )
        info = analyse(query, self.settings.max_nesting)
        for target in info.services:
            if target.startswith("?"):
                raise QueryCheckError(
                    f"SERVICE {target}: a variable service endpoint cannot be checked against"
                    " the allowlist and is refused"
                )
            if target not in self.allowlist:
                raise QueryCheckError(
                    f"SERVICE <{target}> is not allowed: federated queries may only name"
                    " endpoints on the service allowlist"
                )
        named = [("FROM", g) for g in info.from_graphs]
        named += [("FROM NAMED", g) for g in info.from_named_graphs]
        named += [("default-graph-uri", g) for g in default_graph_uris]
        named += [("named-graph-uri", g) for g in named_graph_uris]
        for keyword, graph in named:
            if graph.startswith("?"):
                raise QueryCheckError(f"{keyword} must name an IRI")
            # the embedded store reads an unknown graph as empty, never fetching it; an
            # external engine might dereference it, so there it is refused
            if self.remote is not None and graph not in self.graphs | self.allowlist:
                raise QueryCheckError(
                    f"{keyword} <{graph}> is not a graph of this dataset and not on the"
                    " allowlist; the dataset's graphs are listed at /.well-known/void"
                )
        return info

    def run(
        self,
        query: str,
        *,
        substitutions: Mapping[str, str] | None = None,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
        result_format: str = "json",
        timeout: float | None = None,
        checked: QueryInfo | None = None,
        base_iri: str | None = None,
        client: str | None = None,
    ) -> QueryOutcome:
        """Run one query and serialise its results.

        substitutions: variable name (without `?`) -> RDF term in N-Triples syntax, bound before
        evaluation (SEP-0007; Oxigraph requires a substituted variable to be in the SELECT
        projection, e.g. `SELECT ?state ?label`, not `SELECT ?label`).
        result_format: json, xml, csv, tsv (SELECT/ASK) or turtle, ntriples, nquads, trig,
        rdfxml, jsonld (CONSTRUCT/DESCRIBE); a mismatch gives 406.
        timeout: seconds, at most the `query_timeout` setting (the default).
        checked: the result of `check(query, default_graph_uris, named_graph_uris)` when the
        caller already ran it (saves a second scan).
        base_iri: what relative IRIs of a query without BASE resolve against (the request URL).
        client: who asks (default: `CLIENT`); one query of a client's runs at a time."""
        started = time.monotonic()
        dgu, ngu = tuple(default_graph_uris), tuple(named_graph_uris)
        try:
            info = checked if checked is not None else self.check(query, dgu, ngu)
        except QueryCheckError as exc:
            outcome = error_outcome(400, str(exc))
            self._log(query, outcome, started, "none")
            return outcome
        job = self._job(
            query,
            result_format=result_format,
            union=not (info.from_graphs or info.from_named_graphs),
            substitutions=dict(substitutions or {}),
            default_graph_uris=dgu,
            named_graph_uris=ngu,
            base_iri=base_iri,
        )
        limit = self.settings.query_timeout
        limit = limit if timeout is None else min(timeout, limit)
        outcome = self._execute(job, limit, client=CLIENT.get() if client is None else client)
        self._log(query, outcome, started, "remote" if self.remote else "worker")
        return outcome

    def log_refusal(self, query: str, message: str) -> None:
        """Log a query the caller's `check` refused (ran=none), as `run` logs its own refusals."""
        self._log(query, error_outcome(400, message), time.monotonic(), "none")

    def _log(self, query: str, outcome: QueryOutcome, started: float, ran: str) -> None:
        if not query_log.isEnabledFor(logging.INFO):
            return
        digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        ms = (time.monotonic() - started) * 1000
        truncated = str(outcome.truncated).lower()
        query_log.info(LOG_FORMAT, digest, outcome.status, outcome.rows, truncated, ms, ran)

    def _job(
        self,
        query: str,
        *,
        result_format: str,
        union: bool,
        substitutions: dict[str, str] | None = None,
        default_graph_uris: tuple[str, ...] = (),
        named_graph_uris: tuple[str, ...] = (),
        uncapped: bool = False,
        base_iri: str | None = None,
    ) -> dict[str, Any]:
        job = {
            "text": query,
            "result_format": result_format,
            "max_rows": INTERNAL_CAP if uncapped else self.settings.max_rows,
            "max_bytes": INTERNAL_CAP if uncapped else self.settings.max_bytes,
            "union": union,
            "substitutions": substitutions or None,
            "default_graph_uris": default_graph_uris,
            "named_graph_uris": named_graph_uris,
            "base_iri": base_iri,
        }
        if result_format in GRAPH_RESULT_FORMATS:
            job["prefixes"] = self.prefixes
        return job

    def _execute(
        self, job: dict[str, Any], timeout: float, aside: bool = False, client: str = ""
    ) -> QueryOutcome:
        wait = self.settings.queue_timeout
        try:
            if self.remote is not None:
                reply = self.remote.execute(job, wait, timeout, client)
            elif self.pool is None:
                reply = ("unavailable", "the query engine is not started")
            elif aside:
                reply = self.pool.run_aside(job, timeout)
            else:
                reply = self.pool.execute(job, wait, timeout, client)
        except Busy as exc:
            return busy_outcome(f"the endpoint is busy: {exc}; retry later", wait)
        return reply_outcome(reply, job["result_format"], timeout, self.settings.queue_timeout)
