"""The list of saved queries (/forms) and a form per saved query (/queries/<name>/form), built from its parameter types: date inputs,
enum selects, a state picker (name, ISO code or QID, with a datalist), numbers and text. A filled
form runs the query through the saved-query binder and the engine and shows a table, with
download links to /queries/<name> in each format that applies."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from kosovo_kg.saved.header import SavedQuery
from kosovo_kg.saved.library import ParamError, bind
from kosovo_kg.saved.params import ParamValueError, date_bounds
from kosovo_kg.web import pages
from kosovo_kg.web.pages import results
from kosovo_kg.web.saved import EXTENSION as SAVED
from kosovo_kg.web.sparql import error_response

bp = Blueprint("forms", __name__)
SELECT_DOWNLOADS = (("csv", "CSV"), ("json", "JSON"), ("tsv", "TSV"), ("xml", "XML"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("ntriples", "N-Triples"), ("jsonld", "JSON-LD"))
# a date is typed as text: a year, a month or a day (an <input type=date> takes days only)
INPUT_TYPES = {"date": "text", "integer": "number", "iri": "url"}
DATE_PATTERN = r"\d{4}(-\d{2}(-\d{2})?)?"


def date_range(text: str) -> str:
    """'2019-01-01 – 2019-12-31' for '2019', the day itself for a day, '' when not a date."""
    try:
        first, last = date_bounds(text)
    except ParamValueError:
        return ""
    return first if first == last else f"{first} – {last}"


def _state_names() -> dict[str, str]:
    """Lower-cased state name -> ISO code, so the picker also takes a name."""
    return {s.label.casefold(): s.iso3 for s in pages.state().periods().states.values()}


def fields(query: SavedQuery, given: dict[str, str]) -> list[dict[str, Any]]:
    fields = []
    for p in query.params:
        fields.append(
            {
                "name": p.name,
                "kind": p.type.name,
                "input": INPUT_TYPES.get(p.type.name, "text"),
                "values": p.type.values,
                "required": p.required,
                "default": p.default,
                "example": p.example,
                "help": p.type.help,
                "description": p.description,
                "value": given.get(p.name, ""),
                "range": date_range(given.get(p.name, "")) if p.type.name == "date" else "",
            }
        )
    return fields


def day_at_end(text: str | None, today: dt.date) -> tuple[dt.date, str, str | None]:
    """The last day of a YYYY, YYYY-MM or YYYY-MM-DD value, the range it covers, and the error
    (today is used then, or when nothing is given)."""
    if not text or not text.strip():
        return today, "", None
    try:
        last = date_bounds(text)[1]
    except ParamValueError as exc:
        return today, "", f"not a date ({exc}): {text[:40]!r}; showing {today.isoformat()}"
    return dt.date.fromisoformat(last), date_range(text), None


@bp.route("/forms")
def index() -> Response:
    """Every saved query with a link to its form."""
    saved = current_app.extensions[SAVED]
    page = render_template(
        "forms.html",
        title="Saved queries: forms",
        queries=list(saved.library.values()),
        refused=saved.refused,
    )
    return Response(page, 200, content_type="text/html; charset=utf-8")


@bp.route("/queries/<name>/form")
def form(name: str) -> Response:
    saved = current_app.extensions[SAVED]
    query = saved.library.get(name)
    if query is None:
        return error_response(404, f"no saved query named {name!r}")
    given = {k: v.strip() for k, v in request.args.items() if k != "run"}
    context: dict[str, Any] = {
        "title": query.title,
        "query": query,
        "fields": fields(query, given),
        "states": sorted(pages.state().periods().states.values(), key=lambda s: s.label),
        "refused": saved.refused.get(name),
        "graph": saved.infos[name].form in ("CONSTRUCT", "DESCRIBE"),
        "base": pages.state().settings.base_iri,
        "date_pattern": DATE_PATTERN,
        # the editor with this form's values (or the examples when nothing was given)
        "editor_url": "/editor?"
        + urllib.parse.urlencode({"example": query.name, **arguments(query, given)}),
    }
    status = 200
    if "run" in request.args:
        status = _run(query, given, context)
    page = render_template("form.html", **context)
    return Response(page, status, content_type="text/html; charset=utf-8")


def arguments(query: SavedQuery, given: dict[str, str]) -> dict[str, str]:
    """The values given for the query's parameters, a state's name replaced by its ISO code."""
    names = _state_names()
    args = {}
    for p in query.params:
        v = given.get(p.name, "")
        if v and p.type.name == "state" and v.casefold() in names:
            v = names[v.casefold()]
        if v:
            args[p.name] = v
    return args


def _run(query: SavedQuery, given: dict[str, str], context: dict[str, Any]) -> int:
    saved = current_app.extensions[SAVED]
    args = arguments(query, given)
    try:
        bindings = bind(query, args, saved.states)
    except ParamError as exc:
        context["error"] = str(exc)
        return 400
    graph = context["graph"]
    outcome = pages.state().engine.run(
        query.text, substitutions=bindings, result_format="turtle" if graph else "json"
    )
    if not outcome.ok:
        context["error"] = outcome.body.decode("utf-8", "replace").strip()
        return outcome.status
    qs = urllib.parse.urlencode(args)
    downloads = GRAPH_DOWNLOADS if graph else SELECT_DOWNLOADS
    context["downloads"] = [
        (label, f"/queries/{query.name}?{qs}{'&' if qs else ''}format={key}")
        for key, label in downloads
    ]
    context["rows"] = outcome.rows
    context["truncated"] = outcome.truncated
    if graph:
        context["graph_text"] = outcome.body.decode()
        return 200
    data = json.loads(outcome.body)
    if "boolean" in data:
        context["boolean"] = data["boolean"]
        return 200
    context["variables"] = data["head"]["vars"]
    context["table"] = results.cells(data["head"]["vars"], data["results"]["bindings"])
    return 200
