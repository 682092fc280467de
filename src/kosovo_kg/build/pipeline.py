"""The build: pinned sources -> RDF with provenance -> SHACL -> dump -> on-disk store.

`make_graph` checks the pinned sources, loads the registry, then runs the extractors of
`STAGES` in order, each `add_to(b, sources)` (one shape for every source kind, see
`build.stage`), each step reported through `progress`; `build` then serialises, validates with
SHACL, writes the dump atomically and loads the store atomically. A failure at any step raises
before the dump or the store is replaced, so the last good graph keeps serving.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import store as store_mod
from kosovo_kg.build import (
    article,
    derive,
    editions,
    memberships,
    news,
    positions,
    reference,
    withdrawn,
)
from kosovo_kg.build.news_claimants import People
from kosovo_kg.build.stage import Extractor, Sources
from kosovo_kg.graph import GraphBuilder
from kosovo_kg.registry import Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.settings import PROJECT_ROOT, Settings
from kosovo_kg.sources import Manifest
from kosovo_kg.vocab import Iris

Progress = Callable[[str], None]


def _perspectives(b: GraphBuilder, sources: Sources) -> None:
    """graph/perspectives, from the claims of every stage before (not a source of its own)."""
    from kosovo_kg.perspective.graph import materialise

    sources.report.facts["perspective_periods"] = materialise(b)


# The extractors, in the order they run: the reference tables describe the states, agents and
# people that the others name; the article's recognition tables come before the stages that read
# the rest of the article; every source of claims before the row-order datings and the
# perspectives, so that its claims date rows and count.
STAGES: tuple[tuple[str, Extractor], ...] = (
    ("reference: documents, states, organisations, agents, memberships", reference.add_to),
    ("extracting the article's recognition tables", article.add_to),
    ("the article's withdrawn table and Serbia's claim", withdrawn.add_to),
    ("the article's positions and prose", positions.add_to),
    ("Kosovo's memberships and votes", memberships.add_to),
    ("ingesting news and official statements", news.add_to),
    ("Wikipedia's editions and copies", editions.add_to),
    ("deriving date bounds from table order", derive.add_to),
    ("materialising perspectives", _perspectives),
)


class BuildError(Exception):
    """The build cannot produce a valid graph (SHACL violations, bad input)."""


@dataclass
class BuildResult:
    nquads: bytes
    report: BuildReport
    dump: Path | None = None
    store: Path | None = None
    validation: object | None = None
    dataset: object | None = None  # the rdflib Dataset the N-Quads were serialised from


def make_graph(settings: Settings, progress: Progress = lambda _: None) -> BuildResult:
    """Run the pipeline in memory and return the sorted N-Quads and the build report."""
    data_dir = Path(settings.data_dir)
    report = BuildReport()
    progress("checking pinned sources")
    manifest = Manifest(data_dir)
    files = {sid: manifest.get(sid) for sid in manifest.files}
    iris = Iris(settings.base_iri)
    b = GraphBuilder(iris)
    progress("loading the registry and the curated people")
    reg = Registry.load(iris, files["countries"].path, data_dir / "curated")
    people = People(data_dir / "curated", set(reg.entities))
    sources = Sources(data_dir, manifest, files, reg, people, report)
    for step, add_to in STAGES:
        progress(step)
        add_to(b, sources)
    progress("serialising")
    return BuildResult(b.nquads(), report, dataset=b.ds)


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def build(
    settings: Settings,
    progress: Progress = lambda _: None,
    *,
    validate: bool = True,
    load_store: bool = True,
) -> BuildResult:
    """The whole build. Nothing is replaced unless every step before it succeeded."""
    started = time.perf_counter()
    result = make_graph(settings, progress)
    if validate:
        from kosovo_kg.validation import validate as shacl_validate

        progress("validating with SHACL")
        # the graph the dump was serialised from: parsing the dump again cost a fifth of the
        # build's CPU time (bench/RESULTS-build.md)
        outcome = shacl_validate(result.dataset, base_iri=settings.base_iri)
        result.validation = outcome
        result.report.facts["shacl_violations"] = len(outcome.violations)
        result.report.facts["shacl_warnings"] = len(outcome.warnings)
        if not outcome.conforms:
            raise BuildError(
                f"SHACL: {len(outcome.violations)} violation(s); the last good graph is kept.\n"
                + "\n".join(f"- {v.message} ({v.focus_node})" for v in outcome.violations[:20])
            )
    dump = store_mod.dump_path(Path(settings.data_dir))
    progress(
        f"writing {dump.relative_to(PROJECT_ROOT) if dump.is_relative_to(PROJECT_ROOT) else dump}"
    )
    write_atomically(dump, result.nquads)
    result.dump = dump
    var_dir = Path(settings.var_dir)
    report_path = var_dir / "build-report.json"
    if load_store:
        progress("loading the Oxigraph store")
        # the version of the bytes just written: an unchanged graph reuses its store
        version = store_mod.bytes_version(result.nquads)
        result.store = store_mod.build_store(dump, var_dir, version)
    result.report.facts["build_seconds"] = round(time.perf_counter() - started, 2)
    write_atomically(report_path, result.report.to_json().encode("utf-8"))
    return result
