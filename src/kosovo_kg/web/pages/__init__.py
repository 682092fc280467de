"""Reading pages for browsers: home (/), query editor (/editor), search (/search), saved-query forms
(/queries/<name>/form), linked-data pages for every minted IRI (/id/..., /graph/..., /ontology,
/dataset) and the front-end assets (/assets/...).

Pages render on the server and work without JavaScript; the one script (YASGUI on /editor) is
an enhancement served from our own host. The app's Content-Security-Policy
(default-src 'self') forbids requests to any other host and inline scripts or styles.

A page answered 200 to GET without a Cache-Control of its own (the editor's is no-store) may be
cached for PAGE_MAX_AGE seconds, with an ETag (a digest of the page) that a conditional request
or a cache such as nginx revalidates (docs/deploy.md): a new data version that changes a page
changes its ETag.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, abort, current_app, request, send_from_directory
from flask.typing import ResponseReturnValue

from kosovo_kg.engine import Engine
from kosovo_kg.settings import Settings
from kosovo_kg.web import assets
from kosovo_kg.web.pages import claims, editor, forms, home, ld, results, search
from kosovo_kg.web.pages.data import Periods, load_periods

EXTENSION = "kosovo_kg.pages"
PAGE_MAX_AGE = 300  # seconds; pages show today's statuses, so not the day-long max-age of assets


class PageState:
    """Per-app state: which assets exist, and the status periods (read once per data version)."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.assets = assets.available(settings.var_dir)
        self._periods: tuple[str, Periods] | None = None
        self._lock = threading.Lock()
        self._memo: dict[tuple[Any, ...], Any] = {}

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """A value computed from the periods, kept while the data version stays (bounded)."""
        key = (self.engine.data_version, *key)
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        result = compute()
        with self._lock:
            if len(self._memo) >= 64:
                self._memo.clear()
            self._memo[key] = result
        return result

    def periods(self) -> Periods:
        version = self.engine.data_version
        with self._lock:
            if self._periods is None or self._periods[0] != version:
                self._periods = (version, load_periods(self.engine, self.settings.base_iri))
            return self._periods[1]


def state() -> PageState:
    return current_app.extensions[EXTENSION]


def init_app(app: Flask, settings: Settings, engine: Engine) -> None:
    assets.copy_assets(settings.var_dir)
    app.extensions[EXTENSION] = PageState(settings, engine)
    modules = (home, claims, editor, forms, ld, search)
    for module in modules:
        app.register_blueprint(module.bp)
    blueprints = {module.bp.name for module in modules}

    @app.after_request
    def cacheable(response: Response) -> Response:
        if (
            request.blueprint in blueprints
            and request.method in ("GET", "HEAD")
            and response.status_code == 200
            and "Cache-Control" not in response.headers
            and not response.direct_passthrough
        ):
            response.add_etag()
            response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE}"
            response.make_conditional(request)
        return response

    @app.route("/assets/<name>")
    def asset(name: str) -> ResponseReturnValue:
        if name not in assets.FILES:
            abort(404)
        response = send_from_directory(assets.assets_dir(settings.var_dir), name, max_age=3600)
        return response

    @app.route("/favicon.ico")
    def favicon() -> ResponseReturnValue:
        # browsers ask for it whatever the page says; the icon is the SVG of /static
        response = app.send_static_file("favicon.svg")
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response

    @app.context_processor
    def nav() -> dict[str, Any]:
        # result_cells: /sparql's HTML results (kosovo_kg.web.sparql) link and label like ours
        return {
            "nav_assets": state().assets,
            "base_iri": settings.base_iri,
            "result_cells": results.cells,
        }
