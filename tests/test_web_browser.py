"""The reading pages in a real browser: Debian's chromium driven by playwright-core (npm), against
a real `kosovo-kg serve` process holding the shipped graph. The script (tests/browser/pages.mjs)
opens each kind of page, runs a saved query through its form and a query in the editor, records
every request URL (none may leave the server) and writes screenshots to
test-artifacts/screenshots/. Skipped only when chromium, node or playwright-core are missing on
a local machine; under CI (CI set) their absence fails the test."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from endpoint_support import run_server

from kosovo_kg.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCRIPT = PROJECT_ROOT / "tests" / "browser" / "pages.mjs"
SHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
DUMP = PROJECT_ROOT / "data" / "generated" / "kosovo-kg.nq"
EXPECTED_SHOTS = {
    "home",
    "home-map",
    "home-serbia-2019",
    "state-PLW",
    "ontology",
    "event",
    "saved-query-form",
    "editor",
    "editor-nojs",
    "sparql-results",
    "claims-chart",
    "claims-chart-wikipedia",
}


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install -y chromium)"
    if shutil.which("node") is None:
        return "no node on PATH"
    for package in ("playwright-core", "@zazuko/yasgui"):
        if not (PROJECT_ROOT / "node_modules" / package / "package.json").exists():
            return f"npm package {package} is not installed (npm ci)"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def test_pages_in_chromium(browser_ready: None, tmp_path: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with run_server(tmp_path / "srv", {"KOSOVO_KG_WORKERS": "2"}, DUMP.read_bytes()) as server:
        done = subprocess.run(
            ["node", str(SCRIPT), server.url, str(SHOTS), str(tmp_path / "profile")],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROMIUM": CHROMIUM},
        )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    failed = [c for c in report["checks"] if not c["ok"]]
    assert not failed, json.dumps(failed, indent=1)
    names = {c["name"] for c in report["checks"]}
    assert {"editor: results shown", "saved-query form: result row"} <= names
    assert "no request leaves the server" in names
    # every request went to the server under test, and the pages' assets were among them
    assert all(u.startswith(server.url + "/") for u in report["requests"])
    assert any(u.endswith("/assets/yasgui.min.js") for u in report["requests"])
    assert {Path(s).stem for s in report["screenshots"]} == EXPECTED_SHOTS
    for shot in report["screenshots"]:
        assert Path(shot).stat().st_size > 5000, shot
