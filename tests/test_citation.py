"""Citing the graph: CITATION.cff agrees with the package, and the VoID/DCAT description carries
the release version, the data version, the dump's date and the pinned sources' checksums."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import rdflib
import yaml
from app_once import get_once
from endpoint_support import BASE, FIXTURE, make_data_dir

from kosovo_kg import __version__, store
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.sources import Manifest, sha256_file

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")


def test_citation_cff_is_cff_1_2_with_the_package_version():
    cff = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == __version__
    assert cff["message"] and cff["title"]
    assert cff["authors"] and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert cff["type"] in {"software", "dataset"}
    allowed = {  # the top-level keys of the CFF 1.2.0 schema
        "abstract", "authors", "cff-version", "commit", "contact", "date-released", "doi",
        "identifiers", "keywords", "license", "license-url", "message", "preferred-citation",
        "references", "repository", "repository-artifact", "repository-code", "title", "type",
        "url", "version",
    }  # fmt: skip
    assert set(cff) <= allowed


@pytest.fixture(scope="module")
def void_graph(tmp_path_factory):
    data, var = make_data_dir(tmp_path_factory.mktemp("citation"))
    (data / "sources").mkdir()
    shutil.copy(PROJECT_ROOT / "data" / "sources" / "manifest.json", data / "sources")
    reply = get_once(data, var, "/.well-known/void")
    assert reply.status_code == 200
    return rdflib.Graph().parse(data=reply.data.decode(), format="turtle")


def test_void_has_release_and_data_version_and_dump_date(void_graph):
    dataset = rdflib.URIRef(BASE + "dataset")
    assert str(void_graph.value(dataset, DCAT.version)) == __version__
    version = str(void_graph.value(dataset, rdflib.OWL.versionInfo))
    assert version == store.data_version(FIXTURE)
    modified = void_graph.value(dataset, DCTERMS.modified).toPython()
    assert isinstance(modified, dt.datetime) and modified.tzinfo is not None
    citation = str(void_graph.value(dataset, DCTERMS.bibliographicCitation))
    assert __version__ in citation and version in citation


def test_void_lists_every_pinned_source_with_its_real_checksum(void_graph):
    dataset = rdflib.URIRef(BASE + "dataset")
    manifest = Manifest(PROJECT_ROOT / "data")
    found = {}
    for node in void_graph.objects(dataset, DCTERMS.source):
        checksum = void_graph.value(node, SPDX.checksum)
        assert void_graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        found[str(void_graph.value(node, DCTERMS.identifier))] = str(
            void_graph.value(checksum, SPDX.checksumValue)
        )
        assert str(void_graph.value(node, DCTERMS.rights))
    assert set(found) == set(manifest.files)
    for source_id, digest in found.items():
        assert digest == sha256_file(manifest.files[source_id].path)


def test_void_without_manifest_has_no_sources(tmp_path):
    reply = get_once(*make_data_dir(tmp_path), "/.well-known/void")
    graph = rdflib.Graph().parse(data=reply.data.decode(), format="turtle")
    assert not list(graph.objects(rdflib.URIRef(BASE + "dataset"), DCTERMS.source))
    assert str(graph.value(rdflib.URIRef(BASE + "dataset"), DCAT.version)) == __version__
