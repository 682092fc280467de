"""What the command modules share: the group's settings, the error exit, the bundled graph."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from kosovo_kg.settings import Settings

if TYPE_CHECKING:
    import pyoxigraph


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group read from its flags, the environment and the defaults."""
    return ctx.obj["settings"]


def fail(message: str) -> None:
    """Print `error: <message>` on stderr and exit 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def open_store(settings: Settings) -> pyoxigraph.Store:
    """The bundled dump in an in-memory store (exit 1 when it is not built)."""
    from kosovo_kg.store import dump_path, memory_store_from_nquads

    dump = dump_path(settings.data_dir)
    if not dump.exists():
        fail(f"{dump}: no dump (run `kosovo-kg build`)")
    return memory_store_from_nquads(dump)
