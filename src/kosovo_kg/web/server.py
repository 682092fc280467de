"""Running the app: gunicorn (production) or Flask's development server (`--debug` only).

The gunicorn master is `kosovo-kg serve` itself: it pins the data once and every gunicorn worker
(one, gthread) serves that pin, whatever is on disk. SIGHUP (`kosovo-kg serve --reload`) pins the
current dump first and keeps the old pin if that fails (docs/endpoint.md, "Process model").
"""

from __future__ import annotations

import logging
import math
import os
import signal
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from kosovo_kg import store
from kosovo_kg.settings import Settings

log = logging.getLogger("kosovo_kg.web")
WORKER_BOOT_TIMEOUT = 300  # seconds: the gunicorn worker's query workers load the data at boot


def pidfile(settings: Settings) -> Path:
    return Path(settings.var_dir) / "serve" / f"server-{settings.port}.pid"


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, pinned: store.Pinned) -> None:
        self.settings = settings
        self.pinned = pinned
        super().__init__()

    def load_config(self) -> None:
        for key, value in gunicorn_options(self.settings).items():
            if key in self.cfg.settings:  # e.g. control_socket_disable exists from gunicorn 24
                self.cfg.set(key, value)
        self.cfg.set("on_reload", self._on_reload)

    def load(self) -> Any:
        from kosovo_kg.web import create_app

        return create_app(self.settings, pinned=self.pinned)

    def _on_reload(self, arbiter: Any) -> None:
        """SIGHUP, before gunicorn starts the new worker: pin the current dump, or keep the old
        pin if it does not load."""
        s = self.settings
        try:
            pinned = store.pin_serving_data(
                s.store_mode, store.dump_path(s.data_dir), s.var_dir, keep=self.pinned.dump
            )
        except (store.StoreError, OSError) as exc:
            log.error("reload refused, still serving data %s: %s", self.pinned.version, exc)
            return
        log.info("reload: data %s pinned (was %s)", pinned.version, self.pinned.version)
        self.pinned = pinned


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": settings.http_threads,
        # the gthread main loop never runs a query; this only bounds a worker that hangs at boot
        "timeout": max(WORKER_BOOT_TIMEOUT, math.ceil(settings.query_timeout) * 2),
        "graceful_timeout": math.ceil(settings.query_timeout + settings.queue_timeout) + 5,
        "keepalive": 5,
        # GET queries up to 8 KiB of URL; longer queries go by POST (limit: max_body_bytes)
        "limit_request_line": 8190,
        "forwarded_allow_ips": ",".join(settings.trusted_proxies),
        "pidfile": str(pidfile(settings)),
        "proc_name": "kosovo-kg",
        # no shared ~/.gunicorn control socket: several servers may run on one machine
        "control_socket_disable": True,
    }


def serve_production(settings: Settings) -> None:
    pinned = store.pin_serving_data(
        settings.store_mode, store.dump_path(settings.data_dir), settings.var_dir
    )
    _Gunicorn(settings, pinned).run()


def reload(settings: Settings) -> int:
    """Send SIGHUP to the server of these settings (its pidfile); return its pid."""
    path = pidfile(settings)
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"no server running on port {settings.port}: {path}: {exc}") from exc
    os.kill(pid, signal.SIGHUP)
    return pid


def serve_debug(settings: Settings) -> None:
    from kosovo_kg.web import create_app

    app = create_app(settings)
    # debug logging and tracebacks, but never the interactive (code-executing) debugger
    app.run(
        host=settings.host, port=settings.port, debug=True, use_reloader=False, use_debugger=False
    )
