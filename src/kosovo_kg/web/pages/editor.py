"""The query editor: YASGUI (npm @zazuko/yasgui, served from /assets) pointed at /sparql, with the
saved queries as examples. Without the assets (or without JavaScript) the page is a plain form
posting to /sparql."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from kosovo_kg.web import CSP, pages
from kosovo_kg.web.saved import EXTENSION as SAVED
from kosovo_kg.web.sparql import EXAMPLE_QUERY

bp = Blueprint("editor", __name__)
# the app's policy, plus inline *styles* (YASGUI and CodeMirror add <style> elements); still no
# inline scripts and no other host
EDITOR_CSP = CSP.replace(
    "default-src 'self'", "default-src 'self'; style-src 'self' 'unsafe-inline'"
)
DEFAULT_QUERY = EXAMPLE_QUERY


@bp.route("/editor")
def editor() -> Response:
    st = pages.state()
    library = current_app.extensions[SAVED].library
    name = request.args.get("example")
    query = library[name].text if name in library else None
    page = render_template(
        "editor.html",
        title="Query editor",
        query=query or DEFAULT_QUERY.format(kr=st.settings.base_iri + "ontology#"),
        examples=[(q.name, q.title) for q in library.values()],
        selected=name if name in library else None,
        yasgui={"yasgui.min.js", "yasgui.min.css"} <= st.assets,
        max_rows=st.settings.max_rows,
    )
    response = Response(page, 200, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    return response
