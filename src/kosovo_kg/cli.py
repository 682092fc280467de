"""The `kosovo-kg` command line (click lives here and only here)."""

from __future__ import annotations

import click

from kosovo_kg import __version__


@click.group()
@click.version_option(__version__, prog_name="kosovo-kg")
def main() -> None:
    """kosovo-kg: build, validate, query and serve the Kosovo recognition graph."""
