"""Shared fixtures: the real pipeline, run once per session, and a real Oxigraph store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kosovo_kg import store as store_mod
from kosovo_kg.build import BuildResult, make_graph
from kosovo_kg.settings import PROJECT_ROOT, Settings, load_settings
from kosovo_kg.stats import prologue
from kosovo_kg.vocab import Iris

BASE = "https://w3id.org/kosovo-kg/"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="session")
def built(settings: Settings) -> BuildResult:
    return make_graph(settings)


@pytest.fixture(scope="session")
def kg(built: BuildResult):
    """An in-memory Oxigraph store holding the freshly extracted graph."""
    return store_mod.memory_store_from_nquads(built.nquads)


@pytest.fixture(scope="session")
def iris() -> Iris:
    return Iris(BASE)


@pytest.fixture(scope="session")
def q(kg, iris):
    """Run a SELECT (with the project's prefixes) and return rows of plain values."""

    def run(text: str) -> list[dict[str, str | None]]:
        return store_mod.select_rows(kg, prologue(iris) + text)

    return run


@pytest.fixture
def data_copy(tmp_path: Path) -> Settings:
    """A private copy of data/ (sources and curated) for tests that break or rebuild it."""
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "sources", data / "sources")
    shutil.copytree(PROJECT_ROOT / "data" / "curated", data / "curated")
    return load_settings({"data_dir": data, "var_dir": tmp_path / "var"}, environ={})
