"""Result tables in pages (/sparql as HTML, saved-query forms): our IRIs link to their pages on
this server (the IRI itself stays shown, to copy), each IRI with its label when the graph has
one, datatypes shortened (xsd:date), language tags kept."""

from __future__ import annotations

from typing import Any

from kosovo_kg.web import pages
from kosovo_kg.web.pages.links import Term, cell
from kosovo_kg.web.pages.resource import labels_of


def cells(variables: list[str], bindings: list[dict[str, Term]]) -> list[list[dict[str, Any]]]:
    """One row of display cells per binding: text, href, iri, label, extra (datatype/lang)."""
    base = pages.state().settings.base_iri
    iris = {t["value"] for row in bindings for t in row.values() if t["type"] == "uri"}
    labels = labels_of(iris)
    return [[cell(row.get(v), base, labels, iri_text=True) for v in variables] for row in bindings]
