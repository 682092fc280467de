"""The `kosovo-kg` command line (click lives in this package and only here): the group and its
options here, the commands in the modules named after what they work on (graph, serve, docs,
release)."""

from __future__ import annotations

from pathlib import Path

import click

from kosovo_kg import __version__
from kosovo_kg.cli import docs, graph, release, serve
from kosovo_kg.settings import load_settings


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


for _module in (graph, serve, docs, release):
    for _command in _module.COMMANDS:
        main.add_command(_command)
