"""The Flask app (WSGI) inside the ASGI server: each request runs on a thread of a pool, and its
answer goes back to the event loop without the thread waiting for the loop.

a2wsgi's adapter, used first, waits for the loop at each message (the head, each body chunk, the
end): three round trips between thread and loop for a small page, and /healthz took 1.64 ms
(p50, one keep-alive connection) against 0.76 ms under granian. Here the thread hands the loop a
batch of messages with `call_soon_threadsafe` and goes on; a batch holds the head and up to
BATCH_BYTES of body, so a small answer is one hand-over (and one write: the loop sends a batch's
messages in one step). A large answer (the dump) streams: the thread waits only when
QUEUED_BATCHES batches are ahead of what the loop has sent, so it is never held whole in memory.

The request body is read before the app runs, at most `max_body + 1` bytes: Flask refuses a
body over its limit (413) from Content-Length, or from what it can read when there is none.
"""

from __future__ import annotations

import asyncio
import io
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Message = MutableMapping[str, Any]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

BATCH_BYTES = 1 << 16
QUEUED_BATCHES = 8


class WsgiBridge:
    """An ASGI app that runs `app` (WSGI) on `threads` threads."""

    def __init__(self, app: WSGIApp, threads: int, max_body: int) -> None:
        self.app = app
        self.max_body = max_body
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="kkg-wsgi")

    async def __call__(
        self,
        scope: Message,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        await self.respond(scope, await read_body(receive, self.max_body + 1), send)

    async def respond(
        self, scope: Message, body: bytes, send: Callable[[Message], Awaitable[None]]
    ) -> None:
        """Answer with the app, the request body read already."""
        environ = wsgi_environ(scope, body)
        loop = asyncio.get_running_loop()
        batches: asyncio.Queue[list[Message] | None] = asyncio.Queue()
        room = threading.Semaphore(QUEUED_BATCHES)
        gone = threading.Event()  # the loop stopped taking batches

        def hand_over(batch: list[Message] | None) -> None:
            while not room.acquire(timeout=1.0):
                if gone.is_set():
                    raise ConnectionAbortedError("the response is no longer sent")
            loop.call_soon_threadsafe(batches.put_nowait, batch)

        job = loop.run_in_executor(self.pool, _respond, self.app, environ, hand_over)
        try:
            while (batch := await batches.get()) is not None:
                room.release()
                for message in batch:
                    await send(message)
        finally:
            gone.set()
        await job


def _respond(app: WSGIApp, environ: dict[str, Any], hand_over: Callable[..., None]) -> None:
    """Call the app (on a pool thread) and hand its answer over in batches; None ends them."""
    head: list[Message] = []  # the start message until it goes out with the first body
    pending: list[Message] = []
    size = 0
    started = False  # the start message is out of `head`: the status can no longer change

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if exc_info is not None and started:  # PEP 3333: too late to change the status
            raise exc_info[1].with_traceback(exc_info[2])
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        head[:] = [{"type": "http.response.start", "status": int(status[:3]), "headers": raw}]
        return write

    def write(data: bytes) -> None:
        nonlocal size, started
        if not data:
            return
        if head:
            pending.append(head.pop())
            started = True
        pending.append({"type": "http.response.body", "body": bytes(data), "more_body": True})
        size += len(data)
        if size >= BATCH_BYTES:
            flush()

    def flush() -> None:
        nonlocal size
        hand_over(list(pending))
        pending.clear()
        size = 0

    try:
        iterable = app(environ, start_response)
        try:
            for chunk in iterable:
                write(chunk)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        if head:
            pending.append(head.pop())
        pending.append({"type": "http.response.body", "body": b"", "more_body": False})
        flush()
    finally:
        hand_over(None)


async def read_body(receive: Callable[[], Awaitable[Message]], limit: int) -> bytes:
    """The request body, at most `limit` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)[:limit]


def wsgi_environ(scope: Message, body: bytes) -> dict[str, Any]:
    """The WSGI environ of an ASGI HTTP request (PEP 3333: str values as latin-1 of the bytes)."""
    root = scope.get("root_path", "").encode("utf-8").decode("latin-1")
    path = scope["path"].encode("utf-8").decode("latin-1")
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root,
        "PATH_INFO": path,
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,  # read to the end when there is no Content-Length
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for name, value in scope["headers"]:
        key = name.decode("latin-1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        text = value.decode("latin-1")
        environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ
