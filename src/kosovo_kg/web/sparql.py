"""The /sparql blueprint: SPARQL 1.1 Protocol (query only) on top of `Engine.run`."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from kosovo_kg.engine import Engine, QueryCheckError, QueryOutcome
from kosovo_kg.store import DUMP_NAME
from kosovo_kg.web import negotiate
from kosovo_kg.web.describe import service_description
from kosovo_kg.web.protocol import ProtocolError, parse_sparql_request

bp = Blueprint("sparql", __name__)

TRUNCATED_HEADER = "X-Kosovo-KG-Truncated"
ROWS_HEADER = "X-Kosovo-KG-Rows"
PLAIN = "text/plain; charset=utf-8"
EXAMPLE_QUERY = """PREFIX kr: <{kr}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?state ?label ?date WHERE {{
  ?event a kr:Recognition ; kr:actor ?state .
  ?claim kr:about ?event ; kr:statedDate ?date .
  OPTIONAL {{ ?state rdfs:label ?label }}
}} ORDER BY ?date LIMIT 50
"""


def engine() -> Engine:
    return current_app.extensions["kosovo_kg.engine"]


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status, mimetype="text/plain")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    settings = current_app.config["KOSOVO_KG_SETTINGS"]
    try:
        req = parse_sparql_request(request, settings.max_body_bytes)
        if req.query is None:
            return _service_description(req.format)
        info = engine().check(req.query, req.default_graph_uris, req.named_graph_uris)
        key = negotiate.choose_for_header(info.form, req.format, request.headers.get("Accept"))
    except ProtocolError as exc:
        return error_response(exc.status, exc.message)
    except QueryCheckError as exc:
        engine().log_refusal(req.query, str(exc))
        return error_response(400, str(exc))
    html = key == "html"
    graph = info.form in ("CONSTRUCT", "DESCRIBE")
    outcome = engine().run(
        req.query,
        default_graph_uris=req.default_graph_uris,
        named_graph_uris=req.named_graph_uris,
        result_format=("turtle" if graph else "json") if html else key,
        checked=info,
        base_iri=request.base_url,  # relative IRIs of a query without BASE: SPARQL 1.1, 4.1.1
    )
    if html:
        return _html(req.query, outcome)
    status, headers, body = outcome_parts(outcome)
    return Response(body, status, headers=headers)


def outcome_parts(outcome: QueryOutcome) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of the answer to a query that ran; the app adds the headers
    every response carries."""
    if not outcome.ok:
        body = outcome.body.rstrip(b"\n") + b"\n"
        return outcome.status, [("Content-Type", PLAIN), *outcome.headers.items()], body
    headers = [
        ("Content-Type", outcome.media_type),
        (TRUNCATED_HEADER, "true" if outcome.truncated else "false"),
        (ROWS_HEADER, str(outcome.rows)),
        ("Vary", "Accept"),
    ]
    return 200, headers, outcome.body


def _html(query: str, outcome: QueryOutcome) -> Response:
    settings = current_app.config["KOSOVO_KG_SETTINGS"]
    context: dict = {
        "title": "Query results",
        "query": query,
        "max_rows": settings.max_rows,
        "rows": outcome.rows,
        "truncated": outcome.truncated,
        "status": outcome.status,
        "boolean": None,
        "dump_name": DUMP_NAME,
    }
    if not outcome.ok:
        context["error"] = outcome.body.decode().strip()
    elif outcome.kind == "graph":
        context["graph_text"] = outcome.body.decode()
    else:
        data = json.loads(outcome.body)
        if "boolean" in data:
            context["boolean"] = data["boolean"]
        else:
            context["variables"] = data["head"]["vars"]
            context["bindings"] = data["results"]["bindings"]
    response = Response(render_template("page.html", **context), outcome.status)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers[TRUNCATED_HEADER] = "true" if outcome.truncated else "false"
    for name, value in outcome.headers.items():
        response.headers[name] = value
    response.vary.add("Accept")
    return response


def _described(text: str, base: str) -> list:
    from kosovo_kg.web.pages import rdfdoc  # the service description as a page

    return rdfdoc.subjects(text, base)


def _service_description(fmt: str | None) -> Response:
    settings = current_app.config["KOSOVO_KG_SETTINGS"]
    key = negotiate.choose_graph_format(fmt, request.accept_mimetypes, "Accept" in request.headers)
    text = service_description(request.url_root, settings.base_iri, engine().graph_sizes)
    if key == "html":
        page = render_template(
            "page.html",
            title="SPARQL endpoint",
            query=EXAMPLE_QUERY.format(kr=settings.base_iri + "ontology#"),
            max_rows=settings.max_rows,
            boolean=None,
            description=_described(text, settings.base_iri),
            sd_link=True,
            dump_name=DUMP_NAME,
        )
        response = Response(page, 200, content_type="text/html; charset=utf-8")
    else:
        body = negotiate.rdf_body(text, key, settings.base_iri)
        response = Response(body, 200, content_type=_RDF_MEDIA[key])
    response.vary.add("Accept")
    response.headers["Link"] = '</.well-known/void>; rel="describedby"'
    return response


_RDF_MEDIA = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}
