"""Linked data: every IRI the project mints dereferences on this server.

A request path maps to the IRI `<base IRI> + path without its leading '/'`: /id/state/XKX is
`<base>id/state/XKX` (docs/linked-data.md). Direct content negotiation (Vary: Accept): browsers
get HTML, clients asking for Turtle, N-Triples, JSON-LD or RDF/XML get the resource's triples
(outgoing, one hop into blank nodes such as quote selectors, and incoming), `?format=` overrides.
A path that makes no valid IRI (a `>`, a space, a bad %-escape) is 404 before any query is written.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request

from kosovo_kg.jsonld_context import compact
from kosovo_kg.store import is_iri
from kosovo_kg.web import negotiate, pages
from kosovo_kg.web.pages import ontology, resource
from kosovo_kg.web.protocol import ProtocolError
from kosovo_kg.web.sparql import _RDF_MEDIA, error_response

bp = Blueprint("ld", __name__)
RDF_KEYS = ("turtle", "ntriples", "jsonld", "rdfxml")


def _format() -> str:
    key = negotiate.choose_graph_format(
        request.args.get("format"), request.accept_mimetypes, "Accept" in request.headers
    )
    if key not in (*RDF_KEYS, "html"):
        raise ProtocolError(406, f"a resource is served as HTML, {', '.join(RDF_KEYS)}; not {key}")
    return key


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


def _page(template: str, status: int = 200, **context: Any) -> Response:
    page = render_template(template, **context)
    return _vary(Response(page, status, content_type="text/html; charset=utf-8"))


def _rdf(body: bytes, key: str) -> Response:
    return _vary(Response(body, 200, content_type=_RDF_MEDIA[key]))


@bp.route("/id/<path:rest>")
@bp.route("/graph/<path:rest>", endpoint="graph")
def minted(rest: str) -> Response:
    st = pages.state()
    iri = st.settings.base_iri + request.path.lstrip("/")
    if not is_iri(iri):  # the page queries name the IRI: only a valid one can stand there
        return _vary(error_response(404, f"no resource here: {iri[:300]!r} is not a valid IRI"))
    try:
        key = _format()
    except ProtocolError as exc:
        return _vary(error_response(exc.status, exc.message))
    if request.path.startswith("/graph/"):
        return _graph(iri, key)
    if key != "html":
        # JSON-LD: the triples as N-Triples from a query worker, compacted here with our context
        asked = "ntriples" if key == "jsonld" else key
        outcome = st.engine.run(resource.construct(iri), result_format=asked)
        if not outcome.ok:
            return error_response(outcome.status, outcome.body.decode())
        if outcome.rows == 0:
            return _vary(error_response(404, f"nothing is known about <{iri}>"))
        if key == "jsonld":
            return _rdf(compact(outcome.body, st.settings.base_iri), key)
        return _rdf(outcome.body, key)
    offset = request.args.get("incoming", "0")
    if not offset.isdigit():
        return _vary(error_response(400, f"incoming: not a number of rows: {offset[:40]!r}"))
    context = resource.describe(iri, int(offset))
    if context is None:
        return _page("resource.html", 404, title="Not found", iri=iri, missing=True)
    return _page("resource.html", **context)


def _graph(iri: str, key: str) -> Response:
    st = pages.state()
    sizes = st.engine.graph_sizes
    if iri not in sizes:
        return _vary(error_response(404, f"no named graph <{iri}> in this dataset"))
    turtle = (
        "@prefix void: <http://rdfs.org/ns/void#> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f"<{iri}> a void:Dataset"
        + (f" ; void:triples {sizes[iri]}" if sizes[iri] >= 0 else "")
        + " ;\n"
        f"  dcterms:isPartOf <{st.settings.base_iri}dataset> ;\n"
        f"  void:sparqlEndpoint <{request.url_root}sparql> .\n"
    )
    if key == "html":
        query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }} LIMIT 100"
        return _page(
            "graph.html", title=iri, iri=iri, triples=sizes[iri], query=query, turtle=turtle
        )
    return _rdf(negotiate.rdf_body(turtle, key, st.settings.base_iri), key)


@bp.route("/ontology")
def ontology_page() -> Response:
    st = pages.state()
    try:
        key = _format()
    except ProtocolError as exc:
        return _vary(error_response(exc.status, exc.message))
    if key != "html":
        return _rdf(ontology.serialise(st.settings.base_iri, key), key)
    return _page("ontology.html", **ontology.document(st.settings.base_iri))


@bp.route("/dataset")
def dataset() -> Response:
    """The dataset IRI: its description is the VoID/DCAT document."""
    return _vary(redirect("/.well-known/void", 303))
