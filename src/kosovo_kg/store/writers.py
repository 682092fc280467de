"""Writers of query answers under a row cap and a byte cap: SELECT results in SPARQL JSON by
Oxigraph's own writer (`native_json`) or row by row in JSON, XML, CSV and TSV
(`write_solutions`), graph results in an RDF syntax (`write_triples`)."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _encode_json_string
from typing import Any

import pyoxigraph as ox

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


def native_json(results: Any, max_rows: int, max_bytes: int) -> tuple[bytes, int, bool] | None:
    """SELECT results in SPARQL JSON by Oxigraph's own writer (2 to 5 times faster than
    `write_solutions`), with our `truncated` member and row cap; None when the answer passes
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


def write_triples(
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


def write_solutions(
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
