"""The ontology IRI: `ontology/kosovo-kg.ttl` (IRIs relative to the base) as RDF, and as an HTML
page with one anchor per term, so `<base>ontology#Recognition` lands on its entry."""

from __future__ import annotations

import functools
from typing import Any

from kosovo_kg import store
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.web import negotiate
from kosovo_kg.web.pages.links import short

SOURCE = PROJECT_ROOT / "ontology" / "kosovo-kg.ttl"
KINDS = (
    ("Classes", "http://www.w3.org/2002/07/owl#Class"),
    ("Object properties", "http://www.w3.org/2002/07/owl#ObjectProperty"),
    ("Datatype properties", "http://www.w3.org/2002/07/owl#DatatypeProperty"),
    ("Individuals", "http://www.w3.org/2002/07/owl#NamedIndividual"),
)


@functools.lru_cache(maxsize=4)
def serialise(base: str, key: str) -> bytes:
    """The ontology in the RDF format `key` (JSON-LD compacted with our context), kept."""
    return negotiate.rdf_body(SOURCE.read_text(encoding="utf-8"), key, base, parse_base=base)


@functools.lru_cache(maxsize=2)
def document(base: str) -> dict[str, Any]:
    kg = store.memory_store_from_nquads(serialise(base, "ntriples"))
    ns = base + "ontology#"
    sections = []
    for heading, kind in KINDS:
        rows = store.select_rows(
            kg,
            f"""SELECT ?t (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment)
  (GROUP_CONCAT(DISTINCT STR(?sup); separator=" ") AS ?sups)
  (GROUP_CONCAT(DISTINCT STR(?d); separator=" ") AS ?domains)
  (GROUP_CONCAT(DISTINCT STR(?r); separator=" ") AS ?ranges) WHERE {{
  ?t a <{kind}> FILTER(STRSTARTS(STR(?t), "{ns}"))
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#comment> ?c }}
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#subClassOf>
               |<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?sup FILTER(isIRI(?sup)) }}
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#domain> ?d FILTER(isIRI(?d)) }}
  OPTIONAL {{ ?t <http://www.w3.org/2000/01/rdf-schema#range> ?r FILTER(isIRI(?r)) }}
}} GROUP BY ?t ORDER BY ?t""",
        )
        terms = [
            {
                "id": (r["t"] or "")[len(ns) :],
                "label": r["label"],
                "comment": r["comment"],
                "sups": [_ref(x, ns, base) for x in (r["sups"] or "").split()],
                "domains": [_ref(x, ns, base) for x in (r["domains"] or "").split()],
                "ranges": [_ref(x, ns, base) for x in (r["ranges"] or "").split()],
            }
            for r in rows
        ]
        if terms:
            sections.append({"heading": heading, "terms": terms})
    return {"title": "kosovo-kg ontology", "iri": base + "ontology", "sections": sections}


def _ref(iri: str, ns: str, base: str) -> dict[str, str]:
    if iri.startswith(ns):
        return {"text": "kr:" + iri[len(ns) :], "href": "#" + iri[len(ns) :]}
    return {"text": short(iri, base), "href": iri}
