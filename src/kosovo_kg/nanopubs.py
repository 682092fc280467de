"""Every claim as a signed nanopublication (`kosovo-kg export --nanopubs DIR`); the `nanopub`
library lives here and only here.

One nanopublication per claim about an event (`kr:about`), copied from the graph, nothing added
but the nanopublication's own links:

- assertion: what is claimed: the event's triples (its kind, actor, target or organisation) and
  the claim's dating (`kr:about`, `kr:statedDate`, `kr:statedDateText`, `kr:datePrecision`,
  `kr:earliest`, `kr:latest`);
- provenance: the claim's other triples (claimant, stance = the modality, date basis, evidence,
  what it disputes or was derived from), its evidence locations and their quote selectors (the
  document, the quote, table, row, line), and `prov:wasAttributedTo` the claimant and
  `prov:wasDerivedFrom` the documents, on the assertion;
- publication info: derived from our dataset (`<base>dataset`) at its data version and release
  version, the licence of each source document as the graph states it (`dcterms:rights`; news
  documents carry none, so none is given), the signature and its public key.

Each is signed offline with an RSA key (generated, or read from `--key FILE`; never stored in the
repository) and named by its Trusty URI (`https://w3id.org/np/RA…`); nothing is published.
"""

from __future__ import annotations

import time
from base64 import decodebytes
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rdflib
from Crypto.Hash import SHA256
from Crypto.PublicKey import RSA
from Crypto.Signature import pkcs1_15
from nanopub import Nanopub, NanopubConf, Profile
from nanopub.definitions import DUMMY_NAMESPACE, DUMMY_URI
from nanopub.namespaces import NPX
from nanopub.trustyuri.rdf import RdfHasher, RdfUtils
from nanopub.utils import extract_np_metadata

from kosovo_kg import __version__
from kosovo_kg.store import iter_nquads_lines, select_rows
from kosovo_kg.vocab import Iris

DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
OWL_VERSION = rdflib.URIRef("http://www.w3.org/2002/07/owl#versionInfo")
DCAT_VERSION = rdflib.URIRef("http://www.w3.org/ns/dcat#version")
ASSERTED = ("about", "statedDate", "statedDateText", "datePrecision", "earliest", "latest")


class NanopubError(Exception):
    """A bad signing key or output folder."""


@dataclass(frozen=True)
class ClaimParts:
    """The IRIs a claim's nanopublication is made of."""

    claim: str
    event: str
    claimant: str
    locations: tuple[str, ...]
    selectors: tuple[str, ...]
    documents: tuple[str, ...]


def claim_parts(store: object, iris: Iris) -> list[ClaimParts]:
    """Every claim about an event, with its evidence locations, selectors and documents."""
    rows = select_rows(
        store,
        f"""PREFIX kr: <{iris.kr}> PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?c ?e ?who ?loc ?sel ?doc WHERE {{
          ?c kr:about ?e ; kr:claimant ?who .
          OPTIONAL {{ ?c kr:evidence ?loc . OPTIONAL {{ ?loc oa:hasSource ?doc }}
                     OPTIONAL {{ ?loc oa:hasSelector ?sel }} }} }}""",
    )
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        entry = found[r["c"]]  # type: ignore[index]
        for key in ("e", "who", "loc", "sel", "doc"):
            if r[key]:
                entry[key].add(r[key])  # type: ignore[arg-type]
    return [
        ClaimParts(
            claim,
            min(parts["e"]),
            min(parts["who"]),
            tuple(sorted(parts["loc"])),
            tuple(sorted(parts["sel"])),
            tuple(sorted(parts["doc"])),
        )
        for claim, parts in sorted(found.items())
    ]


def lines_by_subject(store: object, subjects: set[str]) -> dict[str, list[str]]:
    """N-Triples lines (the graph dropped) of every triple whose subject is in `subjects`."""
    out: dict[str, list[str]] = defaultdict(list)
    wanted = {f"<{s}>" for s in subjects}
    for raw in iter_nquads_lines(store):
        line = raw.decode("utf-8")
        subject = line.split(" ", 1)[0]
        if subject in wanted:
            out[subject[1:-1]].append(line.rstrip().rsplit(" ", 2)[0] + " .\n")
    return out


def _graph(lines: Iterable[str], iris: Iris) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.bind("kr", iris.kr)
    graph.bind("oa", "http://www.w3.org/ns/oa#")
    return graph.parse(data="".join(lines), format="nt")


def profile(iris: Iris, key: Path | None) -> Profile:
    """The signing profile: the build agent, with the key in `key` (created there when the file
    does not exist yet) or a key generated for this run only."""
    agent = iris.agent("kosovo-kg")
    if key is not None and key.exists():
        try:
            return Profile(agent, "kosovo-kg", private_key=key)
        except (ValueError, IndexError, TypeError) as exc:
            raise NanopubError(f"{key}: not an RSA private key ({exc})") from None
    made = Profile(agent, "kosovo-kg")
    if key is not None:
        key.touch(mode=0o600)
        key.write_text(made.private_key + "\n", encoding="utf-8")
    return made


def build(
    parts: ClaimParts,
    lines: dict[str, list[str]],
    rights: dict[str, list[str]],
    iris: Iris,
    data_version: str,
    conf: NanopubConf,
) -> Nanopub:
    """The unsigned nanopublication of one claim."""
    asserted = {f"<{iris.kr}{p}>" for p in ASSERTED}
    claim_lines = lines[parts.claim]
    assertion = _graph(
        [*lines[parts.event], *(x for x in claim_lines if x.split(" ", 2)[1] in asserted)], iris
    )
    provenance = _graph(
        [
            *(x for x in claim_lines if x.split(" ", 2)[1] not in asserted),
            *(x for loc in parts.locations for x in lines[loc]),
            *(x for sel in parts.selectors for x in lines[sel]),
        ],
        iris,
    )
    here = DUMMY_NAMESPACE["assertion"]
    provenance.add((here, PROV.wasAttributedTo, rdflib.URIRef(parts.claimant)))
    for doc in parts.documents:
        provenance.add((here, PROV.wasDerivedFrom, rdflib.URIRef(doc)))
    pubinfo = rdflib.Graph()
    dataset = rdflib.URIRef(iris.dataset())
    pubinfo.add((DUMMY_URI, PROV.wasDerivedFrom, dataset))
    pubinfo.add((DUMMY_URI, DCTERMS.creator, rdflib.URIRef(iris.agent("kosovo-kg"))))
    pubinfo.add((dataset, OWL_VERSION, rdflib.Literal(data_version)))
    pubinfo.add((dataset, DCAT_VERSION, rdflib.Literal(__version__)))
    for doc in parts.documents:
        for text in rights.get(doc, []):
            pubinfo.add((DUMMY_URI, DCTERMS.rights, rdflib.Literal(text)))
    return Nanopub(assertion=assertion, provenance=provenance, pubinfo=pubinfo, conf=conf)


def export_nanopubs(
    store: object,
    iris: Iris,
    out: Path,
    data_version: str,
    key: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, float, str]:
    """Write one signed `<claim key>.trig` per claim into `out`. Returns (count, seconds, the
    public key)."""
    start = time.perf_counter()
    if out.exists() and any(out.iterdir()):
        raise NanopubError(f"{out}: not empty (nanopublications go into a new or empty folder)")
    signer = profile(iris, key)
    conf = NanopubConf(profile=signer)
    claims = claim_parts(store, iris)
    subjects = {
        s for c in claims for s in (c.claim, c.event, *c.locations, *c.selectors)
    }  # fmt: skip
    lines = lines_by_subject(store, subjects)
    rights: dict[str, list[str]] = defaultdict(list)
    for r in select_rows(
        store, "SELECT ?d ?l { ?d <http://purl.org/dc/terms/license> ?l } ORDER BY ?d ?l"
    ):
        rights[r["d"]].append(r["l"])  # type: ignore[index, arg-type]
    out.mkdir(parents=True, exist_ok=True)
    for n, parts in enumerate(claims, start=1):
        np = build(parts, lines, rights, iris, data_version, conf)
        np.sign()
        np.store(out / f"{parts.claim.rsplit('/', 1)[1]}.trig")
        if progress is not None:
            progress(n, len(claims))
    return len(claims), time.perf_counter() - start, signer.public_key


def load(path: Path) -> Nanopub:
    """A nanopublication read back from its file."""
    return Nanopub(rdf=path)


def signature_ok(np: Nanopub) -> bool:
    """Whether the nanopublication's RSA signature matches its content.

    `Nanopub.has_valid_signature` (nanopub 2.0.1) cannot fail: it calls pycryptodome's legacy
    PKCS1_v1_5 `verify`, which returns False instead of raising, and ignores the result (and it
    normalises the content under the Trusty URI, not under the temporary URI that was signed,
    so it would not match anyway). This rebuilds what was signed, the nanopublication under the
    library's temporary namespace without `npx:hasSignature`, normalises it as the signing did,
    and verifies with `pkcs1_15`, which raises on a bad signature."""
    meta = extract_np_metadata(np.rdf)
    if not meta.signature or not meta.public_key:
        return False
    uri = str(meta.np_uri)

    def signed_form(term: Any) -> Any:
        if isinstance(term, rdflib.URIRef) and str(term).startswith(uri):
            return DUMMY_NAMESPACE[str(term)[len(uri) :].lstrip("#")]
        return term

    signed = rdflib.ConjunctiveGraph()
    for s, p, o, graph in np.rdf.quads((None, None, None, None)):
        if p != NPX.hasSignature:
            into = rdflib.Graph(signed.store, signed_form(graph.identifier))
            signed.add((signed_form(s), signed_form(p), signed_form(o), into))
    normed = RdfHasher.normalize_quads(
        RdfUtils.get_quads(signed), baseuri=str(DUMMY_NAMESPACE), hashstr=" "
    )
    key = RSA.import_key(decodebytes(str(meta.public_key).encode()))
    try:
        pkcs1_15.new(key).verify(SHA256.new(normed.encode()), decodebytes(meta.signature.encode()))
    except (ValueError, TypeError):
        return False
    return True
