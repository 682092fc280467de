"""`kosovo-kg export --nanopubs`: every claim about an event becomes a signed nanopublication;
each is loaded back with the nanopub library, its signature and Trusty URI are checked, and its
content is compared with the claim in the graph."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
import rdflib.compare
from nanopub import Nanopub
from nanopub.utils import MalformedNanopubError

from kosovo_kg.nanopubs import NanopubError, claim_parts, profile, signature_ok
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import data_version, dump_path, memory_store_from_nquads
from kosovo_kg.vocab import Iris

BASE = "https://w3id.org/kosovo-kg/"
KR = rdflib.Namespace(BASE + "ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DUMP = dump_path(PROJECT_ROOT / "data")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("nanopubs")
    out, key = root / "np", root / "signing-key.pem"
    done = subprocess.run(
        [sys.executable, "-m", "kosovo_kg", "export", "--nanopubs", str(out), "--key", str(key)],
        capture_output=True, text=True, timeout=900, check=False, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "signed nanopublications" in done.stderr
    return out, key


@pytest.fixture(scope="module")
def by_subject() -> dict[str, rdflib.Graph]:
    """The dump's triples grouped by subject (graph names dropped)."""
    lines: dict[str, list[str]] = defaultdict(list)
    with DUMP.open(encoding="utf-8") as dump:
        for line in dump:
            subject = line.split(" ", 1)[0]
            if subject.startswith("<"):
                lines[subject[1:-1]].append(line.rstrip().rsplit(" ", 2)[0] + " .\n")
    return lines


def expected(lines: dict[str, list[str]], claim: str) -> rdflib.Graph:
    g = rdflib.Graph().parse(data="".join(lines[claim]), format="nt")
    related = {o for p, o in g.predicate_objects(rdflib.URIRef(claim))
               if p in (KR.about, KR.evidence)}  # fmt: skip
    for loc in list(related):
        g.parse(data="".join(lines[str(loc)]), format="nt")
        related |= set(g.objects(loc, rdflib.URIRef("http://www.w3.org/ns/oa#hasSelector")))
    for node in related:
        g.parse(data="".join(lines[str(node)]), format="nt")
    return g


def test_one_signed_nanopub_per_claim_with_the_claims_content(exported, by_subject):
    out, key = exported
    store = memory_store_from_nquads(DUMP)
    claims = {p.claim for p in claim_parts(store, Iris(BASE))}
    files = sorted(out.glob("*.trig"))
    assert len(files) == len(claims) > 1000
    public = profile(Iris(BASE), key).public_key
    version = data_version(DUMP)
    for path in files:
        np = Nanopub(rdf=path)
        assert np.source_uri.startswith("http://purl.org/np/RA"), path
        assert signature_ok(np) and np.has_valid_trusty, path
        assert str(np.signed_with_public_key) == public
        (claim,) = set(np.assertion.subjects(KR.about))
        assert BASE + "id/claim/" + path.stem == str(claim)
        content = rdflib.Graph()
        for triple in (*np.assertion, *np.provenance):
            if triple[0] != np.assertion.identifier:
                content.add(triple)
        assert rdflib.compare.isomorphic(content, expected(by_subject, str(claim))), path
        claimant = np.provenance.value(claim, KR.claimant)
        assert (np.assertion.identifier, PROV.wasAttributedTo, claimant) in np.provenance
        assert (
            str(np.pubinfo.value(rdflib.URIRef(BASE + "dataset"), rdflib.OWL.versionInfo))
            == version
        )


def test_a_changed_quote_breaks_the_signature(exported, tmp_path):
    out, _ = exported
    path = next(p for p in sorted(out.glob("*.trig")) if "oa:exact" in p.read_text())
    text = path.read_text(encoding="utf-8")
    start = text.index("oa:exact") + len('oa:exact "')
    tampered = tmp_path / path.name
    tampered.write_text(text[:start] + "NOT " + text[start:], encoding="utf-8")
    np = Nanopub(rdf=tampered)
    assert not signature_ok(np)
    with pytest.raises(MalformedNanopubError):
        assert np.has_valid_trusty


def test_key_reuse_and_bad_inputs(exported, tmp_path):
    out, key = exported
    iris = Iris(BASE)
    assert profile(iris, key).public_key == profile(iris, key).public_key
    assert profile(iris, None).public_key != profile(iris, key).public_key
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n", encoding="utf-8")
    with pytest.raises(NanopubError, match="not an RSA private key"):
        profile(iris, bad)
    done = subprocess.run(
        [sys.executable, "-m", "kosovo_kg", "export", "--nanopubs", str(out)],
        capture_output=True, text=True, timeout=300, check=False, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 1 and "not empty" in done.stderr
    assert "Traceback" not in done.stderr
