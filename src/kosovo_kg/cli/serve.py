"""`kosovo-kg serve`: one flag per setting of the table, then gunicorn (or Flask's dev
server, or a reload of the running server)."""

from __future__ import annotations

import click

from kosovo_kg.settings import load_settings


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


@click.command()
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


COMMANDS = (serve,)
