"""Saved queries over HTTP: /queries (list), /queries/<name> (run), /queries/<name>.rq (text),
/openapi.json.

Queries run through the same `Engine.run` as /sparql (same checks, deadline, row and byte limits
and SERVICE allowlist). Request values are bound as RDF terms with `substitutions`, never pasted
into the text. Answers are cached by (data version, query, bound parameters, format) and carry a
strong ETag with Cache-Control; If-None-Match gets 304 without running anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.routing import BaseConverter

from kosovo_kg.engine import Engine, QueryCheckError, QueryInfo, QueryOutcome, analyse
from kosovo_kg.saved.cache import AnswerCache, Entry
from kosovo_kg.saved.docs import SAMPLE_ROWS, curl, describe, example_path
from kosovo_kg.saved.header import HeaderError, SavedQuery
from kosovo_kg.saved.library import ParamError, bind, cache_key, load_library
from kosovo_kg.saved.openapi import openapi_document
from kosovo_kg.saved.params import StateIndex
from kosovo_kg.settings import Settings
from kosovo_kg.web import negotiate
from kosovo_kg.web.protocol import ProtocolError, single_format
from kosovo_kg.web.sparql import ROWS_HEADER, TRUNCATED_HEADER, _html, error_response

bp = Blueprint("saved", __name__)
EXTENSION = "kosovo_kg.saved"
CACHE_HEADER = "X-Kosovo-KG-Cache"
STATES_QUERY = """SELECT DISTINCT ?s ?iso ?qid WHERE {
  ?s a <%sontology#PoliticalEntity> .
  OPTIONAL { ?s <%sontology#iso3> ?iso }
  OPTIONAL { ?s <%sontology#wikidata> ?qid }
}"""
FORMAT_NAMES = ["json", "xml", "csv", "tsv", "html"]


@dataclass
class SavedQueries:
    library: dict[str, SavedQuery]
    infos: dict[str, QueryInfo]  # name -> the engine's check at load, reused by every run
    states: StateIndex
    cache: AnswerCache
    max_age: int
    refused: dict[str, str] = field(default_factory=dict)  # name -> why the engine refuses it
    openapi: dict[str, Any] = field(default_factory=dict)


def _state_index(settings: Settings, engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    """ISO3 and QID -> state IRI, read in full (a service query: the row and byte caps do not
    apply, so no state is dropped from the `state` parameter type)."""
    base = settings.base_iri
    outcome = engine.run_internal(STATES_QUERY % (base, base, base))
    if not outcome.ok:
        raise RuntimeError(f"cannot read the states of the graph: {outcome.body.decode()}")
    by_iso: dict[str, str] = {}
    by_qid: dict[str, str] = {}
    for row in json.loads(outcome.body)["results"]["bindings"]:
        if "iso" in row:
            by_iso[row["iso"]["value"]] = row["s"]["value"]
        if "qid" in row:
            by_qid[row["qid"]["value"]] = row["s"]["value"]
    return by_iso, by_qid


def load(settings: Settings, engine: Engine) -> SavedQueries:
    """Read the library and check every query with the engine; raise HeaderError when wrong."""
    library = load_library(settings.queries_dir, settings.base_iri)
    infos: dict[str, QueryInfo] = {}
    refused: dict[str, str] = {}
    for name, query in library.items():
        try:
            infos[name] = analyse(query.text, settings.max_nesting)
        except QueryCheckError as exc:
            raise HeaderError(query.path, query.header_lines + 1, f"query refused: {exc}") from None
        try:
            engine.check(query.text)
        except QueryCheckError as exc:
            # e.g. a federated query whose SERVICE is not on this server's allowlist: the server
            # still starts; a call gets the engine's 400, and the listing says why
            refused[name] = str(exc)
    by_iso, by_qid = _state_index(settings, engine)
    saved = SavedQueries(
        library,
        infos,
        StateIndex(by_iso, by_qid),
        AnswerCache(settings.saved_cache_bytes),
        settings.saved_max_age,
        refused,
    )
    forms = {name: info.form for name, info in infos.items()}
    saved.openapi = openapi_document(library, forms, FORMAT_NAMES)
    return saved


class RunName(BaseConverter):
    """A query name in /queries/<name> that is not `<name>.rq` (the query's text, GET only), so
    a POST there is 405 and OPTIONS lists only GET, HEAD."""

    regex = r"[^/]+(?<!\.rq)"


def init_app(app: Flask, settings: Settings, engine: Engine) -> None:
    app.extensions[EXTENSION] = load(settings, engine)
    app.url_map.converters["run_name"] = RunName
    app.register_blueprint(bp)


def _saved() -> SavedQueries:
    return current_app.extensions[EXTENSION]


def _engine() -> Engine:
    return current_app.extensions["kosovo_kg.engine"]


@bp.route("/openapi.json")
def openapi() -> Response:
    response = Response(json.dumps(_saved().openapi, indent=1), 200, mimetype="application/json")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/queries")
def listing() -> Response:
    saved = _saved()
    fmt = request.args.get("format")
    if fmt is not None and fmt not in ("json", "html"):
        return error_response(400, f"unknown format {fmt!r}; use json or html")
    if fmt is None:
        if "Accept" in request.headers:
            fmt = request.accept_mimetypes.best_match(["application/json", "text/html"])
            if fmt is None:
                return error_response(406, "available: application/json, text/html")
            fmt = "json" if fmt == "application/json" else "html"
        else:
            fmt = "json"
    entries = [describe(q) for q in saved.library.values()]
    if fmt == "json":
        response = Response(json.dumps({"queries": entries}, indent=1), mimetype="application/json")
    else:
        server = request.url_root.rstrip("/")
        for entry, query in zip(entries, saved.library.values(), strict=True):
            entry["curl"] = curl(query, server)
            entry["sample"] = _sample(query)
            entry["refused"] = saved.refused.get(query.name)
        page = render_template("saved_queries.html", entries=entries, title="Saved queries")
        response = Response(page, 200, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


@bp.route("/queries/<name>.rq")
def text(name: str) -> Response:
    query = _saved().library.get(name)
    if query is None:
        return _not_found(name)
    response = Response(query.text, 200, content_type="application/sparql-query; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={_saved().max_age}"
    return response


def _not_found(name: str) -> Response:
    known = ", ".join(_saved().library)
    return error_response(404, f"no saved query named {name!r}; the queries are: {known}")


def _arguments() -> tuple[list[tuple[str, str]], str | None]:
    items = list(request.args.items(multi=True))
    if request.method == "POST":
        items += list(request.form.items(multi=True))
    fmt = single_format([v for k, v in items if k == "format"])
    return [(k, v) for k, v in items if k != "format"], fmt


@bp.route("/queries/<run_name:name>", methods=["GET", "POST"])
def run(name: str) -> Response:
    saved = _saved()
    query = saved.library.get(name)
    if query is None:
        return _not_found(name)
    try:
        args, fmt = _arguments()
        bindings = bind(query, args, saved.states)
        key = negotiate.choose_for_header(
            saved.infos[name].form, fmt, request.headers.get("Accept")
        )
    except ProtocolError as exc:
        return error_response(exc.status, exc.message)
    except ParamError as exc:
        return error_response(400, str(exc))
    etag = cache_key(_engine().data_version, query, bindings, key)
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
        return _cacheable(response, etag, saved.max_age, "revalidated")
    entry, state = _answer(query, bindings, key, etag)
    if isinstance(entry, QueryOutcome):
        return error_response(entry.status, entry.body.decode(), dict(entry.headers))
    response = Response(entry.body, 200, content_type=entry.content_type)
    response.headers[TRUNCATED_HEADER] = "true" if entry.truncated else "false"
    response.headers[ROWS_HEADER] = str(entry.rows)
    return _cacheable(response, etag, saved.max_age, state)


def _answer(
    query: SavedQuery, bindings: dict[str, str], key: str, etag: str
) -> tuple[Entry | QueryOutcome, str]:
    """The cached answer, or run the query through the engine (an error outcome is not cached)."""
    saved = _saved()
    entry = saved.cache.get(etag)
    if entry is not None:
        return entry, "hit"
    html = key == "html"
    info = saved.infos[query.name]
    graph = info.form in ("CONSTRUCT", "DESCRIBE")
    outcome = _engine().run(
        query.text,
        substitutions=bindings,
        checked=None if query.name in saved.refused else info,
        result_format=("turtle" if graph else "json") if html else key,
    )
    if not outcome.ok:
        return outcome, "miss"
    entry = _entry(query, outcome, html)
    saved.cache.put(etag, entry)
    return entry, "miss"


def _sample(query: SavedQuery) -> dict[str, Any]:
    """The first rows of the query's example call (for the HTML listing), from the cache."""
    saved = _saved()
    if query.name in saved.refused:
        return {"error": "not run here: " + saved.refused[query.name]}
    if saved.infos[query.name].services:
        return {
            "error": "not run for this page: a federated query (SERVICE) calls another endpoint"
        }
    try:
        bindings = bind(query, query.example_args(), saved.states)
    except ParamError as exc:
        return {"error": str(exc)}
    etag = cache_key(_engine().data_version, query, bindings, "json")
    entry, _ = _answer(query, bindings, "json", etag)
    if isinstance(entry, QueryOutcome):
        return {"error": entry.body.decode().strip()}
    data = json.loads(entry.body)
    if "boolean" in data:
        return {"variables": ["boolean"], "rows": [[str(data["boolean"]).lower()]], "total": 1}
    names = data["head"]["vars"]
    rows = [[b.get(n, {}).get("value", "") for n in names] for b in data["results"]["bindings"]]
    return {"variables": names, "rows": rows[:SAMPLE_ROWS], "total": len(rows)}


def _entry(query: SavedQuery, outcome: QueryOutcome, html: bool) -> Entry:
    if not html:
        return Entry(outcome.media_type, outcome.body, outcome.rows, outcome.truncated)
    page = _html(query.text, outcome)
    return Entry(page.headers["Content-Type"], page.get_data(), outcome.rows, outcome.truncated)


def _cacheable(response: Response, etag: str, max_age: int, state: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers[CACHE_HEADER] = state
    response.vary.add("Accept")
    return response


__all__ = ["bp", "example_path", "init_app", "load"]
