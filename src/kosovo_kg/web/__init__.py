"""The web app (Flask lives here and only here): `create_app(settings)`.

Routes: /sparql (SPARQL 1.1 Protocol, service description), /.well-known/void (VoID + DCAT),
/dumps/kosovo-kg.nq, /healthz, saved queries (/queries, /queries/<name>, /openapi.json),
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
from werkzeug.exceptions import HTTPException

from kosovo_kg.engine import Engine
from kosovo_kg.settings import Settings, load_settings

CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
EXPOSED = "X-Kosovo-KG-Truncated, X-Kosovo-KG-Rows, Retry-After, Content-Type"
WRITE_METHODS = ("PUT", "DELETE", "PATCH")
COMMON_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", EXPOSED),
    ("X-Content-Type-Options", "nosniff"),
)


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    """Build the app and start its query workers (or use `engine`, already started)."""
    from kosovo_kg.web import fastpath, logs, meta, pages, saved, sparql

    settings = settings or load_settings()
    logs.configure()
    app = Flask(__name__)
    app.config["KOSOVO_KG_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if engine is None:
        engine = Engine(settings).start()
        atexit.register(engine.close)
    app.extensions["kosovo_kg.engine"] = engine
    app.register_blueprint(sparql.bp)
    app.register_blueprint(meta.bp)
    began = time.monotonic()
    saved.init_app(app, settings, engine)
    pages.init_app(app, settings, engine)
    logging.getLogger("kosovo_kg.web").info(
        "saved queries checked and state index read in %.1f s", time.monotonic() - began
    )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
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

    app.wsgi_app = fastpath.SparqlFastPath(  # type: ignore[method-assign]
        app.wsgi_app, engine, settings, COMMON_HEADERS
    )
    return app
