"""Running the app: gunicorn (production) or Flask's development server (`--debug` only).

One gunicorn worker process with threads: the query workers (`kosovo_kg.engine`) are where the
parallelism is, and one process keeps the bounded queue and the deadline bookkeeping global.
"""

from __future__ import annotations

import math
from typing import Any

from gunicorn.app.base import BaseApplication

from kosovo_kg.settings import Settings


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
        from kosovo_kg.web import create_app

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


def serve_production(settings: Settings) -> None:
    _Gunicorn(settings, gunicorn_options(settings)).run()


def serve_debug(settings: Settings) -> None:
    from kosovo_kg.web import create_app

    app = create_app(settings)
    # debug logging and tracebacks, but never the interactive (code-executing) debugger
    app.run(
        host=settings.host, port=settings.port, debug=True, use_reloader=False, use_debugger=False
    )
