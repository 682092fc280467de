"""The app as ASGI, for uvicorn (`http_server=uvicorn`): /sparql queries on the event loop,
everything else in the Flask app on a thread pool.

Under a threaded WSGI server each query holds a request thread while its worker process runs it,
and each step of the hand-over (server thread, request thread, worker pipe, back) is a point
where the GIL changes hands among many threads: at 8 concurrent look-ups, perf put about half the
server's CPU in the kernel's task switch. Here a request that the fast path answers
(`kosovo_kg.web.fastpath.plan`) is answered by a coroutine: it sends the job to an idle worker
and waits for the reply on the event loop (`Engine.run_async`), under the same checks, limits,
deadline and queue. Every other request, and every request the fast path declines (so each
error message is still written once, in the Flask view), goes to the Flask app on a thread pool
(`kosovo_kg.web.wsgi_bridge`) with the body already read. A test sends the same requests
through both paths and compares the answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from flask import Flask

from kosovo_kg.engine import Engine
from kosovo_kg.settings import Settings
from kosovo_kg.web.fastpath import answer, body_length, plan
from kosovo_kg.web.wsgi_bridge import WsgiBridge, read_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AsgiApp:
    """The ASGI application: the fast path for queries, the Flask app for the rest."""

    def __init__(self, app: Flask, engine: Engine, settings: Settings) -> None:
        from kosovo_kg.web import COMMON_HEADERS

        self.engine = engine
        self.max_body = settings.max_body_bytes
        self.wsgi = WsgiBridge(app, settings.http_threads, settings.max_body_bytes)
        self.common = list(COMMON_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await _lifespan(receive, send)
            return
        method = scope.get("method")
        if kind != "http" or scope["path"] != "/sparql" or method not in ("GET", "POST"):
            await self.wsgi(scope, receive, send)
            return
        headers = _headers(scope)
        body = None
        if method == "POST":
            length = body_length(headers.get("content-length"), self.max_body)
            if length is None:
                await self.wsgi(scope, receive, send)
                return
            body = await read_body(receive, length)
        planned = plan(
            self.engine,
            method,
            scope["query_string"],
            headers.get("content-type"),
            body,
            headers.get("accept"),
        )
        if planned is None:  # the Flask view answers, with the body already read
            await self.wsgi.respond(scope, body or b"", send)
            return
        query, options = planned
        outcome = await self.engine.run_async(query, **options)
        status, parts, payload = answer(outcome, self.common)
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in parts]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name; repeated ones joined with commas."""
    out: dict[str, str] = {}
    for name, value in scope["headers"]:
        key = name.decode("latin-1")
        text = value.decode("latin-1")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


async def _lifespan(receive: Receive, send: Send) -> None:
    """Start-up happened in `asgi_app` (the engine is started before the server listens); the
    engine is closed at exit, as under the WSGI servers."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
