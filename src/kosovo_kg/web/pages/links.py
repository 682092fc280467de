"""From IRIs to links on our server: an IRI under the base IRI maps to the path after it."""

from __future__ import annotations

from kosovo_kg.vocab import PREFIXES

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
