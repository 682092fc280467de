"""SHACL validation of the graph: the only module that imports the SHACL engine (pyshacl-turbo).

`validate()` runs the shapes in `shapes/kosovo-kg.shapes.ttl` over the union of all named graphs
of N-Quads (the build dump) or TriG. N-Quads hold absolute IRIs only and are handed to the engine
as bytes, which it parses natively; TriG (relative IRIs, resolved against the base IRI) is first
parsed into an rdflib Dataset. No inference is run: the data carry explicit supertypes.

The shapes file writes our IRIs relative to the base IRI; it is parsed with the base IRI as
publicID, and relative `sh:namespace` literals (SHACL-SPARQL prefixes, which a Turtle parser
leaves alone) are resolved against the base IRI here.

Each shape carries a constraint id (`<shapes#constraintId>`, e.g. "C7"); every finding reports
it. `conforms` is True when there is no Violation; Warnings (C19) are allowed.

Engine: pyshacl-turbo (a Rust SHACL engine with pySHACL's API) replaced pySHACL because it gave
findings equal to pySHACL's on every counterexample in tests/shapes_examples and on the bundled
graph, in a third of the CPU time with the parse included (`bench/shacl_engines.py`,
bench/RESULTS-build.md). Its report text differs from pySHACL's in layout.

`validate()` silences rdflib's DeprecationWarnings while it runs (warnings filters are
process-wide: fine for the CLI and the build, not meant for concurrent threads).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl_turbo
from rdflib import RDF, SH, XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

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
    text: str = ""  # the engine's report text

    @property
    def violation_ids(self) -> set[str]:
        return {f.constraint_id for f in self.violations}

    @property
    def warning_ids(self) -> set[str]:
        return {f.constraint_id for f in self.warnings}


def load_dataset(data: str | bytes, *, base_iri: str, data_format: str = "nquads") -> Dataset:
    """The data as an rdflib Dataset (named graphs kept). Raises ValidationInputError."""
    if data_format not in DATA_FORMATS:
        raise ValidationInputError(
            f"unsupported data format {data_format!r}; expected one of {', '.join(DATA_FORMATS)}"
        )
    dataset = Dataset()
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
        shapes.add((rebase(s), rebase(p), rebase(o)))
    return shapes


def validate(
    data: str | bytes,
    *,
    base_iri: str,
    shapes_path: Path | None = None,
    data_format: str = "nquads",
) -> ValidationResult:
    """Validate N-Quads or TriG data against the kosovo-kg shapes."""
    shapes = load_shapes(base_iri, shapes_path)
    return validate_with(data, shapes, base_iri=base_iri, data_format=data_format)


def validate_with(
    data: str | bytes, shapes: Graph, *, base_iri: str, data_format: str = "nquads"
) -> ValidationResult:
    """Validate data against a shapes graph from `load_shapes` (e.g. one shape of it)."""
    if data_format == "nquads":
        source: bytes | Dataset = data.encode("utf-8") if isinstance(data, str) else data
    else:
        source = load_dataset(data, base_iri=base_iri, data_format=data_format)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's, on the report graph
        try:
            _, report, text = pyshacl_turbo.validate(
                source,
                shacl_graph=shapes,
                data_graph_format="nquads" if isinstance(source, bytes) else None,
                inference="none",
                allow_warnings=True,
                advanced=False,
            )
        except ValueError as exc:
            if isinstance(source, bytes) and "Parser error" in str(exc):
                raise ValidationInputError(f"cannot parse the data as nquads: {exc}") from exc
            raise
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
