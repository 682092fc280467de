"""Commands that hand the graph out: export (claims CSV, panel, nanopublications), release,
publish to an external engine."""

from __future__ import annotations

from pathlib import Path

import click

from kosovo_kg.cli.common import fail, open_store, settings_of
from kosovo_kg.settings import Settings


@click.command()
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

    dump = dump_path(settings_of(ctx).data_dir)
    if not dump.exists():
        fail(f"{dump}: no dump (run `kosovo-kg build`)")
    say = (lambda _: None) if quiet else (lambda line: click.echo(line, err=True))
    try:
        run_publish(dump, url, timeout=timeout, progress=say)
    except (PublishError, StoreError) as exc:
        fail(str(exc))


@click.command()
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

    settings = settings_of(ctx)
    if nanopubs is not None:
        if panel or out is not None:
            raise click.UsageError(
                "--nanopubs writes a folder of its own: not with --panel or --out"
            )
        _export_nanopubs(settings, nanopubs, key)
        return
    if out is not None and not out.parent.exists():
        fail(f"{out.parent}: no such folder")
    if panel:
        from kosovo_kg.panel import PanelError, default_range, panel_csv
        from kosovo_kg.sources import SourceError

        first, last = default_range(by, first, last)
        try:
            text, n = panel_csv(
                open_store(settings), Iris(settings.base_iri), settings.data_dir, by, first, last
            )
        except (PanelError, SourceError) as exc:
            fail(str(exc))
            return
        what = f"{n} rows (state x {by}, {first} to {last})"
    else:
        text = export_csv(open_store(settings), Iris(settings.base_iri))
        what = f"{text.count(chr(10)) - 1} rows (claim x evidence)"
    if out is None:
        click.echo(text, nl=False)
        return
    from kosovo_kg.build import write_atomically

    write_atomically(out, text.encode("utf-8"))
    click.echo(f"wrote {what} to {out}", err=True)


def _export_nanopubs(settings: Settings, folder: Path, key: Path | None) -> None:
    from kosovo_kg.nanopubs import NanopubError, export_nanopubs
    from kosovo_kg.store import data_version, dump_path
    from kosovo_kg.vocab import Iris

    def progress(n: int, total: int) -> None:
        if n % 200 == 0 or n == total:
            click.echo(f"[nanopubs] {n}/{total}", err=True)

    store = open_store(settings)
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
        fail(str(exc))
        return
    click.echo(f"wrote {count} signed nanopublications to {folder} in {seconds:.1f} s", err=True)


@click.command()
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
        made = write_release(settings_of(ctx), out, dump)
    except (ReleaseError, SourceError) as exc:
        fail(str(exc))
        return
    for m in made:
        rows = f"{m.rows} rows" if m.rows is not None else ""
        size = (out / m.name).stat().st_size
        click.echo(f"{m.name:24} {size:>10} bytes {rows:>12} {m.seconds:6.2f} s")
    click.echo(f"wrote {len(made)} files to {out}", err=True)


COMMANDS = (publish, export, release)
