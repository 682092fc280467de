"""`kosovo-kg release`: every file is there, SHA256SUMS matches, and the RO-Crate loads back with
the rocrate library and describes every file (size, SHA-256, licence, the action that made it)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rocrate.rocrate import ROCrate

from kosovo_kg import __version__
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import data_version, dump_path

FILES = {
    "kosovo-kg.nq", "kosovo-kg.trig", "claims.csv", "panel-year.csv", "panel-month.csv",
    "kosovo-kg.ttl", "kosovo-kg.shapes.ttl", "context.jsonld", "codebook.md", "CITATION.cff",
}  # fmt: skip
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


def kkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kosovo_kg", *args],
        capture_output=True, text=True, timeout=300, check=False, cwd=PROJECT_ROOT,
    )  # fmt: skip


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release") / "kosovo-kg-release"
    done = kkg("release", "--out", str(folder))
    assert done.returncode == 0, done.stderr
    for name in FILES:
        assert name in done.stdout
    return folder


def test_every_file_and_checksums(out):
    assert {p.name for p in out.iterdir()} == FILES | {"SHA256SUMS", "ro-crate-metadata.json"}
    listed = {}
    for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    assert set(listed) == FILES
    for name, digest in listed.items():
        assert digest == sha256(out / name), name
    assert sha256(out / "kosovo-kg.nq") == sha256(dump_path(PROJECT_ROOT / "data"))


def test_trig_holds_the_same_quads_as_the_dump(out):
    def quads(name: str, fmt) -> set:
        return set(ox.parse(path=str(out / name), format=fmt))

    assert quads("kosovo-kg.trig", ox.RdfFormat.TRIG) == quads("kosovo-kg.nq", ox.RdfFormat.N_QUADS)


def test_crate_loads_back_and_describes_every_file(out):
    crate = ROCrate(out)
    raw = json.loads((out / "ro-crate-metadata.json").read_text(encoding="utf-8"))
    descriptor = next(e for e in raw["@graph"] if e["@id"] == "ro-crate-metadata.json")
    assert descriptor["about"] == {"@id": "./"}
    assert descriptor["conformsTo"]["@id"].startswith("https://w3id.org/ro/crate/")
    root = crate.root_dataset
    assert root["version"] == __version__
    version = data_version(out / "kosovo-kg.nq")
    assert version in root["creditText"] and version in root["description"]
    parts = {e.id: e for e in root["hasPart"]}
    assert set(parts) == FILES | {"SHA256SUMS"}
    actions = [e for e in crate.contextual_entities if e.type == "CreateAction"]
    made_by = {r.id: a for a in actions for r in a["result"]}
    for name in FILES:
        entity = parts[name]
        assert entity in crate.data_entities
        assert entity["sha256"] == sha256(out / name), name
        assert int(entity["contentSize"]) == (out / name).stat().st_size
        assert entity["encodingFormat"] and entity["description"]
        licences = entity["license"] if isinstance(entity["license"], list) else [entity["license"]]
        assert licences and all(lic["name"] for lic in licences), name
        action = made_by[name]
        assert action["instrument"]["version"] == __version__
        assert action["name"].startswith(("kosovo-kg", "copied from")), name
    # data files carry the sources' licences and name the sources they were made from
    for name in ("kosovo-kg.nq", "claims.csv", "panel-year.csv"):
        licences = {lic.id for lic in parts[name]["license"]}
        assert CC_BY_SA in licences
        assert len(licences) > 1  # the reference tables' own licences as well
        sources = parts[name]["isBasedOn"]
        manifest = json.loads((PROJECT_ROOT / "data/sources/manifest.json").read_text())
        assert {s["sha256"] for s in sources} == {e["sha256"] for e in manifest["sources"]}
    assert {lic.id for lic in parts["kosovo-kg.ttl"]["license"]} == {
        "https://spdx.org/licenses/MIT"
    }


def test_claims_csv_equals_the_export_command(out):
    done = kkg("export")
    assert done.returncode == 0, done.stderr
    assert (out / "claims.csv").read_text(encoding="utf-8") == done.stdout


def test_refuses_a_folder_that_is_not_empty(out):
    before = sha256(out / "ro-crate-metadata.json")
    done = kkg("release", "--out", str(out))
    assert done.returncode == 1
    assert "not empty" in done.stderr and "Traceback" not in done.stderr
    assert sha256(out / "ro-crate-metadata.json") == before
