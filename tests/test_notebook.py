"""docs/notebooks/kosovo-kg-pandas.ipynb runs top to bottom against a real `kosovo-kg serve` on the
bundled graph (SPARQLWrapper and saved-query CSV into pandas, one plot), so it never goes stale."""

from __future__ import annotations

import nbformat
from endpoint_support import run_server
from nbclient import NotebookClient

from kosovo_kg.settings import PROJECT_ROOT
from kosovo_kg.store import dump_path

NOTEBOOK = PROJECT_ROOT / "docs" / "notebooks" / "kosovo-kg-pandas.ipynb"


def test_notebook_executes_against_a_real_server(tmp_path, monkeypatch):
    nquads = dump_path(PROJECT_ROOT / "data").read_bytes()
    figure = tmp_path / "figure.png"
    with run_server(tmp_path, {}, nquads) as server:
        monkeypatch.setenv("KOSOVO_KG_URL", server.url)
        monkeypatch.setenv("KOSOVO_KG_FIGURE", str(figure))
        notebook = nbformat.read(NOTEBOOK, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3", resources={
            "metadata": {"path": str(tmp_path)}}).execute()  # fmt: skip
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    tables = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.output_type == "execute_result" and "text/html" in o.get("data", {})]  # fmt: skip
    assert len(tables) == 2  # the claimed counts and the Serbian series
