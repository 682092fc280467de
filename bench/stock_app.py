"""The stock stack alone, for bench/endpoint_bench.py `--stock`: the ceiling of the process model.

    STOCK_DUMP=data/generated/kosovo-kg.nq STOCK_WORKERS=2 \
        gunicorn -w 1 -k gthread --threads 96 --chdir bench 'stock_app:create_app()'

What issue 19 prescribes and nothing of ours: Flask under one gunicorn gthread worker, each POSTed
query handed to one of `STOCK_WORKERS` processes of the standard library's `multiprocessing`
(spawned, each with the dump loaded into an in-memory pyoxigraph store), answered as SPARQL JSON
or N-Triples. No checks, caps, deadlines, fair turns, log lines or error handling: kosovo-kg's
endpoint cannot be faster than this on the same machine, so the bench reports its throughput
next to Oxigraph's to show how much of a gap is the process model and how much is our code.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from multiprocessing.connection import Connection


def worker_main(conn: Connection, dump: str) -> None:
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat, Store

    db = Store()
    db.bulk_load(path=dump, format=RdfFormat.N_QUADS)
    conn.send("ready")
    while True:
        text = conn.recv()
        answer = db.query(text, use_default_graph_as_union=True)
        if isinstance(answer, QueryTriples):
            conn.send(answer.serialize(format=RdfFormat.N_TRIPLES))
        else:
            conn.send(answer.serialize(format=QueryResultsFormat.JSON))


def create_app():  # type: ignore[no-untyped-def]
    from flask import Flask, Response, request

    ctx = mp.get_context("spawn")
    free: queue.Queue[Connection] = queue.Queue()
    for _ in range(int(os.environ.get("STOCK_WORKERS", "2"))):
        parent, child = ctx.Pipe()
        ctx.Process(target=worker_main, args=(child, os.environ["STOCK_DUMP"]), daemon=True).start()
        if parent.recv() != "ready":
            raise RuntimeError("a stock worker did not start")
        free.put(parent)

    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    @app.post("/sparql")
    def sparql() -> Response:
        text = request.form["query"]
        conn = free.get()
        try:
            conn.send(text)
            body = conn.recv()
        finally:
            free.put(conn)
        graph = "CONSTRUCT" in text or "DESCRIBE" in text
        media = "application/n-triples" if graph else "application/sparql-results+json"
        return Response(body, 200, content_type=media)

    return app
