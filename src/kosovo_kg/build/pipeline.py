"""The build: pinned sources -> RDF with provenance -> SHACL -> dump -> on-disk store.

Steps (each reported through `progress`): check the pinned sources, load the registry, emit the
reference graph, extract the article, derive date bounds, serialise, validate with SHACL, write
the dump atomically, load the store atomically. A failure at any step raises before the dump or
the store is replaced, so the last good graph keeps serving.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kosovo_kg import store as store_mod
from kosovo_kg.build import editions
from kosovo_kg.build import reference as ref
from kosovo_kg.build.article import ArticleExtractor
from kosovo_kg.build.derive import OrderedRow, derive_row_order_bounds
from kosovo_kg.build.memberships import MembershipExtractor
from kosovo_kg.build.news import NewsExtractor
from kosovo_kg.build.news_claimants import People
from kosovo_kg.build.positions import PositionExtractor, ProseExtractor
from kosovo_kg.build.seed import parse_article
from kosovo_kg.graph import GraphBuilder
from kosovo_kg.registry import Registry
from kosovo_kg.report import BuildReport
from kosovo_kg.settings import PROJECT_ROOT, Settings
from kosovo_kg.sources import CsvRow, Manifest, SourceError, read_csv, read_toml
from kosovo_kg.vocab import Iris

Progress = Callable[[str], None]

RECOGNISED = "Countries which have recognised Kosovo as an independent state"


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


def _reference_locator(manifest: Manifest):
    """Find a quote in a reference file; return (and emit) the location of its line."""

    def locate(b: GraphBuilder, row: CsvRow, quote: str) -> str:
        from kosovo_kg.graph import Loc

        source = manifest.get(row["evidence_source"], verify=False)
        text = source.path.read_text(encoding="utf-8").split("\n")
        hits = [i for i, line in enumerate(text, start=1) if quote in line]
        if len(hits) != 1:
            raise SourceError(
                "data/curated/row_identifications.csv",
                f"evidence quote found {len(hits)} times in {source.path.name}; need exactly once",
                row.line,
            )
        return b.location("reference", Loc(source.id, source.path.name, hits[0], quote=quote))

    return locate


def make_graph(settings: Settings, progress: Progress = lambda _: None) -> BuildResult:
    """Run the pipeline in memory and return the sorted N-Quads and the build report."""
    data_dir = Path(settings.data_dir)
    curated = data_dir / "curated"
    report = BuildReport()
    progress("checking pinned sources")
    manifest = Manifest(data_dir)
    files = {sid: manifest.get(sid) for sid in manifest.files}
    iris = Iris(settings.base_iri)
    b = GraphBuilder(iris)
    progress("loading states, organisations and agents")
    reg = Registry.load(iris, files["countries"].path, curated)
    ref.emit_documents(b, manifest)
    ref.emit_entities(b, reg, str(files["countries"].path))
    ref.emit_organisations(b, reg, ref.wikidata_terms(files["wikidata-terms"].path))
    ref.emit_agents(b, reg)
    people = People(curated, set(reg.entities))
    ref.emit_people(b, reg, people)
    progress("memberships and reference claims")
    ref.emit_memberships(b, reg, files["memberships"].path, report)
    ref.emit_reference_recognitions(b, reg, files["recognitions"].path)
    members: dict[str, set[str]] = {}
    for row in read_csv(files["memberships"].path):
        members.setdefault(row["organisation"], set()).add(row["iso3"])

    progress("extracting the article")
    article = parse_article(files["article"].path)
    identifications = {
        (r["table"], int(r["line"])): r
        for r in read_csv(curated / "row_identifications.csv", ("table", "line", "entity", "basis"))
    }
    seed_codes = {int(r["seed_line"]): r for r in read_csv(files["seed-codes"].path)}
    locate = _reference_locator(manifest)
    ex = ArticleExtractor(
        b,
        reg,
        article,
        report,
        identifications,
        lambda row, q: locate(b, row, q),
        members,
        seed_codes,
    )
    un_table, non_un_table = [t for t in article.tables if RECOGNISED in t.section][:2]
    withdrawn = next(t for t in article.tables if "withdrawn recognition" in t.section[-1])
    ex.recognition_table(un_table, "un-recognitions")
    ex.recognition_table(non_un_table, "non-un-recognitions")
    un_rows, non_un_rows = ex.rows["un-recognitions"], ex.rows["non-un-recognitions"]
    table_withdrawals = ex.withdrawn_table(withdrawn)
    ex.serbia_claim(table_withdrawals)
    positions = PositionExtractor(ex)
    positions.tables()
    prose = ProseExtractor(
        ex, read_toml(curated / "article_prose.toml"), curated / "article_prose.toml"
    )
    counts = prose.counts()
    events = prose.events()
    spec = curated / "kosovo_memberships.toml"
    memberships = MembershipExtractor(ex, read_toml(spec), spec)
    memberships.run()

    progress("ingesting news and official statements")
    news = NewsExtractor(b, reg, report, files["claims-news"].path, curated, people)
    news.run()

    editions.ingest(b, reg, report, files, curated)  # Wikipedia copies and editions
    progress("deriving date bounds from table order")
    derived = 0
    for rows, name in ((un_rows, "UN-member recognitions"), (non_un_rows, "non-UN recognitions")):
        ordered = [
            OrderedRow(ex.recognition(entity), facts.order, _row_loc(b, facts, rows is un_rows))
            for facts, entity in rows
            if facts.order
        ]
        made, problems = derive_row_order_bounds(b, ordered, name)
        derived += made
        for problem in problems:
            report.warn(files["article"].path, None, problem)

    progress("materialising perspectives")
    from kosovo_kg.perspective.graph import materialise

    report.facts["perspective_periods"] = materialise(b)

    report.facts.update(
        {
            "recognition_rows_un": len(un_rows),
            "recognition_rows_non_un": len(non_un_rows),
            "withdrawn_rows": len(table_withdrawals),
            "position_rows": positions.count,
            "count_claims_prose": counts,
            "prose_events": events,
            "kosovo_admissions": memberships.admissions,
            "votes_about_kosovo": memberships.votes,
            "derived_datings": derived,
            "unidentified_rows": len(ex.unidentified),
            "news_claim_rows": news.claims,
            "news_rows_not_ingested": news.skipped,
            "news_documents": len(news.docs),
            "news_claims_split": news.split,
        }
    )
    progress("serialising")
    return BuildResult(b.nquads(), report, dataset=b.ds)


def _row_loc(b: GraphBuilder, facts, un: bool) -> str:
    table = "un-recognitions" if un else "non-un-recognitions"
    parts = [table, f"L{facts.line}"]
    return b.iris.ref("article", *parts)


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
