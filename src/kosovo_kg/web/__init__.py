"""The web app (Flask lives here and only here): `create_app(settings)`.

Routes: /sparql (SPARQL 1.1 Protocol, service description), /.well-known/void (VoID + DCAT),
/dumps/kosovo-kg.nq, /downloads (the release files), /healthz, saved queries (/queries, /queries/<name>, /openapi.json),
reading pages (home /, /editor, /queries/<name>/form, linked data /id/..., /graph/..., /ontology;
see `kosovo_kg.web.pages`). Every response allows anonymous CORS (no credentials); HTML
responses carry a strict Content-Security-Policy. Write methods get 405 (the server is read-only)
with the path's Allow header; an unknown path is 404 whatever the method.
"""

from __future__ import annotations

import atexit
import logging
import time

from flask import Flask, Response, request
from werkzeug.exceptions import ClientDisconnected, HTTPException

from kosovo_kg.engine import CLIENT, Engine
from kosovo_kg.settings import Settings, load_settings
from kosovo_kg.store import Pinned

CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
EXPOSED = "X-Kosovo-KG-Truncated, X-Kosovo-KG-Rows, Retry-After, Content-Type"
WRITE_METHODS = ("PUT", "DELETE", "PATCH")
COMMON_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED),
    ("X-Content-Type-Options", "nosniff"),
)
BODY_TIMEOUT = 10.0  # seconds a request body may pause before the request gets 408
LOG_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def configure_logging() -> None:
    """The `kosovo_kg` loggers write at INFO to stderr (unless the embedding application has
    given them a handler)."""
    logger = logging.getLogger("kosovo_kg")
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
        logger.propagate = False


def client_address(remote: str, forwarded: str, trusted: tuple[str, ...]) -> str:
    """Who sent a request: the remote address, or, when that is a trusted proxy, the nearest
    address in X-Forwarded-For that is not one."""
    if remote not in trusted:
        return remote
    for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if hop not in trusted:
            return hop
    return remote


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, pinned: Pinned | None = None
) -> Flask:
    """Build the app and start its query workers on `pinned` data (pinned now if None), or use
    `engine`, already started."""
    from kosovo_kg.web import downloads, meta, pages, saved, sparql

    settings = settings or load_settings()
    configure_logging()
    app = Flask(__name__)
    app.config["KOSOVO_KG_SETTINGS"] = settings
    # one byte more than the limit: a reader of at most max_body_bytes + 1 bytes then sees a
    # body of unknown length (chunked) that is too long, instead of a body cut at the limit
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes + 1
    if engine is None:
        engine = Engine(settings, pinned).start()
        atexit.register(engine.close)
    app.extensions["kosovo_kg.engine"] = engine
    app.register_blueprint(sparql.bp)
    app.register_blueprint(meta.bp)
    downloads.init_app(app, settings)
    began = time.monotonic()
    saved.init_app(app, settings, engine)
    pages.init_app(app, settings, engine)
    logging.getLogger("kosovo_kg.web").info(
        "saved queries checked and state index read in %.1f s", time.monotonic() - began
    )

    @app.before_request
    def note_client() -> None:
        forwarded = request.headers.get("X-Forwarded-For", "")
        CLIENT.set(client_address(request.remote_addr or "", forwarded, settings.trusted_proxies))
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:  # a client that announces a body and stops sending is timed out
            sock.settimeout(BODY_TIMEOUT)

    @app.errorhandler(TimeoutError)
    def body_timeout(exc: Exception) -> Response:
        response = sparql.error_response(
            408, f"request timeout: no part of the body came for {BODY_TIMEOUT:g} s"
        )
        response.headers["Connection"] = "close"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        if isinstance(exc, ClientDisconnected) and isinstance(exc.__context__, TimeoutError):
            return body_timeout(exc)  # how werkzeug's reader reports the socket's timeout
        # an unknown path is 404 whatever the method; a known one refuses other methods with
        # 405 and the Allow header of that path (werkzeug's routing knows it)
        status = exc.code or 500
        message = exc.description or exc.name
        if status == 413:
            message = f"request body too large: the limit is {settings.max_body_bytes} bytes"
        if status == 405 and request.method in WRITE_METHODS:
            message = (
                f"{request.method} is not allowed: this endpoint is read-only (no SPARQL Update,"
                " no Graph Store writes)"
            )
        response = sparql.error_response(status, f"{exc.name}: {message}")
        if status == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))  # type: ignore[attr-defined]
        return response

    @app.after_request
    def headers(response: Response) -> Response:
        sock = request.environ.get("gunicorn.socket")
        if sock is not None:  # the answer is written without a deadline
            sock.settimeout(None)
        for name, value in COMMON_HEADERS:
            response.headers[name] = value
        if request.method == "OPTIONS" and response.status_code == 200:
            # CORS preflight (Flask answers OPTIONS itself; we add what browsers need)
            response.status_code = 204
            allowed = response.headers.get("Allow", "GET, HEAD, OPTIONS")
            response.headers["Access-Control-Allow-Methods"] = allowed
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "86400"
        if response.mimetype in ("text/html", "application/xhtml+xml"):
            # a page may narrow or adjust its own policy (the editor lets YASGUI inject styles)
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return app
