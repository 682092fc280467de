"""docs/generated/settings.md is generated from the settings table; they must not drift apart."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kosovo_kg.cli import main
from kosovo_kg.settings import PROJECT_ROOT, SETTINGS, load_settings, settings_markdown


def test_docs_match_the_settings_table():
    doc = (PROJECT_ROOT / "docs" / "generated" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), (
        "docs/generated/settings.md is stale: run `kosovo-kg settings-doc`"
    )
    for setting in SETTINGS:
        assert f"`{setting.env}`" in doc
        assert setting.doc.strip()
    assert CliRunner().invoke(main, ["settings-doc", "--check"]).exit_code == 0


def test_serve_has_a_flag_for_every_setting():
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    for setting in SETTINGS:
        assert setting.flag in help_text
    assert "--debug" in help_text


def test_serve_settings_are_read_from_the_environment_and_checked():
    env = {
        "KOSOVO_KG_QUERY_TIMEOUT": "2.5",
        "KOSOVO_KG_SERVICE_ALLOWLIST": "https://a/, https://b/",
    }
    settings = load_settings(environ=env)
    assert settings.query_timeout == 2.5
    assert settings.service_allowlist == ("https://a/", "https://b/")
    assert load_settings(environ={}).service_allowlist == ()
    for bad in ({"store_mode": "tape"}, {"workers": 0}, {"query_timeout": 0.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            load_settings(bad, environ={})


def test_serve_takes_the_group_options_and_needs_a_dump(tmp_path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path / "nowhere"), "serve"])
    assert result.exit_code != 0
    assert str(tmp_path / "nowhere" / "generated" / "kosovo-kg.nq") in result.output
    bad = CliRunner().invoke(main, ["serve", "--workers", "many"])
    assert bad.exit_code == 2 and "KOSOVO_KG_WORKERS" in bad.output
