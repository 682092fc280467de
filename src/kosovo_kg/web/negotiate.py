"""Content negotiation: from the query form, the `format` parameter and Accept to a format key.

Keys are those of `kosovo_kg.engine.outcome.MEDIA_TYPES`, plus "html" for the browser results page.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kosovo_kg.jsonld_context import compact
from kosovo_kg.store import turtle_to
from kosovo_kg.web.protocol import ProtocolError

# media types offered, in order of preference (the first is the default)
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "text/n3": "turtle",  # Turtle is N3 (SPARQLWrapper's N3 asks for these)
    "text/rdf+n3": "turtle",
    "text/html": "html",
    "application/xhtml+xml": "html",
}
_RESULT_NAMES = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "html": "html",
}
_GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "nquads": "nquads",
    "nq": "nquads",
    "n-quads": "nquads",
    "trig": "trig",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
    "rdf+xml": "rdfxml",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "html": "html",
}
KNOWN_NAMES = set(_RESULT_NAMES) | set(_GRAPH_NAMES)


def same_format(a: str, b: str) -> bool:
    """Whether two `format` values name one format for SELECT/ASK or for a graph: SPARQLWrapper
    sends both `format=tsv` and `format=text/tab-separated-values` (also for JSON-LD, RDF/XML)."""
    keys_a, keys_b = _format_keys(a), _format_keys(b)
    return a == b or any(x is not None and x == y for x, y in zip(keys_a, keys_b, strict=True))


def _format_keys(fmt: str) -> tuple[str | None, str | None]:
    return _lookup(fmt, _RESULT_NAMES, RESULT_TYPES), _lookup(fmt, _GRAPH_NAMES, GRAPH_TYPES)


def _lookup(fmt: str, names: dict[str, str], types: dict[str, str]) -> str | None:
    """The key of a `format` value: a name, a media type, or a list of media types (SPARQLWrapper
    sends `format=application/ld+json,application/x-json+ld`: the first known one counts)."""
    # a media type in a URL loses its "+" to form decoding: "sparql-results json"
    key = fmt.strip().lower().replace(" ", "+")
    if key in names:
        return names[key]
    for part in key.split(","):
        media = part.split(";")[0].strip()
        if media in types:
            return types[media]
    return None


def choose(form: str, fmt: str | None, accept: MIMEAccept, has_accept: bool) -> str:
    """The format key for a query form (SELECT, ASK, CONSTRUCT, DESCRIBE); 406 if none fits."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    types = GRAPH_TYPES if graph else RESULT_TYPES
    names = _GRAPH_NAMES if graph else _RESULT_NAMES
    kind = "a CONSTRUCT/DESCRIBE graph" if graph else f"{form} results"
    if fmt is not None:
        found = _lookup(fmt, names, types)
        if found is not None:
            return found
        key = fmt.strip().lower().replace(" ", "+")
        if key in KNOWN_NAMES or key.split(";")[0].strip() in {*RESULT_TYPES, *GRAPH_TYPES}:
            raise ProtocolError(406, f"format {fmt!r} is not available for {kind}")
        raise ProtocolError(400, f"unknown format {fmt!r}")
    if not has_accept:
        return next(iter(types.values()))
    best = accept.best_match(list(types))
    if best is None:
        offered = ", ".join(dict.fromkeys(types))
        raise ProtocolError(406, f"no acceptable media type for {kind}; available: {offered}")
    return types[best]


def choose_graph_format(fmt: str | None, accept: MIMEAccept, has_accept: bool) -> str:
    """Format for the service description and VoID (RDF documents)."""
    return choose("CONSTRUCT", fmt, accept, has_accept)


def _accept(header: str) -> MIMEAccept:
    return parse_accept_header(header, MIMEAccept)


@lru_cache(maxsize=1024)
def _choose_cached(form: str, fmt: str | None, accept_header: str | None) -> str:
    if accept_header is None:
        return choose(form, fmt, MIMEAccept(), False)
    return choose(form, fmt, _accept(accept_header), True)


def choose_for_header(form: str, fmt: str | None, accept_header: str | None) -> str:
    """`choose` from the raw Accept header (None when the request has none). Memoised for
    short inputs, since clients send the same few Accept headers again and again; long ones
    (which only a client probing the server sends) are not kept."""
    if len(fmt or "") <= 64 and len(accept_header or "") <= 512:
        return _choose_cached(form, fmt, accept_header)
    return _choose_cached.__wrapped__(form, fmt, accept_header)


def rdf_body(turtle: str, key: str, base_iri: str, parse_base: str | None = None) -> bytes:
    """A Turtle document (VoID, service description, ontology, a graph's description) in the
    RDF format `key`; JSON-LD compacted with our @context (`kosovo_kg.jsonld_context`).
    `parse_base` resolves relative IRIs (the document is then re-written, also as Turtle)."""
    if key == "turtle" and parse_base is None:
        return turtle.encode("utf-8")
    if key == "jsonld":
        return compact(turtle_to(turtle, "ntriples", parse_base), base_iri)
    return turtle_to(turtle, key, parse_base)
