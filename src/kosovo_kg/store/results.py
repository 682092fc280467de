"""Query answers for the endpoint: `run_serialized` (what a query worker runs for every query)
writes them under the row and byte caps, SPARQL JSON by Oxigraph's own writer and the other
formats row by row; an external engine's answers are re-written the same way. Also the
parsing of bound terms (substitutions, VALUES)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _encode_json_string
from typing import Any

import pyoxigraph as ox

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


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
                written = _native_json(results, max_rows, max_bytes)
                if written is None:  # over max_bytes: run it again and cut at a row boundary
                    written = _write_solutions(
                        store.query(text, **kwargs), "json", max_rows, max_bytes
                    )
            else:
                written = _write_solutions(results, result_format, max_rows, max_bytes)
            body, rows, truncated = written
            return "solutions", body, rows, truncated
        if result_format not in GRAPH_FORMATS:
            raise QueryFailed(406, f"a graph result cannot be written as {result_format}")
        body, rows, truncated = _write_triples(
            results, GRAPH_FORMATS[result_format], max_rows, max_bytes, prefixes
        )
        return "graph", body, rows, truncated
    except SyntaxError as exc:
        raise QueryFailed(400, f"malformed query: {exc}") from exc
    except (RuntimeError, ValueError, OSError) as exc:
        if isinstance(exc, QueryFailed):
            raise
        raise QueryFailed(400, f"query evaluation failed: {exc}") from exc


class _Full(Exception):
    """The answer passed max_bytes."""


class _CappedBuffer:
    """A binary file-like sink for Oxigraph's writers that stops them past `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise _Full
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def _native_json(results: Any, max_rows: int, max_bytes: int) -> tuple[bytes, int, bool] | None:
    """SELECT results in SPARQL JSON by Oxigraph's own writer (2 to 5 times faster than
    `_write_solutions`), with our `truncated` member and row cap; None when the answer passes
    `max_bytes` (the caller then runs the query again and cuts it at a row boundary)."""
    names = [v.value for v in results.variables]
    sink = _CappedBuffer(max_bytes)
    try:
        results.serialize(sink, format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    body = b"".join(sink.chunks)
    rows = _count_json_rows(body, names)
    if rows <= max_rows:
        body = body[: body.rindex(b"}")] + b',"truncated":false}'
        return (body, rows, False) if len(body) <= max_bytes else None
    data = json.loads(body)
    data["results"]["bindings"] = data["results"]["bindings"][:max_rows]
    data["truncated"] = True
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return (body, max_rows, True) if len(body) <= max_bytes else None


_TRIPLE_KEYS = {"subject", "predicate", "object"}


def _count_json_rows(body: bytes, names: list[str]) -> int:
    """The number of solutions in Oxigraph's compact SPARQL JSON, without parsing it.

    A solution with a binding starts `{"<var>":{"type":`, which cannot occur inside a JSON string
    (there every `"` but the closing one is escaped) nor elsewhere in the document, and each
    solution holds it once (its other bindings follow a comma). Empty solutions (`{}`, which a
    literal may also contain) and variables named like the members of a triple term's value are
    counted by parsing instead."""
    if b"{}" in body or _TRIPLE_KEYS.intersection(names):
        return len(json.loads(body)["results"]["bindings"])
    return sum(body.count(b"{" + _json_str(n).encode() + b':{"type":') for n in names)


def _write_triples(
    results: Any, fmt: ox.RdfFormat, max_rows: int, max_bytes: int, prefixes: dict[str, str] | None
) -> tuple[bytes, int, bool]:
    triples = []
    truncated = False
    for triple in results:
        if len(triples) == max_rows:
            truncated = True
            break
        triples.append(triple)
    kwargs: dict[str, Any] = {"format": fmt}
    if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        kwargs["prefixes"] = prefixes
    body = ox.serialize(triples, **kwargs)
    while len(body) > max_bytes and triples:
        truncated = True
        keep = min(len(triples) - 1, int(len(triples) * max_bytes / len(body) * 0.95))
        triples = triples[: max(keep, 0)]
        body = ox.serialize(triples, **kwargs)
    return body, len(triples), truncated


def _json_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_str(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _json_str(term.value) + "}"
    if isinstance(term, ox.Literal):
        out = '{"type":"literal","value":' + _json_str(term.value)
        if term.language:
            out += ',"xml:lang":' + _json_str(term.language)
        elif term.datatype.value != _XSD_STRING:
            out += ',"datatype":' + _json_str(term.datatype.value)
        return out + "}"
    return (
        '{"type":"triple","value":{"subject":'
        + _json_term(term.subject)
        + ',"predicate":'
        + _json_term(term.predicate)
        + ',"object":'
        + _json_term(term.object)
        + "}}"
    )


def _json_str(value: str) -> str:
    """`json.dumps(value, ensure_ascii=False)` without its per-call overhead."""
    return _encode_json_string(value)


def _xml_escape(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return "<uri>" + _xml_escape(term.value) + "</uri>"
    if isinstance(term, ox.BlankNode):
        return "<bnode>" + _xml_escape(term.value) + "</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f' xml:lang="{_xml_escape(term.language)}"'
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            attr = f' datatype="{_xml_escape(term.datatype.value)}"'
        else:
            attr = ""
        return f"<literal{attr}>" + _xml_escape(term.value) + "</literal>"
    return (
        "<triple><subject>"
        + _xml_term(term.subject)
        + "</subject><predicate>"
        + _xml_term(term.predicate)
        + "</predicate><object>"
        + _xml_term(term.object)
        + "</object></triple>"
    )


def _csv_field(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        value = "_:" + term.value
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        value = term.value
    else:
        value = str(term)
    if any(c in value for c in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _write_solutions(
    results: Any, fmt: str, max_rows: int, max_bytes: int
) -> tuple[bytes, int, bool]:
    names = [v.value for v in results.variables]
    if fmt == "json":
        head = (
            '{"head":{"vars":['
            + ",".join(_json_str(n) for n in names)
            + ']},"results":{"bindings":['
        )
        sep = ","

        keys = [_json_str(n) + ":" for n in names]

        def row(solution: Any) -> str:
            parts = [
                key + _json_term(term)
                for key, term in zip(keys, solution, strict=True)
                if term is not None
            ]
            return "{" + ",".join(parts) + "}"

        def tail(truncated: bool) -> str:
            return ']},"truncated":' + ("true" if truncated else "false") + "}"

    elif fmt == "xml":
        head = (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
            + "".join(f'<variable name="{_xml_escape(n)}"/>' for n in names)
            + "</head><results>"
        )
        sep = "\n"

        def row(solution: Any) -> str:
            parts = []
            for name in names:
                term = solution[name]
                if term is not None:
                    parts.append(f'<binding name="{_xml_escape(name)}">{_xml_term(term)}</binding>')
            return "<result>" + "".join(parts) + "</result>"

        def tail(truncated: bool) -> str:
            return "</results></sparql>\n"

    elif fmt == "csv":
        head = ",".join(names) + "\r\n"
        sep = ""

        def row(solution: Any) -> str:
            return ",".join(_csv_field(solution[n]) for n in names) + "\r\n"

        def tail(truncated: bool) -> str:
            return ""

    else:  # tsv
        head = "\t".join("?" + n for n in names) + "\n"
        sep = ""

        def row(solution: Any) -> str:
            return "\t".join("" if solution[n] is None else str(solution[n]) for n in names) + "\n"

        def tail(truncated: bool) -> str:
            return ""

    chunks = [head.encode()]
    size = len(chunks[0]) + max(len(tail(True).encode()), len(tail(False).encode()))
    rows = 0
    truncated = False
    for solution in results:
        if rows == max_rows:
            truncated = True
            break
        piece = ((sep if rows else "") + row(solution)).encode()
        if size + len(piece) > max_bytes:
            truncated = True
            break
        chunks.append(piece)
        size += len(piece)
        rows += 1
    chunks.append(tail(truncated).encode())
    return b"".join(chunks), rows, truncated


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
            body, rows, truncated = _write_triples(
                triples, GRAPH_FORMATS[result_format], max_rows, max_bytes, prefixes
            )
            return "graph", body, rows, truncated
        if isinstance(results, ox.QueryBoolean):
            if result_format not in _BOOLEAN_FORMATS:
                raise QueryFailed(406, f"an ASK result cannot be written as {result_format}")
            return "boolean", results.serialize(format=_BOOLEAN_FORMATS[result_format]), 1, False
        if result_format not in RESULT_FORMATS:
            raise QueryFailed(406, f"SELECT results cannot be written as {result_format}")
        body, rows, truncated = _write_solutions(results, result_format, max_rows, max_bytes)
        return "solutions", body, rows, truncated
    except (SyntaxError, ValueError) as exc:
        if isinstance(exc, QueryFailed):
            raise
        raise QueryFailed(502, f"the SPARQL engine's answer could not be read: {exc}") from exc
