"""The OWL ontology `ontology/kosovo-kg.ttl`, its term contract `TERMS.md` and its README.

The ontology is parsed with rdflib with the base IRI passed in (as the project does), and loaded
into a real in-memory Oxigraph store via `kosovo_kg.store`. The README's worked example and its
SPARQL queries are run too, so the documentation cannot drift from the ontology.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kosovo_kg.store import memory_store_from_nquads, select_rows
from kosovo_kg.vocab import CITO, DEFAULT_BASE_IRI, OA, ORG, PROV, SCHEMA, Iris
from kosovo_kg.vocab import XSD as XSD_NS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "kosovo-kg.ttl"
TERMS = ROOT / "ontology" / "TERMS.md"
README = ROOT / "ontology" / "README.md"
OTHER_BASE = "http://example.org/elsewhere/kg/"
# A plain Namespace: rdflib's XSD DefinedNamespace warns when pytest probes its attributes.
XSD = Namespace(XSD_NS)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
# Named in TERMS.md's class list, but TERMS.md says to use prov:SoftwareAgent instead.
NOT_OURS = {"SoftwareAgent"}


@cache
def ontology(base: str = DEFAULT_BASE_IRI) -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle", publicID=base)


def kr(local: str, base: str = DEFAULT_BASE_IRI) -> URIRef:
    return URIRef(Iris(base).term(local))


def ext(namespace: str, local: str) -> URIRef:
    return URIRef(namespace + local)


def our_terms(g: Graph, base: str = DEFAULT_BASE_IRI) -> dict[str, set[URIRef]]:
    """Local name -> declared kinds, for every kr: IRI typed as class/property/individual."""
    ns = Iris(base).kr
    terms: dict[str, set[URIRef]] = {}
    for kind in KINDS:
        for subject in g.subjects(RDF.type, kind):
            if isinstance(subject, URIRef) and str(subject).startswith(ns):
                terms.setdefault(str(subject)[len(ns) :], set()).add(kind)
    return terms


def terms_md_names() -> set[str]:
    """Backticked term names in TERMS.md's class and property lists (kr: prefix optional)."""
    text = TERMS.read_text(encoding="utf-8")
    text = text[text.index("## Classes (kr:)") :]
    names = set()
    for token in re.findall(r"`([^`]+)`", text):
        token = token.removeprefix("kr:")
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", token):
            names.add(token)
    return names - NOT_OURS


def superclasses(g: Graph, cls: URIRef) -> set[URIRef]:
    """Named superclasses of `cls`, transitively (restrictions skipped)."""
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        for parent in g.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def fenced_blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


# --- the ontology header and the base IRI -------------------------------------------------------


def test_is_an_owl_ontology_with_version_and_licence():
    g = ontology()
    iris = Iris()
    onto = URIRef(iris.ontology)
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) == Literal("0.2.0")
    assert g.value(onto, OWL.versionIRI) == URIRef(iris.ontology + "/0.2.0")
    assert g.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert g.value(onto, DCTERMS.creator) == Literal("kosovo-kg contributors")
    modified = g.value(onto, DCTERMS.modified)
    assert isinstance(modified, Literal) and modified.datatype == XSD.date
    for prop in (DCTERMS.title, DCTERMS.description):
        value = g.value(onto, prop)
        assert isinstance(value, Literal) and value.language == "en" and str(value).strip()
    assert len(list(g.subjects(RDF.type, OWL.Ontology))) == 1


def test_iris_move_with_the_base_iri():
    default, other = ontology(), ontology(OTHER_BASE)
    assert (URIRef(Iris(OTHER_BASE).ontology), RDF.type, OWL.Ontology) in other
    assert (kr("Claim", OTHER_BASE), RDF.type, OWL.Class) in other
    assert (kr("Claim"), RDF.type, OWL.Class) not in other
    # Nothing of ours stays behind at the default base, and nothing is lost in the move.
    leftovers = {t for triple in other for t in triple if str(t).startswith(DEFAULT_BASE_IRI)}
    assert leftovers == set()
    assert our_terms(other, OTHER_BASE) == our_terms(default)
    assert len(other) == len(default)


# --- every term documented, TERMS.md and the ontology in step -----------------------------------


def test_every_term_has_an_english_label_and_comment():
    g = ontology()
    missing = []
    for local in our_terms(g):
        subject = kr(local)
        for prop in (RDFS.label, RDFS.comment):
            english = [
                o for o in g.objects(subject, prop) if isinstance(o, Literal) and o.language == "en"
            ]
            if len(english) != 1 or not str(english[0]).strip():
                missing.append(f"{local} {prop}")
    assert missing == []


def test_terms_md_and_the_ontology_define_the_same_terms():
    named = terms_md_names()
    defined = set(our_terms(ontology()))
    assert len(named) > 100  # the parse of TERMS.md found the lists
    assert sorted(named - defined) == [], "named in TERMS.md but not defined"
    assert sorted(defined - named) == [], "defined but not in TERMS.md"
    # TERMS.md: "use prov:SoftwareAgent for the build itself".
    assert (ext(PROV, "SoftwareAgent"), RDF.type, OWL.Class) in ontology()


def test_each_term_has_exactly_one_kind():
    clashes = {k: v for k, v in our_terms(ontology()).items() if len(v) != 1}
    assert clashes == {}


def test_properties_have_domain_and_range_of_the_right_kind():
    g = ontology()
    literal_ranges = {RDF.langString}
    problems = []
    for local, kinds in our_terms(g).items():
        prop = kr(local)
        if not kinds & {OWL.ObjectProperty, OWL.DatatypeProperty}:
            continue
        domain, range_ = g.value(prop, RDFS.domain), g.value(prop, RDFS.range)
        if domain is None or range_ is None:
            problems.append(f"{local}: no domain or range")
            continue
        datatype_range = (
            range_ in literal_ranges
            or str(range_).startswith(str(XSD))
            or (range_, RDF.type, RDFS.Datatype) in g
        )
        if (OWL.DatatypeProperty in kinds) != datatype_range:
            problems.append(f"{local}: kind does not match range {range_}")
    assert problems == []


# --- reuse of PROV-O, ORG, Web Annotation, schema.org, CiTO --------------------------------------

DIRECT_SUPERCLASSES = [
    ("PoliticalEntity", ext(PROV, "Agent")),
    ("Organisation", ext(ORG, "Organization")),
    ("Organisation", ext(PROV, "Agent")),
    ("IntergovernmentalOrganisation", kr("Organisation")),
    ("IntergovernmentalOrganisation", ext(ORG, "FormalOrganization")),
    ("StateGrouping", kr("Organisation")),
    ("InternationalNGO", kr("Organisation")),
    ("RegionalActor", ext(PROV, "Agent")),
    ("SpeakingAgent", ext(PROV, "Agent")),
    ("Event", ext(PROV, "Activity")),
    ("Resumption", kr("Event")),
    ("Claim", ext(PROV, "Entity")),
    ("Claim", ext(SCHEMA, "Claim")),
    ("CountClaim", kr("Claim")),
    ("Position", kr("Claim")),
    ("WikipediaEdition", ext(PROV, "Agent")),
    ("Carrier", ext(PROV, "Agent")),
    ("StoredCopy", kr("SourceDocument")),
    ("MachineTranslatedCopy", kr("StoredCopy")),
    ("SourceDocument", ext(PROV, "Entity")),
    ("SourceDocument", ext(SCHEMA, "CreativeWork")),
    ("SourceLocation", ext(OA, "SpecificResource")),
]


@pytest.mark.parametrize(("local", "parent"), DIRECT_SUPERCLASSES)
def test_subclass_links_as_terms_md_says(local, parent):
    assert (kr(local), RDFS.subClassOf, parent) in ontology()


ENTITY_CLASSES = [
    "UNMemberState",
    "PartiallyRecognisedState",
    "UNObserverState",
    "AssociatedState",
    "UnidentifiedEntity",
]
EVENT_CLASSES = [
    "Recognition",
    "Resumption",
    "Withdrawal",
    "Annulment",
    "Invalidation",
    "DiplomaticRelations",
    "MembershipAdmission",
    "DeclarationOfIndependence",
    "Vote",
    "CourtOpinion",
    "Agreement",
    "Measure",
    "DiplomaticEvent",
]


def test_class_hierarchies_reach_the_reused_classes():
    g = ontology()
    for local in ENTITY_CLASSES:
        assert {kr("PoliticalEntity"), ext(PROV, "Agent")} <= superclasses(g, kr(local)), local
    for local in EVENT_CLASSES:
        assert {kr("Event"), ext(PROV, "Activity")} <= superclasses(g, kr(local)), local
    for local in ("CountClaim", "Position"):
        assert {kr("Claim"), ext(PROV, "Entity")} <= superclasses(g, kr(local)), local
    assert ext(PROV, "Agent") in superclasses(g, kr("IntergovernmentalOrganisation"))


@pytest.mark.parametrize(
    ("local", "parent"),
    [
        ("actor", ext(PROV, "wasAssociatedWith")),
        ("claimant", ext(PROV, "wasAttributedTo")),
        ("evidence", ext(PROV, "wasDerivedFrom")),
        ("derivedFrom", ext(PROV, "wasDerivedFrom")),
        ("disputes", ext(CITO, "disputes")),
    ],
)
def test_subproperty_links_as_terms_md_says(local, parent):
    assert (kr(local), RDFS.subPropertyOf, parent) in ontology()


# --- the claim contract: functional properties, cardinalities, ranges ---------------------------


@pytest.mark.parametrize("local", ["claimant", "stance", "about", "modality", "statement"])
def test_claim_core_properties_are_functional_on_claim(local):
    g = ontology()
    assert (kr(local), RDF.type, OWL.FunctionalProperty) in g
    assert g.value(kr(local), RDFS.domain) == kr("Claim")


def restrictions(g: Graph, cls: URIRef) -> dict[URIRef, tuple[URIRef, Literal]]:
    found = {}
    for node in g.objects(cls, RDFS.subClassOf):
        if (node, RDF.type, OWL.Restriction) in g:
            for card in (OWL.cardinality, OWL.minCardinality):
                value = g.value(node, card)
                if value is not None:
                    found[g.value(node, OWL.onProperty)] = (card, value.toPython())
    return found


def test_cardinality_restrictions():
    g = ontology()
    for local in (
        "Recognition",
        "Resumption",
        "Withdrawal",
        "Annulment",
        "Invalidation",
        "DiplomaticRelations",
        "MembershipAdmission",
    ):
        assert restrictions(g, kr(local))[kr("actor")] == (OWL.cardinality, 1), local
    # A resumption is not a recognition: `?e a kr:Recognition` counts each state's once.
    assert kr("Recognition") not in superclasses(g, kr("Resumption"))
    assert (kr("Resumption"), OWL.disjointWith, kr("Recognition")) in g
    claim = restrictions(g, kr("Claim"))
    assert claim[kr("claimant")] == (OWL.cardinality, 1)
    assert claim[kr("stance")] == (OWL.cardinality, 1)
    assert claim[kr("evidence")] == (OWL.minCardinality, 1)
    # `about` is absent on CountClaim and Position, so it must not be required on Claim.
    assert kr("about") not in claim
    assert restrictions(g, kr("SourceLocation"))[ext(OA, "hasSource")] == (OWL.cardinality, 1)


@pytest.mark.parametrize("local", ["statedDate", "claimMadeOn", "asOf", "date"])
def test_partial_dates_range_over_the_union_of_date_types(local):
    g = ontology()
    range_ = g.value(kr(local), RDFS.range)
    assert isinstance(range_, BNode) and (range_, RDF.type, RDFS.Datatype) in g
    members = list(Collection(g, g.value(range_, OWL.unionOf)))
    assert members == [XSD.date, XSD.gYearMonth, XSD.gYear]


def test_bounds_are_days():
    g = ontology()
    for local in ("earliest", "latest"):
        assert g.value(kr(local), RDFS.range) == XSD.date
        domain = list(Collection(g, g.value(g.value(kr(local), RDFS.domain), OWL.unionOf)))
        assert domain == [kr("Claim"), kr("DateMention")]


CONTROLLED = {
    "Stance": ["Affirms", "Denies"],
    "DatePrecision": ["Day", "Month", "Year"],
    "DateBasis": ["Stated", "InferredBySource", "RowOrderBound"],
    "Hedge": ["Reported", "Alleged"],
    "Modality": ["Asserted", "ReportedOnly", "Speculated", "Rumoured", "Denied", "Retracted"],
    "CountCategory": [
        "RecognisingStates",
        "EverRecognisingStates",
        "NonRecognisingStates",
        "Withdrawals",
    ],
    "IdentificationBasis": ["PrintedCode", "RowNote", "ReferenceRow"],
}


@pytest.mark.parametrize(("cls", "members"), sorted(CONTROLLED.items()))
def test_controlled_values_are_closed_lists_of_named_individuals(cls, members):
    g = ontology()
    typed = {s for s in g.subjects(RDF.type, kr(cls))}
    assert typed == {kr(m) for m in members}
    for member in members:
        assert (kr(member), RDF.type, OWL.NamedIndividual) in g
        assert (kr(member), SKOS.inScheme, kr(cls)) in g
    enumeration = g.value(kr(cls), OWL.equivalentClass)
    assert list(Collection(g, g.value(enumeration, OWL.oneOf))) == [kr(m) for m in members]


def test_wikidata_patterns_are_declared_on_the_identifier_ranges():
    g = ontology()
    patterns = {}
    for local in ("iso3", "wikidata", "sha256"):
        range_ = g.value(kr(local), RDFS.range)
        assert g.value(range_, OWL.onDatatype) == XSD.string
        facets = list(Collection(g, g.value(range_, OWL.withRestrictions)))
        patterns[local] = str(g.value(facets[0], XSD.pattern))
    assert re.fullmatch(patterns["iso3"], "XKX") and not re.fullmatch(patterns["iso3"], "Xkx")
    assert re.fullmatch(patterns["wikidata"], "Q1246")
    assert not re.fullmatch(patterns["wikidata"], "Q0123")
    assert re.fullmatch(patterns["sha256"], "0" * 64) and not re.fullmatch(patterns["sha256"], "0")


# --- Oxigraph can load it -----------------------------------------------------------------------


def test_oxigraph_loads_the_ontology():
    g = ontology()
    store = memory_store_from_nquads(g.serialize(format="nt", encoding="utf-8"))
    rows = select_rows(
        store,
        f"""PREFIX owl: <{OWL}>
        SELECT ?kind (COUNT(DISTINCT ?t) AS ?n) WHERE {{
          ?t a ?kind . FILTER(STRSTARTS(STR(?t), "{Iris().kr}"))
        }} GROUP BY ?kind""",
    )
    counts = {row["kind"]: int(row["n"]) for row in rows}
    ours = {kr(local) for local in our_terms(g)}
    expected = {str(k): len(set(g.subjects(RDF.type, k)) & ours) for k in KINDS}
    assert {k: counts.get(k, 0) for k in expected} == expected
    assert expected[str(OWL.Class)] > 30


# --- the README: scheme table, worked example and queries ---------------------------------------


def test_readme_iri_table_contains_every_row_of_terms_md():
    terms_rows = [r for r in TERMS.read_text(encoding="utf-8").splitlines() if r.startswith("| ")]
    readme = README.read_text(encoding="utf-8")
    assert len(terms_rows) >= 9
    assert [r for r in terms_rows if r not in readme] == []


def test_readme_term_counts_are_current():
    text = README.read_text(encoding="utf-8")
    found = re.search(
        r"(\d+) classes, (\d+) object properties, (\d+) datatype properties and (\d+) controlled",
        text,
    )
    assert found, "README lost its term counts"
    kinds = [k for ks in our_terms(ontology()).values() for k in ks]
    assert [int(n) for n in found.groups()] == [kinds.count(k) for k in KINDS]


def readme_example(index: int = 0) -> Dataset:
    ds = Dataset()
    ds.parse(data=fenced_blocks("trig")[index], format="trig", publicID=DEFAULT_BASE_IRI)
    return ds


def test_readme_examples_use_only_defined_terms():
    defined = {kr(local) for local in our_terms(ontology())}
    blocks = fenced_blocks("trig")
    assert len(blocks) == 2
    for index in range(len(blocks)):
        ds = readme_example(index)
        used = {t for quad in ds.quads() for t in quad[:3] if str(t).startswith(Iris().kr)}
        assert used and used - defined == set()


@cache
def example_store():
    data = readme_example(0).serialize(format="nquads", encoding="utf-8")
    return memory_store_from_nquads(data)


def run_readme_query(index: int) -> list[dict[str, str | None]]:
    return select_rows(example_store(), fenced_blocks("sparql")[index])


def test_readme_query_recognitions_with_claimants_and_evidence():
    rows = run_readme_query(0)
    togo = {(r["claimant"], r["statedDate"], r["graph"]) for r in rows if r["state"] == "Togo"}
    iris = Iris()
    assert togo == {
        (
            "Wikipedia, 'International recognition of Kosovo' (the article's own voice)",
            "2014-07-11",
            iris.graph("article"),
        ),
        ("Ministry of Foreign Affairs of Kosovo", "2014-07-02", iris.graph("news")),
    }
    assert all(r["doc"] and r["line"] for r in rows)


def test_readme_query_disputed_claims():
    rows = run_readme_query(1)
    assert len(rows) == 1
    row = rows[0]
    assert row["event"] == Iris().event("GHA-XKX-withdrawal-1")
    assert row["claimant"] == "Ministry of Foreign Affairs of Serbia"
    assert (row["stance"], row["disputerStance"]) == (Iris().term("Affirms"), Iris().term("Denies"))
    assert row["characterisation"] == "fake news"


def test_readme_query_sources_behind_one_fact():
    rows = run_readme_query(2)
    iris = Iris()
    found = {(r["graph"], r["claimant"], r["hedge"]) for r in rows}
    assert found == {
        (iris.graph("article"), iris.agent("wikipedia"), iris.term("Reported")),
        (iris.graph("news"), iris.person("ivica-dacic"), None),
    }
    assert {r["statedDate"] for r in rows} == {"2019-06-28"}
    assert all(r["quote"] for r in rows)
