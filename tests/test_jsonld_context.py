"""The JSON-LD @context: made from the ontology, it expands our terms to the ontology's IRIs with
the right datatypes, compacts the real graph without loss, and is served at <base>context.jsonld."""

from __future__ import annotations

import json

import rdflib
import rdflib.compare
from app_once import get_once
from endpoint_support import BASE, make_data_dir

from kosovo_kg.jsonld_context import ONTOLOGY, context_iri, context_json, jsonld_context
from kosovo_kg.store import dump_path

KR = rdflib.Namespace(BASE + "ontology#")
OWL = rdflib.OWL


def test_every_ontology_term_has_a_context_entry():
    onto = rdflib.Graph().parse(ONTOLOGY, format="turtle", publicID=BASE)
    ctx = jsonld_context(BASE)["@context"]
    terms = {
        str(t)[len(str(KR)) :]
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for t in onto.subjects(rdflib.RDF.type, kind)
        if str(t).startswith(str(KR))
    }
    assert len(terms) > 100
    for term in terms:
        entry = ctx[term]
        assert (entry if isinstance(entry, str) else entry["@id"]) == f"kr:{term}"
    assert ctx["kr"] == str(KR) and context_iri(BASE) == BASE + "context.jsonld"


def test_a_document_using_the_context_expands_to_ontology_iris_and_datatypes():
    doc = {
        **jsonld_context(BASE),
        "@id": BASE + "id/claim/x",
        "@type": "Claim",
        "about": BASE + "id/event/y",
        "stance": "kr:Affirms",
        "earliest": "2008-02-18",
    }
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    claim = rdflib.URIRef(BASE + "id/claim/x")
    assert (claim, rdflib.RDF.type, KR.Claim) in g
    assert (claim, KR.about, rdflib.URIRef(BASE + "id/event/y")) in g
    assert (claim, KR.stance, KR.Affirms) in g
    date = g.value(claim, KR.earliest)
    assert date.datatype == rdflib.XSD.date and str(date) == "2008-02-18"


def test_compacting_real_claims_with_the_context_loses_nothing(settings):
    claims = set()
    lines = []
    with dump_path(settings.data_dir).open(encoding="utf-8") as dump:
        for line in dump:
            if line.startswith(f"<{BASE}id/claim/") and f"<{BASE}graph/article>" in line:
                claims.add(line.split(" ", 1)[0])
                if len(claims) > 200:
                    break
                lines.append(line.rstrip().rsplit(" ", 2)[0] + " .\n")  # drop the graph
    triples = rdflib.Graph().parse(data="".join(lines), format="nt")
    assert len(triples) > 1000
    compact = triples.serialize(format="json-ld", context=jsonld_context(BASE)["@context"])
    assert '"about"' in compact and '"claimant"' in compact  # terms, not full IRIs
    back = rdflib.Graph().parse(data=compact, format="json-ld")
    assert rdflib.compare.isomorphic(back, triples)


def test_served_at_its_stable_path(tmp_path):
    reply = get_once(*make_data_dir(tmp_path), "/context.jsonld")
    assert reply.status_code == 200
    assert reply.content_type.startswith("application/ld+json")
    assert reply.data.decode() == context_json(BASE)
