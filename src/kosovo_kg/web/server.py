"""Running the app: uvicorn, granian or gunicorn (production, the `http_server` setting) or
Flask's development server (`--debug` only).

One server process runs the app: the query workers (`kosovo_kg.engine`) are where the
parallelism is, and one process keeps the bounded queue and the deadline bookkeeping global.
uvicorn (the default; uvloop and httptools) serves the ASGI app of `kosovo_kg.web.asgi`, which
waits for query workers on its event loop; granian and gunicorn run the WSGI app with threads
(bench/RESULTS.md compares them).
"""

from __future__ import annotations

import math
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from kosovo_kg.settings import Settings, load_settings, settings_environ


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # e.g. control_socket_disable exists from gunicorn 24
                self.cfg.set(key, value)

    def load(self) -> Any:
        from kosovo_kg.web import create_app, logs

        logs.lean_records()
        return create_app(self.settings)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": settings.http_threads,
        "timeout": math.ceil(settings.query_timeout + settings.queue_timeout) + 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        # GET queries up to 8 KiB of URL; longer queries go by POST (limit: max_body_bytes)
        "limit_request_line": 8190,
        "backlog": 2048,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "preload_app": False,
        "proc_name": "kosovo-kg",
        # no shared ~/.gunicorn control socket: several servers may run on one machine
        "control_socket_disable": True,
    }


def granian_app() -> Any:
    """The app factory granian's worker process calls: settings come from the environment
    that `serve_granian` filled from the resolved settings."""
    from kosovo_kg.web import create_app, logs

    logs.lean_records()
    return create_app(load_settings())


def granian_options(settings: Settings) -> dict[str, Any]:
    from granian.constants import HTTPModes, Interfaces

    return {
        "target": "kosovo_kg.web.server:granian_app",
        "factory": True,
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "http": HTTPModes.http1,
        "workers": 1,
        "blocking_threads": settings.http_threads,
        "backlog": 2048,
        "log_access": False,
        # a worker that does not stop within this many seconds is killed (queries are bounded
        # by query_timeout; their worker processes die with the server process)
        "workers_kill_timeout": 10,
    }


# Limits on what uvicorn's httptools parser buffers before the app sees a request (it has none
# of its own): a request target over MAX_TARGET_BYTES gets 414, header fields over
# MAX_HEADER_BYTES in all or MAX_HEADER_FIELDS in number get 431. Queries longer than a URL
# allows go by POST (limit: max_body_bytes), as with gunicorn's `limit_request_line`.
MAX_TARGET_BYTES = 8190
MAX_HEADER_BYTES = 65536
MAX_HEADER_FIELDS = 100


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


def bounded_httptools_protocol() -> type:
    """uvicorn's httptools protocol with the limits above."""
    from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

    class TooLarge(Exception):
        pass

    class BoundedHttpTools(HttpToolsProtocol):  # type: ignore[misc]
        refused: tuple[int, str] | None = None
        header_bytes = 0

        def connection_made(self, transport: Any) -> None:
            super().connection_made(CoalescingTransport(transport, self.loop))

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.header_bytes = 0

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

    return BoundedHttpTools


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "loop": "uvloop",
        "http": bounded_httptools_protocol(),
        "ws": "none",
        "interface": "asgi3",
        "lifespan": "on",
        "workers": 1,
        "backlog": 2048,
        "access_log": False,
        "log_config": None,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 10,
        "server_header": True,
        "proxy_headers": False,  # the app uses no client address
    }


def pin_cpus(settings: Settings) -> None:
    """Keep this process, and the processes it starts from now on, on `cpu_affinity`."""
    if not settings.cpu_affinity:
        return
    cpus = {int(cpu) for cpu in settings.cpu_affinity}
    try:
        os.sched_setaffinity(0, cpus)
    except (OSError, AttributeError) as exc:
        raise SystemExit(
            f"cpu_affinity {','.join(settings.cpu_affinity)}: cannot run on these CPUs ({exc});"
            f" this machine has {os.cpu_count()}"
        ) from exc


def serve_production(settings: Settings) -> None:
    pin_cpus(settings)
    if settings.http_server == "uvicorn":
        import uvicorn

        from kosovo_kg.web import create_app, logs
        from kosovo_kg.web.asgi import AsgiApp

        logs.lean_records()
        logs.adopt("uvicorn")  # and no log_config: uvicorn's would close the handlers
        app = create_app(settings)
        engine = app.extensions["kosovo_kg.engine"]
        config = uvicorn.Config(AsgiApp(app, engine, settings), **uvicorn_options(settings))
        uvicorn.Server(config).run()
        return
    if settings.http_server == "gunicorn":
        _Gunicorn(settings, gunicorn_options(settings)).run()
        return
    from granian import Granian

    os.environ.update(settings_environ(settings))
    Granian(**granian_options(settings)).serve()


def serve_debug(settings: Settings) -> None:
    from kosovo_kg.web import create_app

    pin_cpus(settings)
    app = create_app(settings)
    # debug logging and tracebacks, but never the interactive (code-executing) debugger
    app.run(
        host=settings.host, port=settings.port, debug=True, use_reloader=False, use_debugger=False
    )
