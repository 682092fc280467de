"""/downloads over HTTP on a real `kosovo-kg serve`: every file `kosovo-kg release` writes is
listed with its size and SHA-256 and downloads with exactly that content (the data files'
checksums are SHA256SUMS's), the RO-Crate lists them, the files are the pinned version's, and a
reload serves the new version's files. Also: a release that cannot be written is a clear 500."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import signal
import time
from pathlib import Path

from endpoint_support import FIXTURE, Server, fixture_app, run_server
from test_release import FILES

from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import bytes_version, pin_serving_data

ALL = FILES | {"SHA256SUMS", "ro-crate-metadata.json"}
ROW = re.compile(
    r'<a href="/downloads/([^"]+)" download>\1</a></td><td>(\d+)</td>'
    r'<td><code class="iri">([0-9a-f]{64})</code>'
)
ENV = {"KOSOVO_KG_WORKERS": "1"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ready_page(server: Server) -> str:
    """GET /downloads until the release is written (503 + Retry-After until then)."""
    deadline = time.monotonic() + 240
    while True:
        reply = server.get(path="/downloads")
        if reply.status != 503:
            assert reply.status == 200, reply.text
            return reply.text
        assert reply.header("Retry-After") and "being written" in reply.text
        assert time.monotonic() < deadline, "the release was not written in time"
        time.sleep(0.2)


def check_release(server: Server, dump: bytes) -> dict[str, bytes]:
    """Every listed file downloads with its listed size and SHA-256; return them by name."""
    page = ready_page(server)
    version = bytes_version(dump)
    assert f"<code>{version}</code>" in page and '<a href="/downloads">Downloads</a>' in page
    listed = {name: (int(size), digest) for name, size, digest in ROW.findall(page)}
    assert set(listed) == ALL
    files = {}
    for name, (size, digest) in listed.items():
        reply = server.get(path=f"/downloads/{name}")
        assert reply.status == 200, (name, reply.text)
        assert reply.header("X-Kosovo-KG-Data-Version") == version
        assert len(reply.body) == size and sha256(reply.body) == digest, name
        files[name] = reply.body
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == FILES
    for name, digest in sums.items():
        assert listed[name][1] == digest == sha256(files[name]), name
    assert files["kosovo-kg.nq"] == dump  # the pinned version's graph
    crate = json.loads(files["ro-crate-metadata.json"])
    parts = {e["@id"]: e for e in crate["@graph"] if e.get("@id") in ALL}
    root = next(e for e in crate["@graph"] if e["@id"] == "./")
    assert {p["@id"] for p in root["hasPart"]} == FILES | {"SHA256SUMS"}
    for name in FILES:
        assert parts[name]["sha256"] == sums[name]
        assert parts[name]["contentSize"] == str(listed[name][0])
    assert version in root["description"]
    return files


def test_release_files_download_with_their_checksums_and_follow_a_reload(tmp_path):
    shutil.copytree(PROJECT_ROOT / "data" / "sources", tmp_path / "data" / "sources")
    with run_server(tmp_path, ENV) as server:
        first = server.get(path="/downloads")
        assert first.status == 503 and first.header("Retry-After")  # written on demand
        check_release(server, FIXTURE.read_bytes())
        assert server.get(path="/downloads/nothing.txt").status == 404
        assert server.get(path="/downloads/..%2Fkosovo-kg.nq").status == 404

        # a new build, reloaded: the new version's files are written and served
        dump = Path(server.env["KOSOVO_KG_DATA_DIR"]) / "generated" / "kosovo-kg.nq"
        newer = (
            FIXTURE.read_bytes()
            + b"<http://example.org/s> <http://example.org/p> "
            + (b'"new" <https://w3id.org/kosovo-kg/graph/article> .\n')
        )
        dump.write_bytes(newer)
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 120
        while server.get(path="/healthz").json()["data_version"] != bytes_version(newer):
            assert time.monotonic() < deadline, "the reload did not happen"
            time.sleep(0.2)
        check_release(server, newer)
        serve = Path(server.env["KOSOVO_KG_VAR_DIR"]) / "serve"
        assert (serve / f"{bytes_version(newer)}.release" / "SHA256SUMS").is_file()


def test_a_release_that_cannot_be_written_is_a_clear_error(tmp_path):
    with fixture_app(tmp_path, workers=1) as app:  # a data folder without its sources
        client = app.test_client()
        deadline = time.monotonic() + 240
        reply = client.get("/downloads")
        while reply.status_code == 503:
            assert time.monotonic() < deadline, "the writer did not end in time"
            time.sleep(0.2)
            reply = client.get("/downloads")
        assert reply.status_code == 500
        text = reply.get_data(as_text=True)
        assert "the release files could not be written" in text and "Traceback" not in text
        assert "manifest.json: manifest is missing" in text  # the writer's own message
        assert client.get("/downloads/SHA256SUMS").status_code == 500


def test_pinning_deletes_the_release_files_of_versions_no_longer_served(tmp_path):
    var, dump = tmp_path / "var", tmp_path / "kosovo-kg.nq"
    serve = var / "serve"
    serve.mkdir(parents=True)
    for name in ("0123456789ab.release", "0123456789ab.release.tmp-7"):  # a version gone
        (serve / name).mkdir()
        (serve / name / "SHA256SUMS").write_text("", encoding="utf-8")
    (serve / "0123456789ab.release.tmp-7.log").write_text("", encoding="utf-8")
    versions = []
    for extra in (b"", b"<urn:x:a> <urn:x:b> <urn:x:c> .\n", b"<urn:x:a> <urn:x:b> <urn:x:d> .\n"):
        dump.write_bytes(FIXTURE.read_bytes() + extra)
        keep = serve / f"{versions[-1]}.nq" if versions else None
        versions.append(pin_serving_data("memory", dump, var, keep=keep).version)
        (serve / f"{versions[-1]}.release").mkdir()
    # the one served and the one it replaced keep their release files; the others are gone
    assert sorted(p.name for p in serve.glob("*.release*")) == sorted(
        f"{v}.release" for v in versions[1:]
    )
