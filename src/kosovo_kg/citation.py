"""How to cite the graph: the release version, the data version and the pinned sources.

The release version is the package's (`kosovo_kg.__version__`, also in CITATION.cff); the data
version is the first 12 hex digits of the dump's SHA-256 (`kosovo_kg.store.data_version`),
the one the server reports. The sources are the pinned files of `data/sources/manifest.json`
with their licences and SHA-256 checksums.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import __version__
from kosovo_kg.sources import Manifest, SourceError

TITLE = "kosovo-kg: a knowledge graph of the international recognition of Kosovo"
AUTHOR = "kosovo-kg contributors"


@dataclass(frozen=True)
class SourceRecord:
    """One pinned source file as the manifest describes it."""

    id: str
    path: str  # relative to data/sources
    title: str
    licence: str
    url: str
    sha256: str


def source_records(data_dir: Path) -> list[SourceRecord]:
    """The manifest's sources, or none when the data folder has no manifest (a bare dump)."""
    try:
        manifest = Manifest(data_dir)
    except SourceError:
        return []
    return [
        SourceRecord(
            id=f.id,
            path=str(f.meta.get("path", "")),
            title=str(f.meta.get("title", f.id)),
            licence=str(f.meta.get("licence", "")),
            url=str(f.meta.get("url", "")),
            sha256=f.sha256,
        )
        for f in manifest.files.values()
    ]


def file_date(path: Path) -> str:
    """The file's modification time, UTC, as an xsd:dateTime (when the dump was written)."""
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    return stamp.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def citation_text(data_version: str, base_iri: str) -> str:
    """A one-line citation naming the release, the data version and the dataset IRI."""
    return (
        f"{AUTHOR}. {TITLE}. Version {__version__}, data version {data_version}. {base_iri}dataset"
    )
