"""uvicorn, the default server: a supervisor process and one front process.

`kosovo-kg serve` binds the listening socket, then supervises (uvicorn's `Multiprocess`) one
front process that serves the ASGI app of `kosovo_kg.web.asgi` on uvloop, HTTP parsed by
httptools. The front starts the query workers (`kosovo_kg.engine`) and keeps the bounded queue
and the deadline bookkeeping. If the front ends, because the inline watchdog ended it to stop a
query past its deadline (`kosovo_kg.engine.inline`) or because it crashed, the supervisor starts
a new one on the same socket: connections that arrive meanwhile wait in the socket's backlog.
A front that cannot start (no data, a store that does not open) stops the supervisor too, with
exit status 3. SIGHUP to the supervisor serves a new build without closing the socket: a new
front pins and loads the current dump, and once it answers, the old one stops gracefully.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.supervisors.multiprocess import Multiprocess

from kosovo_kg.settings import Settings, load_settings, settings_environ
from kosovo_kg.web.asgi import SOCKET_FD

# Limits on what uvicorn's httptools parser buffers before the app sees a request (it has none
# of its own): a request target over MAX_TARGET_BYTES gets 414, header fields over
# MAX_HEADER_BYTES in all or MAX_HEADER_FIELDS in number get 431. Queries longer than a URL
# allows go by POST (limit: max_body_bytes), as with gunicorn's `limit_request_line`.
MAX_TARGET_BYTES = 8190
MAX_HEADER_BYTES = 65536
MAX_HEADER_FIELDS = 100
# The supervisor pings the front every 0.5 s. A front that dies while a ping waits for its answer
# is seen only when the wait ends (the supervisor holds both ends of the pipe: no EOF), so the
# wait stays short; a new front started by SIGHUP may take longer to be ready (a load at 100x
# takes about 50 s), see FrontSupervisor.
PING_SECONDS = 5
FRONT_START_SECONDS = 300


class CoalescingTransport:
    """A transport whose writes of one event-loop step leave in one `send`.

    uvicorn writes a response's head when the app sends `http.response.start` and its body at
    `http.response.body`: two sends, and with TCP_NODELAY two packets, each waking the client
    (strace at c=8: three writes per query, one of them to the worker). Here the writes of a
    step are joined and written when the step ends (`call_soon`); `close` writes what is
    pending first. Everything else is the wrapped transport's."""

    def __init__(self, transport: Any, loop: Any) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class TooLarge(Exception):
    """A request over the limits: httptools stops parsing, uvicorn calls send_400_response."""


class BoundedHttpTools(HttpToolsProtocol):  # type: ignore[misc]
    """uvicorn's httptools protocol with the limits above, one write per response
    (`CoalescingTransport`), and the connection's socket in the scope (`SOCKET_FD`)."""

    refused: tuple[int, str] | None = None
    header_bytes = 0
    socket_fd: int | None = None
    reading_head = False  # a request has begun and its head is not complete yet
    draining = False  # shutdown came before the request: answer it, then close

    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        self.socket_fd = None if sock is None else sock.fileno()
        super().connection_made(CoalescingTransport(transport, self.loop))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.header_bytes = 0
        self.scope[SOCKET_FD] = self.socket_fd
        self.reading_head = True

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self.reading_head = False
        if self.draining and self.cycle is not None:
            self.cycle.keep_alive = False

    def shutdown(self) -> None:
        """Graceful shutdown (SIGTERM, or SIGHUP replacing the front). uvicorn closes at once a
        connection with no request in progress, including one just accepted whose request is
        on its way or half read: that client's request would get a reset. Such a connection
        answers that request, with Connection: close, before it closes (or is cut at the end of
        `timeout_graceful_shutdown` if nothing comes)."""
        if self.cycle is None or self.reading_head:
            self.draining = True
            return
        super().shutdown()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_TARGET_BYTES:
            self.refused = (
                414,
                f"request target over {MAX_TARGET_BYTES} bytes: send long queries by POST",
            )
            raise TooLarge

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self.header_bytes += len(name) + len(value)
        if self.header_bytes > MAX_HEADER_BYTES or len(self.headers) > MAX_HEADER_FIELDS:
            self.refused = (
                431,
                f"request header fields over {MAX_HEADER_BYTES} bytes or"
                f" {MAX_HEADER_FIELDS} fields",
            )
            raise TooLarge

    def send_400_response(self, msg: str) -> None:
        if self.refused is None:
            super().send_400_response(msg)
            return
        status, text = self.refused
        body = (text + "\n").encode("ascii")
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: text/plain; charset=utf-8\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "loop": "uvloop",
        "http": BoundedHttpTools,
        "ws": "none",
        "interface": "asgi3",
        "lifespan": "on",
        "workers": 1,
        "backlog": 2048,
        "access_log": False,
        "log_config": None,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 10,
        "timeout_worker_healthcheck": PING_SECONDS,
        "server_header": True,
        "proxy_headers": False,  # the app uses no client address
    }


class FrontSupervisor(Multiprocess):  # type: ignore[misc]
    """uvicorn's supervisor, but a front started by SIGHUP has FRONT_START_SECONDS to become
    ready (uvicorn uses one timeout for that and for each ping, which must stay short)."""

    def restart_all(self) -> None:
        self.config.timeout_worker_healthcheck = FRONT_START_SECONDS
        try:
            super().restart_all()
        finally:
            self.config.timeout_worker_healthcheck = PING_SECONDS


def asgi_app() -> Any:
    """The app factory the front process calls: settings come from the environment that
    `serve_uvicorn` filled from the resolved settings. A failure to start ends the front with
    STARTUP_FAILURE, which stops the supervisor rather than restarting the front forever."""
    from kosovo_kg.web import create_app, logs
    from kosovo_kg.web.asgi import AsgiApp

    logs.lean_records()
    logs.adopt("uvicorn")  # and no log_config: uvicorn's would close the handlers
    try:
        settings = load_settings()
        app = create_app(settings)
        return AsgiApp(app, app.extensions["kosovo_kg.engine"], settings)
    except Exception as exc:
        logging.getLogger("kosovo_kg").error("the server cannot start: %s", exc)
        sys.exit(STARTUP_FAILURE)


def serve_uvicorn(settings: Settings) -> None:
    """Bind, then supervise the front process until SIGINT or SIGTERM."""
    import uvicorn

    from kosovo_kg.web import logs

    logs.adopt("uvicorn")
    os.environ.update(settings_environ(settings))
    config = uvicorn.Config(
        "kosovo_kg.web.front:asgi_app", factory=True, **uvicorn_options(settings)
    )
    supervisor = FrontSupervisor(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(front.exitcode == STARTUP_FAILURE for front in supervisor.processes):
        raise SystemExit(STARTUP_FAILURE)
