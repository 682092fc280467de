"""Reading a SPARQL 1.1 Protocol request: GET, POST form, POST `application/sparql-query`.

Parameters are decoded here from the raw bytes (not through Flask's lenient decoding) so that
invalid UTF-8 is refused with 400 instead of being replaced.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from flask import Request
from werkzeug.http import parse_options_header

from kosovo_kg.store import is_iri

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii"}


class ProtocolError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    default_graph_uris: tuple[str, ...]
    named_graph_uris: tuple[str, ...]
    format: str | None


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"{what} is not valid UTF-8 (byte {exc.start})") from None


def _params(raw: bytes, what: str) -> list[tuple[str, str]]:
    """Decode `application/x-www-form-urlencoded` bytes strictly (invalid UTF-8 -> 400)."""
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append(
            (
                _decode(unquote_to_bytes(name.replace(b"+", b" ")), what),
                _decode(unquote_to_bytes(value.replace(b"+", b" ")), what),
            )
        )
    return pairs


def read_body(request: Request, max_body: int) -> bytes:
    length = request.content_length
    if length is not None and length > max_body:
        raise ProtocolError(413, f"request body too large: {length} bytes, the limit is {max_body}")
    body = request.stream.read(max_body + 1)
    if len(body) > max_body:
        raise ProtocolError(413, f"request body too large: over {max_body} bytes")
    return body


def parse_sparql_request(request: Request, max_body: int) -> SparqlRequest:
    """Read the query, dataset and format from a request; raise ProtocolError when malformed."""
    body = None
    mimetype = charset = ""
    if request.method == "POST":
        mimetype = request.mimetype
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        _check_content_type(mimetype, charset)
        body = read_body(request, max_body)
    return parse_parts(request.method, request.query_string, mimetype, body, charset)


def content_type_parts(header: str | None) -> tuple[str, str]:
    """(mimetype, charset) of a Content-Type header, lower-cased; ("", "") when absent."""
    if not header:
        return "", ""
    mimetype, options = parse_options_header(header)
    return mimetype.lower(), options.get("charset", "utf-8").lower()


def _check_content_type(mimetype: str, charset: str) -> None:
    if not mimetype:
        raise ProtocolError(415, f"POST needs a Content-Type: {FORM} or {SPARQL_QUERY}")
    if mimetype == SPARQL_UPDATE:
        raise ProtocolError(403, "SPARQL Update is not accepted: this endpoint is read-only")
    if mimetype not in (FORM, SPARQL_QUERY):
        raise ProtocolError(
            415, f"unsupported Content-Type {mimetype!r}: use {FORM} or {SPARQL_QUERY}"
        )
    if charset not in _CHARSETS:
        raise ProtocolError(415, f"unsupported charset {charset!r}: send UTF-8")


def parse_parts(
    method: str, query_string: bytes, mimetype: str, body: bytes | None, charset: str = "utf-8"
) -> SparqlRequest:
    """The protocol request from its raw parts: `body` is None for GET; for POST, `mimetype`
    and `charset` come from `content_type_parts` (checked here when not checked before)."""
    url_params = _params(query_string, "the query string")
    body_params: list[tuple[str, str]] = []
    body_query: str | None = None
    if method == "POST":
        _check_content_type(mimetype, charset)
        if mimetype == FORM:
            body_params = _params(body or b"", "the request body")
        else:
            body_query = _decode(body or b"", "the query")
    params = url_params + body_params
    names = [k for k, _ in params]
    if "update" in names:
        raise ProtocolError(403, "SPARQL Update is not accepted: this endpoint is read-only")
    queries = [v for k, v in params if k == "query"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query in the request; send exactly one")
    fmt = single_format([v for k, v in params if k == "format"])
    query = queries[0] if queries else None
    if query is not None and not query.strip():
        raise ProtocolError(400, "the query is empty")
    if method == "POST" and query is None:
        raise ProtocolError(400, "missing query: send a `query` parameter or a query body")
    return SparqlRequest(
        query=query,
        default_graph_uris=_graph_iris(params, "default-graph-uri"),
        named_graph_uris=_graph_iris(params, "named-graph-uri"),
        format=fmt,
    )


def single_format(values: Sequence[str]) -> str | None:
    """The one `format` of a request (the first value): the same format may be given more than
    once, also by two names (SPARQLWrapper sends `format=tsv&format=text/tab-separated-values`);
    two different formats get 400."""
    from kosovo_kg.web.negotiate import same_format  # negotiate imports this module

    if any(not same_format(values[0], other) for other in values[1:]):
        shown = ", ".join(sorted(repr(v) for v in set(values)))
        raise ProtocolError(400, f"conflicting format parameters ({shown}); send one")
    return values[0] if values else None


def _graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    """The IRIs of a dataset parameter; each must be an absolute IRI (400 otherwise). An IRI that
    names no graph of this dataset is an empty graph: it is never fetched."""
    iris = tuple(dict.fromkeys(v for k, v in params if k == name))  # a graph named twice is one
    for iri in iris:
        if not is_iri(iri):
            raise ProtocolError(400, f"{name} {iri[:200]!r} is not an absolute IRI")
    return iris
