"""Running the app: uvicorn, granian or gunicorn (production, the `http_server` setting) or
Flask's development server (`--debug` only).

One server process runs the app: the query workers (`kosovo_kg.engine`) are where the
parallelism is, and one process keeps the bounded queue and the deadline bookkeeping global.
uvicorn (the default; `kosovo_kg.web.front`: a supervisor and one front process) serves the ASGI
app of `kosovo_kg.web.asgi`, which waits for query workers on its event loop and answers queries
known to be fast itself; granian and gunicorn run the WSGI app with threads (bench/RESULTS.md
compares them).
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
        from kosovo_kg.web.front import serve_uvicorn

        serve_uvicorn(settings)
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
