"""From IRIs to links on our server: an IRI under the base IRI maps to the path after it; and
`cell`, how a page shows one RDF term (a link, a blank-node anchor, a literal and its tag)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kosovo_kg.vocab import PREFIXES, XSD

Term = dict[str, str]  # a term as SPARQL JSON results write it: type, value, xml:lang, datatype

LOCAL_FAMILIES = ("id/", "graph/", "ontology", "dataset")


def local_path(iri: str, base: str) -> str | None:
    """'/id/state/XKX' for '<base>id/state/XKX'; None for an IRI not minted by us."""
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    if not rest.startswith(LOCAL_FAMILIES):
        return None
    return "/" + rest


def href(iri: str, base: str) -> str | None:
    """Where a link to `iri` goes: its page on this server, else the IRI if it is a web address."""
    return local_path(iri, base) or (iri if iri.startswith(("http://", "https://")) else None)


def short(iri: str, base: str) -> str:
    """A compact name: kr:Recognition, rdfs:label, id/state/XKX, or the IRI itself."""
    if iri.startswith(base + "ontology#"):
        return "kr:" + iri[len(base) + len("ontology#") :]
    if iri.startswith(base):
        return iri[len(base) :]
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def cell(
    term: Term | None,
    base: str,
    labels: Mapping[str, str] | None = None,
    *,
    iri_text: bool = False,
    datatype_mark: str = "",
    shorten: Callable[[str, str], str] = short,
) -> dict[str, Any]:
    """How a page shows one term (SPARQL JSON shape): `text`, and `href` + `iri` for an IRI,
    `bnode` for a blank node, `extra` for a literal's language tag or datatype (never
    xsd:string). An IRI's text is its label, else its short name; with `iri_text` it is the IRI
    itself and the label goes in `label`. `datatype_mark` goes before a datatype (`^^`)."""
    if term is None:
        return {"text": ""}
    text = term["value"]
    if term["type"] == "uri":
        label = (labels or {}).get(text)
        shown = (
            {"text": text, "label": label} if iri_text else {"text": label or shorten(text, base)}
        )
        return {**shown, "href": href(text, base), "iri": text}
    if term["type"] == "bnode":
        return {"text": "_:" + text, "bnode": text}
    extra = term.get("xml:lang") and "@" + term["xml:lang"]
    datatype = term.get("datatype")
    if not extra and datatype and datatype != XSD + "string":
        extra = datatype_mark + shorten(datatype, base)
    return {"text": text, "extra": extra or ""}
