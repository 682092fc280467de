"""Query execution for the endpoint and for saved queries: checks, limits, workers, logging.

`Engine.run` is the one entry point, over the embedded store in worker processes (`pool`) or an
external engine (`remote`, setting `sparql_backend_url`). It checks the text before any parser
sees it, runs the query under a hard deadline, returns a capped `QueryOutcome`, and logs one line
on `kosovo_kg.query`. No query runs in the calling process (docs/endpoint.md, "Process model").
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kosovo_kg import vocab
from kosovo_kg.engine.lexer import QueryCheckError, QueryInfo, analyse
from kosovo_kg.engine.outcome import QueryOutcome, busy_outcome, error_outcome, reply_outcome
from kosovo_kg.engine.pool import Pool
from kosovo_kg.engine.remote import RemoteBackend, allow_echoed_graph_headers
from kosovo_kg.engine.turns import Busy
from kosovo_kg.settings import Settings
from kosovo_kg.store import Pinned, dump_path, pin_serving_data

start_log = logging.getLogger("kosovo_kg.engine")
query_log = logging.getLogger("kosovo_kg.query")
LOG_FORMAT = "query hash=%s status=%d rows=%d truncated=%s duration_ms=%.1f ran=%s"

__all__ = ["CLIENT", "Engine", "QueryCheckError", "QueryInfo", "QueryOutcome", "analyse"]

# who asks, set by the web app per request: a client has one query running at a time (`turns`)
CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("kosovo_kg_client", default="")


INTERNAL_CAP = 1 << 40  # rows and bytes of the service's own listings (not the public caps)
COUNT_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


class Engine:
    """Runs read-only SPARQL queries in a pool of worker processes under the settings' limits."""

    def __init__(self, settings: Settings, pinned: Pinned | None = None) -> None:
        self.settings = settings
        self.pinned = pinned  # the data to serve; None: pinned at start
        self.allowlist = frozenset(settings.service_allowlist)
        self.pool: Pool | None = None
        self.remote: RemoteBackend | None = None
        self.dump = dump_path(settings.data_dir)  # until start(): then the pinned copy
        self.graph_sizes: dict[str, int] = {}  # the dataset's named graphs -> quads (at start)
        self.prefixes = dict(vocab.PREFIXES, kr=settings.base_iri + "ontology#")
        self.started = False
        self.data_version = ""  # set at start; the data stay pinned until a reload

    def start(self) -> Engine:
        """Pin the data (unless `kosovo-kg serve` pinned it), start the workers, count the quads
        of each graph (2.4 s at 100x). An external engine's data version derives from its URL
        and its graphs' sizes."""
        s = self.settings
        began = time.monotonic()
        if s.sparql_backend_url:
            self.remote = RemoteBackend(s)
            # only the dataset's graphs: an engine also holds its own (Virtuoso's virtrdf#, ...)
            listed = self._count_graphs().items()
            self.graph_sizes = {g: n for g, n in listed if g.startswith(s.base_iri + "graph/")}
            self.remote.graphs = tuple(sorted(self.graph_sizes))
            allow_echoed_graph_headers(2 * len(self.remote.graphs) + 2 * len(self.allowlist))
            about = json.dumps([s.sparql_backend_url, sorted(self.graph_sizes.items())])
            self.data_version = "remote-" + hashlib.sha256(about.encode()).hexdigest()[:12]
        else:
            if self.pinned is None or self.pinned.mode != s.store_mode:
                self.pinned = pin_serving_data(s.store_mode, dump_path(s.data_dir), s.var_dir)
            self.dump = self.pinned.dump
            self.pool = Pool(s.workers, s.queue_size, s.store_mode, str(self.pinned.location))
            self.pool.start()
            self.data_version = self.pool.version
            self.graph_sizes = self._count_graphs()
        self.started = True
        about = f"data {self.data_version}, {len(self.graph_sizes)} named graphs"
        start_log.info(
            "%d query slots ready in %.1f s (%s)", s.workers, time.monotonic() - began, about
        )
        return self

    def run_internal(self, query: str, union: bool = True) -> QueryOutcome:
        """A query of the service's own as SPARQL JSON: no checks, no log line, no public caps."""
        job = self._job(query, "json", union, cap=INTERNAL_CAP)
        return self._execute(job, max(self.settings.query_timeout, 600.0))

    def _count_graphs(self) -> dict[str, int]:
        """Graph IRI -> quads."""
        outcome = self.run_internal(COUNT_GRAPHS, union=False)
        if not outcome.ok:
            raise RuntimeError(f"cannot count the graphs' quads: {outcome.body.decode()}")
        rows = json.loads(outcome.body)["results"]["bindings"]
        return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}

    def close(self) -> None:
        self.started = False
        if self.pool:
            self.pool.close()

    def health(self) -> dict[str, Any]:
        """ok: queries are answered (a worker being replaced shows as workers_alive < workers)."""
        info: dict[str, Any] = {"workers": self.settings.workers, "data_version": self.data_version}
        if self.remote is not None:
            info["backend"] = self.remote.url
            info["busy"], info["waiting"] = len(self.remote.turns.busy), self.remote.turns.waiting
            info["store_open"] = self.started and self.remote.health()
        elif self.pool is not None:
            info.update(self.pool.health(), store_mode=self.settings.store_mode)
            info["store_open"] = self.started and info["workers_alive"] > 0
        info["ok"] = info.setdefault("store_open", False)
        return info

    def check(
        self,
        query: str,
        default_graph_uris: Iterable[str] = (),
        named_graph_uris: Iterable[str] = (),
    ) -> QueryInfo:
        """Check a query before parsing; QueryCheckError says why not."""
        limit = self.settings.max_query_length
        if len(query) > limit:
            raise QueryCheckError(f"query too long: {len(query)} characters, the limit is {limit}")
        info = analyse(query, self.settings.max_nesting)
        for target in info.services:
            if target.startswith("?") or target not in self.allowlist:
                shown = target if target.startswith("?") else f"<{target}>"
                raise QueryCheckError(
                    f"SERVICE {shown} is not allowed: federated queries may only name endpoints"
                    " on the service allowlist (a variable endpoint cannot be checked)"
                )
        if self.remote is None:  # an unknown graph is an empty one on the embedded store
            return info
        named = [*info.from_graphs, *info.from_named_graphs, *default_graph_uris, *named_graph_uris]
        for graph in named:  # an external engine might fetch an unknown one
            if graph not in self.graph_sizes and graph not in self.allowlist:
                raise QueryCheckError(
                    f"FROM or graph parameter <{graph}> is not a graph of this dataset and not on"
                    " the allowlist; the dataset's graphs are listed at /.well-known/void"
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
        checked: QueryInfo | None = None,
        base_iri: str | None = None,
        client: str | None = None,
    ) -> QueryOutcome:
        """Run one query and serialise its results (a key of `outcome.MEDIA_TYPES`).

        substitutions: variable name -> N-Triples term, bound before evaluation (SEP-0007).
        checked: `check`'s result if the caller ran it. base_iri: what relative IRIs resolve
        against. client: who asks (default `CLIENT`)."""
        started = time.monotonic()
        dgu, ngu = tuple(default_graph_uris), tuple(named_graph_uris)
        try:
            info = checked if checked is not None else self.check(query, dgu, ngu)
        except QueryCheckError as exc:
            outcome = error_outcome(400, str(exc))
            self._log(query, outcome, started, "none")
            return outcome
        job = self._job(query, result_format, not (info.from_graphs or info.from_named_graphs))
        job.update(default_graph_uris=dgu, named_graph_uris=ngu, base_iri=base_iri)
        job["substitutions"] = dict(substitutions) if substitutions else None
        client = CLIENT.get() if client is None else client
        outcome = self._execute(job, self.settings.query_timeout, client=client)
        self._log(query, outcome, started, "remote" if self.remote else "worker")
        return outcome

    def log_refusal(self, query: str, message: str) -> None:
        """Log a query the caller's `check` refused (ran=none), as `run` logs its own refusals."""
        self._log(query, error_outcome(400, message), time.monotonic(), "none")

    def _log(self, query: str, outcome: QueryOutcome, started: float, ran: str) -> None:
        digest = hashlib.sha256(query.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        ms = (time.monotonic() - started) * 1000
        truncated = str(outcome.truncated).lower()
        query_log.info(LOG_FORMAT, digest, outcome.status, outcome.rows, truncated, ms, ran)

    def _job(self, query: str, result_format: str, union: bool, cap: int = 0) -> dict[str, Any]:
        return {
            "text": query,
            "result_format": result_format,
            "union": union,
            "max_rows": cap or self.settings.max_rows,
            "max_bytes": cap or self.settings.max_bytes,
            "prefixes": self.prefixes,
        }

    def _execute(self, job: dict[str, Any], timeout: float, client: str = "") -> QueryOutcome:
        wait = self.settings.queue_timeout
        try:
            if self.remote is not None:
                reply = self.remote.execute(job, wait, timeout, client)
            elif self.pool is None:
                reply = ("unavailable", "the query engine is not started")
            else:
                reply = self.pool.execute(job, wait, timeout, client)
        except Busy as exc:
            return busy_outcome(f"the endpoint is busy: {exc}; retry later", wait)
        return reply_outcome(reply, job["result_format"], timeout, self.settings.queue_timeout)
