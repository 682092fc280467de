"""Commands on the graph itself: build it, validate it, query it, count it, audit it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from kosovo_kg.cli.common import fail, open_store, settings_of


@click.command()
@click.option("--no-validate", is_flag=True, help="Skip SHACL (not for releases).")
@click.option("--no-store", is_flag=True, help="Write the dump only; do not load a store.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def build(ctx: click.Context, no_validate: bool, no_store: bool, quiet: bool) -> None:
    """Build the graph: sources -> RDF -> SHACL -> dump -> on-disk store."""
    from kosovo_kg.build import BuildError
    from kosovo_kg.build import build as run_build
    from kosovo_kg.sources import SourceError
    from kosovo_kg.store import StoreError

    def progress(step: str) -> None:
        if not quiet:
            click.echo(f"[build] {step}", err=True)

    try:
        result = run_build(
            settings_of(ctx), progress, validate=not no_validate, load_store=not no_store
        )
    except (SourceError, BuildError, StoreError) as exc:
        fail(f"{exc}\nbuild aborted; the last good dump and store are unchanged")
        return
    report = result.report
    for key, value in sorted(report.facts.items()):
        click.echo(f"{key}: {value}")
    click.echo(f"warnings: {len(report.warnings)}  discrepancies: {len(report.discrepancies)}")
    for finding in report.findings:
        click.echo(f"  {finding}")
    click.echo(f"dump: {result.dump}")
    if result.store:
        click.echo(f"store: {result.store}")


@click.command()
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path),
    default=None,
    help="N-Quads file to validate (default: the bundled dump).",
)
@click.pass_context
def validate(ctx: click.Context, path: Path | None) -> None:
    """Validate the graph with the SHACL shapes; exit 1 on violations."""
    from kosovo_kg.store import StoreError, check_nquads, dump_path
    from kosovo_kg.validation import ValidationInputError
    from kosovo_kg.validation import validate as shacl_validate

    settings = settings_of(ctx)
    path = path or dump_path(settings.data_dir)
    if not path.exists():
        fail(f"{path}: no such file (run `kosovo-kg build`)")
    try:  # Oxigraph's parser names the line of a syntax error (a truncated dump), rdflib's not
        if check_nquads(path) == 0:
            fail(f"{path}: no quads: the file is empty")
        outcome = shacl_validate(path.read_bytes(), base_iri=settings.base_iri)
    except (StoreError, ValidationInputError) as exc:
        fail(str(exc))
        return
    click.echo(outcome.text)
    click.echo(f"violations: {len(outcome.violations)}  warnings: {len(outcome.warnings)}")
    sys.exit(0 if outcome.conforms else 1)


@click.command()
@click.argument("query", required=False)
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Read the query from a file ('-' or no argument: stdin).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
)
@click.pass_context
def query(ctx: click.Context, query: str | None, path: Path | None, fmt: str) -> None:
    """Run a SPARQL query on the bundled graph (default graph = union of named graphs)."""
    from kosovo_kg.store import QueryError, run_cli_query

    if path is not None:
        text = path.read_text(encoding="utf-8")
    elif query is not None and query != "-":
        text = query
    else:
        text = sys.stdin.read()
    store = open_store(settings_of(ctx))
    try:
        click.echo(run_cli_query(store, text, fmt), nl=False)
    except QueryError as exc:
        fail(str(exc))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL run (shacl_violations = null).")
@click.pass_context
def stats(ctx: click.Context, as_json: bool, no_shacl: bool) -> None:
    """Statistics of the bundled graph, each computed by a query."""
    from kosovo_kg import stats as stats_mod
    from kosovo_kg.store import dump_path
    from kosovo_kg.vocab import Iris

    settings = settings_of(ctx)
    store = open_store(settings)
    result = stats_mod.compute(store, Iris(settings.base_iri))
    if no_shacl:
        result["shacl_violations"] = None
    else:
        from kosovo_kg.validation import validate as shacl_validate

        outcome = shacl_validate(
            dump_path(settings.data_dir).read_bytes(), base_iri=settings.base_iri
        )
        result["shacl_violations"] = len(outcome.violations)
        result["shacl_warnings"] = len(outcome.warnings)
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
    else:
        for key, value in result.items():
            click.echo(f"{key}: {value}")


def _audit_date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from None


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--date", "on", default=None, help="Audit date YYYY-MM-DD (default: today).")
@click.pass_context
def audit(ctx: click.Context, as_json: bool, on: str | None) -> None:
    """Audit claims: contradictions, single sources, derived dates, conflicts, figures, coverage.
    With sparql_backend_url set (KOSOVO_KG_SPARQL_BACKEND_URL), on that engine's graphs."""
    from kosovo_kg.audit import run_audit
    from kosovo_kg.audit.report import render
    from kosovo_kg.store import QueryFailed
    from kosovo_kg.vocab import Iris

    day = _audit_date(on)
    settings = settings_of(ctx)
    try:
        if settings.sparql_backend_url:
            from kosovo_kg.audit.remote_rows import RemoteRows

            with RemoteRows(settings) as source:
                report = run_audit(source, Iris(settings.base_iri), day)
        else:
            report = run_audit(open_store(settings), Iris(settings.base_iri), day)
    except (QueryFailed, RuntimeError) as exc:
        fail(f"audit failed: {exc}")
    if as_json:
        click.echo(json.dumps(report, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render(report), nl=False)


COMMANDS = (build, validate, query, stats, audit)
