"""A release folder (`kosovo-kg release --out DIR`): the graph and its tables with SHA-256
checksums and an RO-Crate (the `rocrate` library lives here and only here).

Files: the dump as N-Quads and TriG, the claims CSV (`kosovo_kg.export`), the year and month
panels (`kosovo_kg.panel`), the ontology, the shapes, the codebook and CITATION.cff, then
`SHA256SUMS` (`sha256sum -c` reads it) and `ro-crate-metadata.json`, which describes every file:
its format, size, SHA-256, licence, and the action that made it (the kosovo-kg version, the
command, the pinned sources it was made from, each with its licence and checksum).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

from kosovo_kg import __version__
from kosovo_kg.citation import AUTHOR, TITLE, SourceRecord, citation_text, source_records
from kosovo_kg.export import export_csv
from kosovo_kg.jsonld_context import context_json
from kosovo_kg.panel import default_range, panel_csv
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.sources import sha256_file
from kosovo_kg.store import data_version, dump_path, memory_store_from_nquads, write_trig
from kosovo_kg.vocab import PREFIXES, Iris

SUMS = "SHA256SUMS"
CRATE = "ro-crate-metadata.json"
SHA256_TERM = "https://w3id.org/ro/terms/workflow-run#sha256"
MIT = "https://spdx.org/licenses/MIT"
OWN = "the project's own work (MIT, see LICENSE)"


@dataclass
class Made:
    """One file of the release and how it was made."""

    name: str
    media: str
    description: str
    command: str
    own: bool  # the project's own work (MIT) rather than data from the sources
    seconds: float = 0.0
    rows: int | None = None


class ReleaseError(Exception):
    """The release cannot be written (no dump, output folder not empty)."""


def _timed(made: Made, action: Callable[[], int | None]) -> Made:
    start = time.perf_counter()
    made.rows = action()
    made.seconds = time.perf_counter() - start
    return made


def write_files(settings: object, out: Path, dump: Path | None = None) -> list[Made]:
    """Write the data files into `out` from `dump` (default: the data folder's); return what
    was made, with row counts and timings."""
    data_dir: Path = settings.data_dir  # type: ignore[attr-defined]
    iris = Iris(settings.base_iri)  # type: ignore[attr-defined]
    dump = dump or dump_path(data_dir)
    if not dump.exists():
        raise ReleaseError(f"{dump}: no dump (run `kosovo-kg build`)")
    store = memory_store_from_nquads(dump)
    made: list[Made] = []

    def copy(src: Path, name: str) -> Callable[[], None]:
        def run() -> None:
            shutil.copyfile(src, out / name)

        return run

    def text(name: str, body: Callable[[], tuple[str, int | None]]) -> Callable[[], int | None]:
        def run() -> int | None:
            content, rows = body()
            (out / name).write_text(content, encoding="utf-8")
            return rows

        return run

    def claims() -> tuple[str, int]:
        csv_text = export_csv(store, iris)
        return csv_text, csv_text.count("\n") - 1

    def panel(by: str) -> Callable[[], tuple[str, int]]:
        first, last = default_range(by, None, None)
        return lambda: panel_csv(store, iris, data_dir, by, first, last)

    prefixes = {**PREFIXES, "kr": iris.kr}
    jobs = [
        (Made("kosovo-kg.nq", "application/n-quads",
              "The graph: every claim with its claimant, evidence and dates, one named graph per "
              "source (N-Quads, as built).", "kosovo-kg build", False), copy(dump, "kosovo-kg.nq")),
        (Made("kosovo-kg.trig", "application/trig",
              "The same graph as TriG (prefixed, grouped by named graph).",
              "kosovo-kg release (the dump re-serialised by Oxigraph)", False),
         lambda: write_trig(store, out / "kosovo-kg.trig", prefixes)),
        (Made("claims.csv", "text/csv",
              "One row per claim and piece of evidence, Wikidata-shaped (docs/codebook.md, "
              "src/kosovo_kg/export.py).", "kosovo-kg export", False), text("claims.csv", claims)),
        (Made("panel-year.csv", "text/csv",
              "State x year panel of the perspectives' statuses (docs/codebook.md).",
              "kosovo-kg export --panel --by year", False),
         text("panel-year.csv", panel("year"))),
        (Made("panel-month.csv", "text/csv",
              "State x month panel of the perspectives' statuses (docs/codebook.md).",
              "kosovo-kg export --panel --by month", False),
         text("panel-month.csv", panel("month"))),
        (Made("kosovo-kg.ttl", "text/turtle", "The ontology (OWL).",
              "copied from ontology/kosovo-kg.ttl", True),
         copy(PROJECT_ROOT / "ontology" / "kosovo-kg.ttl", "kosovo-kg.ttl")),
        (Made("kosovo-kg.shapes.ttl", "text/turtle", "The SHACL shapes every build validates.",
              "copied from shapes/kosovo-kg.shapes.ttl", True),
         copy(PROJECT_ROOT / "shapes" / "kosovo-kg.shapes.ttl", "kosovo-kg.shapes.ttl")),
        (Made("context.jsonld", "application/ld+json",
              "The JSON-LD @context of the vocabulary (served at <base>context.jsonld).",
              "kosovo-kg release (made from the ontology)", True),
         text("context.jsonld", lambda: (context_json(iris.base), None))),
        (Made("codebook.md", "text/markdown", "The codebook of the panels.",
              "copied from docs/codebook.md", True),
         copy(PROJECT_ROOT / "docs" / "codebook.md", "codebook.md")),
        (Made("CITATION.cff", "application/x-yaml", "How to cite (Citation File Format 1.2.0).",
              "copied from CITATION.cff", True),
         copy(PROJECT_ROOT / "CITATION.cff", "CITATION.cff")),
    ]  # fmt: skip
    for entry, action in jobs:
        made.append(_timed(entry, action))
    return made


def write_sums(out: Path, names: list[str]) -> None:
    """`SHA256SUMS` in the format `sha256sum -c` reads (hex, two spaces, name)."""
    lines = [f"{sha256_file(out / name)}  {name}\n" for name in names]
    (out / SUMS).write_text("".join(lines), encoding="utf-8")


def _licence(crate: ROCrate, source: SourceRecord) -> ContextEntity:
    """The licence of a pinned source: CC BY-SA 4.0 by its IRI, else the manifest's text."""
    if source.licence.startswith("CC BY-SA 4.0"):
        return crate.add(
            ContextEntity(
                crate,
                "https://creativecommons.org/licenses/by-sa/4.0/",
                properties={"@type": "CreativeWork", "name": "CC BY-SA 4.0"},
            )
        )
    return crate.add(
        ContextEntity(
            crate,
            f"#licence-{source.id}",
            properties={
                "@type": "CreativeWork",
                "name": source.licence,
                "description": f"Licence of the source file {source.path}, as "
                "data/sources/manifest.json states it.",
            },
        )
    )


def write_crate(settings: object, out: Path, made: list[Made], when: dt.datetime) -> ROCrate:
    """ro-crate-metadata.json describing every file of `out`."""
    data_dir: Path = settings.data_dir  # type: ignore[attr-defined]
    base_iri: str = settings.base_iri  # type: ignore[attr-defined]
    version = data_version(out / "kosovo-kg.nq")
    crate = ROCrate()
    crate.metadata.extra_terms = {"sha256": SHA256_TERM}
    mit = crate.add(ContextEntity(crate, MIT, properties={"@type": "CreativeWork", "name": "MIT"}))
    sources, licences = [], {}
    for s in source_records(data_dir):
        licence = _licence(crate, s)
        licences[licence.id] = licence
        props = {
            "@type": "CreativeWork", "name": s.title, "description": f"data/sources/{s.path}",
            "sha256": s.sha256, "license": licence,
        }  # fmt: skip
        if s.url:
            props["url"] = s.url
        sources.append(crate.add(ContextEntity(crate, f"#source-{s.id}", properties=props)))
    data_licences = list(licences.values())
    tool = crate.add(
        ContextEntity(
            crate,
            "#kosovo-kg",
            properties={
                "@type": "SoftwareApplication",
                "name": "kosovo-kg",
                "version": __version__,
                "license": mit,
            },
        )
    )
    files = []
    for m in made:
        path = out / m.name
        files.append(
            crate.add_file(
                path,
                dest_path=m.name,
                properties={
                    "name": m.name,
                    "encodingFormat": m.media,
                    "description": m.description
                    + (f" {m.rows} rows." if m.rows is not None else ""),
                    "contentSize": str(path.stat().st_size),
                    "sha256": sha256_file(path),
                    "license": [mit] if m.own else data_licences,
                    **({"isBasedOn": sources} if not m.own else {}),
                },
            )
        )
    for m, f in zip(made, files, strict=True):
        crate.add_action(
            tool,
            identifier=f"#make-{m.name}",
            object=[] if m.own else sources,
            result=[f],
            properties={"@type": "CreateAction", "name": m.command,
                        "endTime": when.isoformat()},
        )  # fmt: skip
    sums = crate.add_file(
        out / SUMS,
        dest_path=SUMS,
        properties={"name": SUMS, "encodingFormat": "text/plain",
                    "description": "SHA-256 of every other file (sha256sum -c SHA256SUMS).",
                    "license": mit},
    )  # fmt: skip
    root = crate.root_dataset
    root["name"] = TITLE
    root["description"] = (
        "Release of kosovo-kg: the graph, its claims and panels, the ontology and the shapes. "
        "The data carry their sources' licences (text from the Wikipedia article: CC BY-SA 4.0; "
        "the reference tables: their own); the ontology, shapes and docs are MIT. "
        f"Data version {version} (the first 12 hex digits of the SHA-256 of kosovo-kg.nq)."
    )
    root["version"] = __version__
    root["identifier"] = f"{base_iri}dataset"
    root["datePublished"] = when.isoformat()
    root["license"] = [*data_licences, mit]
    root["creditText"] = citation_text(version, base_iri)
    root["author"] = crate.add(
        ContextEntity(crate, "#contributors", properties={"@type": "Organization", "name": AUTHOR})
    )
    root["isBasedOn"] = sources
    root["hasPart"] = [*files, sums]
    crate.metadata.write(out)
    return crate


def release(settings: object, out: Path, dump: Path | None = None) -> list[Made]:
    """Write the release of `dump` (default: the data folder's) into `out` (created, or an
    empty folder)."""
    if out.exists() and any(out.iterdir()):
        raise ReleaseError(f"{out}: not empty (a release goes into a new or empty folder)")
    out.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0)
    made = write_files(settings, out, dump)
    write_sums(out, [m.name for m in made])
    start = time.perf_counter()
    write_crate(settings, out, made, when)
    made.append(Made(CRATE, "application/ld+json", "RO-Crate", "", True,
                     time.perf_counter() - start))  # fmt: skip
    return made
