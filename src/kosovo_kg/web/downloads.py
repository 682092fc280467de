"""/downloads: the release files (`kosovo-kg release`, docs/release.md) of the data version being
served, each with its size and SHA-256, and /downloads/<name> to fetch one.

They are written once per data version, from the pinned dump (`store.pin_serving_data`), by a
`kosovo-kg release --dump <pinned copy>` process that the HTTP process starts on the first
request for them: no query runs in the HTTP process, and server start does no extra work. The
process writes into a temporary folder; when it has finished, the folder becomes
`<var>/serve/<version>.release/`, next to the pinned copy, and is kept (a restart of the same
version serves it at once; pinning another version deletes the others'). A reload pins a new
version: its files are written on the first request after it. While they are being written the
page and the files answer 503 with Retry-After; if writing failed, 500 with the error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, send_file

from kosovo_kg.settings import Settings
from kosovo_kg.sources import sha256_file
from kosovo_kg.store import Pinned
from kosovo_kg.web.sparql import engine, error_response

bp = Blueprint("downloads", __name__)
EXTENSION = "kosovo_kg.downloads"
# the names `kosovo_kg.release` gives these two (not imported: it loads rocrate, 0.3 s at start)
SUMS, CRATE = "SHA256SUMS", "ro-crate-metadata.json"
RETRY_AFTER = "5"  # seconds: the release of the bundled graph takes 2-10 s to write


@dataclass(frozen=True)
class File:
    name: str
    size: int
    sha256: str
    media: str
    description: str


class Releases:
    """The release folder of each pinned version, and the process writing it (one at a time)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._writing: tuple[str, subprocess.Popen[bytes], Path] | None = None
        self._failed: dict[str, str] = {}
        self._listed: dict[str, list[File]] = {}

    def files(self, pinned: Pinned) -> list[File] | str | None:
        """The files of `pinned`'s release; None while they are being written (the writer is
        started if it is not running); the error text if writing failed."""
        version = pinned.version
        folder = pinned.dump.parent / f"{version}.release"
        with self._lock:
            self._reap()
            if version in self._failed:
                return self._failed[version]
            if version not in self._listed and (folder / CRATE).is_file():
                self._listed[version] = _listing(folder)
            if version in self._listed:
                return self._listed[version]
            if self._writing is None:
                self._start(pinned, folder)
            return None

    def _start(self, pinned: Pinned, folder: Path) -> None:
        tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        command = [
            sys.executable, "-m", "kosovo_kg", "--base-iri", self.settings.base_iri,
            "--data-dir", str(self.settings.data_dir),
            "release", "--dump", str(pinned.dump), "--out", str(tmp),
        ]  # fmt: skip
        with open(tmp.with_name(tmp.name + ".log"), "wb") as log:  # its stderr: the error
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
            )
        self._writing = (pinned.version, process, tmp)

    def _reap(self) -> None:
        """If the writer has ended: its folder becomes the version's release, or its error is
        kept (no new attempt for that version until a restart or reload)."""
        if self._writing is None or self._writing[1].poll() is None:
            return
        version, process, tmp = self._writing
        self._writing = None
        log = tmp.with_name(tmp.name + ".log")
        stderr = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        log.unlink(missing_ok=True)
        if process.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            last = stderr.strip().splitlines()[-1:] or [f"exit status {process.returncode}"]
            self._failed[version] = f"the release files could not be written: {last[0]}"
            return
        try:
            tmp.rename(tmp.with_name(f"{version}.release"))
        except OSError:  # another process made it first: theirs is served
            shutil.rmtree(tmp, ignore_errors=True)


def _listing(folder: Path) -> list[File]:
    """Every file of a release folder: SHA256SUMS gives the data files' checksums; SHA256SUMS
    and the crate are hashed here (they are small); the crate gives formats and descriptions."""
    crate = json.loads((folder / CRATE).read_text(encoding="utf-8"))
    described = {e["@id"]: e for e in crate["@graph"] if isinstance(e.get("@id"), str)}
    sums = {}
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    for name in (SUMS, CRATE):
        sums[name] = sha256_file(folder / name)
    entries = []
    for name, digest in sums.items():
        entity = described.get(name, {})
        media = entity.get("encodingFormat", "application/ld+json" if name == CRATE else "")
        description = entity.get("description", "")
        if name == CRATE:
            description = "RO-Crate metadata: every file, its licence and how it was made."
        size = (folder / name).stat().st_size
        entries.append(File(name, size, digest, media or "text/plain", description))
    return entries


def init_app(app: object, settings: Settings) -> None:
    app.extensions[EXTENSION] = Releases(settings)  # type: ignore[attr-defined]
    app.register_blueprint(bp)  # type: ignore[attr-defined]


def _files() -> tuple[list[File] | None, Response | None]:
    pinned = engine().pinned
    if pinned is None or engine().remote is not None:  # the local dump is not what is queried
        return None, error_response(
            404, "no release files here: this server queries an external engine (see "
            "docs/release.md: `kosovo-kg release --out DIR` writes them)"
        )  # fmt: skip
    found = current_app.extensions[EXTENSION].files(pinned)
    if found is None:
        message = (
            f"the release files of data version {pinned.version} are being written; "
            f"try again in {RETRY_AFTER} s"
        )
        return None, error_response(503, message, {"Retry-After": RETRY_AFTER})
    if isinstance(found, str):
        return None, error_response(500, found)
    return found, None


@bp.route("/downloads")
def page() -> Response:
    files, refused = _files()
    if refused is not None:
        return refused
    body = render_template(
        "downloads.html", title="Downloads", files=files, version=engine().pinned.version
    )
    return Response(body, 200, content_type="text/html; charset=utf-8")


@bp.route("/downloads/<name>")
def download(name: str) -> Response:
    files, refused = _files()
    if refused is not None:
        return refused
    entry = next((f for f in files or [] if f.name == name), None)
    if entry is None:
        return error_response(404, f"no file {name[:100]!r} in this release (see /downloads)")
    pinned = engine().pinned
    path = pinned.dump.parent / f"{pinned.version}.release" / name
    response = send_file(path, mimetype=entry.media, conditional=True, download_name=name)
    response.headers["X-Kosovo-KG-Data-Version"] = pinned.version
    return response
