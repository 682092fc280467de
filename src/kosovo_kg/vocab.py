"""IRIs: the external vocabularies we reuse and the IRIs we mint under the base IRI.

Every IRI of our own is built here, from the base IRI setting, so that one setting moves the
whole graph. The scheme is documented in `ontology/README.md`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
OA = "http://www.w3.org/ns/oa#"
CITO = "http://purl.org/spar/cito/"
DCTERMS = "http://purl.org/dc/terms/"
SCHEMA = "https://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
WD = "http://www.wikidata.org/entity/"
FOAF = "http://xmlns.com/foaf/0.1/"

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "prov": PROV,
    "org": ORG,
    "oa": OA,
    "cito": CITO,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "skos": SKOS,
    "void": VOID,
    "dcat": DCAT,
    "wd": WD,
    "foaf": FOAF,
}

DEFAULT_BASE_IRI = "https://w3id.org/kosovo-kg/"

# Modalities of a claim (local names of kr:modality values) and what each allows; the one
# definition the build (news: pooling and dating events) and the perspectives read.
NOT_AN_ACT = frozenset({"Speculated", "Retracted"})  # never make an event count
UNSURE = NOT_AN_ACT | {"Rumoured"}  # never pool with, or lend dates to, other claims' events
DATING = frozenset({"Asserted", "ReportedOnly"})  # affirming claims whose dates others may borrow

_QID = re.compile(r"^Q[1-9][0-9]*$")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def slugify(text: str) -> str:
    """ASCII slug for IRIs: 'São Tomé' -> 'sao-tome'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "x"


def short_hash(*parts: str) -> str:
    """First 16 hex digits of the SHA-256 of the parts joined by newlines."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def is_qid(value: str) -> bool:
    return bool(_QID.match(value))


def is_iso3(value: str) -> bool:
    return bool(_ISO3.match(value))


@dataclass(frozen=True)
class Iris:
    """Mints the project's IRIs under one base IRI."""

    base: str = DEFAULT_BASE_IRI

    @property
    def ontology(self) -> str:
        return self.base + "ontology"

    @property
    def kr(self) -> str:
        return self.base + "ontology#"

    def term(self, local: str) -> str:
        return self.kr + local

    def state(self, iso3: str) -> str:
        if not is_iso3(iso3):
            raise ValueError(f"not an ISO 3166-1 alpha-3 code: {iso3!r}")
        return f"{self.base}id/state/{iso3}"

    def entity(self, slug: str) -> str:
        return f"{self.base}id/entity/{slug}"

    def org(self, slug: str) -> str:
        return f"{self.base}id/org/{slug}"

    def agent(self, slug: str) -> str:
        return f"{self.base}id/agent/{slug}"

    def event(self, slug: str) -> str:
        return f"{self.base}id/event/{slug}"

    def claim(self, key: str) -> str:
        return f"{self.base}id/claim/{key}"

    def statement(self, key: str) -> str:
        return f"{self.base}id/statement/{key}"

    def person(self, slug: str) -> str:
        return f"{self.base}id/person/{slug}"

    def post(self, slug: str) -> str:
        return f"{self.base}id/post/{slug}"

    def ref(self, doc: str, *path: str) -> str:
        return f"{self.base}id/ref/{doc}/" + "/".join(path)

    def doc(self, slug: str) -> str:
        return f"{self.base}id/doc/{slug}"

    def graph(self, slug: str) -> str:
        return f"{self.base}graph/{slug}"

    def dataset(self) -> str:
        return f"{self.base}dataset"
