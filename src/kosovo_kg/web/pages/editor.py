"""The query editor: YASGUI (npm @zazuko/yasgui, served from /assets) pointed at /sparql, with the
saved queries as examples: loading one shows its parameters as fields (filled with the
header's example values) and puts its text in the editor with those values bound as a VALUES
block. `/editor?example=<name>&<param>=<value>...` is the link to that state; `?query=<text>`
puts any text in the editor (the script keeps the address up to date as you type) and `run=1`
runs it on load. Without the assets (or without JavaScript) the page is a plain form
posting to /sparql. `POST /editor/labels` gives the labels of the IRIs of one result set (the
script asks once per result set, to show them beside the IRIs in YASGUI's table)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from kosovo_kg.engine.inject import bind_values
from kosovo_kg.engine.lexer import QueryCheckError
from kosovo_kg.saved.header import SavedQuery
from kosovo_kg.saved.library import ParamError, bind
from kosovo_kg.store import is_iri
from kosovo_kg.vocab import PREFIXES
from kosovo_kg.web import CSP, pages
from kosovo_kg.web.pages import forms
from kosovo_kg.web.pages.resource import labels_of
from kosovo_kg.web.saved import EXTENSION as SAVED
from kosovo_kg.web.sparql import EXAMPLE_QUERY

bp = Blueprint("editor", __name__)
# the app's policy, plus inline *styles* (YASGUI and CodeMirror add <style> elements); still no
# inline scripts and no other host
EDITOR_CSP = CSP.replace(
    "default-src 'self'", "default-src 'self'; style-src 'self' 'unsafe-inline'"
)
DEFAULT_QUERY = EXAMPLE_QUERY
MAX_LABELS = 2000  # IRIs labelled per result set (the first, in sorted order)
LABELS_CHUNK = 400  # IRIs per label query (what labels_of takes)


@bp.route("/editor")
def editor() -> Response:
    st = pages.state()
    saved = current_app.extensions[SAVED]
    name = request.args.get("example")
    query = saved.library.get(name) if name else None
    context: dict = {}
    if query is not None:
        context = _example(query, saved)
    page = render_template(
        "editor.html",
        title=f"Query editor: {query.title}" if query else "Query editor",
        query=request.args.get("query")
        or context.pop("text", None)
        or DEFAULT_QUERY.format(kr=st.settings.base_iri + "ontology#"),
        autorun=request.args.get("run") == "1",
        permalink=urllib.parse.urlencode(
            [(k, v) for k, v in request.args.items(multi=True) if k != "run"]
        ),
        examples=[(q.name, q.title) for q in saved.library.values()],
        selected=query,
        yasgui={"yasgui.min.js", "yasgui.min.css"} <= st.assets,
        max_rows=st.settings.max_rows,
        states=sorted(st.periods().states.values(), key=lambda s: s.label),
        date_pattern=forms.DATE_PATTERN,
        prefixes=json.dumps({"kr": st.settings.base_iri + "ontology#", **PREFIXES}),
        **context,
    )
    response = Response(page, 200, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    response.headers["Cache-Control"] = "no-store"  # a reload shows what the address says
    return response


def _example(query: SavedQuery, saved: Any) -> dict[str, Any]:
    """A saved query loaded in the editor: its parameters as fields (the request's values, else
    the examples of its header) and its text with those values bound as a VALUES block, so that
    running it gives what /queries/<name> gives with the same values."""
    submitted = any(p.name in request.args for p in query.params)
    given = {
        p.name: (request.args.get(p.name, "") if submitted else p.example or "").strip()
        for p in query.params
    }
    context: dict[str, Any] = {"fields": forms.fields(query, given), "text": query.text}
    args = forms.arguments(query, given)
    try:
        bindings = bind(query, args, saved.states)
        context["text"] = bind_values(query.text, bindings) if bindings else query.text
    except (ParamError, QueryCheckError) as exc:
        context["error"] = f"{exc}; the query is shown without values"
    context["run_url"] = f"/queries/{query.name}/form?" + urllib.parse.urlencode(
        {"run": "1", **args}
    )
    return context


@bp.route("/editor/labels", methods=["POST"])
def labels() -> Response:
    """The labels of one result set's IRIs: a JSON list of IRIs in, `{iri: label}` out (IRIs
    without a label are left out); at most MAX_LABELS IRIs are looked up."""
    iris = request.get_json(silent=True)
    if not isinstance(iris, list) or not all(isinstance(i, str) for i in iris):
        return Response(
            "the body must be a JSON list of IRIs\n", 400, content_type="text/plain; charset=utf-8"
        )
    wanted = sorted({i for i in iris if is_iri(i)})[:MAX_LABELS]
    found: dict[str, str] = {}
    for start in range(0, len(wanted), LABELS_CHUNK):
        found.update(labels_of(set(wanted[start : start + LABELS_CHUNK])))
    return jsonify(found)
