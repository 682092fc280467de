"""docs/queries.md is generated from the headers and the shipped graph; it must not go stale."""

from __future__ import annotations

from click.testing import CliRunner

from kosovo_kg.cli import main
from kosovo_kg.saved.docs import markdown
from kosovo_kg.saved.library import load_library
from kosovo_kg.saved.sample import LocalRunner
from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import dump_path

DOC = PROJECT_ROOT / "docs" / "queries.md"


def test_docs_are_generated_and_fresh():
    library = load_library(PROJECT_ROOT / "queries")
    runner = LocalRunner(dump_path(PROJECT_ROOT / "data"), "https://w3id.org/kosovo-kg/")
    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("# Saved queries\n\n<!-- GENERATED from the headers")
    assert text == markdown(library, runner), (
        "docs/queries.md is stale: run `kosovo-kg queries-doc`"
    )


def test_every_query_is_documented_with_a_call_and_a_sample():
    text = DOC.read_text(encoding="utf-8")
    for name in load_library(PROJECT_ROOT / "queries"):
        section = text.split(f"\n## {name}\n", 1)
        assert len(section) == 2, f"{name} is missing from docs/queries.md"
        body = section[1].split("\n## ", 1)[0]
        assert f"curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/queries/{name}" in body
        if "SERVICE <" in load_library(PROJECT_ROOT / "queries")[name].body:
            assert "No sample: a federated query" in body  # docs never touch the network
        else:
            assert "Sample (" in body and "\n|---|" in body


def test_check_flag_fails_on_a_stale_doc(tmp_path, monkeypatch):
    assert CliRunner().invoke(main, ["queries-doc", "--check"]).exit_code == 0
    extra = tmp_path / "queries"
    extra.mkdir()
    for path in (PROJECT_ROOT / "queries").glob("*.rq"):
        (extra / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (extra / "new-query.rq").write_text(
        "#+ title: New\n#+ description: Not yet documented.\nSELECT * { ?s ?p ?o } LIMIT 1\n"
    )
    monkeypatch.setenv("KOSOVO_KG_QUERIES_DIR", str(extra))
    result = CliRunner().invoke(main, ["queries-doc", "--check"])
    assert result.exit_code != 0 and "out of date" in result.output


def test_serve_refuses_to_start_on_a_bad_header(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "ok.rq").write_text("#+ title: T\n#+ description: D\nSELECT * { ?s ?p ?o }\n")
    (tmp_path / "bad.rq").write_text(
        "#+ title: T\n#+ description: D\n#+ param: x | date | soon\nSELECT ?x {}\n"
    )
    env = {"KOSOVO_KG_QUERIES_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    script = Path(sys.executable).parent / "kosovo-kg"
    result = subprocess.run(
        [str(script), "serve", "--port", "9"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert f"{tmp_path / 'bad.rq'}:3: param needs 5 fields" in result.stderr
