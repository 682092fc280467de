"""The SHACL shapes, run through kosovo_kg.validation on real data.

`shapes_examples/valid.trig` is a small dataset that conforms. Every `C<n>-*.ru` file next to it
is a SPARQL Update that breaks the valid dataset in one way; the test applies it, serialises the
result as N-Quads (the build dump format), validates, and asserts that exactly the constraint
named by the file's prefix fires, and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDFS, SH, Dataset, URIRef

from kosovo_kg.validation import (
    SHAPES_PATH,
    ValidationInputError,
    load_shapes,
    validate,
)
from kosovo_kg.vocab import Iris

# rdflib 7 warns about its own Dataset internals when the tests build N-Quads
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

EXAMPLES = Path(__file__).parent / "shapes_examples"
VALID = EXAMPLES / "valid.trig"
MUTATIONS = sorted(
    EXAMPLES.glob("C*.ru"), key=lambda p: (int(re.match(r"C(\d+)", p.name)[1]), p.name)
)
BASE = "http://example.org/kg/"
OTHER_BASE = "https://w3id.org/kosovo-kg/"
WARNING_IDS = {"C19"}  # constraints with sh:severity sh:Warning

PROLOGUE = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX kr: <ontology#>
PREFIX state: <id/state/>
PREFIX kro: <id/org/>
PREFIX agent: <id/agent/>
PREFIX event: <id/event/>
PREFIX claim: <id/claim/>
PREFIX doc: <id/doc/>
PREFIX graph: <graph/>
"""


def constraint_id_of(path: Path) -> str:
    return path.name.split("-", 1)[0]


def mutated_nquads(mutation: Path, base: str = BASE) -> str:
    """The valid dataset with one SPARQL Update applied, as N-Quads."""
    ds = Dataset()
    ds.parse(VALID, format="trig", publicID=base)
    before = len(ds)
    ds.update(f"BASE <{base}>\n{PROLOGUE}\n{mutation.read_text()}")
    nquads = ds.serialize(format="nquads")
    assert len(ds) != before or "DELETE" in mutation.read_text(), "mutation changed nothing"
    return nquads


def shape_ids(base: str = BASE) -> dict[str, set[str]]:
    """constraint id -> severities, read from the shapes file."""
    shapes = load_shapes(base)
    cid = URIRef(base + "shapes#constraintId")
    out: dict[str, set[str]] = {}
    for shape, value in shapes.subject_objects(cid):
        severity = shapes.value(shape, SH.severity, default=SH.Violation)
        out.setdefault(str(value), set()).add(str(severity).rsplit("#", 1)[-1])
    return out


def test_valid_example_conforms_without_findings():
    result = validate(VALID.read_text(), base_iri=BASE, data_format="trig")
    assert result.conforms, result.text
    assert result.violations == []
    assert result.warnings == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda p: p.stem)
def test_each_constraint_fires_alone(mutation: Path):
    expected = constraint_id_of(mutation)
    result = validate(mutated_nquads(mutation), base_iri=BASE)
    if expected in WARNING_IDS:
        assert result.conforms, result.text
        assert result.violation_ids == set()
        assert result.warning_ids == {expected}
    else:
        assert not result.conforms
        assert result.violation_ids == {expected}, result.text
    for finding in result.violations + result.warnings:
        assert finding.message.startswith(finding.constraint_id + " "), finding
        assert finding.source_shape.startswith(BASE + "shapes#"), finding
        assert finding.focus_node


def test_every_constraint_has_an_invalid_example():
    ids = shape_ids()
    assert {f"C{n}" for n in range(1, 21)} <= set(ids)
    assert set(ids) == {constraint_id_of(m) for m in MUTATIONS}
    assert {cid for cid, severities in ids.items() if "Warning" in severities} == WARNING_IDS


def test_every_shape_is_documented():
    shapes = load_shapes(BASE)
    cid = URIRef(BASE + "shapes#constraintId")
    for shape in shapes.subjects(cid, None):
        assert str(shape).startswith(BASE + "shapes#C"), shape
        assert shapes.value(shape, RDFS.comment), f"{shape} has no rdfs:comment"
        assert shapes.value(shape, RDFS.label), f"{shape} has no rdfs:label"
        reporters = [shape, *shapes.objects(shape, SH.property), *shapes.objects(shape, SH.sparql)]
        messages = [m for r in reporters for m in shapes.objects(r, SH.message)]
        assert messages, f"{shape} has no sh:message"


def test_sparql_prefix_follows_the_base_iri():
    shapes = load_shapes(OTHER_BASE)
    namespaces = {str(ns) for ns in shapes.objects(None, SH.namespace)}
    assert OTHER_BASE + "ontology#" in namespaces
    assert not any(ns == "ontology#" for ns in namespaces)


@pytest.mark.parametrize(
    "name", ["C11-withdrawal-before-recognition", "C7-two-entities-share-an-iso3"]
)
def test_shapes_follow_the_base_iri(name: str):
    nquads = mutated_nquads(EXAMPLES / f"{name}.ru", base=OTHER_BASE)
    assert validate(nquads, base_iri=OTHER_BASE).violation_ids == {name.split("-")[0]}
    # Validated under another base IRI, the shapes target nothing in these data.
    assert validate(nquads, base_iri=BASE).conforms


def test_findings_name_focus_node_path_and_value():
    result = validate(mutated_nquads(EXAMPLES / "C6-malformed-iso3.ru"), base_iri=BASE)
    (finding,) = result.violations
    assert finding.severity == "Violation"
    assert finding.source_shape == BASE + "shapes#C6-Iso3Pattern"
    assert finding.focus_node == BASE + "id/state/FRA"
    assert finding.path == BASE + "ontology#iso3"
    assert finding.value == "Fra"
    assert finding.component == "PatternConstraintComponent"
    assert "C6" in result.text


def test_sparql_findings_report_bindings_in_messages():
    result = validate(
        mutated_nquads(EXAMPLES / "C11-withdrawal-before-recognition.ru"), base_iri=BASE
    )
    (finding,) = result.violations
    assert finding.focus_node == BASE + "id/event/TGO-XKX-withdrawal-1"
    assert "2013-05-01" in finding.message and "2014-07-01" in finding.message


def test_warning_message_gives_both_numbers():
    result = validate(mutated_nquads(EXAMPLES / "C19-count-differs-from-rows.ru"), base_iri=BASE)
    (warning,) = result.warnings
    assert warning.severity == "Warning"
    assert warning.message == "C19 claimed value 120 differs from the 4 states counted from rows"


def test_nquads_named_graphs_are_validated_as_a_union():
    # The claimant's type (graph/reference) and the claim (graph/article) are in different
    # graphs: only a union view lets C1 pass.
    nquads = mutated_nquads(EXAMPLES / "C9-earliest-after-latest.ru")
    assert " <http://example.org/kg/graph/reference> ." in nquads
    assert validate(nquads, base_iri=BASE).violation_ids == {"C9"}


def test_bad_input_is_refused_with_a_clear_error(tmp_path: Path):
    with pytest.raises(ValidationInputError, match="cannot parse the data as nquads"):
        validate("<http://example.org/a> <http://example.org/b> .", base_iri=BASE)
    with pytest.raises(ValidationInputError, match="unsupported data format"):
        validate("", base_iri=BASE, data_format="rdfxml")
    with pytest.raises(ValidationInputError, match="shapes file not found"):
        validate("", base_iri=BASE, shapes_path=tmp_path / "missing.ttl")


def test_empty_data_conforms():
    assert validate(b"", base_iri=BASE).conforms


def test_default_shapes_path_exists():
    assert SHAPES_PATH.is_file()


@pytest.mark.parametrize("base", [BASE, "http://example.org/kg#", "urn:x-kg:"])
def test_shapes_join_relative_iris_to_the_base_like_vocab(base: str):
    shapes = load_shapes(base)
    iris = Iris(base)
    assert (
        URIRef(base + "shapes#C7-Iso3Unique"),
        SH.targetSubjectsOf,
        URIRef(iris.term("iso3")),
    ) in shapes
    assert iris.kr in {str(ns) for ns in shapes.objects(None, SH.namespace)}


def test_sparql_texts_are_loaded_on_one_line_unless_they_hold_a_comment(tmp_path: Path):
    # one line spares pySHACL's per-focus-node regular expressions (bench/RESULTS-build.md);
    # a `#` comment runs to the end of its line, so such a query keeps its lines
    selects = [str(q) for q in load_shapes(BASE).objects(None, SH.select)]
    assert selects and all("\n" not in q for q in selects)
    anchor = "$this kr:withdraws ?rec ."
    text = SHAPES_PATH.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    commented = tmp_path / "commented.ttl"
    commented.write_text(text.replace(anchor, f"# the recognition withdrawn\n{anchor}"))
    (query,) = [q for q in load_shapes(BASE, commented).objects(None, SH.select) if "#" in q]
    assert "\n" in query
    broken = mutated_nquads(EXAMPLES / "C11-withdrawal-before-recognition.ru")
    assert validate(broken, base_iri=BASE, shapes_path=commented).violation_ids == {"C11"}
    assert validate(
        VALID.read_text(), base_iri=BASE, data_format="trig", shapes_path=commented
    ).conforms
