"""The JSON-LD `@context` of our vocabulary, served at `<base>context.jsonld`.

Made from the ontology (`ontology/kosovo-kg.ttl`), so it never drifts from it: one term per class,
object property (`"@type": "@id"`), datatype property (typed with its `rdfs:range` when that is
an XSD datatype other than xsd:string) and named individual of the `kr:` namespace, plus the
prefixes of `kosovo_kg.vocab.PREFIXES`, so any other IRI compacts to `prefix:local`.

`compact` writes triples as JSON-LD compacted with that context (rdflib's JSON-LD serialiser,
which implements compaction), referencing the context by its stable IRI instead of inlining it:
what the linked-data pages answer as JSON-LD.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import memory_store_from_nquads, select_rows, turtle_to
from kosovo_kg.vocab import PREFIXES

ONTOLOGY = PROJECT_ROOT / "ontology" / "kosovo-kg.ttl"
CONTEXT_PATH = "context.jsonld"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def context_iri(base_iri: str) -> str:
    """The stable IRI of the context: `<base>context.jsonld`."""
    return base_iri + CONTEXT_PATH


def _terms(base_iri: str, ontology: Path) -> list[dict[str, str | None]]:
    ntriples = turtle_to(ontology.read_text(encoding="utf-8"), "ntriples", base_iri)
    kr = base_iri + "ontology#"
    return select_rows(
        memory_store_from_nquads(ntriples),
        f"""SELECT ?t ?kind (SAMPLE(?r) AS ?range) WHERE {{
          ?t a ?kind . FILTER(STRSTARTS(STR(?t), "{kr}"))
          VALUES ?kind {{ <{OWL}Class> <{OWL}ObjectProperty> <{OWL}DatatypeProperty>
                         <{OWL}NamedIndividual> }}
          OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#range> ?r }}
        }} GROUP BY ?t ?kind ORDER BY ?t""",
    )


@functools.lru_cache(maxsize=4)
def jsonld_context(base_iri: str, ontology: Path = ONTOLOGY) -> dict[str, Any]:
    """`{"@context": {...}}` for the vocabulary under `base_iri`."""
    kr = base_iri + "ontology#"
    ctx: dict[str, Any] = {"@version": 1.1, "kr": kr}
    ctx.update({prefix: ns for prefix, ns in sorted(PREFIXES.items())})
    for row in _terms(base_iri, ontology):
        local = str(row["t"])[len(kr) :]
        kind = str(row["kind"])[len(OWL) :]
        rng = row["range"] or ""
        if kind == "ObjectProperty":
            ctx[local] = {"@id": f"kr:{local}", "@type": "@id"}
        elif kind == "DatatypeProperty" and rng.startswith(XSD) and rng != XSD + "string":
            ctx[local] = {"@id": f"kr:{local}", "@type": f"xsd:{rng[len(XSD) :]}"}
        else:
            ctx.setdefault(local, f"kr:{local}")
    return {"@context": ctx}


def context_json(base_iri: str) -> str:
    """The context as indented JSON text (what the server sends and the release holds)."""
    return json.dumps(jsonld_context(base_iri), indent=2, ensure_ascii=False) + "\n"


def compact(ntriples: bytes, base_iri: str) -> bytes:
    """Triples (N-Triples) as JSON-LD compacted with our context: keys and types are the
    context's short terms (`about`, `Claim`), other IRIs `prefix:local`; `"@context"` is the
    context's IRI (`<base>context.jsonld`), so a JSON-LD processor expands the document back to
    exactly these triples."""
    import rdflib  # imported on first use: the web app starts without it

    graph = rdflib.Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    text = graph.serialize(format="json-ld", context=jsonld_context(base_iri)["@context"])
    doc = json.loads(text)
    if isinstance(doc, list):  # no triples: an empty document
        doc = {"@graph": doc}
    doc["@context"] = context_iri(base_iri)
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
