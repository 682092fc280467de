"""Running queries in-process for the build, the statistics and the CLI: rows, counts,
graphs, a printed table, and the parse check of saved queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pyoxigraph as ox

from kosovo_kg.store.results import GRAPH_FORMATS, QueryFailed


def query(store: ox.Store, text: str, *, union: bool = True, **kwargs: Any) -> Any:
    """Run a SPARQL query. By default the default graph is the union of all named graphs."""
    return store.query(text, use_default_graph_as_union=union, **kwargs)


Row = dict[str, str | None]


@runtime_checkable
class RowSource(Protocol):
    """Anything else `select_rows` reads from: an external engine (`audit.remote_rows`)."""

    def select_rows(self, text: str, *, union: bool = True) -> list[Row]: ...


def select_rows(store: ox.Store | RowSource, text: str, *, union: bool = True) -> list[Row]:
    """Run a SELECT and return rows of plain Python values (IRI/literal lexical forms; None when
    unbound). The one way the perspective engine and the audit read the graph, so they run on the
    embedded store or, given a `RowSource`, on an external engine."""
    if not isinstance(store, ox.Store):
        return store.select_rows(text, union=union)
    solutions = query(store, text, union=union)
    names = [v.value for v in solutions.variables]
    rows: list[Row] = []
    for solution in solutions:
        row: Row = {}
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


def graph_ntriples(store: ox.Store, graph: str | None) -> bytes:
    """One graph of the store as N-Triples (`None`: the default graph)."""
    target = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=target)


def has_default_graph_triples(store: ox.Store) -> bool:
    return (
        next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    )


def count_triples(data: bytes, media_type: str) -> int:
    """The number of distinct triples in an RDF document of the given media type."""
    kind = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip() or "text/turtle")
    if kind is None:
        raise ValueError(f"not an RDF media type: {media_type!r}")
    try:
        return len({(t.subject, t.predicate, t.object) for t in ox.parse(data, format=kind)})
    except SyntaxError as exc:
        raise ValueError(f"unreadable {media_type} document: {exc}") from exc


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


def turtle_to(text: str, result_format: str, base_iri: str | None = None) -> bytes:
    """Re-serialise a Turtle document (service description, VoID) in one of GRAPH_FORMATS."""
    quads = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=base_iri))
    return ox.serialize([q.triple for q in quads], format=GRAPH_FORMATS[result_format])


def write_trig(store: ox.Store, path: Path, prefixes: dict[str, str]) -> None:
    """Write the whole dataset (every named graph) to `path` as TriG with these prefixes."""
    store.dump(str(path), format=ox.RdfFormat.TRIG, prefixes=prefixes)
