"""The `kosovo-kg` command line (click lives here and only here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kosovo_kg import __version__
from kosovo_kg.settings import load_settings


def _settings(ctx: click.Context) -> Any:
    return ctx.obj["settings"]


@click.group()
@click.version_option(__version__, prog_name="kosovo-kg")
@click.option("--base-iri", default=None, help="Base IRI of minted IRIs (KOSOVO_KG_BASE_IRI).")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Data folder (KOSOVO_KG_DATA_DIR).",
)
@click.option(
    "--var-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for stores and reports (KOSOVO_KG_VAR_DIR).",
)
@click.pass_context
def main(
    ctx: click.Context, base_iri: str | None, data_dir: Path | None, var_dir: Path | None
) -> None:
    """kosovo-kg: build, validate, query and serve the Kosovo recognition graph."""
    try:
        settings = load_settings({"base_iri": base_iri, "data_dir": data_dir, "var_dir": var_dir})
    except (ValueError, KeyError) as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.ensure_object(dict)
    ctx.obj["settings"] = settings


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@main.command()
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
            _settings(ctx), progress, validate=not no_validate, load_store=not no_store
        )
    except (SourceError, BuildError, StoreError) as exc:
        _fail(f"{exc}\nbuild aborted; the last good dump and store are unchanged")
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


@main.command()
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

    settings = _settings(ctx)
    path = path or dump_path(settings.data_dir)
    if not path.exists():
        _fail(f"{path}: no such file (run `kosovo-kg build`)")
    try:  # Oxigraph's parser names the line of a syntax error (a truncated dump), rdflib's not
        if check_nquads(path) == 0:
            _fail(f"{path}: no quads: the file is empty")
        outcome = shacl_validate(path.read_bytes(), base_iri=settings.base_iri)
    except (StoreError, ValidationInputError) as exc:
        _fail(str(exc))
        return
    click.echo(outcome.text)
    click.echo(f"violations: {len(outcome.violations)}  warnings: {len(outcome.warnings)}")
    sys.exit(0 if outcome.conforms else 1)


def _open_store(settings: Any) -> Any:
    from kosovo_kg.store import dump_path, memory_store_from_nquads

    dump = dump_path(settings.data_dir)
    if not dump.exists():
        _fail(f"{dump}: no dump (run `kosovo-kg build`)")
    return memory_store_from_nquads(dump)


@main.command()
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
    store = _open_store(_settings(ctx))
    try:
        click.echo(run_cli_query(store, text, fmt), nl=False)
    except QueryError as exc:
        _fail(str(exc))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-shacl", is_flag=True, help="Skip the SHACL run (shacl_violations = null).")
@click.pass_context
def stats(ctx: click.Context, as_json: bool, no_shacl: bool) -> None:
    """Statistics of the bundled graph, each computed by a query."""
    from kosovo_kg import stats as stats_mod
    from kosovo_kg.store import dump_path
    from kosovo_kg.vocab import Iris

    settings = _settings(ctx)
    store = _open_store(settings)
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


def _settings_options(func):  # type: ignore[no-untyped-def]
    """One CLI flag per setting of the table (`--query-timeout`, `--workers`, ...)."""
    from kosovo_kg.settings import SETTINGS

    for setting in reversed(SETTINGS):
        func = click.option(
            setting.flag,
            setting.name,
            default=None,
            metavar=setting.type.__name__.upper(),
            help=f"{setting.doc} [env {setting.env}]",
        )(func)
    return func


def _load(ctx: click.Context, raw: dict[str, str | None]):  # type: ignore[no-untyped-def]
    """Settings from the command's flags, then the group's flags (`kosovo-kg --data-dir X
    serve`), then the environment and the defaults."""
    from kosovo_kg.settings import SETTINGS_BY_NAME

    group = ctx.obj.get("settings") if ctx.obj else None
    try:
        overrides = {
            name: SETTINGS_BY_NAME[name].parse(value)
            for name, value in raw.items()
            if value is not None
        }
        if group is not None:
            for name in ("base_iri", "data_dir", "var_dir"):
                overrides.setdefault(name, getattr(group, name))
        return load_settings(overrides)
    except (KeyError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.option("--debug", is_flag=True, help="Use Flask's development server (never in production).")
@click.option(
    "--reload",
    "reload_",
    is_flag=True,
    help="Tell the server running on this port to serve the current dump (SIGHUP): it checks"
    " the dump first and keeps the data it serves if the dump does not load.",
)
@_settings_options
@click.pass_context
def serve(ctx: click.Context, debug: bool, reload_: bool, **raw: str | None) -> None:
    """Serve the SPARQL endpoint (gunicorn; Flask's dev server only with --debug)."""
    from kosovo_kg import store
    from kosovo_kg.web.server import reload, serve_debug, serve_production

    settings = _load(ctx, raw)
    if reload_:
        try:
            pid = reload(settings)
        except (RuntimeError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(
            f"reload asked of the server (pid {pid}); its log says whether it took", err=True
        )
        return
    dump = store.dump_path(settings.data_dir)
    if not dump.exists():
        raise click.ClickException(f"no dump at {dump}: run `kosovo-kg build` first")
    from kosovo_kg.saved.header import HeaderError
    from kosovo_kg.saved.library import load_library

    try:  # refuse to start on a bad saved-query header (the app checks again when it loads)
        load_library(settings.queries_dir, settings.base_iri)
    except HeaderError as exc:
        raise click.ClickException(f"saved query refused: {exc}") from None
    click.echo(f"starting the endpoint at http://{settings.host}:{settings.port}/sparql", err=True)
    try:
        (serve_debug if debug else serve_production)(settings)
    except store.StoreError as exc:
        raise click.ClickException(f"cannot serve: {exc}") from None


def _write_generated(target: Path, text: str, check: bool, command: str) -> None:
    """Write a generated document, or with `check` fail when the file differs from `text`."""
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{target} is out of date: run `kosovo-kg {command}`")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


@main.command("settings-doc")
@click.option("--check", is_flag=True, help="Fail if docs/generated/settings.md is not up to date.")
def settings_doc(check: bool) -> None:
    """Write docs/generated/settings.md from the settings table."""
    from kosovo_kg.settings import PROJECT_ROOT, settings_markdown

    _write_generated(
        PROJECT_ROOT / "docs" / "generated" / "settings.md",
        settings_markdown(),
        check,
        "settings-doc",
    )


@main.command("queries-doc")
@click.option("--check", is_flag=True, help="Fail if docs/generated/queries.md is not up to date.")
@click.pass_context
def queries_doc(ctx: click.Context, check: bool) -> None:
    """Write docs/generated/queries.md from the saved queries' headers, with samples from the shipped graph."""
    from kosovo_kg.saved.docs import markdown
    from kosovo_kg.saved.header import HeaderError
    from kosovo_kg.saved.library import load_library
    from kosovo_kg.saved.sample import LocalRunner
    from kosovo_kg.settings import PROJECT_ROOT
    from kosovo_kg.store import dump_path

    settings = _settings(ctx)
    try:
        library = load_library(settings.queries_dir, settings.base_iri)
    except HeaderError as exc:
        _fail(str(exc))
        return
    text = markdown(library, LocalRunner(dump_path(settings.data_dir), settings.base_iri))
    _write_generated(PROJECT_ROOT / "docs" / "generated" / "queries.md", text, check, "queries-doc")


# ---------------------------------------------------------------------------------------------
# Audit and export (provenance audits, issue 5). Self-contained: uses only _settings,
# _open_store and _fail from above.
# ---------------------------------------------------------------------------------------------


def _audit_date(value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date (YYYY-MM-DD): {value!r}") from None


@main.command()
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
    settings = _settings(ctx)
    try:
        if settings.sparql_backend_url:
            from kosovo_kg.audit.remote_rows import RemoteRows

            with RemoteRows(settings) as source:
                report = run_audit(source, Iris(settings.base_iri), day)
        else:
            report = run_audit(_open_store(settings), Iris(settings.base_iri), day)
    except (QueryFailed, RuntimeError) as exc:
        _fail(f"audit failed: {exc}")
    if as_json:
        click.echo(json.dumps(report, sort_keys=True, ensure_ascii=False))
    else:
        click.echo(render(report), nl=False)


@main.command()
@click.option("--to", "url", required=True, help="Graph Store HTTP Protocol URL of the engine.")
@click.option("--timeout", default=600.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.pass_context
def publish(ctx: click.Context, url: str, timeout: float, quiet: bool) -> None:
    """Load the built dump into an external engine, one named graph per PUT, and check each
    graph's triple count there (credentials: KOSOVO_KG_PUBLISH_USER / _PASSWORD)."""
    from kosovo_kg.publish import PublishError
    from kosovo_kg.publish import publish as run_publish
    from kosovo_kg.store import StoreError, dump_path

    dump = dump_path(_settings(ctx).data_dir)
    if not dump.exists():
        _fail(f"{dump}: no dump (run `kosovo-kg build`)")
    say = (lambda _: None) if quiet else (lambda line: click.echo(line, err=True))
    try:
        run_publish(dump, url, timeout=timeout, progress=say)
    except (PublishError, StoreError) as exc:
        _fail(str(exc))


@main.command()
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV file to write (default: stdout).",
)
@click.option(
    "--nanopubs",
    "nanopubs",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write every claim as a signed nanopublication into this folder (docs/nanopubs.md).",
)
@click.option(
    "--key",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Nanopubs: RSA private key to sign with (created there if missing; default: a new key).",
)
@click.option("--panel", is_flag=True, help="Write the state-period panel (docs/codebook.md).")
@click.option("--by", type=click.Choice(["year", "month"]), default="year", show_default=True)
@click.option("--from", "first", default=None, help="Panel: first year/month (2008, 2008-02).")
@click.option("--to", "last", default=None, help="Panel: last year/month (default: this one).")
@click.pass_context
def export(
    ctx: click.Context,
    out: Path | None,
    nanopubs: Path | None,
    key: Path | None,
    panel: bool,
    by: str,
    first: str | None,
    last: str | None,
) -> None:
    """Export our claims as a Wikidata-shaped CSV for review, or (--panel) the state-period
    panel of the perspectives."""
    from kosovo_kg.export import export_csv
    from kosovo_kg.vocab import Iris

    settings = _settings(ctx)
    if nanopubs is not None:
        if panel or out is not None:
            raise click.UsageError(
                "--nanopubs writes a folder of its own: not with --panel or --out"
            )
        _export_nanopubs(settings, nanopubs, key)
        return
    if out is not None and not out.parent.exists():
        _fail(f"{out.parent}: no such folder")
    if panel:
        from kosovo_kg.panel import PanelError, default_range, panel_csv
        from kosovo_kg.sources import SourceError

        first, last = default_range(by, first, last)
        try:
            text, n = panel_csv(
                _open_store(settings), Iris(settings.base_iri), settings.data_dir, by, first, last
            )
        except (PanelError, SourceError) as exc:
            _fail(str(exc))
            return
        what = f"{n} rows (state x {by}, {first} to {last})"
    else:
        text = export_csv(_open_store(settings), Iris(settings.base_iri))
        what = f"{text.count(chr(10)) - 1} rows (claim x evidence)"
    if out is None:
        click.echo(text, nl=False)
        return
    from kosovo_kg.build import write_atomically

    write_atomically(out, text.encode("utf-8"))
    click.echo(f"wrote {what} to {out}", err=True)


def _export_nanopubs(settings: Any, folder: Path, key: Path | None) -> None:
    from kosovo_kg.nanopubs import NanopubError, export_nanopubs
    from kosovo_kg.store import data_version, dump_path
    from kosovo_kg.vocab import Iris

    def progress(n: int, total: int) -> None:
        if n % 200 == 0 or n == total:
            click.echo(f"[nanopubs] {n}/{total}", err=True)

    store = _open_store(settings)
    try:
        count, seconds, _ = export_nanopubs(
            store,
            Iris(settings.base_iri),
            folder,
            data_version(dump_path(settings.data_dir)),
            key,
            progress,
        )
    except NanopubError as exc:
        _fail(str(exc))
        return
    click.echo(f"wrote {count} signed nanopublications to {folder} in {seconds:.1f} s", err=True)


@main.command()
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write (new or empty).",
)
@click.option(
    "--dump",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="N-Quads dump to release (default: the data folder's; the server passes its pinned copy).",
)
@click.pass_context
def release(ctx: click.Context, out: Path, dump: Path | None) -> None:
    """Write a release: dump (N-Quads, TriG), claims CSV, panels, ontology, shapes, SHA256SUMS
    and an RO-Crate (docs/release.md)."""
    from kosovo_kg.release import ReleaseError
    from kosovo_kg.release import release as write_release
    from kosovo_kg.sources import SourceError

    try:
        made = write_release(_settings(ctx), out, dump)
    except (ReleaseError, SourceError) as exc:
        _fail(str(exc))
        return
    for m in made:
        rows = f"{m.rows} rows" if m.rows is not None else ""
        size = (out / m.name).stat().st_size
        click.echo(f"{m.name:24} {size:>10} bytes {rows:>12} {m.seconds:6.2f} s")
    click.echo(f"wrote {len(made)} files to {out}", err=True)
