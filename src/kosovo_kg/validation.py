"""SHACL validation of the graph: the only module that imports pySHACL.

`validate()` loads N-Quads (the build dump) or TriG into an rdflib Dataset, so named graphs are
kept, and runs the shapes in `shapes/kosovo-kg.shapes.ttl` over the union of all graphs (pySHACL
sets `default_union` on a Dataset). No inference is run: the data carry explicit supertypes.

The shapes file writes our IRIs relative to the base IRI; it is parsed with the base IRI as
publicID, and relative `sh:namespace` literals (SHACL-SPARQL prefixes, which a Turtle parser
leaves alone) are resolved against the base IRI here.

Each shape carries a constraint id (`<shapes#constraintId>`, e.g. "C7"); every finding reports
it. `conforms` is True when there is no Violation; Warnings (C19) are allowed.

Speed: pySHACL runs each SHACL-SPARQL query once per focus node. The Dataset used here parses
each query text once (rdflib would re-parse it, ~15 ms, every time) and orders its triple
patterns knowing that $this is bound; the query texts are put on one line, which pySHACL's
per-focus regular expressions are fastest on. About 5 s CPU for 60k quads, plus 2.7 s to parse
them, which the build spares by passing its Dataset (bench/RESULTS-build.md). pyshacl-turbo
0.6.5 was tried as a drop-in engine: same findings, but only ~10% less CPU (it parses N-Quads with
rdflib too), so it was not adopted.

`validate()` silences rdflib's DeprecationWarnings while it runs (warnings filters are
process-wide: fine for the CLI and the build, not meant for concurrent threads).
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import RDF, SH, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node, Variable

from kosovo_kg.settings import PROJECT_ROOT

SHAPES_PATH = PROJECT_ROOT / "shapes" / "kosovo-kg.shapes.ttl"
DATA_FORMATS = ("nquads", "trig")


class ValidationInputError(ValueError):
    """The data or the shapes could not be read."""


@dataclass(frozen=True)
class Finding:
    """One SHACL result. Terms are given as strings (IRIs, literal lexical forms, `_:` ids)."""

    severity: str  # "Violation", "Warning" or "Info"
    source_shape: str
    constraint_id: str  # "C1" ... as attached to the shape; "" if the shape has none
    focus_node: str
    path: str | None
    value: str | None
    message: str
    component: str = ""  # the SHACL constraint component, e.g. "MinCountConstraintComponent"


@dataclass
class ValidationResult:
    conforms: bool  # True when there is no Violation (Warnings allowed)
    violations: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    text: str = ""  # pySHACL's report text

    @property
    def violation_ids(self) -> set[str]:
        return {f.constraint_id for f in self.violations}

    @property
    def warning_ids(self) -> set[str]:
        return {f.constraint_id for f in self.warnings}


@functools.lru_cache(maxsize=256)
def _prepared(query: str) -> Query:
    prepared = prepareQuery(query)
    traverse(prepared.algebra, visitPost=_order_bgp)
    return prepared


_THIS = Variable("this")


def _order_bgp(node: Any) -> None:
    """Order a basic graph pattern for nested-loop evaluation, with $this already bound.

    rdflib orders the triple patterns of a group when it parses a query, not knowing that
    pySHACL pre-binds $this, and again when it runs the group, by the number of unbound terms
    (keeping the parsed order among equals). The parse-time order is replaced here by a greedy
    one: fewest unbound variables first, $this counted as bound, then patterns connected to
    bound ones. Constants off $this still go first at run time; the shapes avoid them (see the
    header of the shapes file).
    """
    if not (isinstance(node, CompValue) and node.name == "BGP"):
        return
    bound = {_THIS}
    rest = list(node["triples"])
    ordered = []

    def cost(triple: tuple[Node, Node, Node]) -> tuple[int, bool]:
        terms = [t for t in triple if isinstance(t, (Variable, BNode))]
        unbound = sum(1 for t in terms if t not in bound)
        connected = any(t in bound for t in terms)
        return unbound, not connected

    while rest:
        best = min(rest, key=cost)  # among equals, min() keeps rdflib's order
        rest.remove(best)
        ordered.append(best)
        bound.update(t for t in best if isinstance(t, (Variable, BNode)))
    node["triples"] = ordered


class _QueryCachingDataset(Dataset):
    """A Dataset that parses each SPARQL query text once.

    pySHACL runs a SHACL-SPARQL constraint once per focus node, passing the same query text
    with `$this` pre-bound; rdflib would parse it again every time (about 15 ms each).
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            # on a syntax error, let rdflib report it on the text itself
            with contextlib.suppress(Exception):
                query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def load_dataset(data: str | bytes, *, base_iri: str, data_format: str = "nquads") -> Dataset:
    """The data as an rdflib Dataset (named graphs kept). Raises ValidationInputError."""
    if data_format not in DATA_FORMATS:
        raise ValidationInputError(
            f"unsupported data format {data_format!r}; expected one of {', '.join(DATA_FORMATS)}"
        )
    dataset = _QueryCachingDataset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's own parser code
            dataset.parse(data=data, format=data_format, publicID=base_iri)
    except Exception as exc:
        raise ValidationInputError(f"cannot parse the data as {data_format}: {exc}") from exc
    return dataset


_PLACEHOLDER_BASE = "http://base.kosovo-kg.invalid/"


def load_shapes(base_iri: str, shapes_path: Path | None = None) -> Graph:
    """The shapes graph, with our relative IRIs (and SPARQL prefix namespaces) under base_iri.

    Relative IRIs are joined to the base IRI by concatenation, as `vocab.Iris` mints them
    (`<ontology#>` -> base + "ontology#"), not by RFC 3986 resolution, which differs for a base
    ending in "#": the file is parsed against a placeholder base that is then replaced.
    """
    path = Path(shapes_path) if shapes_path is not None else SHAPES_PATH
    parsed = Graph()
    try:
        parsed.parse(path, format="turtle", publicID=_PLACEHOLDER_BASE)
    except FileNotFoundError as exc:
        raise ValidationInputError(f"shapes file not found: {path}") from exc
    except Exception as exc:
        raise ValidationInputError(f"cannot parse the shapes file {path}: {exc}") from exc

    def rebase(term: Node) -> Node:
        if isinstance(term, URIRef) and term.startswith(_PLACEHOLDER_BASE):
            return URIRef(base_iri + term[len(_PLACEHOLDER_BASE) :])
        return term

    shapes = Graph()
    for prefix, namespace in parsed.namespaces():
        shapes.bind(prefix, rebase(URIRef(namespace)), override=True)
    for s, p, o in parsed:
        if p == SH.namespace and ":" not in str(o):  # a relative prefix, e.g. "ontology#"
            o = Literal(base_iri + str(o), datatype=XSD.anyURI)
        elif p == SH.select:
            o = Literal(_compact(str(o)))
        shapes.add((rebase(s), rebase(p), rebase(o)))
    return shapes


def _compact(query: str) -> str:
    """The query on one line, without indentation.

    pySHACL scans the query text with regular expressions once per focus node; its MINUS,
    VALUES and SERVICE patterns are anchored at every line start and read on to the end of
    the text, so the scan grows with lines x length: on one line it costs a fifth of the
    query texts' scan on 20 lines (bench/RESULTS-build.md). A text with a `#` (a comment
    runs to the end of its line) keeps its lines.
    """
    lines = [line.strip() for line in query.splitlines() if line.strip()]
    return "\n".join(lines) if "#" in query else " ".join(lines)


def validate(
    data: str | bytes | Dataset,
    *,
    base_iri: str,
    shapes_path: Path | None = None,
    data_format: str = "nquads",
) -> ValidationResult:
    """Validate N-Quads or TriG data, or an rdflib Dataset, against the kosovo-kg shapes.

    A Dataset (the build's, before it is serialised) is validated as it is, through a view over
    its store that has the query cache, sparing the serialise-and-parse round trip (a fifth of
    the build's CPU time, bench/RESULTS-build.md). It is not modified.
    """
    shapes = load_shapes(base_iri, shapes_path)
    return validate_with(data, shapes, base_iri=base_iri, data_format=data_format)


def validate_with(
    data: str | bytes | Dataset, shapes: Graph, *, base_iri: str, data_format: str = "nquads"
) -> ValidationResult:
    """Validate against a shapes graph from `load_shapes` (the bench runs one shape at a time)."""
    if isinstance(data, Dataset):
        dataset = _QueryCachingDataset(store=data.store)
    else:
        dataset = load_dataset(data, base_iri=base_iri, data_format=data_format)
    with warnings.catch_warnings():
        # pySHACL calls Dataset APIs that rdflib 7 deprecates: tens of thousands of warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        _, report, text = pyshacl.validate(
            dataset,
            shacl_graph=shapes,
            inference="none",
            allow_warnings=True,
            advanced=False,
        )
    findings = _findings(report, shapes, base_iri)
    violations = [f for f in findings if f.severity == "Violation"]
    others = [f for f in findings if f.severity != "Violation"]
    return ValidationResult(
        conforms=not violations, violations=violations, warnings=others, text=str(text)
    )


def _findings(report: Graph, shapes: Graph, base_iri: str) -> list[Finding]:
    constraint_id = URIRef(base_iri + "shapes#constraintId")
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        named = _named_shape(shapes, shape)
        severity = report.value(result, SH.resultSeverity)
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        component = report.value(result, SH.sourceConstraintComponent)
        out.append(
            Finding(
                severity=_local(severity),
                source_shape=_text(named),
                constraint_id=str(shapes.value(named, constraint_id) or ""),
                focus_node=_text(report.value(result, SH.focusNode)) or "",
                path=_path_text(report, report.value(result, SH.resultPath)),
                value=_text(report.value(result, SH.value)),
                message="; ".join(messages),
                component=_local(component),
            )
        )
    out.sort(key=lambda f: (f.constraint_id, f.focus_node, f.path or "", f.value or ""))
    return out


def _named_shape(shapes: Graph, shape: Node | None) -> Node | None:
    """The shape itself if it is named, else the named shape it is nested in (sh:property)."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = shapes.value(predicate=SH.property, object=shape)
        if parent is None:
            break
        shape = parent
    return shape


def _local(term: Node | None) -> str:
    if term is None:
        return ""
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text


def _text(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return "_:" + str(term)
    return str(term)


def _path_text(report: Graph, path: Node | None) -> str | None:
    """A result path as a string: an IRI, ^IRI, a|b for alternative and a/b for sequence paths."""
    if path is None or isinstance(path, URIRef):
        return _text(path)
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + str(inverse)
    alternatives = report.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_list_items(report, alternatives))
    if report.value(path, RDF.first) is not None:
        return "/".join(_list_items(report, path))
    return _text(path)


def _list_items(report: Graph, node: Node | None) -> list[str]:
    items = []
    while node is not None and node != RDF.nil:
        items.append(str(report.value(node, RDF.first)))
        node = report.value(node, RDF.rest)
    return items
