"""The `kosovo-kg` command line (click lives here and only here)."""

from __future__ import annotations

import click

from kosovo_kg import __version__


@click.group()
@click.version_option(__version__, prog_name="kosovo-kg")
def main() -> None:
    """kosovo-kg: build, validate, query and serve the Kosovo recognition graph."""


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


def _load(raw: dict[str, str | None]):  # type: ignore[no-untyped-def]
    from kosovo_kg.settings import SETTINGS_BY_NAME, load_settings

    try:
        overrides = {
            name: SETTINGS_BY_NAME[name].parse(value)
            for name, value in raw.items()
            if value is not None
        }
        return load_settings(overrides)
    except (KeyError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc


@main.command()
@click.option("--debug", is_flag=True, help="Use Flask's development server (never in production).")
@_settings_options
def serve(debug: bool, **raw: str | None) -> None:
    """Serve the SPARQL endpoint (gunicorn; Flask's dev server only with --debug)."""
    from kosovo_kg import store
    from kosovo_kg.web.server import serve_debug, serve_production

    settings = _load(raw)
    dump = store.dump_path(settings.data_dir)
    if not dump.exists():
        raise click.ClickException(f"no dump at {dump}: run `kosovo-kg build` first")
    if settings.store_mode == "disk":
        current = store.current_store(settings.var_dir)
        if current is None or store.store_version(current) != store.data_version(dump):
            click.echo(f"building the store from {dump} ...", err=True)
            store.build_store(dump, settings.var_dir)
    click.echo(f"serving on http://{settings.host}:{settings.port}/sparql", err=True)
    (serve_debug if debug else serve_production)(settings)


@main.command("settings-doc")
@click.option("--check", is_flag=True, help="Fail if docs/settings.md is not up to date.")
def settings_doc(check: bool) -> None:
    """Write docs/settings.md from the settings table."""
    from kosovo_kg.settings import PROJECT_ROOT, settings_markdown

    target = PROJECT_ROOT / "docs" / "settings.md"
    text = settings_markdown()
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{target} is out of date: run `kosovo-kg settings-doc`")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")
