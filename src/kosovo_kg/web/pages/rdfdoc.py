"""An RDF document (VoID, the service description) as HTML for browsers: one table per subject,
names shortened (kr:, void:, ...), our own IRIs linked to their pages, blank nodes as anchors.
The Turtle stays one `?format=turtle` away."""

from __future__ import annotations

import json
from typing import Any

from kosovo_kg.store import turtle_to
from kosovo_kg.web.pages.links import cell, short

SD = "http://www.w3.org/ns/sparql-service-description#"


def _short(iri: str, base: str) -> str:
    return "sd:" + iri[len(SD) :] if iri.startswith(SD) else short(iri, base)


def _term(node: dict[str, str], base: str) -> dict[str, Any]:
    """A JSON-LD node (`@id`, or `@value` with `@language` / `@type`) as a table cell."""
    if "@id" in node:
        iri = node["@id"]
        term = (
            {"type": "bnode", "value": iri[2:]}
            if iri.startswith("_:")
            else {"type": "uri", "value": iri}
        )
    else:
        term = {"type": "literal", "value": node.get("@value", "")}
        term.update(
            {k: node[j] for k, j in (("xml:lang", "@language"), ("datatype", "@type")) if j in node}
        )
    return cell(term, base, shorten=_short)


def subjects(turtle: str, base: str) -> list[dict[str, Any]]:
    """[{subject term, rows: [{p, o}]}] of a Turtle document, named subjects first."""
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for node in json.loads(turtle_to(turtle, "jsonld")):
        rows = by_subject.setdefault(node["@id"], [])
        for p, objects in node.items():
            if p == "@id":
                continue
            prop = _term({"@id": p}, base) if p != "@type" else {"text": "rdf:type"}
            for o in objects if isinstance(objects, list) else [objects]:
                o = {"@id": o} if p == "@type" else o
                rows.append({"p": prop, "o": _term(o, base)})
    order = sorted(by_subject, key=lambda s: (s.startswith("_:"), s))
    return [{"s": _term({"@id": s}, base), "rows": by_subject[s]} for s in order]
