"""Query answers for the endpoint: `run_serialized` (what a query worker runs for every query)
runs a query and writes its answer under the row and byte caps with the writers of
`store.writers`; `reserialize_remote` re-writes an external engine's answer the same way. Also
the parsing of bound terms (substitutions, VALUES)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kosovo_kg.store.writers import native_json, write_solutions, write_triples

RESULT_FORMATS = ("json", "xml", "csv", "tsv")


GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


_BOOLEAN_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class QueryFailed(ValueError):
    """A query the store refused (syntax, evaluation or format); `status` is the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def parse_term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Parse one RDF term written in N-Triples syntax (`<iri>`, `"lit"@en`, `"1"^^<dt>`)."""
    line = f"<urn:x-s:s> <urn:x-s:p> {text.strip()} .\n".encode()
    try:
        quads = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryFailed(400, f"not an N-Triples term: {text!r}") from exc
    if len(quads) != 1:
        raise QueryFailed(400, f"not one N-Triples term: {text!r}")
    return quads[0].object


def is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI (RFC 3987, as Oxigraph checks it): such an IRI holds
    no space, `<`, `>`, `"`, `{`, `}`, `|`, `^`, backquote or backslash."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def run_serialized(
    store: ox.Store,
    text: str,
    *,
    result_format: str,
    max_rows: int,
    max_bytes: int,
    union: bool,
    substitutions: dict[str, str] | None = None,
    default_graph_uris: tuple[str, ...] = (),
    named_graph_uris: tuple[str, ...] = (),
    prefixes: dict[str, str] | None = None,
    base_iri: str | None = None,
) -> tuple[str, bytes, int, bool]:
    """Run a query and serialise at most `max_rows` rows / `max_bytes` bytes of its results.
    Relative IRIs of a query without BASE resolve against `base_iri` (ignored if it is no IRI,
    e.g. a request URL made from a malformed Host header).

    Returns (kind, body, rows, truncated), kind being "solutions", "boolean" or "graph".
    Raises QueryFailed (400 for a bad query, 406 for a format the result kind lacks)."""
    kwargs: dict[str, Any] = {"base_iri": base_iri} if base_iri and is_iri(base_iri) else {}
    if default_graph_uris or named_graph_uris:
        # a graph the store does not hold is an empty graph (Oxigraph never fetches one)
        try:
            kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
            kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
        except ValueError as exc:
            raise QueryFailed(400, f"a dataset graph is not a valid IRI: {exc}") from exc
    else:
        kwargs["use_default_graph_as_union"] = union
    if substitutions:
        kwargs["substitutions"] = {
            ox.Variable(name): parse_term(term) for name, term in substitutions.items()
        }
    try:
        results = store.query(text, **kwargs)
        if isinstance(results, ox.QueryBoolean):
            if result_format not in _BOOLEAN_FORMATS:
                raise QueryFailed(406, f"an ASK result cannot be written as {result_format}")
            return "boolean", results.serialize(format=_BOOLEAN_FORMATS[result_format]), 1, False
        if isinstance(results, ox.QuerySolutions):
            if result_format not in RESULT_FORMATS:
                raise QueryFailed(406, f"SELECT results cannot be written as {result_format}")
            if result_format == "json":
                written = native_json(results, max_rows, max_bytes)
                if written is None:  # over max_bytes: run it again and cut at a row boundary
                    written = write_solutions(
                        store.query(text, **kwargs), "json", max_rows, max_bytes
                    )
            else:
                written = write_solutions(results, result_format, max_rows, max_bytes)
            body, rows, truncated = written
            return "solutions", body, rows, truncated
        if result_format not in GRAPH_FORMATS:
            raise QueryFailed(406, f"a graph result cannot be written as {result_format}")
        body, rows, truncated = write_triples(
            results, GRAPH_FORMATS[result_format], max_rows, max_bytes, prefixes
        )
        return "graph", body, rows, truncated
    except SyntaxError as exc:
        raise QueryFailed(400, f"malformed query: {exc}") from exc
    except (RuntimeError, ValueError, OSError) as exc:
        if isinstance(exc, QueryFailed):
            raise
        raise QueryFailed(400, f"query evaluation failed: {exc}") from exc


def sparql_term(text: str) -> str:
    """An N-Triples term from a request, parsed and written back by Oxigraph: a well-formed,
    escaped term that can stand in a SPARQL VALUES block (never the request's own text)."""
    return str(parse_term(text))


def reserialize_remote(
    stream: Any,
    content_type: str,
    *,
    result_format: str,
    max_rows: int,
    max_bytes: int,
    prefixes: dict[str, str] | None = None,
) -> tuple[str, bytes, int, bool]:
    """Parse an external engine's answer (read from `stream` as it arrives) and write it as
    `run_serialized` does, with the same row and byte caps. Returns (kind, body, rows, truncated).
    Raises QueryFailed (406 for a format the result kind lacks, 502 for an unreadable answer)."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in ("application/sparql-results+json", "application/json"):
            results = ox.parse_query_results(stream, format=ox.QueryResultsFormat.JSON)
        elif media == "application/sparql-results+xml":
            results = ox.parse_query_results(stream, format=ox.QueryResultsFormat.XML)
        elif media in ("application/n-triples", "text/plain", "application/n-quads"):
            quads = ox.parse(
                stream,
                format=ox.RdfFormat.N_TRIPLES
                if media != "application/n-quads"
                else ox.RdfFormat.N_QUADS,
            )
            results = None
        elif media == "text/turtle":
            quads = ox.parse(stream, format=ox.RdfFormat.TURTLE)
            results = None
        else:
            raise QueryFailed(502, f"the SPARQL engine answered in an unexpected type {media!r}")
        if results is None:
            if result_format not in GRAPH_FORMATS:
                raise QueryFailed(406, f"a graph result cannot be written as {result_format}")
            triples = (q.triple for q in quads)
            body, rows, truncated = write_triples(
                triples, GRAPH_FORMATS[result_format], max_rows, max_bytes, prefixes
            )
            return "graph", body, rows, truncated
        if isinstance(results, ox.QueryBoolean):
            if result_format not in _BOOLEAN_FORMATS:
                raise QueryFailed(406, f"an ASK result cannot be written as {result_format}")
            return "boolean", results.serialize(format=_BOOLEAN_FORMATS[result_format]), 1, False
        if result_format not in RESULT_FORMATS:
            raise QueryFailed(406, f"SELECT results cannot be written as {result_format}")
        body, rows, truncated = write_solutions(results, result_format, max_rows, max_bytes)
        return "solutions", body, rows, truncated
    except (SyntaxError, ValueError) as exc:
        if isinstance(exc, QueryFailed):
            raise
        raise QueryFailed(502, f"the SPARQL engine's answer could not be read: {exc}") from exc
