"""The Oxigraph store: the only module that imports pyoxigraph.

Layout under `var_dir/store/`:
  `<version>/`   one on-disk store per data version (version = first 12 hex of the dump's sha256)
  `current`      a symlink to the last good store, swapped atomically (rename of a new symlink)

A build loads the dump into `build.tmp-<pid>/`, renames it to `<version>/`, then swaps the
`current` link. An interrupted build leaves at most a `.tmp-*` folder behind; `current` still
points at the last good store, which keeps serving.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from json.encoder import encode_basestring as _encode_json_string
from pathlib import Path
from typing import Any

import pyoxigraph as ox

DUMP_NAME = "kosovo-kg.nq"


class StoreError(RuntimeError):
    """A store is missing, corrupt or cannot be opened."""


def dump_path(data_dir: Path) -> Path:
    return Path(data_dir) / "generated" / DUMP_NAME


def data_version(dump: Path) -> str:
    """The data version: the first 12 hex digits of the dump's SHA-256."""
    digest = hashlib.sha256()
    with open(dump, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def bytes_version(data: bytes) -> str:
    """The data version of a dump whose bytes are `data` (what `data_version` gives its file)."""
    return hashlib.sha256(data).hexdigest()[:12]


def stores_dir(var_dir: Path) -> Path:
    return Path(var_dir) / "store"


def current_store(var_dir: Path) -> Path | None:
    """The path of the last good store, or None if none was built."""
    link = stores_dir(var_dir) / "current"
    if not link.exists():
        return None
    return link.resolve()


def memory_store_from_nquads(data: bytes | str | Path) -> ox.Store:
    """An in-memory store loaded from N-Quads bytes, text or a file."""
    store = ox.Store()
    try:
        if isinstance(data, Path):
            store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        else:
            raw = data.encode("utf-8") if isinstance(data, str) else data
            store.bulk_load(raw, format=ox.RdfFormat.N_QUADS)
    except (SyntaxError, ValueError, OSError) as exc:
        raise StoreError(f"cannot load N-Quads: {exc}") from exc
    return store


def build_store(dump: Path, var_dir: Path, version: str | None = None) -> Path:
    """Load `dump` into a new on-disk store and make it current. Returns the store path.

    `version` is the dump's data version when the caller has just computed it (nothing is
    loaded if that store exists); without it, the SHA-256 is computed in a thread while the
    dump loads (hashlib releases the GIL on large buffers), so it adds no wall-clock time.

    The store is compacted (`optimize`) after the bulk load: on 5.6 M quads that takes ~20 s,
    and saved queries ran 2-5x slower on the uncompacted store (bench/RESULTS-scale.md)."""
    root = stores_dir(var_dir)
    root.mkdir(parents=True, exist_ok=True)
    if version is not None and (root / version).exists():
        _swap_current(root, root / version)
        return root / version
    tmp = root / f"build.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            hashed = pool.submit(data_version, dump) if version is None else None
            store = ox.Store(str(tmp))
            store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            store.flush()
            del store
            version = hashed.result() if hashed is not None else version
        final = root / version
        if final.exists():  # built meanwhile by another process: keep that one
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            (tmp / "VERSION").write_text(version + "\n")
            os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _swap_current(root, final)
    return final


def _swap_current(root: Path, target: Path) -> None:
    tmp_link = root / f"current.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, root / "current")


def open_read_only(path: Path) -> ox.Store:
    """Open an on-disk store read-only (for serving)."""
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open store {path}: {exc}") from exc


def store_version(path: Path) -> str | None:
    marker = Path(path) / "VERSION"
    return marker.read_text().strip() if marker.exists() else None


def query(store: ox.Store, text: str, *, union: bool = True, **kwargs: Any) -> Any:
    """Run a SPARQL query. By default the default graph is the union of all named graphs."""
    return store.query(text, use_default_graph_as_union=union, **kwargs)


def select_rows(store: ox.Store, text: str, *, union: bool = True) -> list[dict[str, str | None]]:
    """Run a SELECT and return rows of plain Python values (IRI/literal lexical forms)."""
    solutions = query(store, text, union=union)
    names = [v.value for v in solutions.variables]
    rows: list[dict[str, str | None]] = []
    for solution in solutions:
        row: dict[str, str | None] = {}
        for name in names:
            term = solution[name]
            row[name] = None if term is None else term.value
        rows.append(row)
    return rows


def count_quads(store: ox.Store) -> int:
    return len(store)


def named_graphs(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs())


def iter_nquads_lines(store: ox.Store) -> Iterator[bytes]:
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    yield from data.splitlines(keepends=True)


class QueryError(ValueError):
    """A query that cannot be parsed or evaluated."""


_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


def run_cli_query(store: ox.Store, text: str, fmt: str) -> str:
    """Run any query for the CLI: SELECT as a table/JSON/CSV/TSV, ASK as true/false or JSON,
    CONSTRUCT/DESCRIBE as Turtle."""
    try:
        result = query(store, text)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from None
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true\n" if bool(result) else "false\n"
        return result.serialize(
            format=_RESULT_FORMATS.get(fmt, ox.QueryResultsFormat.JSON)
        ).decode()
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE).decode()
    if fmt != "table":
        return result.serialize(format=_RESULT_FORMATS[fmt]).decode()
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[n]) for n in names] for solution in result]
    return _table(names, rows)


def _cell(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))


def _table(names: list[str], rows: list[list[str]]) -> str:
    widths = [len(n) for n in names]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


# --- serving: used by the endpoint's worker processes (kosovo_kg.engine) ---------------------

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


def pin_serving_data(mode: str, dump: Path, var_dir: Path) -> tuple[Path, Path, str]:
    """Fix, once per server, the data every query worker opens: (location, dump copy, version).

    The dump is copied to `var_dir/serve/<version>.nq` (the version is computed on the copy), so
    a rebuild while serving cannot give a replaced worker other data than its siblings, and the
    downloadable dump matches what is queried. mode `memory`: location is that copy; mode
    `disk`: location is the on-disk store of that version (built when missing)."""
    serve_dir = Path(var_dir) / "serve"
    serve_dir.mkdir(parents=True, exist_ok=True)
    tmp = serve_dir / f"dump.tmp-{os.getpid()}"
    try:
        shutil.copyfile(dump, tmp)
        version = data_version(tmp)
        copy = serve_dir / f"{version}.nq"
        os.replace(tmp, copy)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise StoreError(f"cannot read the dump {dump}: {exc}") from exc
    if mode == "memory":
        return copy, copy, version
    location = stores_dir(var_dir) / version
    if store_version(location) != version:
        location = build_store(copy, var_dir, version)
    return location, copy, version


def open_for_serving(mode: str, location: Path) -> tuple[ox.Store, str]:
    """The store a query worker serves from, and its data version (see `pin_serving_data`):
    mode `memory` loads an N-Quads file into an in-memory store; mode `disk` opens an on-disk
    store read-only."""
    location = Path(location)
    if mode == "memory":
        return memory_store_from_nquads(location), location.stem
    return open_read_only(location), store_version(location) or location.name


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


def check_query(text: str, variables: tuple[str, ...] = ()) -> None:
    """Parse a query and check that the given variables may be substituted (they must be in the
    SELECT projection), without evaluating it (no SERVICE is called). Raises QueryFailed."""
    dummy = ox.NamedNode("urn:x-kosovo-kg:check")
    try:
        ox.Store().query(
            text,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(v): dummy for v in variables} or None,
        )
    except SyntaxError as exc:
        raise QueryFailed(400, f"malformed query: {exc}") from exc
    except (RuntimeError, ValueError) as exc:
        raise QueryFailed(400, str(exc)) from exc


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
) -> tuple[str, bytes, int, bool]:
    """Run a query and serialise at most `max_rows` rows / `max_bytes` bytes of its results.

    Returns (kind, body, rows, truncated), kind being "solutions", "boolean" or "graph".
    Raises QueryFailed (400 for a bad query, 406 for a format the result kind lacks)."""
    kwargs: dict[str, Any] = {}
    if default_graph_uris or named_graph_uris:
        kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
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
            native = _native_json(results, max_rows, max_bytes) if result_format == "json" else None
            if native is None and result_format == "json":  # over max_bytes: again, row by row
                results = store.query(text, **kwargs)
            if native is None:
                native = _write_solutions(results, result_format, max_rows, max_bytes)
            body, rows, truncated = native
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
    sink = _CappedBuffer(max_bytes + 64)
    try:
        results.serialize(sink, format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    body = b"".join(sink.chunks)
    rows = _count_json_rows(body, names)
    if rows <= max_rows and len(body) <= max_bytes:
        return body[: body.rindex(b"}")] + b',"truncated":false}', rows, False
    if rows <= max_rows:
        return None
    data = json.loads(body)
    data["results"]["bindings"] = data["results"]["bindings"][:max_rows]
    data["truncated"] = True
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), max_rows, True


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
    return _encode_json_string(
        value
    )  # = json.dumps(value, ensure_ascii=False), without its overhead


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
        seen: dict[Any, str] = {}  # a term's JSON, once per query (terms repeat across rows)

        def row(solution: Any) -> str:
            parts = []
            for key, term in zip(keys, solution, strict=True):
                if term is not None:
                    text = seen.get(term)
                    if text is None:
                        text = _json_term(term)
                        if len(seen) < 100_000:
                            seen[term] = text
                    parts.append(key + text)
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
    size = len(chunks[0]) + len(tail(True).encode())
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


def turtle_to(text: str, result_format: str, base_iri: str | None = None) -> bytes:
    """Re-serialise a Turtle document (service description, VoID) in one of GRAPH_FORMATS."""
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    return ox.serialize([q.triple for q in quads], format=GRAPH_FORMATS[result_format])


# --- an external SPARQL engine's answers (kosovo_kg.engine.remote) ---------------------------


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
