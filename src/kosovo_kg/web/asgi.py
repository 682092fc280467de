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
through both paths and compares the answers. A query that a worker has answered fast before is
answered on the loop itself (`kosovo_kg.engine.inline`); if it ever runs past its deadline, the
watchdog writes the 504 (`write_last`) and the front process ends.
"""

from __future__ import annotations

import functools
import os
import select
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

from flask import Flask

from kosovo_kg.engine import Engine, QueryOutcome
from kosovo_kg.settings import Settings
from kosovo_kg.web.fastpath import answer, body_length, plan
from kosovo_kg.web.wsgi_bridge import WsgiBridge, read_body

SOCKET_FD = "kosovo_kg.socket_fd"  # scope key: the connection's socket, for `write_last`
WRITE_LAST_SECONDS = 1.0  # longest wait for a slow client's buffer to take the last response

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
        fd = scope.get(SOCKET_FD)  # set by uvicorn's protocol in `kosovo_kg.web.front`
        overrun = None if fd is None else functools.partial(write_last, fd, self.common)
        outcome = await self.engine.run_async(query, overrun=overrun, **options)
        status, parts, payload = answer(outcome, self.common)
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in parts]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})


def write_last(fd: int, common: list[tuple[str, str]], outcome: QueryOutcome) -> None:
    """Write `outcome` as the last response of the connection on socket `fd`, from a thread
    other than the event loop's (which is held by a query: `kosovo_kg.engine.inline`)."""
    status, parts, payload = answer(outcome, common)
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
    lines += [f"{name}: {value}" for name, value in parts]
    lines.append("Connection: close")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
    give_up = time.monotonic() + WRITE_LAST_SECONDS
    while data:
        try:
            data = data[os.write(fd, data) :]
        except BlockingIOError:  # the socket is non-blocking (the loop's)
            if time.monotonic() > give_up:
                return
            select.select([], [fd], [], 0.05)
        except OSError:  # the client has gone
            return


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
