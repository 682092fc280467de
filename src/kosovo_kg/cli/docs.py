"""Commands that write the generated documents (docs/generated/) or check them."""

from __future__ import annotations

from pathlib import Path

import click

from kosovo_kg.cli.common import fail, settings_of


def _write_generated(target: Path, text: str, check: bool, command: str) -> None:
    """Write a generated document, or with `check` fail when the file differs from `text`."""
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{target} is out of date: run `kosovo-kg {command}`")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


@click.command("settings-doc")
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


@click.command("queries-doc")
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

    settings = settings_of(ctx)
    try:
        library = load_library(settings.queries_dir, settings.base_iri)
    except HeaderError as exc:
        fail(str(exc))
        return
    text = markdown(library, LocalRunner(dump_path(settings.data_dir), settings.base_iri))
    _write_generated(PROJECT_ROOT / "docs" / "generated" / "queries.md", text, check, "queries-doc")


COMMANDS = (settings_doc, queries_doc)
