"""The SPARQL service description and the VoID + DCAT description of the dataset, as Turtle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kosovo_kg import __version__
from kosovo_kg.citation import SourceRecord, citation_text
from kosovo_kg.store import DUMP_NAME

_FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "N-Quads",
    "TriG",
    "RDF_XML",
    "JSON-LD",
)
PREFIXES = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
"""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _triples(n: int) -> str:
    """` ; void:triples n`, or nothing when the size is not known (-1: counting failed)."""
    return f" ; void:triples {n}" if n >= 0 else ""


def _total(graph_sizes: Mapping[str, int]) -> str:
    known = all(n >= 0 for n in graph_sizes.values())
    return _triples(sum(graph_sizes.values()) if known else -1)


def service_description(root: str, base_iri: str, graph_sizes: Mapping[str, int]) -> str:
    """Turtle for GET /sparql without a query. `root` is the server URL ending in '/'."""
    endpoint = root + "sparql"
    formats = ", ".join(f"<{_FORMATS}{name}>" for name in RESULT_FORMAT_IRIS)
    named = " ,\n        ".join(
        f"[ a sd:NamedGraph ; sd:name <{g}> ; sd:graph [ a sd:Graph{_triples(n)} ] ]"
        for g, n in sorted(graph_sizes.items())
    )
    total = _total(graph_sizes)
    return f"""{PREFIXES}
<{endpoint}> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat {formats} ;
    rdfs:comment {
        _lit(
            "Read-only SPARQL 1.1 endpoint of kosovo-kg. Without FROM / FROM NAMED or "
            "default-graph-uri / named-graph-uri, the default graph is the union of all named "
            "graphs. SERVICE is refused unless the endpoint is on the allowlist."
        )
    } ;
    rdfs:seeAlso <{root}.well-known/void> ;
    sd:defaultDataset <{base_iri}dataset> .

<{base_iri}dataset> a sd:Dataset ;
    rdfs:seeAlso <{root}.well-known/void> ;
    sd:defaultGraph [ a sd:Graph{total} ;
        rdfs:comment "The union of all named graphs." ] ;
    sd:namedGraph {named} .
"""


def _sources(sources: Sequence[SourceRecord]) -> str:
    """` ; dcterms:source [...]`: each pinned source file with its licence and SHA-256."""
    if not sources:
        return ""
    nodes = []
    for s in sources:
        url = f" ;\n        dcat:accessURL <{s.url}>" if s.url else ""
        nodes.append(
            f"""[ a dcat:Distribution ;
        dcterms:identifier {_lit(s.id)} ; dcterms:title {_lit(s.title)} ;
        dcterms:rights {_lit(s.licence)} ; rdfs:comment {_lit("data/sources/" + s.path)}{url} ;
        spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;
            spdx:checksumValue "{s.sha256}"^^xsd:hexBinary ] ]"""
        )
    return " ;\n    dcterms:source " + " ,\n    ".join(nodes)


def void_description(
    root: str,
    base_iri: str,
    graph_sizes: Mapping[str, int],
    version: str,
    dump_bytes: int | None,
    *,
    modified: str | None = None,
    sources: Sequence[SourceRecord] = (),
) -> str:
    """Turtle for /.well-known/void: VoID and DCAT for the dataset, its graphs and its dump.

    `version` is the data version (owl:versionInfo); the release version (dcat:version) is the
    package's; `modified` is when the dump was written (dcterms:modified); `sources` are the
    pinned source files, each with its licence and SHA-256 (dcterms:source)."""
    dataset = f"<{base_iri}dataset>"
    when = f' ;\n    dcterms:modified "{modified}"^^xsd:dateTime' if modified else ""
    total = _total(graph_sizes)
    subsets = " , ".join(f"<{g}>" for g in sorted(graph_sizes))
    graphs = "\n".join(
        f"<{g}> a void:Dataset{_triples(n)} ; dcterms:isPartOf {dataset} ."
        for g, n in sorted(graph_sizes.items())
    )
    size = f" ;\n    dcat:byteSize {dump_bytes}" if dump_bytes is not None else ""
    subset_line = f"    void:subset {subsets} ;\n" if subsets else ""
    return f"""{PREFIXES}
{dataset} a void:Dataset, dcat:Dataset ;
    dcterms:title "kosovo-kg: the international recognition of Kosovo"@en ;
    dcterms:description {
        _lit(
            "Who recognised Kosovo, withdrew or disputed a recognition, when, and on which "
            "source: claims with claimants, stances, dates as printed and evidence locations."
        )
    }@en ;
    owl:versionInfo {_lit(version)} ;
    dcat:version {_lit(__version__)} ;
    dcterms:bibliographicCitation {_lit(citation_text(version, base_iri))}{when}{
        _sources(sources)
    } ;
    void:uriSpace {_lit(base_iri)}{total} ;
{subset_line}    void:sparqlEndpoint <{root}sparql> ;
    void:dataDump <{root}dumps/{DUMP_NAME}> ;
    dcat:distribution <{root}dumps/{DUMP_NAME}> , <{root}sparql#distribution> .

<{root}dumps/{DUMP_NAME}> a dcat:Distribution ;
    dcterms:title "N-Quads dump (one named graph per source)"@en ;
    dcat:downloadURL <{root}dumps/{DUMP_NAME}> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/application/n-quads>{size} .

<{root}sparql#distribution> a dcat:Distribution ;
    dcterms:title "SPARQL 1.1 endpoint"@en ;
    dcat:accessURL <{root}sparql> ;
    dcat:accessService <{root}sparql> .

<{root}sparql> a dcat:DataService ;
    dcat:endpointURL <{root}sparql> ;
    dcat:endpointDescription <{root}sparql> ;
    dcat:servesDataset {dataset} .

{graphs}
"""
