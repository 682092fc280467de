"""The hot path of /sparql: a WSGI middleware that answers a well-formed query without Flask's
request and response machinery (bench/RESULTS.md measures what it saves).

It takes GET and POST /sparql requests that carry a query, pass the protocol and query checks
and ask for a non-HTML format, runs them through the same `Engine.run` and answers with the same
status, headers and body as the Flask view (`kosovo_kg.web.sparql`), whose `outcome_response`
parts it shares. Everything else goes to the Flask app unchanged, with the body it read put
back: no query (the service description), the HTML results page, anything the protocol or the
checks refuse (so each error message is written once, in the view), a POST without
Content-Length or over the body limit, other methods and paths. A test sends the same requests
through both paths and compares the answers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import lru_cache
from http import HTTPStatus
from typing import Any

from kosovo_kg.engine import Engine, QueryCheckError, QueryOutcome
from kosovo_kg.settings import Settings
from kosovo_kg.web import negotiate
from kosovo_kg.web.protocol import (
    ProtocolError,
    SparqlRequest,
    content_type_parts,
    parse_parts,
)
from kosovo_kg.web.sparql import outcome_parts

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
CACHED_REQUEST_BYTES = 8192


def _parts(
    method: str, query_string: bytes, content_type: str | None, body: bytes | None
) -> SparqlRequest:
    mimetype, charset = content_type_parts(content_type) if method == "POST" else ("", "")
    return parse_parts(method, query_string, mimetype, body, charset)


_parts_cached = lru_cache(maxsize=512)(_parts)


def request_parts(
    method: str, query_string: bytes, content_type: str | None, body: bytes | None
) -> SparqlRequest:
    """`parse_parts` from the raw request, memoised for requests up to CACHED_REQUEST_BYTES
    (clients repeat their requests, and percent-decoding a form body costs more than the
    query of a look-up; a SparqlRequest is immutable). A refused request raises each time:
    exceptions are not kept."""
    size = len(query_string) + len(body or b"") + len(content_type or "")
    parts = _parts_cached if size <= CACHED_REQUEST_BYTES else _parts
    return parts(method, query_string, content_type, body)


def body_length(content_length: str | None, max_body: int) -> int | None:
    """The length of a POST body the fast path reads, or None when the Flask view should have
    the request (no Content-Length, or over the body limit: the view answers 413)."""
    if not content_length or not content_length.isdigit() or int(content_length) > max_body:
        return None
    return int(content_length)


def plan(
    engine: Engine,
    method: str,
    query_string: bytes,
    content_type: str | None,
    body: bytes | None,
    accept: str | None,
) -> tuple[str, dict[str, Any]] | None:
    """The query and the keywords of `Engine.run` when a fast path answers the request; None
    when the Flask view should: no query (the service description), the HTML results page, or
    anything the protocol or the checks refuse (each message is written once, in the view)."""
    try:
        req = request_parts(method, query_string, content_type, body)
        if req.query is None:
            return None
        info = engine.check(req.query, req.default_graph_uris, req.named_graph_uris)
        key = negotiate.choose_for_header(info.form, req.format, accept)
    except (ProtocolError, QueryCheckError, UnicodeError):
        return None
    if key == "html":
        return None
    options = {
        "default_graph_uris": req.default_graph_uris,
        "named_graph_uris": req.named_graph_uris,
        "result_format": key,
        "checked": info,
    }
    return req.query, options


def answer(
    outcome: QueryOutcome, common: list[tuple[str, str]]
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body of a query's answer: the view's (`outcome_parts`), with the
    headers every response carries and Content-Length."""
    status, headers, payload = outcome_parts(outcome)
    headers.extend(common)
    headers.append(("Content-Length", str(len(payload))))
    return status, headers, payload


class SparqlFastPath:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, app: WSGIApp, engine: Engine, settings: Settings, common: Any) -> None:
        self.app = app
        self.engine = engine
        self.max_body = settings.max_body_bytes
        self.common = list(common)  # headers every response carries (CORS, nosniff)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") != "/sparql" or method not in ("GET", "POST"):
            return self.app(environ, start_response)
        body = None
        if method == "POST":
            length = body_length(environ.get("CONTENT_LENGTH"), self.max_body)
            if length is None:
                return self.app(environ, start_response)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # the view may read it again
            environ["CONTENT_LENGTH"] = str(len(body))
        query_string = environ.get("QUERY_STRING", "").encode("latin-1")
        planned = plan(
            self.engine,
            method,
            query_string,
            environ.get("CONTENT_TYPE"),
            body,
            environ.get("HTTP_ACCEPT"),
        )
        if planned is None:
            return self.app(environ, start_response)
        query, options = planned
        status, headers, payload = answer(self.engine.run(query, **options), self.common)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]
